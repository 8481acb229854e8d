"""What every page asks of the signed-in member, in one query (community/member_facts.py)."""

import pytest

from community import member_facts
from community.models import Notification, User
from community.notifications import mark_all_read, mark_read
from community.rules import is_verified_member
from tests import factories

pytestmark = pytest.mark.django_db


def notify(user, n):
    Notification.objects.bulk_create(
        Notification(recipient=user, kind="community.test", params={}, url="/") for _ in range(n)
    )


def test_verified_email_and_unread_count_come_in_one_query(django_assert_num_queries):
    member = factories.UserFactory()
    notify(member, 3)
    notify(factories.UserFactory(), 2)  # someone else's
    user = User.objects.get(pk=member.pk)
    with django_assert_num_queries(1):
        assert is_verified_member(user) is True
        assert member_facts.unread_notifications(user) == 3
        assert member_facts.has_verified_email(user) is True


def test_an_unverified_member_with_nothing_unread():
    member = factories.UserFactory(verified=False)
    assert is_verified_member(member) is False
    assert member_facts.unread_notifications(member) == 0


def test_marking_read_forgets_the_count_within_the_request():
    member = factories.UserFactory()
    notify(member, 2)
    assert member_facts.unread_notifications(member) == 2
    mark_read(member, [Notification.objects.filter(recipient=member).first().pk])
    assert member_facts.unread_notifications(member) == 1
    mark_all_read(member)
    assert member_facts.unread_notifications(member) == 0
