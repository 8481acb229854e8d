"""Supports and merges racing on a real PostgreSQL: each thread has its own connection."""

import pytest

from community.models import Notification
from ideas import services
from ideas.models import IdeaStatus, StatusUpdate, Support
from tests import factories
from tests.test_concurrency import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_fifty_parallel_supports_by_one_member_make_one_support():
    idea = factories.make_idea(factories.make_board(goal=100))
    member = factories.UserFactory()
    outcomes = race(lambda: services.support_idea(idea, member=member), [()] * 50)
    assert outcomes.count(True) == 1 and outcomes.count(False) == 49
    assert Support.objects.filter(idea=idea, member=member).count() == 1


def test_crossing_the_goal_together_reviews_and_notifies_once():
    board = factories.make_board(goal=5)
    staff = factories.brand_staff(board.brand)
    idea = factories.make_idea(board)
    members = factories.UserFactory.create_batch(12)
    outcomes = race(lambda m: services.support_idea(idea, member=m), [(m,) for m in members])
    assert outcomes == [True] * 12
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.UNDER_REVIEW
    assert StatusUpdate.objects.filter(idea=idea, kind="goal").count() == 1
    assert Notification.objects.filter(recipient=staff, kind="ideas.goal_staff").count() == 1


def test_merge_with_overlapping_supporters_while_they_support():
    board = factories.make_board(goal=1000)
    staff = factories.brand_staff(board.brand)
    target = factories.make_idea(board, title="Target")
    source = factories.make_idea(board, title="Duplicate")
    overlap = factories.UserFactory.create_batch(6)
    for member in overlap[:3]:
        services.support_idea(target, member=member)
    for member in overlap:
        services.support_idea(source, member=member)
    only_source = factories.supporters(source, 4)

    # The merge races with the overlapping supporters supporting the target again.
    def act(kind, member=None):
        if kind == "merge":
            return services.merge_ideas(source, into=target, actor=staff)
        return services.support_idea(target, member=member)

    race(act, [("merge",), *[("support", m) for m in overlap]])
    expected = {m.pk for m in [*overlap, *only_source]}
    rows = list(Support.objects.filter(idea=target).values_list("member_id", flat=True))
    assert sorted(rows) == sorted(expected)  # everyone once, nobody twice
    assert services.support_count(target) == 10
    assert not Support.objects.filter(idea=source).exists()


def test_a_support_committing_while_a_merge_waits_on_it_does_not_deadlock():
    """The interleaving CI once met by chance, made on purpose: a member's support of the target
    is inserted, not yet committed; the merge moves the same member's support of the duplicate
    onto the target and waits on that row; then the support commits. Its foreign-key check
    locks the target idea (KEY SHARE) at the commit: the merge's lock on the idea must not
    conflict with it (FOR NO KEY UPDATE), or PostgreSQL aborts one of them as a deadlock."""
    import threading
    import time

    from django.db import connection, transaction

    board = factories.make_board(goal=1000)
    staff = factories.brand_staff(board.brand)
    target = factories.make_idea(board, title="Target")
    source = factories.make_idea(board, title="Duplicate")
    member = factories.UserFactory()
    services.support_idea(source, member=member)
    inserted, failures = threading.Event(), []

    def support_and_commit_late():
        try:
            with transaction.atomic():
                Support.objects.create(idea=target, member=member)
                inserted.set()
                time.sleep(1.5)  # the merge is waiting on this row meanwhile
        except Exception as error:  # noqa: BLE001 - the failure is what the test reports
            failures.append(error)
            inserted.set()
        finally:
            connection.close()

    supporter = threading.Thread(target=support_and_commit_late)
    supporter.start()
    assert inserted.wait(10)
    try:
        merged = services.merge_ideas(source, into=target, actor=staff)
    finally:
        supporter.join(30)
    assert failures == []
    assert merged.pk == target.pk
    assert list(Support.objects.filter(idea=target).values_list("member_id", flat=True)) == [
        member.pk
    ]
