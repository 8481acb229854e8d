"""Who may post right now: suspensions of members and the crisis pause of intake.

Contests, ideas and comments call `check_intake_open` before accepting content, and
`check_not_suspended` before a vote or support.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.errors import Conflict, InvalidInput, NotAllowed, NotFound, WrongPhase
from community.models import Brand, User
from community.notifications import notify
from community.rules import brand_id_of, can_manage, is_brand_staff, is_moderator
from community.validators import check_text
from community.versioned import VersionedAnswers
from moderation.models import (
    IntakePause,
    LogAction,
    PauseScope,
    Suspension,
    SuspensionKind,
)
from moderation.services import log


def active_suspension(user: User) -> Suspension | None:
    if not user.is_authenticated:
        return None
    return Suspension.objects.active().filter(member=user).first()


def check_not_suspended(user: User) -> None:
    if active_suspension(user) is not None:
        raise NotAllowed(_("Your account is suspended: you cannot post or vote."))


# Whether any pause is active at all: asked on every page (the banner) and every post, and
# nearly always "no"; every change to a pause bumps the version (moderation/signals.py).
PAUSES = VersionedAnswers("intake:pauses", seconds=5)


def any_pause_active() -> bool:
    return PAUSES.get("any", lambda: IntakePause.objects.active().exists())


def active_pause(*, brand_id: int | None = None, container_id: int | None = None):
    if not any_pause_active():
        return None
    return (
        IntakePause.objects.covering(brand_id=brand_id, container_id=container_id)
        .select_related("brand", "container")
        .first()
    )


def check_intake_open(user: User, *, contest=None, brand_id=None, container_id=None) -> None:
    """Refuse new content from a suspended member, or where intake is paused."""
    check_not_suspended(user)
    if contest is not None:
        brand_id, container_id = contest.brand_id, contest.pk
    pause = active_pause(brand_id=brand_id, container_id=container_id)
    if pause is not None:
        message = _("Submissions are paused for now.")
        raise WrongPhase(f"{message} {pause.message}".strip())


# Suspensions ---------------------------------------------------------------------------------
@transaction.atomic
def suspend(
    member: User, *, moderator: User, reason: str, days: int | None = None, ban: bool = False
) -> Suspension:
    if not is_moderator(moderator):
        raise NotAllowed(_("Only moderators can suspend members."))
    if member.pk == moderator.pk:
        raise NotAllowed(_("You cannot suspend yourself."))
    if is_moderator(member) or member.is_superuser:
        raise NotAllowed(_("Moderators and administrators cannot be suspended here."))
    reason = check_text(reason, field="reason").strip()
    if not reason:
        raise InvalidInput(_("Give a reason for the suspension."), field="reason")
    if days is not None and (days < 1 or days > 3650):
        raise InvalidInput(_("A suspension lasts between 1 and 3650 days."), field="days")
    if active_suspension(member) is not None:
        raise Conflict(_("This member is already suspended."))
    kind = SuspensionKind.BAN if ban else SuspensionKind.SUSPENSION
    ends_at = None if ban or days is None else timezone.now() + timedelta(days=days)
    suspension = Suspension.objects.create(
        member=member, kind=kind, reason=reason, created_by=moderator, ends_at=ends_at
    )
    log(
        LogAction.BAN if ban else LogAction.SUSPEND,
        actor=moderator,
        member=member,
        summary=member.username,
        reason=reason,
    )
    notify(
        member,
        kind="moderation.suspended",
        params={"reason": reason},
    )
    return suspension


@transaction.atomic
def lift_suspension(suspension_id: int, *, moderator: User, reason: str = "") -> Suspension:
    if not is_moderator(moderator):
        raise NotAllowed(_("Only moderators can lift suspensions."))
    suspension = (
        Suspension.objects.select_for_update().select_related("member").filter(pk=suspension_id)
    ).first()
    if suspension is None:
        raise NotFound(_("There is no such suspension."))
    if suspension.lifted_at is not None:
        raise Conflict(_("This suspension has already been lifted."))
    suspension.lifted_at = timezone.now()
    suspension.lifted_by = moderator
    suspension.save(update_fields=["lifted_at", "lifted_by"])
    log(
        LogAction.LIFT,
        actor=moderator,
        member=suspension.member,
        summary=suspension.member.username,
        reason=reason,
    )
    notify(
        suspension.member,
        kind="moderation.reinstated",
    )
    return suspension


# Crisis pause --------------------------------------------------------------------------------
def can_pause(user: User, scope_obj=None) -> bool:
    """Pausing is a moderator's crisis action, for any scope; brand staff may pause (and
    resume) their own brand or its contests and boards, never the whole site (`scope_obj`
    None) nor another brand."""
    return is_moderator(user) or can_manage(user, scope_obj)


def check_can_pause(user: User, scope_obj=None) -> None:
    if can_pause(user, scope_obj):
        return
    if is_brand_staff(user):
        if brand_id_of(scope_obj) is None:
            raise NotAllowed(_("Only moderators can pause the whole site."))
        raise NotAllowed(_("Brand staff can pause only their own brand's contests and boards."))
    raise NotAllowed(_("Only moderators and brand staff can pause intake."))


@transaction.atomic
def pause_intake(
    *,
    actor: User,
    scope: str,
    brand: Brand | None = None,
    container=None,
    message: str = "",
) -> IntakePause:
    if not (is_moderator(actor) or is_brand_staff(actor)):
        raise NotAllowed(_("Only moderators and brand staff can pause intake."))
    if scope not in PauseScope.values:
        raise InvalidInput(_("Choose what to pause."), field="scope")
    if scope == PauseScope.BRAND and brand is None:
        raise InvalidInput(_("Choose the brand to pause."), field="brand")
    if scope == PauseScope.CONTAINER and container is None:
        raise InvalidInput(_("Choose the contest or board to pause."), field="container")
    scope_obj = {PauseScope.BRAND: brand, PauseScope.CONTAINER: container}.get(scope)
    check_can_pause(actor, getattr(scope_obj, "specific", scope_obj))
    pause = IntakePause.objects.create(
        scope=scope,
        brand=brand if scope == PauseScope.BRAND else None,
        container=container if scope == PauseScope.CONTAINER else None,
        message=check_text(message, field="message").strip()[:280],
        created_by=actor,
    )
    log(LogAction.PAUSE, actor=actor, summary=pause.describe(), reason=pause.message)
    return pause


@transaction.atomic
def resume_intake(pause_id: int, *, actor: User) -> IntakePause:
    pause = IntakePause.objects.select_for_update().filter(pk=pause_id).first()
    if pause is None:
        if not (is_moderator(actor) or is_brand_staff(actor)):
            raise NotAllowed(_("Only moderators and brand staff can pause intake."))
        raise NotFound(_("There is no such pause."))
    check_can_pause(actor, pause)
    if pause.resumed_at is not None:
        raise Conflict(_("Intake has already been resumed here."))
    pause.resumed_at = timezone.now()
    pause.resumed_by = actor
    pause.save(update_fields=["resumed_at", "resumed_by"])
    log(LogAction.RESUME, actor=actor, summary=pause.describe())
    return pause
