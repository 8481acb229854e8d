"""Who may do what on an ideas board, and when. Services call these; templates use them for
hints. Brand staff are always checked against the brand of the board they act on."""

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from community.errors import NotAllowed, WrongPhase
from community.models import User
from community.rules import is_moderator, is_staff_of_brand, is_verified_member
from ideas.models import SUPPORTABLE_STATUSES, Idea, IdeasBoardPage, IdeaStatus
from moderation.intake import check_not_suspended


def check_can_take_part(user: User) -> None:
    if not user.is_authenticated:
        raise NotAllowed(_("Sign in to take part."))
    if not is_verified_member(user):
        raise NotAllowed(_("Verify your email address before taking part."))


def check_board_open(board: IdeasBoardPage, now: datetime | None = None) -> None:
    now = now or timezone.now()
    if now < board.opens_at:
        raise WrongPhase(
            _("This board opens on %(date)s.")
            % {"date": date_format(timezone.localtime(board.opens_at), "DATETIME_FORMAT")}
        )
    if board.closes_at is not None and now >= board.closes_at:
        raise WrongPhase(_("This board is closed: no new ideas or supports."))


def check_can_post(user: User, board: IdeasBoardPage, now: datetime | None = None) -> None:
    check_can_take_part(user)
    check_board_open(board, now)


def can_manage_board(user: User, board: IdeasBoardPage) -> bool:
    """Staff of the board's brand (and admins) answer, merge and revive its ideas."""
    return is_staff_of_brand(user, board.brand_id)


def check_can_manage(user: User, board: IdeasBoardPage) -> None:
    if not can_manage_board(user, board):
        raise NotAllowed(
            _("Only the staff of %(brand)s can do this.") % {"brand": board.brand.name}
        )


def can_see(user: User, idea: Idea) -> bool:
    """Approved ideas are public; a pending one only for its author and moderators."""
    if idea.live:
        return True
    return user.is_authenticated and (idea.author_id == user.pk or is_moderator(user))


def check_can_support(user: User, idea: Idea, now: datetime | None = None) -> None:
    check_can_take_part(user)
    check_not_suspended(user)
    if not idea.live:
        raise NotAllowed(_("This idea is not open for support."))
    if idea.author_id == user.pk:
        raise NotAllowed(_("You cannot support your own idea."))
    now = now or timezone.now()
    check_board_open(idea.board, now)
    if idea.status == IdeaStatus.MERGED:
        raise WrongPhase(_("This idea was merged into another one: support that one instead."))
    if idea.status not in SUPPORTABLE_STATUSES or idea.has_missed_stage_at(now):
        raise WrongPhase(_("This idea is no longer open for support."))
