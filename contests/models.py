from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Avg, Count, ExpressionWrapper, FloatField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from community.forms import BrandScopedPageForm
from community.i18n import translated_search_fields
from community.images import private_storage
from community.page_cache import object_tag
from community.view_restrictions import ViewRestrictionsMixin
from contests.phases import (
    Phase,
    Schedule,
    next_boundary,
    phase_at,
    submissions_open,
    voting_open,
)
from moderation.models import ModeratedModel, ModeratedQuerySet, member_suspended


def contest_tag(contest_id: int) -> str:
    """The page-cache tag of what a contest's pages show: its entries, winners and results."""
    return f"contest:{contest_id}"


def contest_votes_tag(contest_id: int) -> str:
    """The page-cache tag of a contest's vote totals (its gallery shows them)."""
    return f"contest-votes:{contest_id}"


def contest_results_tag(contest_id: int) -> str:
    """The page-cache tag of the contest's announced results, which every entry page shows
    (hidden totals become public, voting ends)."""
    return f"contest-results:{contest_id}"


class VotingMethod(models.TextChoices):
    LIKE = "like", _("One like per entry")
    SCORE = "score", _("A score from 1 to 5 per entry")
    BUDGET = "budget", _("A limited number of votes per member")


# Score voting ranks entries by a Bayesian average (see README, "Voting methods"):
#     rank = (C × m + sum of scores) / (C + number of scores)
# with the prior mean m = 3 (the neutral middle of the 1–5 scale) and the prior weight C = 10:
# every entry starts as if ten people had given it a 3, so it needs many good scores to rise.
# Three 5s rank (30 + 15) / 13 ≈ 3.46; three hundred 4s rank (30 + 1200) / 310 ≈ 3.97.
# (The contest's own mean is not used as m: when most scores are 4s it would let three 5s win.)
SCORE_MIN, SCORE_MAX = 1, 5
SCORE_PRIOR_WEIGHT = 10
SCORE_PRIOR_MEAN = 3.0


class ContestPage(ViewRestrictionsMixin, RoutablePageMixin, Page):
    """A design contest: a brief, a prize, dates, and the gallery of approved entries."""

    # Joined when the page is routed to (cms HomePage.route): every view of the page reads them.
    route_select_related = ("brand", "hero_image", "result")

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
    design_template = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("design template"),
        help_text=_("A file members download to design on, such as the outline of the cup."),
    )
    rules = RichTextField(
        _("contest rules"),
        blank=True,
        help_text=_(
            "When given, members must accept these rules to submit; each entry records the text "
            "it accepted and when."
        ),
    )
    max_entries_per_member = models.PositiveSmallIntegerField(
        _("entries per member"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_(
            "How many entries one member may have in this contest (withdrawn and "
            "rejected entries do not count)."
        ),
    )
    voting_method = models.CharField(
        _("voting method"), max_length=16, choices=VotingMethod.choices, default=VotingMethod.LIKE
    )
    vote_budget = models.PositiveSmallIntegerField(
        _("votes per member"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("With a limited number of votes: how many entries each member may vote for."),
    )
    show_running_totals = models.BooleanField(
        _("show vote totals during voting"),
        default=True,
        help_text=_(
            "When off, nobody sees vote counts or scores (pages, API, live updates) until the "
            "results are announced."
        ),
    )
    submissions_open_at = models.DateTimeField(_("submissions open"))
    submissions_close_at = models.DateTimeField(_("submissions close"))
    voting_open_at = models.DateTimeField(_("voting opens"))
    voting_close_at = models.DateTimeField(_("voting closes"))
    voting_during_submissions = models.BooleanField(
        _("voting opens while submissions are open"),
        default=False,
        help_text=_(
            "Let members vote on approved entries before submissions close. Voting must then "
            "open after submissions open and close no earlier than submissions close."
        ),
    )
    min_account_age_days = models.PositiveSmallIntegerField(
        _("minimum account age to vote (days)"),
        default=0,
        help_text=_(
            "Members whose account is younger than this cannot vote in this contest (0: no "
            "minimum). A verified email address is always required."
        ),
    )
    archive_at = models.DateTimeField(
        _("archive on"),
        null=True,
        blank=True,
        help_text=_(
            "After the results are announced, the contest is archived from this moment: its page, "
            "entries and results stay, nothing can change any more. Leave empty to never archive."
        ),
    )

    # Under its brand's page (which scopes staff permissions); the home page stays allowed for
    # contests created before brands had pages.
    parent_page_types = ["community.BrandPage", "cms.HomePage"]
    subpage_types: list[str] = []
    template = "contests/contest_page.html"
    base_form_class = BrandScopedPageForm

    content_panels = [
        *Page.content_panels,
        FieldPanel("brand"),
        FieldPanel("summary"),
        FieldPanel("brief"),
        FieldPanel("prize"),
        FieldPanel("hero_image"),
        FieldPanel("design_template"),
        FieldPanel("rules"),
        FieldPanel("max_entries_per_member"),
        MultiFieldPanel(
            [
                FieldPanel("submissions_open_at"),
                FieldPanel("submissions_close_at"),
                FieldPanel("voting_open_at"),
                FieldPanel("voting_close_at"),
                FieldPanel("voting_during_submissions"),
                FieldPanel("archive_at"),
            ],
            heading=_("Dates"),
        ),
        InlinePanel(
            "jury_criteria",
            heading=_("Jury criteria"),
            label=_("Criterion"),
            help_text=_("Each jury member scores each shortlisted entry from 1 to 10 on these."),
        ),
        MultiFieldPanel(
            [
                FieldPanel("voting_method"),
                FieldPanel("vote_budget"),
                FieldPanel("show_running_totals"),
                FieldPanel("min_account_age_days"),
            ],
            heading=_("Voting"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("brief"),
        *translated_search_fields("title", "summary", "brief"),
    ]

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
            if self.voting_during_submissions:
                if self.voting_open_at < self.submissions_open_at:
                    errors["voting_open_at"] = _("Voting cannot open before submissions open.")
                if self.voting_close_at < self.submissions_close_at:
                    errors["voting_close_at"] = _("Voting cannot close before submissions close.")
            elif self.voting_open_at < self.submissions_close_at:
                errors["voting_open_at"] = _(
                    "Voting cannot open before submissions close, unless voting opens while "
                    "submissions are open."
                )
            if self.voting_close_at <= self.voting_open_at:
                errors.setdefault("voting_close_at", _("Voting must close after it opens."))
            if self.archive_at and self.archive_at <= self.voting_close_at:
                errors["archive_at"] = _("A contest can be archived only after voting closes.")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def current_and_past(cls, *, brand_id: int | None = None, now=None) -> tuple[list, list]:
        """Live contests, newest first, split into those still running (or about to) and those
        with results; each carries its `current_phase`. For listings (home, brand pages)."""
        contests = cls.objects.live().public().select_related("brand", "hero_image", "result")
        if brand_id is not None:
            contests = contests.filter(brand_id=brand_id)
        now = now or timezone.now()
        current, past = [], []
        for contest in contests.order_by("-submissions_open_at"):
            contest.current_phase = contest.phase_at(now)
            (current if contest.current_phase.is_current else past).append(contest)
        return current, past

    # URL ----------------------------------------------------------------------------------
    @cached_property
    def url(self):
        """Wagtail's `url`, once per instance: without a request at hand each call reads the
        site root paths from the cache (a Redis round trip in production), and a gallery
        builds four links per card from it. Dropped when the page is saved (slug or move)."""
        return super().url

    def save(self, *args, **kwargs):
        self.__dict__.pop("url", None)
        return super().save(*args, **kwargs)

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
            self.archive_at,
        )

    def phase_at(self, now) -> Phase:
        return phase_at(self.schedule, now)

    def next_boundary(self, now):
        """When one of the contest's dates next passes (None when none is left)."""
        return next_boundary(self.schedule, now)

    @property
    def phase(self) -> Phase:
        return self.phase_at(timezone.now())

    def totals_public_at(self, now) -> bool:
        """Whether vote counts and scores may be shown to the public at `now`."""
        phase = self.phase_at(now)
        if phase in (Phase.RESULTS, Phase.ARCHIVED):
            return True
        # Running totals count votes: before voting opens there are none to show ("0 votes").
        return self.show_running_totals and phase in (Phase.VOTING, Phase.JUDGING)

    @property
    def totals_public(self) -> bool:
        return self.totals_public_at(timezone.now())

    def submissions_open_at_moment(self, now) -> bool:
        return submissions_open(self.schedule, now)

    def voting_open_at_moment(self, now) -> bool:
        return voting_open(self.schedule, now)

    # Routes: the contest's gallery, submission form, entries and votes live under its URL.
    @path("")
    def gallery(self, request):
        from contests import views

        return views.contest_gallery(request, self)

    @path("results/")
    def results(self, request):
        from contests import views

        return views.results(request, self)

    @path("submit/")
    def submit(self, request):
        from contests import views

        return views.submit_entry(request, self)

    @path("entries/<int:entry_id>/")
    def entry(self, request, entry_id):
        from contests import views

        return views.entry_detail(request, self, entry_id)

    @path("entries/<int:entry_id>/edit/")
    def edit_entry(self, request, entry_id):
        from contests import views

        return views.edit_entry(request, self, entry_id)

    @path("entries/<int:entry_id>/withdraw/")
    def withdraw_entry(self, request, entry_id):
        from contests import views

        return views.withdraw_entry(request, self, entry_id)

    @path("entries/<int:entry_id>/vote/")
    def vote(self, request, entry_id):
        from contests import views

        return views.vote(request, self, entry_id)


class VoteStatus(models.TextChoices):
    COUNTED = "counted", _("Counted")
    HELD = "held", _("Held for a moderator")
    VOIDED = "voided", _("Voided by a moderator")


def counted_votes(prefix: str = "") -> Q:
    """The one definition of a vote that counts, as a Q usable in filters and in annotations
    (`prefix` is the path to the vote, e.g. "votes__" from an entry): counted (not held, not
    voided) and cast by a member who is not suspended or banned right now."""
    return Q(**{f"{prefix}status": VoteStatus.COUNTED}) & ~Q(member_suspended(f"{prefix}voter"))


class EntryQuerySet(ModeratedQuerySet):
    def with_vote_counts(self):
        return self.annotate(
            vote_count=Count("votes", filter=counted_votes("votes__"), distinct=True)
        )

    def with_scores(self):
        """Vote count, mean score and the Bayesian average `ranking_score` (score voting),
        computed from the vote rows in the same query."""
        m, c = SCORE_PRIOR_MEAN, SCORE_PRIOR_WEIGHT
        counted = counted_votes("votes__")
        total = Coalesce(Sum("votes__score", filter=counted), 0, output_field=FloatField())
        count = Count("votes", filter=counted)
        return self.annotate(
            vote_count=count,
            score_average=Avg("votes__score", filter=counted, output_field=FloatField()),
            ranking_score=ExpressionWrapper(
                (Value(c * m) + total) / (Value(float(c)) + count), output_field=FloatField()
            ),
        )

    def ranked(self, contest: "ContestPage"):
        """Entries in community order for the contest's voting method: Bayesian average of the
        scores for score voting, number of votes otherwise; earlier entries win ties."""
        if contest.voting_method == VotingMethod.SCORE:
            return self.with_scores().order_by("-ranking_score", "-vote_count", "created_at", "pk")
        return self.with_vote_counts().order_by("-vote_count", "created_at", "pk")


class TaggedEntry(TaggedItemBase):
    content_object = ParentalKey("contests.Entry", on_delete=models.CASCADE, related_name="tagged")


def tags_with_names() -> models.Prefetch:
    """An entry's tags with their names in one query (taggit's `tagged__tag` takes two)."""
    return models.Prefetch("tagged", queryset=TaggedEntry.objects.select_related("tag"))


MAX_IMAGES_PER_ENTRY = 5


class Entry(index.Indexed, ModeratedModel, ClusterableModel):
    """A member's design. `image` is the cover; up to four more images are `extra_images`.

    The entry is a ClusterableModel so its extra images and tags are part of each revision:
    an edit of an approved entry keeps the approved images public until the edit is approved.
    """

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
    tags = ClusterTaggableManager(through=TaggedEntry, blank=True, verbose_name=_("tags"))
    rules_accepted_at = models.DateTimeField(_("rules accepted"), null=True, editable=False)
    rules_accepted_text = models.TextField(_("rules accepted (text)"), blank=True, editable=False)
    rules_accepted_version = models.CharField(
        _("rules accepted (version)"), max_length=64, blank=True, editable=False
    )

    objects = EntryQuerySet.as_manager()

    # Site search finds candidates in the index; results are re-read through `public()`.
    search_fields = [
        index.SearchField("title", boost=2),
        index.SearchField("description"),
        index.FilterField("live"),
    ]

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        indexes = [
            models.Index(fields=["contest", "live", "-created_at"], name="entry_gallery_idx")
        ]

    def __str__(self) -> str:
        return self.title

    def page_cache_tags(self) -> list[str]:
        """The cached pages that show this entry: its own and its contest's gallery."""
        return [object_tag(self), contest_tag(self.contest_id)]

    def get_absolute_url(self) -> str:
        return self.contest.url + self.contest.reverse_subpage("entry", args=[self.pk])

    def image_url(self, width: int | None = 800, position: int = 1) -> str:
        """URL of the cover (position 1) or of a further image, through the gated view."""
        size = str(width) if width else "original"
        if position == 1:
            return reverse("contests:entry_image", args=[self.pk, size])
        return reverse("contests:entry_image_n", args=[self.pk, position, size])

    def image_urls(self, width: int | None = 800) -> list[str]:
        """Every image of this version of the entry, cover first."""
        count = 1 + len(self.extra_images.all())
        return [self.image_url(width, position) for position in range(1, count + 1)]

    moderation_related = ("contest",)
    moderation_prefetch = ("extra_images", "tagged__tag")

    @classmethod
    def prepare_previews(cls, objects: list) -> None:
        """Versions read from revisions hold their tagged items without the tags: load the
        tags of all of them at once."""
        missing = [
            tagged
            for obj in objects
            for tagged in obj.tagged.all()
            if "tag" not in tagged._state.fields_cache
        ]
        if missing:
            tags = Tag.objects.in_bulk({tagged.tag_id for tagged in missing})
            for tagged in missing:
                if tagged.tag_id in tags:
                    tagged.tag = tags[tagged.tag_id]

    def moderation_preview(self, revision_id: int | None = None) -> dict:
        """`self` is the submitted version (the revision's object) when `revision_id` is set."""
        suffix = f"?revision={revision_id}" if revision_id else ""
        images = [url + suffix for url in self.image_urls(800)]
        return {
            "title": self.title,
            "text": self.description,
            "image_url": images[0],
            "images": images,
            "context": self.contest.title,
            # Tags go public with the entry: moderators see them (of this version).
            "tags": sorted(tagged.tag.name for tagged in self.tagged.all()),
        }

    def moderation_scope(self) -> tuple[int | None, int | None]:
        return (self.contest.brand_id, self.contest_id)

    def moderation_image_names(self) -> list[str]:
        """Every image of this version (cover first), for duplicate detection."""
        names = [self.image.name] if self.image else []
        return names + [extra.image.name for extra in self.extra_images.all() if extra.image]


class EntryImage(Orderable):
    """A further image of an entry (the cover is `Entry.image`). Part of the entry's revisions."""

    entry = ParentalKey(Entry, on_delete=models.CASCADE, related_name="extra_images")
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

    class Meta(Orderable.Meta):
        verbose_name = _("entry image")
        verbose_name_plural = _("entry images")


class VoteQuerySet(models.QuerySet):
    def counted(self):
        """Votes that count in every total (see `counted_votes`)."""
        return self.filter(counted_votes())

    def held(self):
        return self.filter(status=VoteStatus.HELD)


class Vote(models.Model):
    """One member's vote for one entry: a fact in the database, never a counter. A vote that
    the velocity rule held aside, or that a moderator voided, is kept but does not count."""

    contest = models.ForeignKey(ContestPage, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contest_votes"
    )
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("status"), max_length=8, choices=VoteStatus.choices, default=VoteStatus.COUNTED
    )
    # The voter's network (/24 IPv4, /64 IPv6) from the request: evidence for the velocity rule.
    network = models.CharField(_("network"), max_length=64, blank=True)
    hold_reason = models.CharField(_("why it was held"), max_length=32, blank=True)

    objects = VoteQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "voter"], name="vote_once_per_entry"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="vote_score_in_range",
            ),
        ]
        indexes = [
            models.Index(fields=["contest", "voter"], name="vote_contest_voter_idx"),
            models.Index(fields=["entry", "created_at"], name="vote_entry_recent_idx"),
            models.Index(
                fields=["status", "entry"],
                name="vote_held_idx",
                condition=Q(status="held"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voter_id} → {self.entry_id}"


class ContestResult(models.Model):
    """The announcement of a contest's results; its existence starts the results phase."""

    contest = models.OneToOneField(ContestPage, on_delete=models.CASCADE, related_name="result")
    announced_at = models.DateTimeField(default=timezone.now)
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    jury_statement = models.TextField(_("jury's statement"), blank=True, max_length=5000)

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
            .prefetch_related("entry__extra_images", "entry__tagged__tag")
            .annotate(
                vote_count=Count(
                    "entry__votes", filter=counted_votes("entry__votes__"), distinct=True
                )
            )
            .order_by("kind", "rank")
        )


class Award(models.Model):
    class Kind(models.TextChoices):
        WINNER = "winner", _("Winner")
        MENTION = "mention", _("Honourable mention")
        COMMUNITY = "community", _("Community Choice")

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


JURY_SCORE_MIN, JURY_SCORE_MAX = 1, 10


class JuryCriterion(Orderable):
    """What the jury scores entries on, defined per contest in the page editor."""

    contest = ParentalKey(ContestPage, on_delete=models.CASCADE, related_name="jury_criteria")
    name = models.CharField(_("criterion"), max_length=80)
    description = models.CharField(_("what it means"), max_length=280, blank=True)

    panels = [FieldPanel("name"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = _("jury criterion")
        verbose_name_plural = _("jury criteria")

    def __str__(self) -> str:
        return self.name


class Shortlisting(models.Model):
    """Brand staff put an approved entry on the contest's shortlist for the jury."""

    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="shortlisting")
    contest = models.ForeignKey(ContestPage, on_delete=models.CASCADE, related_name="shortlist")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("shortlisted entry")
        verbose_name_plural = _("shortlist")

    def __str__(self) -> str:
        return f"{self.contest_id}: {self.entry_id}"


class JuryScore(models.Model):
    """One jury member's 1–10 score of one shortlisted entry on one criterion."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="jury_scores")
    criterion = models.ForeignKey(JuryCriterion, on_delete=models.CASCADE, related_name="scores")
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jury_scores"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "criterion", "juror"], name="jury_score_once"),
            models.CheckConstraint(
                condition=Q(score__gte=JURY_SCORE_MIN, score__lte=JURY_SCORE_MAX),
                name="jury_score_in_range",
            ),
        ]
        verbose_name = _("jury score")
        verbose_name_plural = _("jury scores")

    def __str__(self) -> str:
        return f"{self.juror_id} → {self.entry_id} / {self.criterion_id}: {self.score}"
