"""Figures for the admin dashboard: how the queue is doing and who is deciding."""

from datetime import timedelta
from statistics import median

from django.db.models import Count
from django.utils import timezone

from moderation.models import ModerationItem, ModerationItemStatus, Report, ReportStatus
from moderation.queue import pending_items

DECIDED = (ModerationItemStatus.APPROVED, ModerationItemStatus.REJECTED)


def queue_figures(now=None, days: int = 7) -> dict:
    now = now or timezone.now()
    pending = pending_items()
    oldest = pending.order_by("submitted_at").values_list("submitted_at", flat=True).first()
    since = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    decided = ModerationItem.objects.filter(status__in=DECIDED, decided_at__gte=since)
    waits: dict = {}
    for submitted_at, decided_at in decided.values_list("submitted_at", "decided_at"):
        day = timezone.localdate(decided_at)
        waits.setdefault(day, []).append((decided_at - submitted_at).total_seconds())
    per_day = [
        {
            "day": day,
            "decisions": len(waits[day]),
            "median": timedelta(seconds=round(median(waits[day]))),
        }
        for day in sorted(waits, reverse=True)
    ]
    per_moderator = list(
        decided.exclude(decided_by=None)
        .values("decided_by__username")
        .annotate(decisions=Count("pk"))
        .order_by("-decisions", "decided_by__username")
    )
    return {
        "pending": pending.count(),
        "oldest_at": oldest,
        "oldest_age": now - oldest if oldest else None,
        "per_day": per_day,
        "per_moderator": per_moderator,
        "days": days,
    }


def open_report_count() -> int:
    """How many pieces of content have open reports (the report desk lists them one each)."""
    return (
        Report.objects.filter(status=ReportStatus.OPEN)
        .values("content_type", "object_id")
        .distinct()
        .count()
    )
