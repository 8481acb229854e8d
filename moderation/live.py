"""Live moderation queue: events for the moderators' group only, sent after commit.

They carry no content, only what the desk needs to change its screen: the item's id, its kind
(the model's name), who caused the change, and the queue's counts."""

from django.db import transaction

from community import realtime
from moderation.models import ModerationItem

QUEUE_GROUP = "moderation-queue"


def queue_counts() -> dict:
    pending = ModerationItem.objects.pending()
    return {"pending": pending.count(), "flagged": pending.filter(flagged=True).count()}


def _send(event: dict) -> None:
    event["counts"] = queue_counts()
    realtime.send_now(QUEUE_GROUP, event)


def item_added(item: ModerationItem) -> None:
    """A new submission or edit is waiting (or a released claim made it available again)."""
    event = {"type": "queue.item_added", "item_id": item.pk, "kind": item.content_type.model}
    transaction.on_commit(lambda: _send(event))


def item_left(item_id: int, *, reason: str, by: int | None = None) -> None:
    """An item leaves the others' screens: claimed, decided or superseded."""
    event = {"type": "queue.item_left", "item_id": item_id, "reason": reason, "by": by}
    transaction.on_commit(lambda: _send(event))
