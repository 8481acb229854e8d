"""Reading the moderation queue: one shape for the admin desk and the API."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from moderation.models import ModerationItem


@dataclass
class QueueEntry:
    item: ModerationItem
    kind: str
    title: str
    text: str
    image_url: str | None
    context: str
    author: str

    @property
    def submitted_at(self) -> datetime:
        return self.item.submitted_at


def pending_items() -> QuerySet[ModerationItem]:
    """Pending submissions, oldest first (the order moderators work in)."""
    return (
        ModerationItem.objects.pending()
        .select_related("author", "content_type", "revision")
        .order_by("submitted_at", "pk")
    )


def describe(items) -> list[QueueEntry]:
    """Previews of the submitted versions. New content is read from its row (one query per
    kind); an edit is read from its revision, since the row still holds the approved version."""
    items = list(items)
    by_model: dict = {}
    for item in items:
        if not item.is_edit:
            by_model.setdefault(item.content_type.model_class(), []).append(item.object_id)
    rows = {}
    for model, ids in by_model.items():
        for obj in model.objects.filter(pk__in=ids).select_related(*model.moderation_related):
            rows[(model, obj.pk)] = obj
    entries = []
    for item in items:
        model = item.content_type.model_class()
        obj = item.revision.as_object() if item.is_edit else rows.get((model, item.object_id))
        if obj is None:
            continue
        preview = obj.moderation_preview(revision_id=item.revision_id if item.is_edit else None)
        entries.append(
            QueueEntry(
                item=item,
                kind=str(model._meta.verbose_name),
                title=preview.get("title", ""),
                text=preview.get("text", ""),
                image_url=preview.get("image_url"),
                context=preview.get("context", ""),
                author=item.author.username,
            )
        )
    return entries
