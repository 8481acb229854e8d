from datetime import UTC, datetime, timedelta

import pytest

from contests.phases import Phase, Schedule, next_change, phase_at

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SCHEDULE = Schedule(
    submissions_open_at=T0,
    submissions_close_at=T0 + timedelta(days=10),
    voting_open_at=T0 + timedelta(days=12),
    voting_close_at=T0 + timedelta(days=20),
)
TICK = timedelta(microseconds=1)


@pytest.mark.parametrize(
    ("moment", "phase"),
    [
        (SCHEDULE.submissions_open_at - TICK, Phase.DRAFT),
        (SCHEDULE.submissions_open_at, Phase.SUBMISSIONS),
        (SCHEDULE.submissions_close_at - TICK, Phase.SUBMISSIONS),
        (SCHEDULE.submissions_close_at, Phase.REVIEW),
        (SCHEDULE.voting_open_at - TICK, Phase.REVIEW),
        (SCHEDULE.voting_open_at, Phase.VOTING),
        (SCHEDULE.voting_close_at - TICK, Phase.VOTING),
        (SCHEDULE.voting_close_at, Phase.JUDGING),
        (SCHEDULE.voting_close_at + timedelta(days=400), Phase.JUDGING),
    ],
)
def test_phase_at_each_boundary_instant(moment, phase):
    assert phase_at(SCHEDULE, moment) == phase


def test_results_start_when_announced():
    announced = SCHEDULE.voting_close_at + timedelta(days=2)
    schedule = Schedule(**{**SCHEDULE.__dict__, "results_announced_at": announced})
    assert phase_at(schedule, announced - TICK) == Phase.JUDGING
    assert phase_at(schedule, announced) == Phase.RESULTS


def test_voting_back_to_back_with_submissions():
    schedule = Schedule(T0, T0 + timedelta(days=1), T0 + timedelta(days=1), T0 + timedelta(days=2))
    assert phase_at(schedule, T0 + timedelta(days=1) - TICK) == Phase.SUBMISSIONS
    assert phase_at(schedule, T0 + timedelta(days=1)) == Phase.VOTING


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (T0 - timedelta(days=1), (Phase.SUBMISSIONS, SCHEDULE.submissions_open_at)),
        (T0, (Phase.REVIEW, SCHEDULE.submissions_close_at)),
        (SCHEDULE.submissions_close_at, (Phase.VOTING, SCHEDULE.voting_open_at)),
        (SCHEDULE.voting_open_at, (Phase.JUDGING, SCHEDULE.voting_close_at)),
        (SCHEDULE.voting_close_at, None),
    ],
)
def test_next_change_for_the_countdown(now, expected):
    assert next_change(SCHEDULE, now) == expected
