from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.images import private_storage


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    EXPIRED = "expired", _("Expired")


class DataExport(models.Model):
    """A member's copy of their data: a ZIP built in the background, kept in private storage,
    downloadable by them alone until it expires."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to="exports/", blank=True, max_length=255
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.requested_at:%Y-%m-%d %H:%M}"

    def is_downloadable(self, now=None) -> bool:
        now = now or timezone.now()
        return bool(
            self.status == ExportStatus.READY
            and self.file
            and self.expires_at
            and self.expires_at > now
        )
