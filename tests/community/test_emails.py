"""Emails: HTML and text in one layout, in the recipient's language, naming what they are
about, with the site's name in the subject; optional ones carry a one-click unsubscribe."""

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from community import emails
from community.models import User
from community.notifications import notify
from community.theming import brand_theme
from tests import factories

pytestmark = pytest.mark.django_db

WON = {"title": "Aurora", "contest": "Tazza d'autore", "rank": 1}


def send(member, kind="contest.won", params=WON, capture=None):
    with capture(execute=True):
        notify(member, kind=kind, params=params, url="/contests/tazza/results/")


def parts(message) -> tuple[str, str]:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return message.body, html


def test_a_notification_email_names_its_subject_and_says_what_next(
    django_capture_on_commit_callbacks,
):
    member = factories.UserFactory()
    send(member, capture=django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.subject == "[Cocreo] Your entry “Aurora” won in “Tazza d'autore”"
    text, html = parts(message)
    for body in (text, html.replace("&#x27;", "'")):
        assert "Your entry “Aurora” won place 1 in “Tazza d'autore”!" in body
        assert "The brand will contact you about your prize." in body
        assert "http://127.0.0.1:8000/contests/tazza/results/" in body
    cocreo = brand_theme(None)["primary"]
    assert "<table" in html and f"background:{cocreo}" in html  # the layout, in Cocreo's colours


def test_the_email_speaks_the_recipients_language(django_capture_on_commit_callbacks):
    member = factories.UserFactory(language="it")
    send(member, capture=django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.subject == "[Cocreo] La tua proposta “Aurora” ha vinto in “Tazza d'autore”"
    text, html = parts(message)
    assert "Congratulazioni!" in text and 'lang="it"' in html


def test_optional_emails_carry_a_one_click_unsubscribe(django_capture_on_commit_callbacks):
    member = factories.UserFactory()
    send(member, capture=django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://127.0.0.1:8000/emails/unsubscribe/")
    assert link in message.body and link in message.alternatives[0][0]
    path = link.removeprefix("http://127.0.0.1:8000")

    # GET only asks: a link preview or a scanner unsubscribes no one.
    page = Client().get(path)
    assert page.status_code == 200 and "Results and awards" in page.content.decode()
    assert User.objects.get(pk=member.pk).emails_off == []
    # A mail client's one-click POST (RFC 8058), without signing in or a CSRF token.
    client = Client(enforce_csrf_checks=True)
    done = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert User.objects.get(pk=member.pk).emails_off == ["awards"]

    # The preference is honoured: no more such emails, the notification is still on the site.
    mail.outbox.clear()
    send(User.objects.get(pk=member.pk), capture=django_capture_on_commit_callbacks)
    assert mail.outbox == [] and member.notifications.count() == 2
    # Other categories still arrive.
    send(
        User.objects.get(pk=member.pk),
        kind="brand_opening",
        params={"brand": "Illy", "title": "Tazze"},
        capture=django_capture_on_commit_callbacks,
    )
    assert [m.subject for m in mail.outbox] == ["[Cocreo] Illy has opened “Tazze”"]


def test_tampered_expired_or_unknown_tokens_are_refused(settings):
    member = factories.UserFactory()
    token = emails.unsubscribe_token(member, "awards")
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (tampered, "nonsense", emails.unsubscribe_token(member, "account")):
        path = reverse("community:unsubscribe", args=[bad])
        assert Client().get(path).status_code == 400
        assert Client().post(path).status_code == 400
    expired = signing.dumps({"u": member.pk, "c": "awards"}, salt="another salt", compress=True)
    assert Client().post(reverse("community:unsubscribe", args=[expired])).status_code == 400
    assert User.objects.get(pk=member.pk).emails_off == []


def test_an_expired_token_is_refused(monkeypatch):
    member = factories.UserFactory()
    token = emails.unsubscribe_token(member, "awards")
    monkeypatch.setattr(emails, "UNSUBSCRIBE_MAX_AGE", -1)
    assert Client().post(reverse("community:unsubscribe", args=[token])).status_code == 400


def test_account_emails_cannot_be_turned_off(django_capture_on_commit_callbacks):
    member = factories.UserFactory(emails_off=["decisions", "awards", "account"])
    send(
        member,
        kind="moderation.suspended",
        params={"reason": "Spam"},
        capture=django_capture_on_commit_callbacks,
    )
    [message] = mail.outbox
    assert "List-Unsubscribe" not in message.extra_headers
    assert "Unsubscribe" not in message.body


def test_allauths_confirmation_uses_the_site_name_our_layout_and_language():
    client = Client(headers={"accept-language": "it"})
    response = client.post(
        reverse("account_signup"),
        {
            "email": "nuova@example.com",
            "username": "nuova",
            "password1": "a long pass phrase 42",
            "password2": "a long pass phrase 42",
        },
    )
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.subject.startswith("[Cocreo] ")
    assert "127.0.0.1" not in message.subject and "testserver" not in message.subject
    text, html = parts(message)
    assert "Un saluto da Cocreo!" in text
    assert "Benvenuto su Cocreo!" in html and 'lang="it"' in html
    assert "/accounts/confirm-email/" in html


def test_a_brands_email_wears_the_brands_colours(django_capture_on_commit_callbacks):
    brand = factories.default_brand()
    brand.primary_color, brand.accent_color = "#0f5e45", "#f4c95d"
    brand.save()
    member = factories.UserFactory()
    send(member, params={**WON, "brand_id": brand.pk}, capture=django_capture_on_commit_callbacks)
    [message] = mail.outbox
    _, html = parts(message)
    assert "background:#0f5e45" in html and brand.name in html
