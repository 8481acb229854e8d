"""Idea boards: the community asks and supports, the brand answers in public.

An `IdeasBoardPage` lives under its brand's page. Members post `Idea`s (on the publication
gate, like every member content), support them (`Support`: one row per member and idea), and the
brand's staff answer with a status (`StatusUpdate`: the idea's public timeline, signed by the
brand). Support counts are derived from the rows; supports of suspended members do not count.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from community.forms import BrandScopedPageForm
from community.i18n import translated_search_fields
from community.images import private_storage
from community.view_restrictions import ViewRestrictionsMixin
from contests.models import contest_tag
from moderation.models import ModeratedModel, ModeratedQuerySet, Suspension

TRENDING_DAYS = 7


def board_tag(board_id: int) -> str:
    """The page-cache tag of what a board's pages show (its lists and roadmap)."""
    return f"board:{board_id}"


def idea_tag(idea_id: int) -> str:
    """The page-cache tag of an idea's page (community.page_cache.object_tag of the idea)."""
    return f"ideas.idea:{idea_id}"


class IdeaStatus(models.TextChoices):
    NEW = "new", _("New")
    UNDER_REVIEW = "under_review", _("Under review")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    MERGED = "merged", _("Merged")


# Members may support an idea while the brand may still act on it.
SUPPORTABLE_STATUSES = (
    IdeaStatus.NEW,
    IdeaStatus.UNDER_REVIEW,
    IdeaStatus.PLANNED,
    IdeaStatus.IN_PROGRESS,
)
# The roadmap's columns, in order.
ROADMAP_STATUSES = (
    IdeaStatus.UNDER_REVIEW,
    IdeaStatus.PLANNED,
    IdeaStatus.IN_PROGRESS,
    IdeaStatus.DELIVERED,
)
# What staff may set with an answer (merging and expiry have their own services).
ANSWER_STATUSES = (
    IdeaStatus.NEW,
    IdeaStatus.UNDER_REVIEW,
    IdeaStatus.PLANNED,
    IdeaStatus.IN_PROGRESS,
    IdeaStatus.DELIVERED,
    IdeaStatus.DECLINED,
)


class IdeasBoardPage(ViewRestrictionsMixin, RoutablePageMixin, Page):
    """A brand's board ("What should we bring back?"): categories, a support goal, an
    optional deadline and optional stages."""

    # Joined when the page is routed to (cms HomePage.route): every view of the page reads them.
    route_select_related = ("brand", "hero_image")

    brand = models.ForeignKey(
        "community.Brand",
        on_delete=models.PROTECT,
        related_name="boards",
        verbose_name=_("brand"),
    )
    summary = models.CharField(_("summary"), max_length=280, blank=True)
    intro = RichTextField(_("introduction"), blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hero image"),
    )
    support_goal = models.PositiveIntegerField(
        _("support goal"),
        default=100,
        validators=[MinValueValidator(1)],
        help_text=_("An idea with this many supporters goes to the brand for review."),
    )
    opens_at = models.DateTimeField(
        _("opens"),
        default=timezone.now,
        help_text=_("Members can post and support ideas from this moment."),
    )
    closes_at = models.DateTimeField(
        _("closes"),
        null=True,
        blank=True,
        help_text=_(
            "Optional deadline: after it no new ideas or supports, answers still appear. "
            "Leave empty to keep the board open."
        ),
    )

    parent_page_types = ["community.BrandPage"]
    subpage_types: list[str] = []
    template = "ideas/ideas_board_page.html"
    base_form_class = BrandScopedPageForm

    content_panels = [
        *Page.content_panels,
        FieldPanel("brand"),
        FieldPanel("summary"),
        FieldPanel("intro"),
        FieldPanel("hero_image"),
        MultiFieldPanel(
            [FieldPanel("support_goal"), FieldPanel("opens_at"), FieldPanel("closes_at")],
            heading=_("Support and dates"),
        ),
        InlinePanel("categories", heading=_("Categories"), label=_("Category")),
        InlinePanel(
            "stages",
            heading=_("Stages"),
            label=_("Stage"),
            help_text=_(
                "Optional. Each stage asks for a number of supporters within a number of days "
                "(counted from approval, then from reaching the previous stage); an idea that "
                "misses a stage expires. Example: 100 supporters within 60 days."
            ),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("intro"),
        *translated_search_fields("title", "summary", "intro"),
    ]

    class Meta:
        verbose_name = _("ideas board")
        verbose_name_plural = _("ideas boards")

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("A board must close after it opens.")})

    @classmethod
    def listed(cls, *, brand_id: int | None = None) -> list["IdeasBoardPage"]:
        """Published boards, newest first, for listings (home and brand pages)."""
        boards = cls.objects.live().public().select_related("brand", "hero_image")
        if brand_id is not None:
            boards = boards.filter(brand_id=brand_id)
        return list(boards.order_by("-opens_at", "-pk"))

    def next_boundary(self, now: datetime) -> datetime | None:
        """When the board's pages change by themselves: it opens or closes."""
        moments = [m for m in (self.opens_at, self.closes_at) if m and m > now]
        return min(moments) if moments else None

    def is_open_at(self, now: datetime) -> bool:
        return self.opens_at <= now and (self.closes_at is None or now < self.closes_at)

    @property
    def is_open(self) -> bool:
        return self.is_open_at(timezone.now())

    def stage_list(self) -> list["IdeaStage"]:
        """The board's stages, lowest threshold first (prefetch `stages` to save a query)."""
        return sorted(self.stages.all(), key=lambda s: (s.supporters, s.sort_order or 0))

    # Routes: everything about the board's ideas lives under its URL.
    @path("")
    def board(self, request):
        from ideas import views

        return views.board(request, self)

    @path("roadmap/")
    def roadmap(self, request):
        from ideas import views

        return views.roadmap(request, self)

    @path("new/")
    def new_idea(self, request):
        from ideas import views

        return views.new_idea(request, self)

    @path("similar/")
    def similar(self, request):
        from ideas import views

        return views.similar(request, self)

    @path("follow/")
    def follow(self, request):
        from ideas import views

        return views.follow_board(request, self)

    @path("ideas/<int:idea_id>/")
    def idea(self, request, idea_id):
        from ideas import views

        return views.idea_detail(request, self, idea_id)

    @path("ideas/<int:idea_id>/<str:action>/")
    def idea_action(self, request, idea_id, action):
        from ideas import views

        return views.idea_action(request, self, idea_id, action)


class IdeaCategory(Orderable):
    board = ParentalKey(IdeasBoardPage, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=80)

    panels = [FieldPanel("name")]

    class Meta(Orderable.Meta):
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class IdeaStage(Orderable):
    board = ParentalKey(IdeasBoardPage, on_delete=models.CASCADE, related_name="stages")
    supporters = models.PositiveIntegerField(_("supporters"), validators=[MinValueValidator(1)])
    days = models.PositiveIntegerField(_("within days"), validators=[MinValueValidator(1)])

    panels = [FieldPanel("supporters"), FieldPanel("days")]

    class Meta(Orderable.Meta):
        verbose_name = _("stage")
        verbose_name_plural = _("stages")

    def __str__(self) -> str:
        return _("%(n)s supporters within %(days)s days") % {
            "n": self.supporters,
            "days": self.days,
        }


class SupportQuerySet(models.QuerySet):
    def counted(self):
        """Supports that count: not those of members who are suspended or banned right now."""
        now = timezone.now()
        suspended = Suspension.objects.filter(member=OuterRef("member_id")).filter(
            Q(lifted_at__isnull=True) & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        )
        return self.filter(~Exists(suspended))


def support_count_expression(since: datetime | None = None):
    """Counted supports of the outer idea (optionally only those since a moment), as a
    subquery: one SQL query for a page of ideas, whatever the number of supports."""
    supports = Support.objects.counted().filter(idea=OuterRef("pk"))
    if since is not None:
        supports = supports.filter(created_at__gte=since)
    counted = supports.order_by().values("idea").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), Value(0))


class IdeaQuerySet(ModeratedQuerySet):
    def with_support_counts(self, now: datetime | None = None):
        now = now or timezone.now()
        return self.annotate(
            support_count=support_count_expression(),
            trending_count=support_count_expression(since=now - timedelta(days=TRENDING_DAYS)),
        )

    def listed(self):
        """Approved ideas that have their own place in lists (merged ones redirect)."""
        return self.public().exclude(status=IdeaStatus.MERGED)


class Idea(index.Indexed, ModeratedModel):
    """A member's idea on a board. The row holds the approved version; status, stage and
    merge are the brand's and the system's, never part of the member's revisions."""

    board = models.ForeignKey(
        IdeasBoardPage, on_delete=models.CASCADE, related_name="ideas", verbose_name=_("board")
    )
    title = models.CharField(_("title"), max_length=140)
    description = models.TextField(_("description"), max_length=5000)
    image = models.ImageField(
        _("image"),
        storage=private_storage,
        upload_to="ideas/%Y/%m/",
        blank=True,
        max_length=255,
    )
    category = models.ForeignKey(
        IdeaCategory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("category"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=IdeaStatus.choices,
        default=IdeaStatus.NEW,
        editable=False,
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, editable=False)
    # Stages: how many of the board's stages the idea has cleared, and since when it runs for
    # the next one (set at approval; reset when staff revive an expired idea).
    stages_cleared = models.PositiveSmallIntegerField(default=0, editable=False)
    stage_started_at = models.DateTimeField(null=True, editable=False)
    goal_reached_at = models.DateTimeField(_("goal reached"), null=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_ideas",
        editable=False,
        verbose_name=_("merged into"),
    )
    contest = models.ForeignKey(
        "contests.ContestPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="source_ideas",
        editable=False,
        verbose_name=_("design contest opened from this idea"),
    )

    objects = IdeaQuerySet.as_manager()

    # Restoring or publishing a member's revision never rewinds what the brand or the system set.
    moderation_fields = (
        *ModeratedModel.moderation_fields,
        "status",
        "status_changed_at",
        "stages_cleared",
        "stage_started_at",
        "goal_reached_at",
        "merged_into_id",
        "contest_id",
    )

    search_fields = [
        index.SearchField("title", boost=2),
        index.SearchField("description"),
        index.FilterField("live"),
        index.FilterField("board_id"),
        index.FilterField("status"),
    ]

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        indexes = [
            models.Index(fields=["board", "live", "status"], name="idea_board_idx"),
            models.Index(fields=["board", "live", "-first_published_at"], name="idea_newest_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.board.url + self.board.reverse_subpage("idea", args=[self.pk])

    def action_url(self, action: str) -> str:
        return self.board.url + self.board.reverse_subpage("idea_action", args=[self.pk, action])

    def image_url(self, width: int | None = 800) -> str:
        size = str(width) if width else "original"
        return reverse("ideas:idea_image", args=[self.pk, size])

    @property
    def brand_id(self) -> int:
        return self.board.brand_id

    @property
    def is_supportable_status(self) -> bool:
        return self.status in SUPPORTABLE_STATUSES

    def page_cache_tags(self) -> list[str]:
        """An idea shows on its own page and in its board's lists and roadmap, and on the
        page of the contest opened from it."""
        tags = [idea_tag(self.pk), board_tag(self.board_id)]
        if self.contest_id:
            tags.append(contest_tag(self.contest_id))
        return tags

    def next_boundary(self, now: datetime, stages=None) -> datetime | None:
        """When the idea's page changes by itself: its stage's deadline (it then shows as
        expired)."""
        deadline = self.stage_deadline(stages)
        return deadline if deadline and deadline > now and self.status == IdeaStatus.NEW else None

    def comment_followers(self):
        """Who hears about new comments besides the author (the comments app asks)."""
        from community.models import User

        return User.objects.filter(idea_follows__idea=self, is_active=True)

    moderation_related = ("board", "category")

    def moderation_preview(self, revision_id: int | None = None) -> dict:
        images = []
        if self.image:
            url = self.image_url(800)
            images.append(f"{url}?revision={revision_id}" if revision_id else url)
        category = self.category.name if self.category_id and self.category else ""
        context = str(self.board.title)
        if category:
            context = f"{context} · {category}"
        return {
            "title": self.title,
            "text": self.description,
            "image_url": images[0] if images else None,
            "images": images,
            "context": context,
            "details": [(_("Category"), category)] if category else [],
        }

    def moderation_scope(self) -> tuple[int | None, int | None]:
        return (self.board.brand_id, self.board_id)

    def moderation_image_names(self) -> list[str]:
        return [self.image.name] if self.image else []

    # Stages ---------------------------------------------------------------------------------
    def current_stage(self, stages: list[IdeaStage] | None = None) -> IdeaStage | None:
        stages = self.board.stage_list() if stages is None else stages
        return stages[self.stages_cleared] if self.stages_cleared < len(stages) else None

    def stage_deadline(self, stages: list[IdeaStage] | None = None) -> datetime | None:
        stage = self.current_stage(stages)
        # The first stage runs from approval; later ones from reaching the previous stage.
        started = self.stage_started_at or self.first_published_at
        if stage is None or started is None:
            return None
        return started + timedelta(days=stage.days)

    def has_missed_stage_at(self, now: datetime, stages: list[IdeaStage] | None = None) -> bool:
        """Whether the clock of the current stage ran out (the idea expires)."""
        deadline = self.stage_deadline(stages)
        return (
            deadline is not None
            and now >= deadline
            and self.status in (IdeaStatus.NEW,)
            and self.goal_reached_at is None
        )


class Support(models.Model):
    """A member supports an idea: one row per member and idea, a fact in the database."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_supports"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = SupportQuerySet.as_manager()

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["idea", "member"], name="support_once_per_member")
        ]
        indexes = [models.Index(fields=["idea", "created_at"], name="support_recent_idx")]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.idea_id}"


class StatusUpdate(models.Model):
    """An entry in an idea's public timeline: the brand's answer with a status, or what the
    system did (goal reached, stage missed, merged). Published at once: it is the brand
    speaking, not member content."""

    class Kind(models.TextChoices):
        ANSWER = "answer", _("Official answer")
        GOAL = "goal", _("Support goal reached")
        STAGE = "stage", _("Stage reached")
        EXPIRED = "expired", _("Expired")
        REVIVED = "revived", _("Revived")
        MERGED = "merged", _("Merged")
        CONTEST = "contest", _("Design contest opened")

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_updates")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.ANSWER)
    status = models.CharField(_("status"), max_length=16, choices=IdeaStatus.choices)
    previous_status = models.CharField(
        _("previous status"), max_length=16, choices=IdeaStatus.choices, blank=True
    )
    answer = models.TextField(_("answer"), max_length=5000, blank=True)
    brand = models.ForeignKey(
        "community.Brand", on_delete=models.CASCADE, related_name="+", verbose_name=_("brand")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("published"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.get_status_display()}"


class IdeaFollow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_follows"
    )
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("idea follow")
        verbose_name_plural = _("idea follows")
        constraints = [
            models.UniqueConstraint(fields=["user", "idea"], name="idea_follow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → idea {self.idea_id}"


class BoardFollow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_follows"
    )
    board = models.ForeignKey(IdeasBoardPage, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("board follow")
        verbose_name_plural = _("board follows")
        constraints = [
            models.UniqueConstraint(fields=["user", "board"], name="board_follow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → board {self.board_id}"
