"""Who may do what in a contest, and when. Services call these; templates use them for hints."""

from datetime import timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from community.errors import NotAllowed, WrongPhase
from community.models import User
from community.rules import can_manage, is_brand_staff, is_verified_member
from contests.models import ContestPage, Entry
from contests.phases import Phase

PHASE_REFUSALS = {
    "submit": {
        Phase.DRAFT: gettext_lazy("Submissions for this contest have not opened yet."),
        "default": gettext_lazy("Submissions for this contest are closed."),
    },
    "vote": {
        Phase.DRAFT: gettext_lazy("Voting has not opened yet."),
        Phase.SUBMISSIONS: gettext_lazy("Voting has not opened yet."),
        Phase.REVIEW: gettext_lazy("Voting has not opened yet."),
        "default": gettext_lazy("Voting for this contest is closed."),
    },
}


def _refuse_phase(action: str, phase: Phase) -> None:
    messages = PHASE_REFUSALS[action]
    raise WrongPhase(messages.get(phase, messages["default"]))


def check_can_take_part(user: User) -> None:
    if not user.is_authenticated:
        raise NotAllowed(_("Sign in to take part."))
    if not is_verified_member(user):
        raise NotAllowed(_("Verify your email address before taking part."))


def check_submissions_open(contest: ContestPage, now=None) -> None:
    now = now or timezone.now()
    if not contest.submissions_open_at_moment(now):
        _refuse_phase("submit", contest.phase_at(now))


def check_can_submit(user: User, contest: ContestPage, now=None) -> None:
    check_can_take_part(user)
    check_submissions_open(contest, now)


def check_can_vote(user: User, entry: Entry, now=None) -> None:
    check_can_take_part(user)
    if not entry.live:
        raise NotAllowed(_("This entry is not open for votes."))
    now = now or timezone.now()
    if not entry.contest.voting_open_at_moment(now):
        _refuse_phase("vote", entry.contest.phase_at(now))
    if entry.author_id == user.pk:
        raise NotAllowed(_("You cannot vote for your own entry."))
    check_account_old_enough(user, entry.contest, now)


def check_account_old_enough(user: User, contest: ContestPage, now) -> None:
    """The contest's minimum account age for voters (0: none)."""
    days = contest.min_account_age_days
    if not days:
        return
    allowed_from = user.date_joined + timedelta(days=days)
    if now < allowed_from:
        raise NotAllowed(
            ngettext(
                "In this contest, accounts can vote once they are %(n)s day old. Your account "
                "can vote from %(date)s.",
                "In this contest, accounts can vote once they are %(n)s days old. Your account "
                "can vote from %(date)s.",
                days,
            )
            % {"n": days, "date": date_format(timezone.localtime(allowed_from), "DATETIME_FORMAT")}
        )


def check_can_manage(user: User, contest: ContestPage, refusal: str, other_brand: str) -> None:
    """Staff of the contest's brand (or an admin): the brand scope, one predicate.
    `other_brand` (with %(brand)s) is the refusal for staff of another brand."""
    if can_manage(user, contest):
        return
    if is_brand_staff(user):
        raise NotAllowed(other_brand % {"brand": contest.brand.name})
    raise NotAllowed(refusal)


def check_can_pick_winners(user: User, contest: ContestPage, now=None) -> None:
    check_can_manage(
        user,
        contest,
        _("Only brand staff can pick winners."),
        _("Only the staff of %(brand)s can pick this contest's winners."),
    )
    phase = contest.phase_at(now or timezone.now())
    if phase == Phase.ARCHIVED:
        raise WrongPhase(_("This contest is archived: its results are final."))
    if phase not in (Phase.JUDGING, Phase.RESULTS):
        raise WrongPhase(_("Winners can be picked only after voting closes."))


def check_can_judge(user: User, contest: ContestPage, now=None) -> None:
    """Brand staff shortlist and score entries once submissions close, until the results."""
    check_can_see_jury(user, contest)
    now = now or timezone.now()
    phase = contest.phase_at(now)
    if phase in (Phase.RESULTS, Phase.ARCHIVED):
        raise WrongPhase(_("The results are announced: judging is over."))
    if phase == Phase.DRAFT or contest.submissions_open_at_moment(now):
        raise WrongPhase(_("Judging starts when submissions close."))


def check_can_see_jury(user: User, contest: ContestPage) -> None:
    """The jury table (scores, shortlist) is for the contest's brand staff, in every phase."""
    check_can_manage(
        user,
        contest,
        _("Only brand staff can judge entries."),
        _("Only the staff of %(brand)s can judge this contest's entries."),
    )
