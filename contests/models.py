from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from community.images import private_storage
from contests.phases import Phase, Schedule, phase_at
from moderation.models import ModeratedModel, ModeratedQuerySet


class ContestPage(RoutablePageMixin, Page):
    """A design contest: a brief, a prize, dates, and the gallery of approved entries."""

    brand = models.ForeignKey(
        "community.Brand",
        on_delete=models.PROTECT,
        related_name="contests",
        verbose_name=_("brand"),
    )
    summary = models.CharField(_("summary"), max_length=280, blank=True)
    brief = RichTextField(_("brief"), blank=True)
    prize = models.CharField(_("prize"), max_length=280, blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hero image"),
    )
    submissions_open_at = models.DateTimeField(_("submissions open"))
    submissions_close_at = models.DateTimeField(_("submissions close"))
    voting_open_at = models.DateTimeField(_("voting opens"))
    voting_close_at = models.DateTimeField(_("voting closes"))

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    template = "contests/contest_page.html"

    content_panels = [
        *Page.content_panels,
        FieldPanel("brand"),
        FieldPanel("summary"),
        FieldPanel("brief"),
        FieldPanel("prize"),
        FieldPanel("hero_image"),
        MultiFieldPanel(
            [
                FieldPanel("submissions_open_at"),
                FieldPanel("submissions_close_at"),
                FieldPanel("voting_open_at"),
                FieldPanel("voting_close_at"),
            ],
            heading=_("Dates"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("brief")]

    class Meta:
        verbose_name = _("design contest")
        verbose_name_plural = _("design contests")

    def clean(self):
        super().clean()
        errors = {}
        dates = [
            self.submissions_open_at,
            self.submissions_close_at,
            self.voting_open_at,
            self.voting_close_at,
        ]
        if all(dates):
            if self.submissions_close_at <= self.submissions_open_at:
                errors["submissions_close_at"] = _("Submissions must close after they open.")
            if self.voting_open_at < self.submissions_close_at:
                errors["voting_open_at"] = _("Voting cannot open before submissions close.")
            if self.voting_close_at <= self.voting_open_at:
                errors["voting_close_at"] = _("Voting must close after it opens.")
        if errors:
            raise ValidationError(errors)

    # Phases -------------------------------------------------------------------------------
    @cached_property
    def results_announced_at(self):
        try:
            return self.result.announced_at  # uses select_related("result") when given
        except ContestResult.DoesNotExist:
            return None

    @property
    def schedule(self) -> Schedule:
        return Schedule(
            self.submissions_open_at,
            self.submissions_close_at,
            self.voting_open_at,
            self.voting_close_at,
            self.results_announced_at,
        )

    def phase_at(self, now) -> Phase:
        return phase_at(self.schedule, now)

    @property
    def phase(self) -> Phase:
        return self.phase_at(timezone.now())

    # Routes: the contest's gallery, submission form, entries and votes live under its URL.
    @path("")
    def gallery(self, request):
        from contests import views

        return views.contest_gallery(request, self)

    @path("submit/")
    def submit(self, request):
        from contests import views

        return views.submit_entry(request, self)

    @path("entries/<int:entry_id>/")
    def entry(self, request, entry_id):
        from contests import views

        return views.entry_detail(request, self, entry_id)

    @path("entries/<int:entry_id>/vote/")
    def vote(self, request, entry_id):
        from contests import views

        return views.vote(request, self, entry_id)


class EntryQuerySet(ModeratedQuerySet):
    def with_vote_counts(self):
        return self.annotate(vote_count=Count("votes", distinct=True))


class Entry(ModeratedModel):
    contest = models.ForeignKey(
        ContestPage, on_delete=models.CASCADE, related_name="entries", verbose_name=_("contest")
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    image = models.ImageField(
        _("image"),
        storage=private_storage,
        upload_to="entries/%Y/%m/",
        width_field="image_width",
        height_field="image_height",
        max_length=255,
    )
    image_width = models.PositiveIntegerField(null=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, editable=False)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        indexes = [
            models.Index(fields=["contest", "live", "-created_at"], name="entry_gallery_idx")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.contest.url + self.contest.reverse_subpage("entry", args=[self.pk])

    def image_url(self, width: int | None = 800) -> str:
        size = str(width) if width else "original"
        return reverse("contests:entry_image", args=[self.pk, size])

    moderation_related = ("contest",)

    def moderation_preview(self, revision_id: int | None = None) -> dict:
        image_url = self.image_url(800)
        if revision_id:
            image_url += f"?revision={revision_id}"
        return {
            "title": self.title,
            "text": self.description,
            "image_url": image_url,
            "images": [image_url],
            "context": self.contest.title,
        }

    def moderation_scope(self) -> tuple[int | None, int | None]:
        return (self.contest.brand_id, self.contest_id)

    def moderation_image_names(self) -> list[str]:
        return [self.image.name] if self.image else []


class Vote(models.Model):
    """One member's vote for one entry: a fact in the database, never a counter."""

    contest = models.ForeignKey(ContestPage, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contest_votes"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "voter"], name="vote_once_per_entry"),
        ]
        indexes = [models.Index(fields=["contest", "voter"], name="vote_contest_voter_idx")]

    def __str__(self) -> str:
        return f"{self.voter_id} → {self.entry_id}"


class ContestResult(models.Model):
    """The announcement of a contest's results; its existence starts the results phase."""

    contest = models.OneToOneField(ContestPage, on_delete=models.CASCADE, related_name="result")
    announced_at = models.DateTimeField(default=timezone.now)
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("contest result")

    def __str__(self) -> str:
        return f"{self.contest_id} @ {self.announced_at:%Y-%m-%d %H:%M}"


class AwardQuerySet(models.QuerySet):
    def public(self):
        """Awards whose entry is public, with the entry's vote count, in ranking order."""
        return (
            self.filter(entry__live=True)
            .select_related("entry", "entry__author")
            .annotate(vote_count=Count("entry__votes", distinct=True))
            .order_by("kind", "rank")
        )


class Award(models.Model):
    class Kind(models.TextChoices):
        WINNER = "winner", _("Winner")

    contest = models.ForeignKey(ContestPage, on_delete=models.CASCADE, related_name="awards")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="awards")
    kind = models.CharField(max_length=24, choices=Kind.choices, default=Kind.WINNER)
    rank = models.PositiveSmallIntegerField(_("rank"))
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = AwardQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "kind", "rank"], name="award_rank_unique"),
            models.UniqueConstraint(fields=["contest", "kind", "entry"], name="award_entry_unique"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="award_rank_positive"),
        ]
        permissions = [("pick_winners", _("Can pick contest winners"))]

    def __str__(self) -> str:
        return f"{self.contest} #{self.rank}: {self.entry}"
