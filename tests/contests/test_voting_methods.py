"""Voting methods per contest, the Bayesian ranking of scores, and hidden running totals."""

import pytest
from django.test import Client

from community.errors import InvalidInput, NotAllowed
from contests import services
from contests.models import (
    SCORE_PRIOR_MEAN,
    SCORE_PRIOR_WEIGHT,
    ContestPage,
    Entry,
    Vote,
    VotingMethod,
)
from tests import factories
from tests.api.conftest import api
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def voting_contest(**fields) -> ContestPage:
    contest = factories.make_contest("voting")
    for name, value in fields.items():
        setattr(contest, name, value)
    contest.save()
    return ContestPage.objects.get(pk=contest.pk)


def entry_in(contest, **kwargs) -> Entry:
    entry = factories.make_entry(contest, **kwargs)
    entry.contest = contest
    return entry


class TestScore:
    @pytest.fixture
    def contest(self):
        return voting_contest(voting_method=VotingMethod.SCORE)

    def test_a_score_is_required_and_within_1_to_5(self, contest, member):
        entry = entry_in(contest)
        for bad in (None, 0, 6, "x"):
            with pytest.raises(InvalidInput, match="Give a score from 1 to 5") as refused:
                services.cast_vote(entry, voter=member, score=bad)
            assert refused.value.field == "score"
        assert not Vote.objects.exists()

    def test_a_member_scores_once_and_may_change_the_score(self, contest, member):
        entry = entry_in(contest)
        assert services.cast_vote(entry, voter=member, score=4) is True
        assert services.cast_vote(entry, voter=member, score=4) is False
        assert services.cast_vote(entry, voter=member, score=2) is True
        assert list(Vote.objects.values_list("score", flat=True)) == [2]

    def test_three_fives_do_not_beat_three_hundred_fours(self, contest):
        few = entry_in(contest, title="Three fives")
        many = entry_in(contest, title="Three hundred fours")
        voters = factories.UserFactory.create_batch(300)
        Vote.objects.bulk_create(
            [Vote(contest=contest, entry=few, voter=v, score=5) for v in voters[:3]]
            + [Vote(contest=contest, entry=many, voter=v, score=4) for v in voters]
        )
        ranked = list(Entry.objects.public().ranked(contest))
        assert [e.title for e in ranked] == ["Three hundred fours", "Three fives"]
        # The documented formula: (C*m + sum) / (C + n) with m = 3 and C = 10.
        assert ranked[1].ranking_score == pytest.approx(
            (SCORE_PRIOR_WEIGHT * SCORE_PRIOR_MEAN + 15) / (SCORE_PRIOR_WEIGHT + 3)
        )
        assert ranked[0].ranking_score == pytest.approx((10 * 3 + 1200) / 310)
        assert ranked[1].score_average == 5 and ranked[0].vote_count == 300

    def test_unvoted_entries_sit_at_the_prior_and_low_scores_sink(self, contest):
        voted, unvoted = entry_in(contest), entry_in(contest)
        Vote.objects.create(contest=contest, entry=voted, voter=factories.UserFactory(), score=1)
        ranked = list(Entry.objects.public().ranked(contest))
        assert [e.pk for e in ranked] == [unvoted.pk, voted.pk]
        assert ranked[0].ranking_score == pytest.approx(3.0)
        assert ranked[1].ranking_score == pytest.approx(31 / 11)

    def test_the_entry_page_offers_a_score_and_shows_the_average(self, contest, member):
        entry = entry_in(contest)
        client = client_for(member)
        client.post(f"{entry.get_absolute_url()}vote/", {"action": "vote", "score": "5"})
        page = client.get(entry.get_absolute_url()).content.decode()
        assert 'value="5" checked' in page and "Average score: 5.0 / 5" in page


class TestBudget:
    @pytest.fixture
    def contest(self):
        return voting_contest(voting_method=VotingMethod.BUDGET, vote_budget=2)

    def test_a_member_has_n_votes_in_the_contest(self, contest, member):
        entries = [entry_in(contest) for _ in range(3)]
        assert services.votes_left(contest, member) == 2
        assert services.cast_vote(entries[0], voter=member) is True
        assert services.cast_vote(entries[0], voter=member) is False  # one per entry
        assert services.cast_vote(entries[1], voter=member) is True
        assert services.votes_left(contest, member) == 0
        with pytest.raises(NotAllowed, match="used all 2 votes"):
            services.cast_vote(entries[2], voter=member)
        services.withdraw_vote(entries[0], voter=member)
        assert services.cast_vote(entries[2], voter=member) is True
        assert Vote.objects.filter(voter=member).count() == 2

    def test_budgets_are_per_contest(self, contest, member):
        other = voting_contest(voting_method=VotingMethod.BUDGET, vote_budget=1)
        services.cast_vote(entry_in(contest), voter=member)
        services.cast_vote(entry_in(contest), voter=member)
        assert services.cast_vote(entry_in(other), voter=member) is True

    def test_pages_and_api_say_how_many_votes_are_left(self, contest, member):
        entry = entry_in(contest)
        client = client_for(member)
        assert "You have 2 votes left." in client.get(contest.url).content.decode()
        body = client.post(api(f"entries/{entry.pk}/vote")).json()
        assert body["votes_left"] == 1
        assert "You have 1 vote left." in client.get(entry.get_absolute_url()).content.decode()

    def test_no_vote_for_ones_own_entry(self, contest, member):
        with pytest.raises(NotAllowed, match="your own entry"):
            services.cast_vote(entry_in(contest, author=member), voter=member)


class TestHiddenTotals:
    @pytest.fixture
    def contest(self):
        return voting_contest(show_running_totals=False)

    @pytest.fixture
    def entry(self, contest):
        entry = entry_in(contest, title="Secret count")
        Vote.objects.bulk_create(
            Vote(contest=contest, entry=entry, voter=v)
            for v in factories.UserFactory.create_batch(7)
        )
        return entry

    def test_pages_do_not_show_counts_during_voting(self, contest, entry):
        gallery = Client().get(contest.url).content.decode()
        detail = Client().get(entry.get_absolute_url()).content.decode()
        for html in (gallery, detail):
            assert "data-vote-count" not in html and "7 votes" not in html
        assert "Vote totals stay hidden" in gallery

    def test_api_does_not_reveal_counts(self, contest, entry, member):
        listing = Client().get(api(f"contests/{contest.slug}/entries")).json()
        assert listing["items"][0]["votes"] is None
        assert Client().get(api(f"entries/{entry.pk}")).json()["votes"] is None
        assert Client().get(api(f"contests/{contest.slug}")).json()["totals_public"] is False
        voted = client_for(member).post(api(f"entries/{entry.pk}/vote")).json()
        assert voted["voted"] is True and "votes" not in voted

    def test_counts_appear_with_the_results(self, contest, entry, staff):
        contest.voting_close_at = (
            contest.voting_open_at + (contest.voting_close_at - contest.voting_open_at) / 100
        )
        contest.save()
        contest = ContestPage.objects.get(pk=contest.pk)
        services.pick_winners(contest, staff=staff, entry_ids=[entry.pk])
        assert Client().get(api(f"entries/{entry.pk}")).json()["votes"] == 7
        assert "data-vote-count>7<" in Client().get(entry.get_absolute_url()).content.decode()

    def test_no_live_message_is_published(self, contest, entry, member, monkeypatch):
        marked = []
        monkeypatch.setattr(services.live, "changed", lambda *a: marked.append(a))
        services.cast_vote(entry, voter=member)
        services.withdraw_vote(entry, voter=member)
        assert marked == []
        # Nor would a flush send anything while the totals are hidden (it checks again).
        assert services._live_vote_totals(contest.pk, {entry.pk}) is None
        contest.show_running_totals = True
        contest.save()
        entry.contest = ContestPage.objects.get(pk=contest.pk)
        services.cast_vote(entry, voter=member)
        assert marked == [("votes", contest.pk, [entry.pk])]
        assert services._live_vote_totals(contest.pk, {entry.pk}) == {"totals": {str(entry.pk): 8}}
