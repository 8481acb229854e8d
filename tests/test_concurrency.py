"""Races on a real PostgreSQL: each thread has its own connection and transaction."""

import threading

import pytest
from django.db import connection

from community.errors import ActionRefused
from contests import services
from contests.models import Entry, Vote
from moderation import services as moderation_services
from moderation.models import ModerationItem
from tests import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def race(target, args_list):
    """Run target(*args) in parallel threads released at the same instant; return outcomes."""
    barrier = threading.Barrier(len(args_list))
    outcomes = [None] * len(args_list)

    def run(i, args):
        try:
            barrier.wait()
            outcomes[i] = target(*args)
        except ActionRefused as refused:
            outcomes[i] = refused
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(args_list)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_one_member_voting_many_times_at_once_counts_once():
    entry = factories.make_entry(factories.make_contest("voting"))
    voter = factories.UserFactory()
    outcomes = race(lambda: services.cast_vote(entry, voter=voter), [()] * 8)
    assert outcomes.count(True) == 1 and outcomes.count(False) == 7
    assert Vote.objects.filter(entry=entry, voter=voter).count() == 1


def test_many_members_voting_at_once_all_count():
    entry = factories.make_entry(factories.make_contest("voting"))
    voters = [factories.UserFactory() for _ in range(8)]
    outcomes = race(lambda v: services.cast_vote(entry, voter=v), [(v,) for v in voters])
    assert outcomes == [True] * 8
    assert services.vote_count(entry) == 8


def test_two_moderators_deciding_the_same_item_one_wins():
    entry = factories.make_entry(factories.make_contest("submissions"), approved=False)
    item = ModerationItem.objects.get(object_id=entry.pk)
    first, second = factories.moderator(), factories.moderator()
    outcomes = race(
        lambda decide, mod: decide(mod),
        [
            (lambda mod: moderation_services.approve(item.pk, moderator=mod), first),
            (lambda mod: moderation_services.reject(item.pk, moderator=mod, reason="No"), second),
        ],
    )
    refused = [o for o in outcomes if isinstance(o, ActionRefused)]
    assert len(refused) == 1 and "already been decided" in refused[0].message
    item.refresh_from_db()
    entry.refresh_from_db()
    assert (item.status == "approved") == entry.live


def test_a_vote_budget_holds_under_concurrent_requests():
    contest = factories.make_contest("voting", voting_method="budget", vote_budget=3)
    entries = [factories.make_entry(contest) for _ in range(8)]
    voter = factories.UserFactory()
    outcomes = race(lambda e: services.cast_vote(e, voter=voter), [(e,) for e in entries])
    assert outcomes.count(True) == 3
    refused = [o for o in outcomes if isinstance(o, ActionRefused)]
    assert len(refused) == 5 and all("used all 3 votes" in r.message for r in refused)
    assert Vote.objects.filter(contest=contest, voter=voter).count() == 3


def test_a_member_submitting_many_entries_at_once_keeps_the_limit():
    contest = factories.make_contest("submissions", max_entries_per_member=2)
    author = factories.UserFactory()
    outcomes = race(
        lambda n: services.submit_entry(
            contest,
            author=author,
            title=f"Entry {n}",
            description="",
            image=factories.image_upload(),
        ),
        [(n,) for n in range(6)],
    )
    assert len([o for o in outcomes if not isinstance(o, ActionRefused)]) == 2
    assert Entry.objects.filter(contest=contest, author=author).count() == 2


def test_two_moderators_claiming_the_same_item_at_once_one_gets_it():
    from moderation import claims

    entry = factories.make_entry(factories.make_contest("submissions"), approved=False)
    item = ModerationItem.objects.get(object_id=entry.pk)
    first, second = factories.moderator(), factories.moderator()
    outcomes = race(lambda mod: claims.claim(item.pk, moderator=mod), [(first,), (second,)] * 2)
    winners = {o.claimed_by_id for o in outcomes if isinstance(o, ModerationItem)}
    refused = [o for o in outcomes if isinstance(o, ActionRefused)]
    item.refresh_from_db()
    assert winners == {item.claimed_by_id} and len(refused) >= 1, outcomes
    assert all("is reviewing" in r.message for r in refused)


def test_two_moderators_taking_the_next_item_at_once_get_different_items():
    from moderation import claims
    from moderation.queue import pending_items

    contest = factories.make_contest("submissions")
    for _ in range(4):
        factories.make_entry(contest, approved=False)
    mods = [factories.moderator() for _ in range(4)]
    outcomes = race(
        lambda mod: claims.claim_next(pending_items(), moderator=mod), [(m,) for m in mods]
    )
    assert all(isinstance(o, ModerationItem) for o in outcomes), outcomes
    assert len({o.pk for o in outcomes}) == 4
    holders = dict(ModerationItem.objects.values_list("pk", "claimed_by_id"))
    assert {holders[o.pk] for o in outcomes} == {m.pk for m in mods}
