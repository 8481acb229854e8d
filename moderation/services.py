"""Every write of the publication gate. Views, the API and admin call these."""

from collections.abc import Iterable
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.actions.unpublish import UnpublishAction

from community.errors import Conflict, InvalidInput, NotAllowed, NotFound
from community.models import User
from community.notifications import notify
from community.rules import is_moderator
from community.tasks import make_image_renditions
from community.validators import check_text
from moderation import live
from moderation.models import (
    LogAction,
    ModeratedModel,
    ModerationItem,
    ModerationItemStatus,
    ModerationLogEntry,
    ModerationStatus,
    RejectionReason,
)
from moderation.tasks import screen_images

REASON_MAX_LENGTH = 2000


def log(
    action: str,
    *,
    actor: User | None,
    obj: ModeratedModel | None = None,
    item: ModerationItem | None = None,
    member: User | None = None,
    summary: str = "",
    reason: str = "",
) -> ModerationLogEntry:
    content_type = object_id = None
    if obj is not None:
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        object_id = obj.pk
    elif item is not None:
        content_type, object_id = item.content_type, item.object_id
    return ModerationLogEntry.objects.create(
        action=action,
        actor=actor,
        content_type=content_type,
        object_id=object_id,
        item=item,
        member=member,
        summary=str(summary)[:255],
        reason=reason,
    )


@transaction.atomic
def submit_for_moderation(obj: ModeratedModel, *, user: User) -> ModerationItem:
    """Record the object's current content as a revision and queue it for a decision.

    For content that is already public the live row stays as it is (the approved version)
    until a moderator approves this revision.
    """
    from moderation import prescreen

    revision = obj.save_revision(user=user, clean=False)
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    # A newer edit replaces an undecided older one: moderators only see the latest.
    older = ModerationItem.objects.filter(
        content_type=content_type, object_id=obj.pk, status=ModerationItemStatus.PENDING
    )
    for older_id in older.values_list("pk", flat=True):
        live.item_left(older_id, reason="superseded")
    older.update(status=ModerationItemStatus.SUPERSEDED, decided_at=timezone.now())
    if not obj.live:
        type(obj).objects.filter(pk=obj.pk).update(
            moderation_status=ModerationStatus.PENDING, moderation_reason=""
        )
        obj.moderation_status = ModerationStatus.PENDING
        obj.moderation_reason = ""
    brand_id, container_id = obj.moderation_scope()
    # Text is screened now; images (decoding, fingerprints) by the task worker after commit.
    flags = prescreen.screen_text(obj)
    has_images = bool(obj.moderation_image_names())
    item = ModerationItem.objects.create(
        content_type=content_type,
        object_id=obj.pk,
        revision=revision,
        author=obj.author,
        is_edit=obj.live,
        brand_id=brand_id,
        container_id=container_id,
        flagged=bool(flags),
        flags=flags,
        screened_at=None if has_images else timezone.now(),
    )
    if has_images:
        transaction.on_commit(partial(screen_images.enqueue, item.pk))
    live.item_added(item)
    return item


def check_can_decide(moderator: User, item: ModerationItem) -> None:
    if not is_moderator(moderator):
        raise NotAllowed(_("Only moderators can decide on submissions."))
    if item.author_id == moderator.pk:
        raise NotAllowed(_("Moderators cannot decide on their own content."))


def _lock_pending(item_id: int, moderator: User) -> ModerationItem:
    item = (
        ModerationItem.objects.select_for_update(of=("self",))
        .select_related("revision", "content_type")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise NotFound(_("There is no such submission."))
    check_can_decide(moderator, item)
    if item.status != ModerationItemStatus.PENDING:
        raise Conflict(_("This submission has already been decided."))
    if item.is_claimed_by_other(moderator):
        raise Conflict(
            _("%(name)s is reviewing this submission.") % {"name": item.claimed_by.username}
        )
    return item


def _content_of(item: ModerationItem) -> ModeratedModel | None:
    return item.content_type.model_class().objects.filter(pk=item.object_id).first()


def _about(obj: ModeratedModel | None, item: ModerationItem | None = None) -> dict:
    """Notification parameters naming the content (rendered in the reader's language)."""
    if obj is None:
        model = item.content_type.model_class() if item is not None else None
        return {"model": model._meta.label_lower if model else "", "title": ""}
    brand_id, _scope = obj.moderation_scope()
    return {
        "model": obj._meta.label_lower,
        "title": obj.notification_title(),
        "object_id": obj.pk,
        "brand_id": brand_id,
    }


def _url_for_author(obj: ModeratedModel | None) -> str:
    getter = getattr(obj, "get_absolute_url", None)
    return getter() if getter else ""


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
    obj = _content_of(item)
    if obj is not None and (names := obj.moderation_image_names()):
        # Resized copies are made once, off the request, before anyone asks for them.
        transaction.on_commit(partial(make_image_renditions.enqueue, names))
    kind = obj.moderation_kind_label if obj else item.content_type.name
    log(LogAction.APPROVE, actor=moderator, item=item, member=item.author, summary=kind)
    notify(
        item.author,
        kind="moderation.approved",
        params=_about(obj, item),
        url=_url_for_author(obj),
    )
    return item


def rejection_text(reason: str = "", reason_id: int | None = None) -> str:
    """The reason sent to the author: the managed reason's message, then the free text."""
    reason = check_text(reason, field="reason")
    parts = []
    if reason_id:
        managed = RejectionReason.objects.filter(pk=reason_id, active=True).first()
        if managed is None:
            raise InvalidInput(_("Choose one of the listed reasons."), field="reason_id")
        parts.append(managed.message)
    if (reason or "").strip():
        parts.append(reason.strip())
    return "\n".join(parts)


@transaction.atomic
def reject(
    item_id: int, *, moderator: User, reason: str = "", reason_id: int | None = None
) -> ModerationItem:
    """Refuse the submitted revision. A rejected edit leaves the approved version public."""
    reason = rejection_text(reason, reason_id)
    if not reason:
        raise InvalidInput(_("Give the author a reason for the rejection."), field="reason")
    item = _lock_pending(item_id, moderator)
    model = item.content_type.model_class()
    if not item.is_edit:
        model.objects.filter(pk=item.object_id, live=False).update(
            moderation_status=ModerationStatus.REJECTED, moderation_reason=reason
        )
    _decide(item, moderator, ModerationItemStatus.REJECTED, reason)
    obj = _content_of(item)
    kind = obj.moderation_kind_label if obj else item.content_type.name
    log(
        LogAction.REJECT,
        actor=moderator,
        item=item,
        member=item.author,
        summary=kind,
        reason=reason,
    )
    notify(
        item.author,
        kind="moderation.edit_rejected" if item.is_edit else "moderation.rejected",
        params={**_about(obj, item), "reason": reason},
        url=_url_for_author(obj),
    )
    return item


def _decide(item: ModerationItem, moderator: User, status: str, reason: str) -> None:
    reason = check_text(reason, field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput(
            _("Keep the reason under %(n)s characters.") % {"n": REASON_MAX_LENGTH},
            field="reason",
        )
    item.status = status
    item.decided_by = moderator
    item.decided_at = timezone.now()
    item.reason = reason
    item.claimed_by = None
    item.claimed_until = None
    item.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "reason",
            "claimed_by",
            "claimed_until",
        ]
    )
    live.item_left(item.pk, reason="decided", by=moderator.pk)


def bulk_decide(
    item_ids: Iterable[int],
    *,
    moderator: User,
    decision: str,
    reason: str = "",
    reason_id: int | None = None,
) -> tuple[int, list[str]]:
    """Approve or reject many items; each is decided on its own (one refusal does not undo the
    others). Returns how many were decided and the refusals."""
    if decision not in ("approve", "reject"):
        raise InvalidInput(_("Choose approve or reject."), field="decision")
    if decision == "reject" and not rejection_text(reason, reason_id):
        raise InvalidInput(_("Give the author a reason for the rejection."), field="reason")
    done, refusals = 0, []
    for item_id in dict.fromkeys(item_ids):
        try:
            if decision == "approve":
                approve(item_id, moderator=moderator, reason=reason)
            else:
                reject(item_id, moderator=moderator, reason=reason, reason_id=reason_id)
        except (NotAllowed, Conflict, NotFound) as refused:
            refusals.append(f"#{item_id}: {refused.message}")
        else:
            done += 1
    return done, refusals


@transaction.atomic
def remove_content(obj: ModeratedModel, *, moderator: User, reason: str) -> ModeratedModel:
    """Take approved content off the site (it stays in the database, its author is told why
    and may fix and resubmit it). Any pending edit of it is withdrawn from the queue."""
    reason = check_text(reason, field="reason").strip()
    if not is_moderator(moderator):
        raise NotAllowed(_("Only moderators can remove content."))
    if obj.author_id == moderator.pk:
        raise NotAllowed(_("Moderators cannot decide on their own content."))
    if not reason:
        raise InvalidInput(_("Give the author a reason for the removal."), field="reason")
    model = type(obj)
    locked = model.objects.select_for_update().filter(pk=obj.pk).first()
    if locked is None or not locked.live:
        raise Conflict(_("This content is not public."))
    # The moderator's right comes from the moderation permission, checked above, not from
    # Wagtail's per-model publish permissions.
    UnpublishAction(locked, user=moderator).execute(skip_permission_checks=True)
    model.objects.filter(pk=obj.pk).update(
        moderation_status=ModerationStatus.REMOVED, moderation_reason=reason
    )
    pending_edits = ModerationItem.objects.for_object(obj).pending()
    for item_id in pending_edits.values_list("pk", flat=True):
        live.item_left(item_id, reason="superseded", by=moderator.pk)
    pending_edits.update(status=ModerationItemStatus.SUPERSEDED, decided_at=timezone.now())
    obj.live = False
    obj.moderation_status = ModerationStatus.REMOVED
    obj.moderation_reason = reason
    kind = obj.moderation_kind_label
    log(LogAction.REMOVE, actor=moderator, obj=obj, member=obj.author, summary=kind, reason=reason)
    notify(
        obj.author,
        kind="moderation.removed",
        params={**_about(obj), "reason": reason},
        url=_url_for_author(obj),
    )
    return obj


@transaction.atomic
def resubmit(obj: ModeratedModel, *, user: User) -> ModerationItem:
    """The author sends fixed content back to the queue after a rejection or removal. The
    caller has already saved the author's changes to the row (it is not public)."""
    from moderation.intake import check_not_suspended

    if obj.author_id != user.pk:
        raise NotAllowed(_("Only the author can resubmit this."))
    check_not_suspended(user)
    if obj.live or obj.moderation_status not in (
        ModerationStatus.REJECTED,
        ModerationStatus.REMOVED,
    ):
        raise Conflict(_("Only rejected or removed content can be resubmitted."))
    item = submit_for_moderation(obj, user=user)
    log(LogAction.RESUBMIT, actor=user, obj=obj, item=item, member=user, summary=str(obj)[:80])
    return item
