from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from community.errors import InvalidInput, NotAllowed, WrongPhase
from contests import services
from contests.models import Award, ContestPage, Entry, Vote
from contests.phases import Phase
from moderation.models import ModerationItem
from tests import factories

pytestmark = pytest.mark.django_db


def submit(contest, author, **kwargs):
    return services.submit_entry(
        contest,
        author=author,
        title=kwargs.pop("title", "My cup"),
        description=kwargs.pop("description", "Blue and gold."),
        image=kwargs.pop("image", None) or factories.image_upload(),
    )


class TestSubmitEntry:
    def test_new_entry_is_pending_and_queued(self, member):
        contest = factories.make_contest("submissions")
        entry = submit(contest, member)
        assert entry.live is False
        assert entry.moderation_status == "pending"
        assert not Entry.objects.public().exists()
        item = ModerationItem.objects.get()
        assert (item.object_id, item.author, item.status) == (entry.pk, member, "pending")

    def test_unverified_member_cannot_submit(self, unverified_member):
        contest = factories.make_contest("submissions")
        with pytest.raises(NotAllowed, match="Verify your email"):
            submit(contest, unverified_member)
        assert not Entry.objects.exists()

    @pytest.mark.parametrize(
        ("phase", "message"),
        [("draft", "not opened yet"), ("review", "closed"), ("voting", "closed")],
    )
    def test_submissions_outside_the_window_are_refused(self, member, phase, message):
        contest = factories.make_contest(phase)
        with pytest.raises(WrongPhase, match=message):
            submit(contest, member)
        assert not Entry.objects.exists()

    def test_window_is_enforced_at_the_exact_instant(self, member):
        contest = factories.make_contest("submissions")
        with time_machine.travel(
            contest.submissions_close_at - timedelta(microseconds=1), tick=False
        ):
            submit(contest, member, title="Just in time")
        with (
            time_machine.travel(contest.submissions_close_at, tick=False),
            pytest.raises(WrongPhase),
        ):
            submit(contest, member, title="Too late")
        assert list(Entry.objects.values_list("title", flat=True)) == ["Just in time"]

    def test_blank_title_is_refused(self, member):
        contest = factories.make_contest("submissions")
        with pytest.raises(InvalidInput) as refused:
            submit(contest, member, title="   ")
        assert refused.value.field == "title"


class TestVoting:
    @pytest.fixture
    def entry(self):
        return factories.make_entry(factories.make_contest("voting"))

    def test_vote_is_a_row_and_once_only(self, entry, member):
        assert services.cast_vote(entry, voter=member) is True
        assert services.cast_vote(entry, voter=member) is False
        assert Vote.objects.filter(entry=entry, voter=member).count() == 1
        assert services.vote_count(entry) == 1

    def test_withdraw(self, entry, member):
        services.cast_vote(entry, voter=member)
        assert services.withdraw_vote(entry, voter=member) is True
        assert services.withdraw_vote(entry, voter=member) is False
        assert services.vote_count(entry) == 0

    def test_no_vote_for_own_entry(self, entry):
        with pytest.raises(NotAllowed, match="your own entry"):
            services.cast_vote(entry, voter=entry.author)

    def test_unverified_members_cannot_vote(self, entry, unverified_member):
        with pytest.raises(NotAllowed):
            services.cast_vote(entry, voter=unverified_member)

    def test_pending_entries_cannot_receive_votes(self, member):
        pending = factories.make_entry(factories.make_contest("voting"), approved=False)
        with pytest.raises(NotAllowed):
            services.cast_vote(pending, voter=member)

    @pytest.mark.parametrize("phase", ["submissions", "review", "judging"])
    def test_voting_outside_the_window_is_refused(self, phase, member):
        entry = factories.make_entry(factories.make_contest(phase))
        with pytest.raises(WrongPhase):
            services.cast_vote(entry, voter=member)
        assert not Vote.objects.exists()

    def test_voting_window_at_the_exact_instants(self, entry, member):
        contest = entry.contest
        with (
            time_machine.travel(contest.voting_open_at - timedelta(microseconds=1), tick=False),
            pytest.raises(WrongPhase),
        ):
            services.cast_vote(entry, voter=member)
        with time_machine.travel(contest.voting_open_at, tick=False):
            assert services.cast_vote(entry, voter=member)
        with (
            time_machine.travel(contest.voting_close_at, tick=False),
            pytest.raises(WrongPhase),
        ):
            services.withdraw_vote(entry, voter=member)
        assert services.vote_count(entry) == 1


class TestPickWinners:
    @pytest.fixture
    def contest(self):
        return factories.make_contest("judging")

    def test_staff_rank_winners_and_results_open(self, contest, staff):
        first, second = factories.make_entry(contest), factories.make_entry(contest)
        services.pick_winners(
            contest, staff=staff, entry_ids=[second.pk, first.pk], reason="Swapped by mistake."
        )
        ranking = list(Award.objects.filter(contest=contest).values_list("rank", "entry_id"))
        assert ranking == [(1, second.pk), (2, first.pk)]
        assert ContestPage.objects.get(pk=contest.pk).phase == Phase.RESULTS

    def test_picking_again_replaces_the_ranking(self, contest, staff):
        first, second = factories.make_entry(contest), factories.make_entry(contest)
        services.pick_winners(contest, staff=staff, entry_ids=[first.pk])
        services.pick_winners(
            contest, staff=staff, entry_ids=[second.pk, first.pk], reason="Swapped by mistake."
        )
        assert list(Award.objects.values_list("entry_id", flat=True)) == [second.pk, first.pk]

    @pytest.mark.parametrize("role", ["member", "moderator"])
    def test_only_brand_staff_pick_winners(self, contest, role, request):
        entry = factories.make_entry(contest)
        with pytest.raises(NotAllowed):
            services.pick_winners(
                contest, staff=request.getfixturevalue(role), entry_ids=[entry.pk]
            )
        assert not Award.objects.exists()

    def test_not_before_voting_closes(self, staff):
        contest = factories.make_contest("voting")
        entry = factories.make_entry(contest)
        with pytest.raises(WrongPhase):
            services.pick_winners(contest, staff=staff, entry_ids=[entry.pk])

    def test_only_approved_entries_of_this_contest(self, contest, staff):
        pending = factories.make_entry(contest, approved=False)
        elsewhere = factories.make_entry(factories.make_contest("judging"))
        for ids in ([pending.pk], [elsewhere.pk], []):
            with pytest.raises(InvalidInput):
                services.pick_winners(contest, staff=staff, entry_ids=ids)
        approved = factories.make_entry(contest)
        with pytest.raises(InvalidInput, match="only one place"):
            services.pick_winners(contest, staff=staff, entry_ids=[approved.pk, approved.pk])
        assert not Award.objects.exists()


def test_factories_place_contests_in_their_phase():
    now = timezone.now()
    for phase in ("draft", "submissions", "review", "voting", "judging"):
        assert factories.make_contest(phase, now=now).phase_at(now) == phase
