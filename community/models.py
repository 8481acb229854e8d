from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """The project's user from the first migration, so profiles and roles can grow on it."""

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return self.username

    @property
    def public_name(self) -> str:
        return self.username


class Brand(models.Model):
    """A brand or business unit with its own contests, boards and staff."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")

    def __str__(self) -> str:
        return self.name


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something a member is told on the site (and usually by email)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    message = models.TextField(_("message"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.kind}"


# Member content: comments and profiles pass the same publication gate as entries and ideas.
from django.contrib.contenttypes.fields import GenericForeignKey  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.urls import reverse  # noqa: E402

from community.images import private_storage  # noqa: E402
from moderation.models import ModeratedModel, ModeratedQuerySet  # noqa: E402


class CommentQuerySet(ModeratedQuerySet):
    def for_target(self, target):
        return self.filter(
            target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
            target_id=target.pk,
        )


class Comment(ModeratedModel):
    """A member's comment on commentable content (settings.COCREO_COMMENTABLE_MODELS)."""

    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    body = models.TextField(_("comment"), max_length=2000)

    objects = CommentQuerySet.as_manager()

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

    moderation_related = ("author",)
    moderation_prefetch = ("target",)

    def moderation_preview(self, revision_id: int | None = None) -> dict:
        target = self.target
        return {
            "title": _("Comment by %(name)s") % {"name": self.author.username},
            "text": self.body,
            "image_url": None,
            "images": [],
            "context": _("On: %(target)s") % {"target": target} if target else "",
        }

    def moderation_scope(self) -> tuple[int | None, int | None]:
        target = self.target
        return target.moderation_scope() if target is not None else (None, None)


class Profile(ModeratedModel):
    """A member's public profile: bio and avatar, shown only in their approved version."""

    bio = models.TextField(_("about you"), max_length=1000, blank=True)
    avatar = models.ImageField(
        _("avatar"),
        storage=private_storage,
        upload_to="avatars/%Y/%m/",
        blank=True,
        max_length=255,
    )

    class Meta:
        verbose_name = _("member profile")
        verbose_name_plural = _("member profiles")
        constraints = [models.UniqueConstraint(fields=["author"], name="one_profile_per_member")]

    def __str__(self) -> str:
        return str(_("Profile of %(name)s") % {"name": self.author.username})

    def get_absolute_url(self) -> str:
        return reverse("community:member", args=[self.author.username])

    def avatar_url(self, width: int | None = 400) -> str:
        size = str(width) if width else "original"
        return reverse("community:avatar", args=[self.author.username, size])

    moderation_related = ("author",)

    def moderation_preview(self, revision_id: int | None = None) -> dict:
        images = []
        if self.avatar:
            url = self.avatar_url(400)
            images.append(f"{url}?revision={revision_id}" if revision_id else url)
        return {
            "title": str(self),
            "text": self.bio,
            "image_url": images[0] if images else None,
            "images": images,
            "context": _("Member profile"),
        }

    def moderation_image_names(self) -> list[str]:
        return [self.avatar.name] if self.avatar else []
