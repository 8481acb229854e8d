"""Every write of the publication gate. Views, the API and admin call these."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.errors import Conflict, InvalidInput, NotAllowed, NotFound
from community.models import User
from community.rules import is_moderator
from moderation.models import (
    ModeratedModel,
    ModerationItem,
    ModerationItemStatus,
    ModerationStatus,
)

REASON_MAX_LENGTH = 2000


@transaction.atomic
def submit_for_moderation(obj: ModeratedModel, *, user: User) -> ModerationItem:
    """Record the object's current content as a revision and queue it for a decision.

    For content that is already public the live row stays as it is (the approved version)
    until a moderator approves this revision.
    """
    revision = obj.save_revision(user=user, clean=False)
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    # A newer edit replaces an undecided older one: moderators only see the latest.
    ModerationItem.objects.filter(
        content_type=content_type, object_id=obj.pk, status=ModerationItemStatus.PENDING
    ).update(status=ModerationItemStatus.SUPERSEDED, decided_at=timezone.now())
    if not obj.live:
        type(obj).objects.filter(pk=obj.pk).update(
            moderation_status=ModerationStatus.PENDING, moderation_reason=""
        )
        obj.moderation_status = ModerationStatus.PENDING
    return ModerationItem.objects.create(
        content_type=content_type,
        object_id=obj.pk,
        revision=revision,
        author=obj.author,
        is_edit=obj.live,
    )


def check_can_decide(moderator: User, item: ModerationItem) -> None:
    if not is_moderator(moderator):
        raise NotAllowed(_("Only moderators can decide on submissions."))
    if item.author_id == moderator.pk:
        raise NotAllowed(_("Moderators cannot decide on their own content."))


def _lock_pending(item_id: int, moderator: User) -> ModerationItem:
    item = (
        ModerationItem.objects.select_for_update()
        .select_related("revision", "content_type")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise NotFound(_("There is no such submission."))
    check_can_decide(moderator, item)
    if item.status != ModerationItemStatus.PENDING:
        raise Conflict(_("This submission has already been decided."))
    return item


@transaction.atomic
def approve(item_id: int, *, moderator: User, reason: str = "") -> ModerationItem:
    """Publish the submitted revision: from now on it is the public version."""
    item = _lock_pending(item_id, moderator)
    item.revision.publish(user=moderator, skip_permission_checks=True)
    model = item.content_type.model_class()
    model.objects.filter(pk=item.object_id).update(
        moderation_status=ModerationStatus.APPROVED, moderation_reason=""
    )
    _decide(item, moderator, ModerationItemStatus.APPROVED, reason)
    return item


@transaction.atomic
def reject(item_id: int, *, moderator: User, reason: str) -> ModerationItem:
    """Refuse the submitted revision. A rejected edit leaves the approved version public."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the author a reason for the rejection."), field="reason")
    item = _lock_pending(item_id, moderator)
    model = item.content_type.model_class()
    if not item.is_edit:
        model.objects.filter(pk=item.object_id, live=False).update(
            moderation_status=ModerationStatus.REJECTED, moderation_reason=reason
        )
    _decide(item, moderator, ModerationItemStatus.REJECTED, reason)
    return item


def _decide(item: ModerationItem, moderator: User, status: str, reason: str) -> None:
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput(
            _("Keep the reason under %(n)s characters.") % {"n": REASON_MAX_LENGTH},
            field="reason",
        )
    item.status = status
    item.decided_by = moderator
    item.decided_at = timezone.now()
    item.reason = reason
    item.save(update_fields=["status", "decided_by", "decided_at", "reason"])
