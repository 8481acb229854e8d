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


def test_notify_records_and_emails_after_commit(django_capture_on_commit_callbacks):
    member = factories.UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(member, kind="test", message="Your entry was approved.", url="/x/")
        assert mail.outbox == []  # nothing leaves before the transaction commits
    assert Notification.objects.get().message == "Your entry was approved."
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert "http://127.0.0.1:8000/x/" in mail.outbox[0].body


def test_rolled_back_work_sends_no_email(django_capture_on_commit_callbacks):
    member = factories.UserFactory()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(member, kind="test", message="never")
        raise RuntimeError
    assert mail.outbox == [] and not Notification.objects.exists()


def test_notify_many_once_per_member_and_no_email_to_inactive(django_capture_on_commit_callbacks):
    active, inactive = factories.UserFactory(), factories.UserFactory(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_many([active, active, inactive], kind="k", message="Results are out") == 2
    assert [m.to for m in mail.outbox] == [[active.email]]


def test_notifications_page_badge_and_mark_read():
    member = factories.UserFactory()
    notify(member, kind="k", message="Hello there", url="/somewhere/", email=False)
    client = client_for(member)
    home = client.get("/").content.decode()
    assert 'class="badge"' in home
    page = client.get(reverse("community:notifications")).content.decode()
    assert "Hello there" in page and 'href="/somewhere/"' in page
    client.post(reverse("community:notifications_read"))
    assert not Notification.objects.unread().exists()
    assert 'class="badge"' not in client.get("/").content.decode()
    assert mark_all_read(member) == 0


def test_notifications_are_private():
    assert Client().get(reverse("community:notifications")).status_code == 302
    owner, other = factories.UserFactory(), factories.UserFactory()
    notify(owner, kind="k", message="For the owner only", email=False)
    assert (
        "For the owner only"
        not in client_for(other).get(reverse("community:notifications")).content.decode()
    )
