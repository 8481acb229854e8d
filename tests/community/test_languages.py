"""A member's language: saved on their settings page and by the footer switch, activated on
every page they see; notifications are rendered in the reader's language, whoever acted."""

from datetime import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from community.models import Notification
from contests.forms import EntryForm
from moderation import services as moderation
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def italian(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "it"
    return client


def test_the_saved_language_wins_over_browser_and_cookie():
    member = factories.UserFactory(language="it")
    client = client_for(member)
    html = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert '<html lang="it">' in html
    # Signed-in pages are never served from the anonymous page cache.
    assert '<html lang="en">' in Client().get("/").content.decode()
    assert '<html lang="it">' in client.get("/").content.decode()


def test_the_settings_page_saves_language_and_emails():
    member = factories.UserFactory()
    client = client_for(member)
    assert client.get(reverse("community:settings")).status_code == 200
    response = client.post(
        reverse("community:settings"), {"language": "it", "emails": ["decisions", "awards"]}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.language == "it"
    assert sorted(member.emails_off) == ["ideas", "openings", "replies"]
    assert "Lingua ed email" in client.get(reverse("community:settings")).content.decode()
    refused = client.post(reverse("community:settings"), {"language": "xx"})
    assert refused.status_code == 400
    assert Client().get(reverse("community:settings")).status_code == 302  # sign in first


def test_the_footer_switch_saves_a_signed_in_members_language():
    member = factories.UserFactory()
    client_for(member).get(reverse("community:language", args=["it"]), {"next": "/"})
    member.refresh_from_db()
    assert member.language == "it"


@pytest.mark.parametrize(
    ("actor_language", "reader_language", "expected"),
    [
        ("it", "en", "Your entry “Aurora” was approved and is now public."),
        ("en", "it", "Il tuo contenuto (proposta) “Aurora” è stato approvato ed è ora pubblico."),
    ],
)
def test_a_notification_speaks_the_readers_language(
    moderator, actor_language, reader_language, expected
):
    contest = factories.make_contest("submissions", title="Tazza")
    entry = factories.make_entry(contest, approved=False, title="Aurora")
    entry.author.language = reader_language
    entry.author.save(update_fields=["language"])
    with translation.override(actor_language):  # the moderator's request
        moderation.approve(factories.pending_item(entry).pk, moderator=moderator)
    note = Notification.objects.get(recipient=entry.author, kind="moderation.approved")
    assert note.message == "" and note.params["title"] == "Aurora"
    html = client_for(entry.author).get(reverse("community:notifications")).content.decode()
    assert expected in html


def test_old_rows_keep_their_text():
    member = factories.UserFactory()
    Notification.objects.create(recipient=member, kind="moderation.approved", message="Vecchio")
    html = client_for(member).get(reverse("community:notifications")).content.decode()
    assert "Vecchio" in html


def test_italian_dates_read_as_italian_writes_them():
    when = datetime(2026, 12, 6, 10, 0)
    with translation.override("it"):
        assert formats.date_format(when, "DATE_FORMAT") == "domenica 6 dicembre 2026"
        assert formats.date_format(when, "DATETIME_FORMAT") == "domenica 6 dicembre 2026 alle 10:00"
    with translation.override("en"):
        assert formats.date_format(when, "DATE_FORMAT") == "Dec. 6, 2026"


def test_a_contest_page_shows_italian_dates():
    contest = factories.make_contest("submissions", title="Tazza")
    html = italian(Client()).get(contest.url).content.decode()
    with translation.override("it"):
        closes = formats.date_format(
            timezone.localtime(contest.submissions_close_at), "DATETIME_FORMAT"
        )
    assert closes in html
    assert closes.split()[0] in (
        "lunedì",
        "martedì",
        "mercoledì",
        "giovedì",
        "venerdì",
        "sabato",
        "domenica",
    )


def test_the_more_images_help_is_translated():
    """It was interpolated at import, in English, and stayed so in every language."""
    with translation.override("it"):
        assert EntryForm().fields["more_images"].help_text == (
            "Facoltativo: fino a 4 viste in più del tuo design."
        )
    with translation.override("en"):
        assert EntryForm().fields["more_images"].help_text == (
            "Optional: up to 4 more views of your design."
        )


def test_live_notifications_use_the_readers_language():
    from community.consumers import reader_language

    saved = factories.UserFactory(language="it")
    browser = factories.UserFactory()
    assert reader_language({}, saved) == "it"
    assert reader_language({"cookies": {settings.LANGUAGE_COOKIE_NAME: "it"}}, browser) == "it"
    headers = [(b"accept-language", b"it-IT,it;q=0.9,en;q=0.5")]
    assert reader_language({"headers": headers}, browser) == "it"
    assert reader_language({"headers": [(b"accept-language", b"de")]}, browser) == "en"


def test_the_migration_converts_old_rows_it_can_and_keeps_the_others():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("community.migrations.0010_member_language_notification_params")
    member = factories.UserFactory(language="it")
    lifted = Notification.objects.create(
        recipient=member,
        kind="moderation.reinstated",
        message="Your suspension has been lifted: you can take part again.",
    )
    old = Notification.objects.create(
        recipient=member, kind="contest.results", message="I risultati di “X” sono online."
    )
    migration.convert_parameterless(apps, None)
    lifted.refresh_from_db()
    old.refresh_from_db()
    with translation.override("it"):
        assert lifted.text == "La tua sospensione è stata revocata: puoi partecipare di nuovo."
        assert old.text == "I risultati di “X” sono online."
