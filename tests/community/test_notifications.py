import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse

from community.models import Notification
from community.notifications import mark_all_read, notify, notify_many
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

APPROVED = {"model": "contests.entry", "title": "Aurora"}


def test_notify_records_and_emails_after_commit(django_capture_on_commit_callbacks):
    member = factories.UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(member, kind="moderation.approved", params=APPROVED, url="/x/")
        assert mail.outbox == []  # nothing leaves before the transaction commits
    notification = Notification.objects.get()
    assert notification.message == "" and notification.params == APPROVED
    assert notification.text == "Your entry “Aurora” was approved and is now public."
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert "http://127.0.0.1:8000/x/" in mail.outbox[0].body


def test_unknown_kinds_are_refused():
    with pytest.raises(ValueError):
        notify(factories.UserFactory(), kind="made.up", email=False)


def test_rolled_back_work_sends_no_email(django_capture_on_commit_callbacks):
    member = factories.UserFactory()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(member, kind="moderation.approved", params=APPROVED)
        raise RuntimeError
    assert mail.outbox == [] and not Notification.objects.exists()


def test_notify_many_once_per_member_and_no_email_to_inactive(django_capture_on_commit_callbacks):
    active, inactive = factories.UserFactory(), factories.UserFactory(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            notify_many(
                [active, active, inactive], kind="contest.results", params={"contest": "Tazza"}
            )
            == 2
        )
    assert [m.to for m in mail.outbox] == [[active.email]]


def test_notifications_page_badge_and_mark_read():
    member = factories.UserFactory()
    notify(member, kind="moderation.approved", params=APPROVED, url="/somewhere/", email=False)
    client = client_for(member)
    home = client.get("/").content.decode()
    assert 'class="badge"' in home
    client.post(reverse("community:notifications_read"))
    assert not Notification.objects.unread().exists()
    assert 'class="badge"' not in client.get("/").content.decode()
    assert mark_all_read(member) == 0


def test_viewing_the_list_clears_the_badge_and_still_marks_what_was_new():
    member = factories.UserFactory()
    notify(member, kind="moderation.approved", params=APPROVED, url="/somewhere/", email=False)
    client = client_for(member)
    page = client.get(reverse("community:notifications")).content.decode()
    assert "Your entry “Aurora” was approved and is now public." in page
    assert 'href="/somewhere/"' in page
    assert "<strong>new</strong>" in page  # shown as new on the page that read it
    assert 'class="badge"' not in page and "data-unread-badge" in page
    assert not Notification.objects.unread().exists()
    again = client.get(reverse("community:notifications")).content.decode()
    assert "<strong>new</strong>" not in again


def test_times_are_humane():
    member = factories.UserFactory()
    notify(member, kind="moderation.reinstated", email=False)
    page = client_for(member).get(reverse("community:notifications")).content.decode()
    assert "just now" in page and "0 minutes" not in page


def test_notifications_are_private():
    assert Client().get(reverse("community:notifications")).status_code == 302
    owner, other = factories.UserFactory(), factories.UserFactory()
    notify(owner, kind="contest.results", params={"contest": "Owner only"}, email=False)
    assert (
        "Owner only"
        not in client_for(other).get(reverse("community:notifications")).content.decode()
    )
