"""The publication gate.

Every piece of member content inherits `ModeratedModel`. Its row holds the approved (live)
version; what a member submits or edits is a Wagtail revision, and a `ModerationItem` asks a
moderator to decide on that revision. Approval publishes the revision through Wagtail's
draft/live machinery; rejection leaves the live row untouched. Public code reads member content
only through `Model.objects.public()`.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import DraftStateMixin, RevisionMixin


class ModerationStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ModeratedQuerySet(models.QuerySet):
    def public(self):
        """What anyone may see: approved, live content. The one public read path."""
        return self.filter(live=True)

    def visible_to(self, user):
        """Public content, plus the user's own content, plus everything for moderators."""
        from community.rules import is_moderator

        if is_moderator(user):
            return self.all()
        if user.is_authenticated:
            return self.filter(Q(live=True) | Q(author=user))
        return self.public()


class ModeratedModel(DraftStateMixin, RevisionMixin, models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="%(app_label)s_%(class)s_set",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    # Fail closed: Wagtail's DraftStateMixin defaults `live` to True; member content starts
    # unpublished and only a moderator's approval makes it live.
    live = models.BooleanField(verbose_name=_("live"), default=False, editable=False)
    moderation_status = models.CharField(
        _("moderation status"),
        max_length=16,
        choices=ModerationStatus.choices,
        default=ModerationStatus.PENDING,
        editable=False,
    )
    moderation_reason = models.TextField(_("moderator's reason"), blank=True, editable=False)

    objects = ModeratedQuerySet.as_manager()

    # Fields that describe the moderation state, not the content: restoring or publishing a
    # revision never rewinds them.
    moderation_fields = ("moderation_status", "moderation_reason")

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        return self.live

    @property
    def has_pending_edit(self) -> bool:
        return self.live and self.has_unpublished_changes

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        for name in self.moderation_fields:
            setattr(obj, name, getattr(self, name))
        return obj

    # Relations the moderation queue reads for previews (select_related names).
    moderation_related: tuple[str, ...] = ()

    def moderation_preview(self, revision_id: int | None = None) -> dict:
        """What the moderation queue shows of this content; overridden by each kind.
        `revision_id` is set when the preview is of a submitted edit."""
        return {"title": str(self), "text": "", "image_url": None, "context": ""}


class ModerationItemStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUPERSEDED = "superseded", _("Superseded by a newer edit")


class ModerationItemQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ModerationItemStatus.PENDING)

    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=obj.pk,
        )


class ModerationItem(models.Model):
    """One submitted revision of member content awaiting, or having had, a moderator's decision."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_items"
    )
    is_edit = models.BooleanField(
        _("edit of approved content"),
        default=False,
        help_text=_("The approved version stays public until this edit is decided."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ModerationItemStatus.choices,
        default=ModerationItemStatus.PENDING,
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_decisions",
    )
    reason = models.TextField(_("reason"), blank=True)

    objects = ModerationItemQuerySet.as_manager()

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("moderation item")
        verbose_name_plural = _("moderation items")
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="moderation_queue_idx"),
            models.Index(fields=["content_type", "object_id"], name="moderation_object_idx"),
        ]
        constraints = [
            # At most one open decision per piece of content: a newer edit supersedes it.
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(status="pending"),
                name="moderation_one_pending_per_object",
            )
        ]
        permissions = [("moderate_content", _("Can moderate community content"))]

    def __str__(self) -> str:
        return f"{self.content_type.name} #{self.object_id} ({self.get_status_display()})"

    @property
    def submitted_object(self):
        """The content as submitted (the revision), which may differ from the live row."""
        return self.revision.as_object()
