"""What the staff dashboard (the Wagtail admin home) shows brand staff about their contests:
those that need them now. Read-only, scoped by the one brand predicate (community.rules)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count
from django.utils import timezone

from community.models import User
from community.rules import can_manage, is_brand_staff, staff_brand_ids
from contests.models import ContestPage, JuryCriterion, JuryScore, Shortlisting
from contests.phases import Phase

CLOSING_SOON = timedelta(hours=48)


@dataclass
class ContestAttention:
    contest: ContestPage
    closing_soon: bool = False  # submissions close within CLOSING_SOON
    awaiting_winners: bool = False  # voting closed, no winners picked
    missing_scores: int = 0  # jury scores this user still owes on shortlisted entries
    nothing_shortlisted: bool = False  # in judging, with criteria, but an empty shortlist

    @property
    def can_pick_winners(self) -> bool:
        return self.contest.phase in (Phase.JUDGING, Phase.RESULTS)


def managed_contests(user: User):
    """Live contests of the brands `user` runs (all of them for an admin)."""
    contests = ContestPage.objects.live().select_related("result", "brand")
    if user.is_superuser:
        return contests
    if not is_brand_staff(user):
        return contests.none()
    return contests.filter(brand_id__in=staff_brand_ids(user))


def contests_needing_attention(user: User, now: datetime | None = None) -> list[ContestAttention]:
    """Contests closing for submissions within 48 hours, contests whose voting closed with no
    winners yet, and contests in judging where `user` still owes jury scores. A fixed number of
    queries, whatever the number of contests."""
    now = now or timezone.now()
    candidates = managed_contests(user).filter(
        submissions_close_at__lte=now + CLOSING_SOON, result__isnull=True
    )
    found: dict[int, ContestAttention] = {}
    judging: list[ContestPage] = []
    for contest in candidates.order_by("voting_close_at", "pk"):
        if not can_manage(user, contest):  # the same predicate as every staff action
            continue
        attention = ContestAttention(contest)
        if now <= contest.submissions_close_at <= now + CLOSING_SOON:
            attention.closing_soon = True
        phase = contest.phase_at(now)
        if phase == Phase.JUDGING:
            attention.awaiting_winners = True
        if phase in (Phase.REVIEW, Phase.VOTING, Phase.JUDGING) and not (
            contest.submissions_open_at_moment(now)
        ):
            judging.append(contest)
        found[contest.pk] = attention
    if judging:
        ids = [c.pk for c in judging]
        criteria = dict(
            # order_by(): the translated model's ordering would join the GROUP BY
            JuryCriterion.objects.filter(contest_id__in=ids)
            .order_by()
            .values("contest_id")
            .annotate(n=Count("pk"))
            .values_list("contest_id", "n")
        )
        shortlisted = dict(
            Shortlisting.objects.filter(contest_id__in=ids)
            .values("contest_id")
            .annotate(n=Count("pk"))
            .values_list("contest_id", "n")
        )
        scored = dict(
            JuryScore.objects.filter(
                juror=user,
                entry__contest_id__in=ids,
                entry__shortlisting__isnull=False,
            )
            .values("entry__contest_id")
            .annotate(n=Count("pk"))
            .values_list("entry__contest_id", "n")
        )
        for contest in judging:
            attention = found[contest.pk]
            if not criteria.get(contest.pk):
                continue
            if not shortlisted.get(contest.pk):
                attention.nothing_shortlisted = attention.awaiting_winners
                continue
            expected = criteria[contest.pk] * shortlisted[contest.pk]
            attention.missing_scores = max(expected - scored.get(contest.pk, 0), 0)
    return [
        a
        for a in found.values()
        if a.closing_soon or a.awaiting_winners or a.missing_scores or a.nothing_shortlisted
    ]
