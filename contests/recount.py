"""Recount and verify everything derived from vote rows (`manage.py recount_votes`).

Votes are facts; what is derived from them must agree with them. Each check yields mismatches;
a mismatch that can be repaired from the rows carries a `fix`.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Count, F, Q

from contests.models import Award, ContestPage, Vote, VoteStatus, VotingMethod


@dataclass
class Mismatch:
    check: str
    message: str
    fix: Callable[[], None] | None = None


def vote_contest_matches_entry() -> Iterator[Mismatch]:
    for vote in Vote.objects.exclude(contest_id=F("entry__contest_id")).select_related("entry"):
        yield Mismatch(
            "vote-contest",
            f"vote {vote.pk}: contest {vote.contest_id}, its entry's contest "
            f"{vote.entry.contest_id}",
            fix=lambda v=vote: Vote.objects.filter(pk=v.pk).update(contest_id=v.entry.contest_id),
        )


def scores_match_method() -> Iterator[Mismatch]:
    scoring = Q(contest__voting_method=VotingMethod.SCORE)
    wrong = Vote.objects.filter(
        (scoring & Q(score__isnull=True)) | (~scoring & Q(score__isnull=False))
    )
    for vote in wrong:
        yield Mismatch("vote-score", f"vote {vote.pk}: score {vote.score} by the wrong method")


def budgets_respected() -> Iterator[Mismatch]:
    over = (
        Vote.objects.filter(contest__voting_method=VotingMethod.BUDGET)
        .values("contest_id", "voter_id", "contest__vote_budget")
        .annotate(n=Count("pk"))
        .filter(n__gt=F("contest__vote_budget"))
    )
    for row in over:
        yield Mismatch(
            "vote-budget",
            f"contest {row['contest_id']}: voter {row['voter_id']} has {row['n']} votes, "
            f"budget {row['contest__vote_budget']}",
        )


def community_choice_current() -> Iterator[Mismatch]:
    """The Community Choice award of announced contests against a recount of the votes that
    count now (held votes cleared or voided, suspensions since the announcement)."""
    from contests.services import community_choice

    for contest in ContestPage.objects.filter(result__isnull=False).select_related("result"):
        awarded = Award.objects.filter(contest=contest, kind=Award.Kind.COMMUNITY).first()
        favourite = community_choice(contest)
        have = awarded.entry_id if awarded else None
        want = favourite.pk if favourite else None
        if have != want:
            yield Mismatch(
                "community-choice",
                f"contest {contest.pk} “{contest.title}”: Community Choice is entry {have}, "
                f"the votes say {want}",
                fix=lambda c=contest, a=awarded, f=favourite: _replace_choice(c, a, f),
            )


def _replace_choice(contest, awarded, favourite) -> None:
    if awarded is not None:
        awarded.delete()
    if favourite is not None:
        Award.objects.create(
            contest=contest, entry=favourite, kind=Award.Kind.COMMUNITY, rank=1, awarded_by=None
        )


def held_votes_after_results() -> Iterator[Mismatch]:
    held = (
        Vote.objects.filter(status=VoteStatus.HELD, contest__result__isnull=False)
        .values("contest_id")
        .annotate(n=Count("pk"))
    )
    for row in held:
        yield Mismatch(
            "held-after-results",
            f"contest {row['contest_id']}: {row['n']} held votes were never decided "
            "(Held votes, in the admin)",
        )


CHECKS: list[Callable[[], Iterator[Mismatch]]] = [
    vote_contest_matches_entry,
    scores_match_method,
    budgets_respected,
    community_choice_current,
    held_votes_after_results,
]


def verify() -> list[Mismatch]:
    return [mismatch for check in CHECKS for mismatch in check()]


def totals() -> dict[str, int]:
    by_status = dict(Vote.objects.values_list("status").annotate(n=Count("pk")))
    return {
        "counted": Vote.objects.counted().count(),
        "held": by_status.get(VoteStatus.HELD, 0),
        "voided": by_status.get(VoteStatus.VOIDED, 0),
        "all": sum(by_status.values()),
    }
