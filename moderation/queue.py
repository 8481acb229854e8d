"""Reading the moderation queue: one shape for the admin desk and the API."""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from moderation.models import (
    ModerationItem,
    ModerationItemStatus,
    Report,
    ReportStatus,
    Suspension,
)


@dataclass
class AuthorHistory:
    username: str
    joined: datetime
    verified: bool = False
    social: bool = False
    approved: int = 0
    rejected: int = 0


@dataclass
class QueueEntry:
    item: ModerationItem
    kind: str
    title: str
    text: str
    image_url: str | None
    context: str
    author: str
    images: list[str] = field(default_factory=list)
    history: AuthorHistory | None = None
    tags: list[str] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)

    @property
    def submitted_at(self) -> datetime:
        return self.item.submitted_at

    @property
    def claimed_by_name(self) -> str:
        """Who holds a live claim on this item ("" when nobody does)."""
        item = self.item
        if item.claimed_by_id and item.claimed_until and item.claimed_until > timezone.now():
            return item.claimed_by.username
        return ""

    @property
    def duplicates(self) -> list[dict]:
        return [f for f in self.item.flags or [] if f.get("kind") == "duplicate"]

    @property
    def findings(self) -> list[str]:
        return [f.get("label", "") for f in self.item.flags or []]


def _reported(outer: str = "") -> Exists:
    return Exists(
        Report.objects.filter(
            status=ReportStatus.OPEN,
            content_type=OuterRef("content_type"),
            object_id=OuterRef("object_id"),
        )
    )


def pending_items(filters: dict | None = None) -> QuerySet[ModerationItem]:
    """Pending submissions: flagged by pre-screening first, then oldest first. Items of
    suspended members leave the queue (and come back if the suspension is lifted)."""
    filters = filters or {}
    suspended = Suspension.objects.active().filter(member=OuterRef("author"))
    items = (
        ModerationItem.objects.pending()
        .filter(~Exists(suspended))
        .select_related("author", "content_type", "revision", "claimed_by")
    )
    if filters.get("kind"):
        items = items.filter(content_type_id=filters["kind"])
    if filters.get("brand"):
        items = items.filter(brand_id=filters["brand"])
    if filters.get("container"):
        items = items.filter(container_id=filters["container"])
    if filters.get("flagged"):
        items = items.filter(flagged=True)
    if filters.get("reported"):
        items = items.filter(_reported())
    return items.order_by("-flagged", "submitted_at", "pk")


def moderated_content_types() -> list[ContentType]:
    from django.apps import apps

    from moderation.models import ModeratedModel

    models = [m for m in apps.get_models() if issubclass(m, ModeratedModel)]
    return list(ContentType.objects.get_for_models(*models, for_concrete_models=False).values())


def author_histories(user_ids) -> dict[int, AuthorHistory]:
    """Account age, verification and past decisions of these authors, in three queries."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    from community.models import User

    user_ids = set(user_ids)
    if not user_ids:
        return {}
    users = User.objects.filter(pk__in=user_ids).annotate(
        approved=Count(
            "moderation_items", filter=Q(moderation_items__status=ModerationItemStatus.APPROVED)
        ),
        rejected=Count(
            "moderation_items", filter=Q(moderation_items__status=ModerationItemStatus.REJECTED)
        ),
        verified=Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)),
        social=Exists(SocialAccount.objects.filter(user=OuterRef("pk"))),
    )
    return {
        u.pk: AuthorHistory(
            username=u.username,
            joined=u.date_joined,
            verified=u.verified,
            social=u.social,
            approved=u.approved,
            rejected=u.rejected,
        )
        for u in users
    }


def describe(items, *, with_history: bool = False) -> list[QueueEntry]:
    """Previews of the submitted versions, in a fixed number of queries per kind of content:
    new content is read from its row; an edit from its revision (the row still holds the
    approved version), reusing the relations loaded with the row."""
    items = list(items)
    by_model: dict = {}
    for item in items:
        by_model.setdefault(item.content_type.model_class(), []).append(item.object_id)
    rows = {}
    for model, ids in by_model.items():
        objects = model.objects.filter(pk__in=ids).select_related(*model.moderation_related)
        for obj in objects.prefetch_related(*getattr(model, "moderation_prefetch", ())):
            rows[(model, obj.pk)] = obj
    histories = author_histories(i.author_id for i in items) if with_history else {}
    versions = []
    for item in items:
        model = item.content_type.model_class()
        obj = rows.get((model, item.object_id))
        if obj is None:
            continue
        if item.is_edit:
            obj = obj.version_from_revision(item.revision)
        versions.append((item, model, obj))
    for model in by_model:
        model.prepare_previews([obj for _item, m, obj in versions if m is model])
    entries = []
    for item, model, obj in versions:
        preview = obj.moderation_preview(revision_id=item.revision_id if item.is_edit else None)
        images = preview.get("images") or (
            [preview["image_url"]] if preview.get("image_url") else []
        )
        entries.append(
            QueueEntry(
                item=item,
                kind=str(model._meta.verbose_name),
                # Previews may hold lazy translations: the queue hands out plain strings.
                title=str(preview.get("title") or ""),
                text=str(preview.get("text") or ""),
                image_url=images[0] if images else None,
                images=[str(url) for url in images],
                context=str(preview.get("context") or ""),
                author=item.author.username,
                history=histories.get(item.author_id),
                tags=[str(tag) for tag in preview.get("tags") or []],
                details=[(str(k), str(v)) for k, v in preview.get("details") or []],
            )
        )
    return entries


def oldest_age(now=None):
    oldest = pending_items().values_list("submitted_at", flat=True).order_by("submitted_at")[:1]
    oldest = list(oldest)
    return (now or timezone.now()) - oldest[0] if oldest else None
