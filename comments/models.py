"""Member comments on commentable content (settings.COCREO_COMMENTABLE_MODELS): contest
entries, and ideas once the ideas app registers them. Threaded one level deep."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from moderation.models import ModeratedModel, ModeratedQuerySet


class CommentQuerySet(ModeratedQuerySet):
    def for_target(self, target):
        return self.filter(
            target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
            target_id=target.pk,
        )


class Comment(ModeratedModel):
    """A member's comment, or a reply to a top-level comment (`parent`). A comment by staff of
    the target's brand is `official`: the brand speaking, published without the queue."""

    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    body = models.TextField(_("comment"), max_length=2000)
    # Set only by comments.services (never by a form, the API or a revision).
    official = models.BooleanField(_("official answer"), default=False, editable=False)
    official_brand = models.ForeignKey(
        "community.Brand",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("answering for"),
    )

    objects = CommentQuerySet.as_manager()

    # A revision never changes these: they are restored from the row (see ModeratedModel).
    moderation_fields = (*ModeratedModel.moderation_fields, "official", "official_brand_id")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["target_type", "target_id", "live"], name="comment_target_idx")
        ]

    def __str__(self) -> str:
        return self.body[:60]

    def get_absolute_url(self) -> str:
        target = self.target
        return f"{target.get_absolute_url()}#comment-{self.pk}" if target else ""

    @property
    def is_reply(self) -> bool:
        return self.parent_id is not None

    moderation_related = ("author", "parent__author")
    moderation_prefetch = ("target",)

    def page_cache_tags(self) -> list[str]:
        """A comment shows on its target's page."""
        target_type = ContentType.objects.get_for_id(self.target_type_id)
        return [f"{target_type.app_label}.{target_type.model}:{self.target_id}"]

    def moderation_preview(self, revision_id: int | None = None) -> dict:
        target = self.target
        name = self.author.username
        if self.official:
            title = _("Official answer by %(name)s") % {"name": name}
        elif self.parent_id:
            title = _("Reply by %(name)s") % {"name": name}
        else:
            title = _("Comment by %(name)s") % {"name": name}
        context = [str(_("On: %(target)s") % {"target": target})] if target else []
        if self.parent_id:
            context.append(
                str(
                    _("In reply to %(name)s: “%(text)s”")
                    % {"name": self.parent.author.username, "text": self.parent.body[:80]}
                )
            )
        return {
            "title": title,
            "text": self.body,
            "image_url": None,
            "images": [],
            "context": " · ".join(context),
        }

    def moderation_scope(self) -> tuple[int | None, int | None]:
        target = self.target
        return target.moderation_scope() if target is not None else (None, None)
