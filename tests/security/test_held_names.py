"""Names chosen before a blocked term was added are looked at again: when the terms change (a
task after the commit) and with `manage.py screen_member_names`. A name that now contains a
blocked term is held: hidden from the public, logged, shown to the moderators, until renamed."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from community.models import Notification, User
from moderation.models import BlockedTerm, LogAction, ModerationLogEntry
from moderation.names import screen_existing_names
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(db):
    return {
        "glued": factories.UserFactory(username="i_hate_acme99"),
        "first": factories.UserFactory(username="plainname", first_name="Acme Scammer"),
        "clean": factories.UserFactory(username="classic_cups"),
    }


def add_term(term: str, django_capture_on_commit_callbacks) -> BlockedTerm:
    with django_capture_on_commit_callbacks(execute=True):
        return BlockedTerm.objects.create(term=term)


def test_adding_a_blocked_term_holds_the_existing_names_that_contain_it(
    members, moderator, django_capture_on_commit_callbacks
):
    assert not User.objects.filter(name_held_at__isnull=False).exists()
    add_term("hate", django_capture_on_commit_callbacks)
    add_term("scammer", django_capture_on_commit_callbacks)

    held = set(User.objects.filter(name_held_at__isnull=False).values_list("username", flat=True))
    assert held == {"i_hate_acme99", "plainname"}  # the username or the first name
    logged = ModerationLogEntry.objects.filter(action=LogAction.NAME_HOLD)
    assert {(e.member.username, e.reason) for e in logged} == {
        ("i_hate_acme99", "hate"),
        ("plainname", "scammer"),
    }
    held = Notification.objects.filter(kind="moderation.names_held")
    assert held.filter(recipient=moderator).count() == 2
    assert not held.exclude(recipient=moderator).exists()


def test_a_held_name_is_hidden_from_the_public_until_it_is_changed(
    members, moderator, django_capture_on_commit_callbacks
):
    glued = members["glued"]
    entry = factories.make_entry(factories.make_contest("voting"), author=glued, title="Cup")
    add_term("hate", django_capture_on_commit_callbacks)
    glued.refresh_from_db()

    page = Client().get(entry.get_absolute_url())
    assert page.status_code == 200
    assert "i_hate_acme99" not in page.content.decode()
    assert "member (name under review)" in page.content.decode()
    profile = reverse("community:member", args=[glued.username])
    assert Client().get(profile).status_code == 404
    assert client_for(factories.UserFactory()).get(profile).status_code == 404
    assert client_for(glued).get(profile).status_code == 200  # the member sees their own page
    assert client_for(moderator).get(profile).status_code == 200

    glued.username = "cup_lover"  # renamed (by the member or a moderator): the hold ends
    glued.save()
    glued.refresh_from_db()
    assert glued.name_held_at is None
    assert Client().get(reverse("community:member", args=["cup_lover"])).status_code == 200
    assert "cup_lover" in Client().get(entry.get_absolute_url()).content.decode()


def test_a_rename_that_still_contains_the_term_stays_held(
    members, django_capture_on_commit_callbacks
):
    add_term("hate", django_capture_on_commit_callbacks)
    glued = User.objects.get(pk=members["glued"].pk)
    glued.username = "still_hate_it"
    glued.save(update_fields=["username"])
    glued.refresh_from_db()
    assert glued.name_held_at is not None


def test_the_command_holds_each_name_once_and_removed_terms_release_it(members, settings):
    BlockedTerm.objects.create(term="hate")  # saved without running the task (no commit here)
    assert not User.objects.filter(name_held_at__isnull=False).exists()
    out = StringIO()
    call_command("screen_member_names", stdout=out)
    assert "held: i_hate_acme99" in out.getvalue()
    assert "1 name(s) held for review." in out.getvalue()
    out = StringIO()
    call_command("screen_member_names", stdout=out)
    assert "0 name(s) held for review." in out.getvalue()  # already held: not logged twice
    assert ModerationLogEntry.objects.filter(action=LogAction.NAME_HOLD).count() == 1

    BlockedTerm.objects.filter(term="hate").update(active=False)
    from django.core.cache import cache

    cache.delete("moderation:blocked-terms")
    assert screen_existing_names() == []
    assert User.objects.get(pk=members["glued"].pk).name_held_at is None


def test_moderators_see_the_held_names_with_the_terms_found(
    members, moderator, django_capture_on_commit_callbacks
):
    add_term("hate", django_capture_on_commit_callbacks)
    page = client_for(moderator).get(reverse("moderation:suspensions"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Names held for review" in body
    assert "i_hate_acme99" in body and "classic_cups" not in body
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    page = client_for(admin).get(reverse("moderation:suspensions"))
    edit = reverse("wagtailusers_users:edit", args=[members["glued"].pk])
    assert edit in page.content.decode()
