"""Members' public profiles: bio and avatar, on the publication gate like every member
content."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from community.images import private_storage
from moderation.models import ModeratedModel


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

    def notification_title(self) -> str:
        return self.author.username

    def get_absolute_url(self) -> str:
        return reverse("community:member", args=[self.author.username])

    def avatar_url(self, width: int | None = 400) -> str:
        size = str(width) if width else "original"
        return reverse("profiles:avatar", args=[self.author.username, size])

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
