"""Claims: the moderator reviewing an item holds it for a few minutes so that nobody else
reviews it at the same time. A claim expires by itself; deciding releases it."""

from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community.errors import Conflict, NotFound
from community.models import User
from moderation import live
from moderation.models import ModerationItem, ModerationItemStatus
from moderation.services import check_can_decide

CLAIM_DURATION = timedelta(minutes=5)


def _unclaimed(now) -> Q:
    return Q(claimed_by__isnull=True) | Q(claimed_until__lte=now)


@transaction.atomic
def claim(item_id: int, *, moderator: User) -> ModerationItem:
    """Claim one item, or refuse if another moderator holds a live claim on it."""
    item = ModerationItem.objects.select_for_update(of=("self",)).filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("There is no such submission."))
    check_can_decide(moderator, item)
    if item.status != ModerationItemStatus.PENDING:
        raise Conflict(_("This submission has already been decided."))
    if item.is_claimed_by_other(moderator):
        raise Conflict(
            _("%(name)s is reviewing this submission.") % {"name": item.claimed_by.username}
        )
    item.claimed_by = moderator
    item.claimed_until = timezone.now() + CLAIM_DURATION
    item.save(update_fields=["claimed_by", "claimed_until"])
    live.item_left(item.pk, reason="claimed", by=moderator.pk)
    return item


@transaction.atomic
def claim_next(queryset, *, moderator: User, after: ModerationItem | None = None):
    """Claim the first item of `queryset` (the filtered queue, in its order) that nobody else
    holds, skipping the moderator's own content; returns None when nothing is left. With
    `after`, items up to and including it (in queue order) are skipped."""
    now = timezone.now()
    candidates = (
        queryset.filter(_unclaimed(now) | Q(claimed_by=moderator))
        .exclude(author=moderator)
        .order_by("-flagged", "submitted_at", "pk")
    )
    if after is not None:
        candidates = candidates.filter(
            Q(flagged__lt=after.flagged)
            | Q(flagged=after.flagged, submitted_at__gt=after.submitted_at)
            | Q(flagged=after.flagged, submitted_at=after.submitted_at, pk__gt=after.pk)
        )
    limit = 5
    if connection.features.has_select_for_update_skip_locked:
        # Lock only the row this moderator takes: rows locked by others are skipped.
        candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        limit = 1
    for item in candidates[:limit]:
        # Re-check under the row lock: another moderator may have claimed it meanwhile.
        updated = (
            ModerationItem.objects.filter(pk=item.pk, status=ModerationItemStatus.PENDING)
            .filter(_unclaimed(now) | Q(claimed_by=moderator))
            .update(claimed_by=moderator, claimed_until=now + CLAIM_DURATION)
        )
        if updated:
            live.item_left(item.pk, reason="claimed", by=moderator.pk)
            item.claimed_by = moderator
            item.claimed_until = now + CLAIM_DURATION
            return item
    return None


def release(item_id: int, *, moderator: User) -> None:
    released = ModerationItem.objects.filter(pk=item_id, claimed_by=moderator).update(
        claimed_by=None, claimed_until=None
    )
    if released:
        item = ModerationItem.objects.select_related("content_type").get(pk=item_id)
        if item.status == ModerationItemStatus.PENDING:
            live.item_added(item)
