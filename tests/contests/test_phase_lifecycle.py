"""Overlapping voting, the archive date and their enforcement at the exact instants."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from community.errors import WrongPhase
from contests import services
from contests.models import ContestResult, Vote
from contests.phases import Phase, Schedule, next_change, phase_at
from tests import factories

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TICK = timedelta(microseconds=1)
DAY = timedelta(days=1)
OVERLAP = Schedule(
    submissions_open_at=T0,
    submissions_close_at=T0 + 10 * DAY,
    voting_open_at=T0 + 5 * DAY,
    voting_close_at=T0 + 20 * DAY,
)


@pytest.mark.parametrize(
    ("moment", "phase", "submitting", "voting"),
    [
        (T0 - TICK, Phase.DRAFT, False, False),
        (T0, Phase.SUBMISSIONS, True, False),
        (T0 + 5 * DAY - TICK, Phase.SUBMISSIONS, True, False),
        (T0 + 5 * DAY, Phase.VOTING, True, True),
        (T0 + 10 * DAY - TICK, Phase.VOTING, True, True),
        (T0 + 10 * DAY, Phase.VOTING, False, True),
        (T0 + 20 * DAY - TICK, Phase.VOTING, False, True),
        (T0 + 20 * DAY, Phase.JUDGING, False, False),
    ],
)
def test_overlapping_voting_at_each_boundary(moment, phase, submitting, voting):
    from contests.phases import submissions_open, voting_open

    assert phase_at(OVERLAP, moment) == phase
    assert submissions_open(OVERLAP, moment) is submitting
    assert voting_open(OVERLAP, moment) is voting


def test_archive_follows_the_results_at_the_exact_instant():
    announced, archive = T0 + 22 * DAY, T0 + 60 * DAY
    schedule = Schedule(
        **{**OVERLAP.__dict__, "results_announced_at": announced, "archive_at": archive}
    )
    assert phase_at(schedule, announced - TICK) == Phase.JUDGING
    assert phase_at(schedule, announced) == Phase.RESULTS
    assert phase_at(schedule, archive - TICK) == Phase.RESULTS
    assert phase_at(schedule, archive) == Phase.ARCHIVED
    assert next_change(schedule, announced) == (Phase.ARCHIVED, archive)
    assert not Phase.ARCHIVED.is_current and not Phase.RESULTS.is_current


def test_without_results_the_archive_date_does_not_skip_judging():
    schedule = Schedule(**{**OVERLAP.__dict__, "archive_at": T0 + 30 * DAY})
    assert phase_at(schedule, T0 + 31 * DAY) == Phase.JUDGING
    assert next_change(schedule, T0 + 21 * DAY) is None  # people decide, not the clock


def test_results_close_submissions_and_voting_even_inside_their_windows():
    schedule = Schedule(**{**OVERLAP.__dict__, "results_announced_at": T0 + 6 * DAY})
    from contests.phases import submissions_open, voting_open

    assert phase_at(schedule, T0 + 7 * DAY) == Phase.RESULTS
    assert not submissions_open(schedule, T0 + 7 * DAY)
    assert not voting_open(schedule, T0 + 7 * DAY)


@pytest.mark.django_db
class TestValidation:
    def _contest(self, **fields):
        contest = factories.make_contest("submissions")
        for name, value in fields.items():
            setattr(contest, name, value)
        return contest

    def test_overlap_needs_the_flag(self):
        contest = self._contest(voting_open_at=timezone.now() + DAY)
        with pytest.raises(ValidationError) as error:
            contest.clean()
        assert "voting_open_at" in error.value.message_dict
        contest.voting_during_submissions = True
        contest.clean()  # allowed now

    def test_overlapping_voting_cannot_open_before_submissions_or_close_before_them(self):
        contest = self._contest(voting_during_submissions=True)
        contest.voting_open_at = contest.submissions_open_at - TICK
        contest.voting_close_at = contest.submissions_close_at - TICK
        with pytest.raises(ValidationError) as error:
            contest.clean()
        assert set(error.value.message_dict) == {"voting_open_at", "voting_close_at"}

    def test_archive_only_after_voting_closes(self):
        contest = self._contest()
        contest.archive_at = contest.voting_close_at
        with pytest.raises(ValidationError) as error:
            contest.clean()
        assert error.value.message_dict["archive_at"] == [
            "A contest can be archived only after voting closes."
        ]
        contest.archive_at = contest.voting_close_at + TICK
        contest.clean()


@pytest.mark.django_db
class TestEnforcement:
    @pytest.fixture
    def overlapping(self):
        now = timezone.now()
        return factories.make_contest(
            "submissions",
            submissions_open_at=now - DAY,
            submissions_close_at=now + 5 * DAY,
            voting_open_at=now + DAY,
            voting_close_at=now + 10 * DAY,
            voting_during_submissions=True,
        )

    def test_during_the_overlap_members_submit_and_vote(self, overlapping, member):
        entry = factories.make_entry(overlapping)
        with time_machine.travel(overlapping.voting_open_at, tick=False):
            assert services.cast_vote(entry, voter=member) is True
            mine = services.submit_entry(
                overlapping,
                author=member,
                title="Late idea",
                description="",
                image=factories.image_upload(),
            )
        assert mine.pk and Vote.objects.filter(entry=entry, voter=member).exists()

    def test_submissions_close_at_the_exact_instant_while_voting_goes_on(self, overlapping, member):
        entry = factories.make_entry(overlapping)
        with time_machine.travel(overlapping.submissions_close_at, tick=False):
            with pytest.raises(WrongPhase, match="Submissions for this contest are closed."):
                services.submit_entry(
                    overlapping,
                    author=member,
                    title="Too late",
                    description="",
                    image=factories.image_upload(),
                )
            assert services.cast_vote(entry, voter=member) is True

    def test_archived_contest_refuses_new_winners(self, staff):
        contest = factories.make_contest("judging")
        entry = factories.make_entry(contest)
        services.pick_winners(contest, staff=staff, entry_ids=[entry.pk])
        contest.archive_at = timezone.now() + DAY
        contest.save()
        contest.refresh_from_db()
        with time_machine.travel(contest.archive_at - TICK, tick=False):
            services.pick_winners(contest, staff=staff, entry_ids=[entry.pk], reason="Again.")
        with (
            time_machine.travel(contest.archive_at, tick=False),
            pytest.raises(WrongPhase, match="archived"),
        ):
            services.pick_winners(contest, staff=staff, entry_ids=[entry.pk], reason="Again.")

    def test_page_shows_the_phase_and_both_countdowns_during_the_overlap(self, overlapping, client):
        with time_machine.travel(overlapping.voting_open_at + DAY, tick=False):
            html = client.get(overlapping.url).content.decode()
        assert 'data-testid="phase">Voting<' in html
        assert "Voting closes in" in html
        assert 'data-testid="countdown-submissions">Submissions close in' in html
        assert "Submit your design" in html

    def test_archived_page_keeps_the_results_and_says_archived(self, client, staff):
        contest = factories.make_contest("judging")
        entry = factories.make_entry(contest, title="Kept forever")
        services.pick_winners(contest, staff=staff, entry_ids=[entry.pk])
        ContestResult.objects.filter(contest=contest).update(announced_at=timezone.now() - 2 * DAY)
        contest.archive_at = timezone.now() - DAY
        contest.save()
        html = client.get(contest.url).content.decode()
        assert 'data-testid="phase">Archived<' in html
        assert 'data-testid="archived"' in html
        assert 'data-rank="1"' in html and "Kept forever" in html
        api = client.get(f"/api/v1/contests/{contest.slug}/winners").json()
        assert [w["entry"]["title"] for w in api] == ["Kept forever"]
