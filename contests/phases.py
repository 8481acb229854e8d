"""A contest's phase derives from its dates (and from whether results are announced).

Phases, in order: draft → submissions → (review) → voting → judging → results → archived.
"review" is the gap between submissions closing and voting opening, if the contest leaves one.
A contest may let voting open while submissions are still open (`voting_during_submissions`):
during that overlap the phase is "voting" and submissions are accepted too. Every window includes
its opening instant and excludes its closing one.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    DRAFT = "draft", _("Coming soon")
    SUBMISSIONS = "submissions", _("Open for submissions")
    REVIEW = "review", _("Entries under review")
    VOTING = "voting", _("Voting")
    JUDGING = "judging", _("Judging")
    RESULTS = "results", _("Results")
    ARCHIVED = "archived", _("Archived")

    @property
    def is_current(self) -> bool:
        """Still running (or about to): everything before the results."""
        return self not in (Phase.RESULTS, Phase.ARCHIVED)


# What the countdown to the next change says, by the current phase.
COUNTDOWN_LABELS = {
    Phase.DRAFT: _("Submissions open in %(time)s"),
    Phase.SUBMISSIONS: _("Submissions close in %(time)s"),
    Phase.REVIEW: _("Voting opens in %(time)s"),
    Phase.VOTING: _("Voting closes in %(time)s"),
    Phase.RESULTS: _("This contest will be archived in %(time)s"),
}


@dataclass(frozen=True)
class Schedule:
    submissions_open_at: datetime
    submissions_close_at: datetime
    voting_open_at: datetime
    voting_close_at: datetime
    results_announced_at: datetime | None = None
    archive_at: datetime | None = None


def submissions_open(schedule: Schedule, now: datetime) -> bool:
    """Whether entries are accepted (and may be edited or withdrawn) at `now`."""
    return schedule.submissions_open_at <= now < schedule.submissions_close_at and not _announced(
        schedule, now
    )


def voting_open(schedule: Schedule, now: datetime) -> bool:
    return schedule.voting_open_at <= now < schedule.voting_close_at and not _announced(
        schedule, now
    )


def _announced(schedule: Schedule, now: datetime) -> bool:
    return schedule.results_announced_at is not None and schedule.results_announced_at <= now


def phase_at(schedule: Schedule, now: datetime) -> Phase:
    """The phase at `now`. Archiving follows the results: a contest whose results are not
    announced stays in judging even after its archive date."""
    if _announced(schedule, now):
        if schedule.archive_at is not None and schedule.archive_at <= now:
            return Phase.ARCHIVED
        return Phase.RESULTS
    if voting_open(schedule, now):
        return Phase.VOTING
    if submissions_open(schedule, now):
        return Phase.SUBMISSIONS
    if now < schedule.submissions_open_at:
        return Phase.DRAFT
    if now < schedule.voting_open_at:
        return Phase.REVIEW  # submissions closed, voting not open yet
    return Phase.JUDGING


def next_change(schedule: Schedule, now: datetime) -> tuple[Phase, datetime] | None:
    """The next phase and when it starts, for the countdown; None when only people decide."""
    current = phase_at(schedule, now)
    moments = sorted(
        {
            schedule.submissions_open_at,
            schedule.submissions_close_at,
            schedule.voting_open_at,
            schedule.voting_close_at,
            *([schedule.archive_at] if schedule.archive_at else []),
        }
    )
    for moment in moments:
        if moment > now and (phase := phase_at(schedule, moment)) != current:
            return phase, moment
    return None


def next_boundary(schedule: Schedule, now: datetime) -> datetime | None:
    """The next moment any of the contest's dates passes (what a page shows may change then,
    even when the phase does not: submissions closing during voting)."""
    moments = [
        schedule.submissions_open_at,
        schedule.submissions_close_at,
        schedule.voting_open_at,
        schedule.voting_close_at,
        schedule.archive_at,
    ]
    return min((m for m in moments if m is not None and m > now), default=None)
