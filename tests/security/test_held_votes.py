"""Votes that count people: bursts of new accounts or of one network are held for a moderator;
suspended members' votes do not count; the per-contest minimum account age."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community.errors import NotAllowed
from community.network import network_of
from contests import services
from contests.models import Award, Entry, Vote, VoteStatus
from moderation import intake
from moderation.models import LogAction, ModerationLogEntry
from tests import factories
from tests.api.conftest import api
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

YEAR_AGO = timedelta(days=365)


@pytest.fixture
def contest():
    return factories.make_contest("voting")


@pytest.fixture
def entry(contest):
    return factories.make_entry(contest, title="Target")


def old_member(**kwargs):
    return factories.UserFactory(date_joined=timezone.now() - YEAR_AGO, **kwargs)


def vote_over_api(user, entry, address):
    return client_for(user).post(api(f"entries/{entry.pk}/vote"), REMOTE_ADDR=address)


def api_votes(entry) -> int:
    return client_for(old_member()).get(api(f"entries/{entry.pk}")).json()["votes"]


def test_thirty_fresh_accounts_in_a_minute_are_held_then_a_moderator_clears_them(entry):
    for i in range(30):
        response = vote_over_api(factories.UserFactory(), entry, f"198.51.{i}.7")
        assert response.status_code == 200 and response.json()["voted"] is True
    assert Vote.objects.filter(entry=entry, status=VoteStatus.HELD).count() == 30
    assert services.vote_count(entry) == 0 and api_votes(entry) == 0
    assert Entry.objects.filter(pk=entry.pk).with_vote_counts().get().vote_count == 0
    assert entry.live  # the entry itself is never touched

    moderator = factories.moderator()
    desk = client_for(moderator)
    page = desk.get("/admin/contests/held-votes/")
    html = page.content.decode()
    assert page.status_code == 200 and "Target" in html and "198.51.29.0/24" in html
    ids = list(Vote.objects.filter(entry=entry).values_list("pk", flat=True))
    response = desk.post(
        "/admin/contests/held-votes/",
        {"votes": ids, "decision": "count", "reason": "A school class voting together."},
    )
    assert response.status_code == 302
    assert services.vote_count(entry) == 30 and api_votes(entry) == 30
    logged = ModerationLogEntry.objects.get(action=LogAction.VOTES_CLEAR)
    assert logged.actor == moderator and logged.object_id == entry.pk
    assert logged.reason == "A school class voting together." and "30 votes" in logged.summary
    # Cleared votes stay cleared when the burst goes on.
    vote_over_api(factories.UserFactory(), entry, "198.51.200.7")
    assert services.vote_count(entry) == 30
    assert Vote.objects.filter(entry=entry, status=VoteStatus.HELD).count() == 1


def test_a_moderator_voids_held_votes_and_only_moderators_decide(entry, staff, member):
    for i in range(12):
        services.cast_vote(entry, voter=factories.UserFactory(), network=f"10.{i}.0.0/24")
    ids = list(Vote.objects.held().values_list("pk", flat=True))
    assert len(ids) == 12
    for user in (staff, member):
        assert client_for(user).get("/admin/contests/held-votes/").status_code in (302, 403)
        with pytest.raises(NotAllowed):
            services.decide_held_votes(ids, moderator=user, count=True)
    services.decide_held_votes(ids, moderator=factories.moderator(), count=False)
    assert Vote.objects.filter(status=VoteStatus.VOIDED).count() == 12
    assert services.vote_count(entry) == 0
    assert ModerationLogEntry.objects.filter(action=LogAction.VOTES_VOID).count() == 1


def test_many_votes_from_one_network_are_held(entry):
    for i in range(6):
        assert vote_over_api(old_member(), entry, f"203.0.113.{i + 10}").status_code == 200
    held = Vote.objects.filter(entry=entry, status=VoteStatus.HELD)
    assert held.count() == 6 and {v.network for v in held} == {"203.0.113.0/24"}
    assert {v.hold_reason for v in held} == {"network"}
    assert api_votes(entry) == 0


def test_ipv6_voters_share_their_64():
    assert network_of("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert network_of("::ffff:192.0.2.9") == "192.0.2.0/24"
    assert network_of("not an address") == network_of("") == ""


def test_a_normal_spread_of_votes_is_never_held(contest, entry):
    other = factories.make_entry(contest)
    for i in range(40):  # established members, each from their own network
        vote_over_api(old_member(), entry, f"192.0.{i}.1")
    for i in range(10):  # some new members too, below the threshold
        vote_over_api(factories.UserFactory(), entry, f"100.64.{i}.1")
    for _ in range(5):  # a family behind one router, at the limit
        vote_over_api(old_member(), other, "198.18.0.1")
    assert not Vote.objects.held().exists()
    assert services.vote_count(entry) == 50 and services.vote_count(other) == 5


def test_suspended_members_votes_stop_counting_and_count_again_after_lifting(contest, entry):
    voters = [old_member() for _ in range(3)]
    for voter in voters:
        services.cast_vote(entry, voter=voter)
    moderator = factories.moderator()
    suspension = intake.suspend(voters[0], moderator=moderator, reason="Vote buying")
    intake.suspend(voters[1], moderator=moderator, reason="Spam", ban=True)
    assert services.vote_count(entry) == 1 and api_votes(entry) == 1
    ranked = Entry.objects.public().filter(contest=contest).ranked(contest).get(pk=entry.pk)
    assert ranked.vote_count == 1
    intake.lift_suspension(suspension.pk, moderator=moderator)
    assert services.vote_count(entry) == 2 and api_votes(entry) == 2


def test_a_suspension_that_ended_counts_again(entry):
    voter = old_member()
    services.cast_vote(entry, voter=voter)
    intake.suspend(voter, moderator=factories.moderator(), reason="Cool down", days=2)
    assert services.vote_count(entry) == 0
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert services.vote_count(entry) == 1


def test_counting_costs_the_same_queries_with_many_suspended_voters(contest):
    entries = [factories.make_entry(contest) for _ in range(3)]
    services.cast_vote(entries[0], voter=old_member())
    client = client_for(old_member())
    url = api(f"contests/{contest.slug}/entries")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    moderator = factories.moderator()
    for _ in range(8):
        extra = old_member()
        for e in entries:
            services.cast_vote(e, voter=extra)
        intake.suspend(extra, moderator=moderator, reason="Ring")
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).json()
    assert len(many) == len(few)
    assert sorted(item["votes"] for item in body["items"]) == [0, 0, 1]


def test_the_minimum_account_age_refuses_with_a_clear_message(contest, entry):
    contest.min_account_age_days = 3
    contest.save()
    fresh = factories.UserFactory()
    response = vote_over_api(fresh, entry, "192.0.2.1")
    assert response.status_code == 403
    detail = response.json()["detail"]
    assert "accounts can vote once they are 3 days old" in detail
    assert "Your account can vote from" in detail
    page = client_for(fresh).get(entry.get_absolute_url())
    assert "3 days old" in page.content.decode()
    assert vote_over_api(old_member(), entry, "192.0.2.2").status_code == 200


def test_recount_votes_reports_and_fixes_a_stale_community_choice(staff):
    contest = factories.make_contest("judging")
    first, second = factories.make_entry(contest), factories.make_entry(contest)
    Vote.objects.bulk_create(
        Vote(contest=contest, entry=second, voter=old_member()) for _ in range(3)
    )
    Vote.objects.create(contest=contest, entry=first, voter=old_member())
    services.pick_winners(contest, staff=staff, entry_ids=[first.pk])
    assert Award.objects.get(kind="community").entry == second
    call_command("recount_votes")  # all agree
    Vote.objects.filter(entry=second).update(status=VoteStatus.VOIDED)
    with pytest.raises(CommandError, match="1 mismatches"):
        call_command("recount_votes")
    call_command("recount_votes", "--fix")
    assert Award.objects.get(kind="community").entry == first
    call_command("recount_votes")


@pytest.mark.parametrize("sort", ["newest", "shuffle"])
def test_gallery_pages_count_only_counted_votes(contest, entry, sort):
    """The gallery counts the votes of the page it shows (newest and shuffled orders): held,
    voided and suspended members' votes stay out there too."""
    counted, held, voided, suspended = (old_member() for _ in range(4))
    for voter in (counted, held, voided, suspended):
        services.cast_vote(entry, voter=voter)
    Vote.objects.filter(voter=held).update(status=VoteStatus.HELD)
    Vote.objects.filter(voter=voided).update(status=VoteStatus.VOIDED)
    intake.suspend(suspended, moderator=factories.moderator(), reason="Vote buying")
    listed = client_for(old_member()).get(api(f"contests/{contest.slug}/entries?sort={sort}"))
    assert [e["votes"] for e in listed.json()["items"] if e["id"] == entry.pk] == [1]
    page = client_for(old_member()).get(f"{contest.url}?sort={sort}")
    shown = [e for e in page.context["entries_page"] if e.pk == entry.pk]
    assert [e.vote_count for e in shown] == [1]


def test_while_the_entry_is_locked_a_vote_costs_an_insert_and_one_statement_per_rule(entry):
    """Voters of one entry wait for its row lock: the velocity rule counts and holds a burst in
    one statement per rule, so the lock is held for four round trips (the lock, the vote, the
    two rules), not six or more."""
    for _ in range(12):  # a burst of new accounts from one network, already held
        vote_over_api(factories.UserFactory(), entry, "203.0.113.9")
    assert Vote.objects.filter(entry=entry, status=VoteStatus.HELD).count() == 12
    voter = factories.UserFactory()
    target = Entry.objects.select_related("contest").get(pk=entry.pk)
    with CaptureQueriesContext(connection) as ctx:
        assert services.cast_vote(target, voter=voter, network=network_of("203.0.113.77"))
    sql = [q["sql"] for q in ctx.captured_queries]
    locked = next(i for i, s in enumerate(sql) if "FOR UPDATE" in s or "contests_entry" in s)
    statements = [s for s in sql[locked:] if "SAVEPOINT" not in s]
    assert len(statements) == 4, statements
    # The vote after the burst is held although every earlier one already was.
    vote = Vote.objects.get(entry=entry, voter=voter)
    assert vote.status == VoteStatus.HELD and vote.hold_reason == "new_accounts"


def test_the_rule_reports_whether_the_new_vote_is_held(entry):
    from contests import velocity

    for i in range(10):  # at the limit of new accounts, each from their own network
        vote_over_api(factories.UserFactory(), entry, f"100.64.{i}.1")
    assert not Vote.objects.held().exists()
    vote = Vote.objects.create(
        entry=entry, contest_id=entry.contest_id, voter=factories.UserFactory(), network=""
    )
    assert velocity.apply(vote, now=timezone.now()) is True
    assert Vote.objects.filter(entry=entry, status=VoteStatus.HELD).count() == 11
    calm = Vote.objects.create(
        entry=factories.make_entry(entry.contest), contest_id=entry.contest_id, voter=old_member()
    )
    assert velocity.apply(calm, now=timezone.now()) is False
