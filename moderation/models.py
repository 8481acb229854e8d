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
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail.models import DraftStateMixin, RevisionMixin


class ModerationStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    REMOVED = "removed", _("Removed by a moderator")


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

    def get_visible(self, user, **lookup):
        """`visible_to(user).get(**lookup)`, asking for the user's permissions (two queries)
        only when the object is neither public nor theirs: most pages and images are public."""
        if user.is_authenticated:
            found = self.filter(Q(live=True) | Q(author=user)).filter(**lookup).first()
        else:
            found = self.public().filter(**lookup).first()
        if found is not None:
            return found
        return self.visible_to(user).get(**lookup)  # a moderator's, or DoesNotExist


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

    def page_cache_tags(self) -> list[str]:
        """The page-cache tags of the pages that show this content (community/page_cache.py):
        by default its own page; a model shown elsewhere adds those pages' tags."""
        from community.page_cache import object_tag

        return [object_tag(self)]

    @property
    def has_pending_edit(self) -> bool:
        return self.live and self.has_unpublished_changes

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        for name in self.moderation_fields:
            setattr(obj, name, getattr(self, name))
        return obj

    def version_from_revision(self, revision):
        """The submitted version in `revision`, built without queries: unlike
        `revision.as_object()`, foreign keys are not checked one by one, and the relations this
        (live) row has already loaded — author, contest, a comment's target — are reused, since
        an edit never changes them. Child objects and tags come from the revision itself."""
        obj = type(self).from_serializable_data(revision.content, check_fks=False)
        obj.pk = self.pk
        obj.latest_revision_id = self.latest_revision_id
        for name in self.moderation_fields:
            setattr(obj, name, getattr(self, name))
        for path in (*self.moderation_related, *self.moderation_prefetch):
            name = path.split("__")[0]  # "parent__author" caches "parent" (with its author)
            field = self._meta.get_field(name)
            attname = getattr(field, "attname", None)
            if name in self._state.fields_cache and (
                attname is None or getattr(obj, attname) == getattr(self, attname)
            ):
                obj._state.fields_cache[name] = self._state.fields_cache[name]
        return obj

    # Relations the moderation queue reads for previews (select_related and prefetch_related
    # names): previews of a page of the queue cost a fixed number of queries.
    moderation_related: tuple[str, ...] = ()
    moderation_prefetch: tuple[str, ...] = ()

    @classmethod
    def prepare_previews(cls, objects: list) -> None:
        """Load in bulk what the previews of `objects` (rows, and versions read from revisions)
        need beyond `moderation_related` and `moderation_prefetch`, so that a page of previews
        costs a fixed number of queries."""

    def moderation_preview(self, revision_id: int | None = None) -> dict:
        """What the moderation queue shows of this content; overridden by each kind.
        `revision_id` is set when the preview is of a submitted edit. "images" lists image URLs
        (the first is the cover, also given as "image_url" for older callers). Everything that
        goes public on approval belongs here: "tags" (names) and "details" ((label, value) pairs
        of further fields) are shown too."""
        return {
            "title": str(self),
            "text": "",
            "image_url": None,
            "images": [],
            "context": "",
            "tags": [],
            "details": [],
        }

    def moderation_scope(self) -> tuple[int | None, int | None]:
        """(brand id, contest or board page id) this content belongs to, for queue filters and
        the crisis pause. Site-wide content (profiles) has neither."""
        return (None, None)

    def moderation_image_names(self) -> list[str]:
        """Storage names (private storage) of this content's images, for pre-screening."""
        return []

    @property
    def moderation_kind_label(self) -> str:
        return str(self._meta.verbose_name)

    def notification_title(self) -> str:
        """How notifications to its author name this content (the author's own words)."""
        return str(getattr(self, "title", "") or "") or Truncator(str(self)).chars(60)


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
    # Where the content lives, for filters (copied from the content when it is submitted).
    brand = models.ForeignKey(
        "community.Brand", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    container = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contest or board"),
    )
    # A claim: the moderator reviewing this item; others cannot decide it until it expires.
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Pre-screening: orders the queue (flagged first), never decides.
    flagged = models.BooleanField(_("flagged by pre-screening"), default=False)
    flags = models.JSONField(_("pre-screening findings"), default=list, blank=True)
    # When the image checks (near-duplicates) ran: they run in the task worker after the
    # submission, so a new item may wait a moment with its text checked but not its images.
    screened_at = models.DateTimeField(_("images screened"), null=True, blank=True)

    objects = ModerationItemQuerySet.as_manager()

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("moderation item")
        verbose_name_plural = _("moderation items")
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="moderation_queue_idx"),
            models.Index(fields=["content_type", "object_id"], name="moderation_object_idx"),
            models.Index(
                fields=["status", "-flagged", "submitted_at"], name="moderation_priority_idx"
            ),
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

    def is_claimed_by_other(self, user, now=None) -> bool:
        now = now or timezone.now()
        return bool(
            self.claimed_by_id
            and self.claimed_by_id != user.pk
            and self.claimed_until
            and self.claimed_until > now
        )


class RejectionReason(models.Model):
    """A managed reason moderators pick from; its message is sent to the author."""

    label = models.CharField(_("label"), max_length=80, unique=True)
    message = models.TextField(_("message to the author"), max_length=1000)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "label"]
        verbose_name = _("rejection reason")
        verbose_name_plural = _("rejection reasons")

    def __str__(self) -> str:
        return self.label


class LogAction(models.TextChoices):
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")
    REMOVE = "remove", _("Removed")
    RESUBMIT = "resubmit", _("Resubmitted")
    REPORT_KEEP = "report_keep", _("Kept after reports")
    SUSPEND = "suspend", _("Suspended")
    BAN = "ban", _("Banned")
    LIFT = "lift", _("Suspension lifted")
    PAUSE = "pause", _("Intake paused")
    RESUME = "resume", _("Intake resumed")
    VOTES_CLEAR = "votes_clear", _("Held votes counted")
    VOTES_VOID = "votes_void", _("Held votes voided")
    WINNERS_CHANGE = "winners_change", _("Winners changed after the announcement")
    OFFICIAL = "official", _("Official answer published")
    NAME_HOLD = "name_hold", _("Name held for review")


class ModerationLogEntry(models.Model):
    """Who did what, when and why: every moderation decision and action."""

    action = models.CharField(_("action"), max_length=16, choices=LogAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True)
    object_id = models.PositiveBigIntegerField(null=True)
    item = models.ForeignKey(ModerationItem, on_delete=models.SET_NULL, null=True, related_name="+")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("member concerned"),
    )
    summary = models.CharField(_("what"), max_length=255, blank=True)
    reason = models.TextField(_("why"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")
        indexes = [models.Index(fields=["actor", "-created_at"], name="moderation_log_actor_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.summary}"


class SuspensionKind(models.TextChoices):
    SUSPENSION = "suspension", _("Suspension")
    BAN = "ban", _("Ban")


class SuspensionQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(lifted_at__isnull=True).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now)
        )


def member_suspended(member_ref: str, now=None) -> Exists:
    """True where the member named by `member_ref` (a path on the outer query, e.g. "voter" or
    "votes__voter") has an active suspension or ban: one subquery, whatever the data, for
    leaving their votes and supports out of every count while it lasts."""
    return Exists(Suspension.objects.active(now).filter(member_id=OuterRef(member_ref)))


class Suspension(models.Model):
    """A member may not post or vote while this is active; their pending items leave the queue.
    Lifting it (or its end date passing) restores everything."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="suspensions",
        verbose_name=_("member"),
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=SuspensionKind.choices, default=SuspensionKind.SUSPENSION
    )
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = SuspensionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        indexes = [models.Index(fields=["member", "lifted_at"], name="suspension_member_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.member_id}"


class PauseScope(models.TextChoices):
    SITE = "site", _("The whole site")
    BRAND = "brand", _("One brand")
    CONTAINER = "container", _("One contest or board")


class IntakePauseQuerySet(models.QuerySet):
    def active(self):
        return self.filter(resumed_at__isnull=True)

    def covering(self, *, brand_id: int | None = None, container_id: int | None = None):
        """Active pauses that stop intake for content in this brand and contest or board."""
        scope = Q(scope=PauseScope.SITE)
        if brand_id:
            scope |= Q(scope=PauseScope.BRAND, brand_id=brand_id)
        if container_id:
            scope |= Q(scope=PauseScope.CONTAINER, container_id=container_id)
        return self.active().filter(scope)


class IntakePause(models.Model):
    """The crisis pause: no new submissions, ideas or comments in its scope until resumed."""

    scope = models.CharField(_("scope"), max_length=16, choices=PauseScope.choices)
    brand = models.ForeignKey(
        "community.Brand", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    container = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contest or board"),
    )
    message = models.CharField(_("public message"), max_length=280, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("paused at"), default=timezone.now)
    resumed_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = IntakePauseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("intake pause")
        verbose_name_plural = _("intake pauses")

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        if self.scope == PauseScope.BRAND and self.brand:
            return _("Brand %(name)s") % {"name": self.brand.name}
        if self.scope == PauseScope.CONTAINER and self.container:
            return _("%(title)s") % {"title": self.container.title}
        return str(_("The whole site"))


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    OFFENSIVE = "offensive", _("Offensive or hateful")
    COPYRIGHT = "copyright", _("Copied from someone else")
    PRIVACY = "privacy", _("Shares personal data")
    OTHER = "other", _("Something else")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    KEPT = "kept", _("Kept")
    REMOVED = "removed", _("Removed")


class Report(models.Model):
    """A member's report on public content. Reports never remove anything by themselves."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_reports"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    reason = models.CharField(_("reason"), max_length=16, choices=ReportReason.choices)
    text = models.TextField(_("details"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [
            models.Index(fields=["status", "content_type", "object_id"], name="report_open_idx"),
            models.Index(fields=["reporter", "created_at"], name="report_reporter_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "content_type", "object_id"],
                condition=Q(status="open"),
                name="report_once_while_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}#{self.object_id} ({self.reason})"


class BlockedTerm(models.Model):
    """A word or phrase that flags a submission for a closer look (it never rejects by itself)."""

    term = models.CharField(_("term"), max_length=100, unique=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["term"]
        verbose_name = _("blocked term")
        verbose_name_plural = _("blocked terms")

    def __str__(self) -> str:
        return self.term

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _forget_blocked_terms()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        _forget_blocked_terms()
        return result


def _forget_blocked_terms() -> None:
    from django.core.cache import cache
    from django.db import transaction

    cache.delete("moderation:blocked-terms")  # prescreen.TERMS_CACHE_KEY

    def rescreen():
        from moderation.tasks import screen_member_names

        cache.delete("moderation:blocked-terms")
        screen_member_names.enqueue()

    # Names chosen before the change are looked at again (moderation.names), after the commit.
    transaction.on_commit(rescreen)


class ImageFingerprint(models.Model):
    """A perceptual hash (64-bit dHash, hex) of one image of member content."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    image_name = models.CharField(max_length=255)
    dhash = models.CharField(max_length=16)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "image_name"], name="fingerprint_unique"
            )
        ]

    def __str__(self) -> str:
        return self.dhash
