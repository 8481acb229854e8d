from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from community.i18n import translated_search_fields
from community.page_cache import (
    LISTINGS,
    SITE,
    CachedPageMixin,
    invalidate,
    valid_until_next_boundary,
)
from community.theming import DEFAULT_TYPEFACE, Typeface, validate_readable_background
from community.view_restrictions import ViewRestrictionsMixin

PUBLIC_NAME_FIELDS = ("username", "name_held_at", "erased_at")
# What a copy of a member's content shared with every viewer (kept in the cache: community/
# page_cache.shared_value) must not carry of its author: defer them where it is read.
PRIVATE_USER_FIELDS = (
    "password",
    "last_login",
    "is_superuser",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "date_joined",
    "language",
    "emails_off",
)


def private_user_fields(relation: str) -> list[str]:
    """`PRIVATE_USER_FIELDS` through a relation to the user, for `defer()` ("author")."""
    return [f"{relation}__{name}" for name in PRIVATE_USER_FIELDS]


class User(AbstractUser):
    """The project's user from the first migration, so profiles and roles can grow on it."""

    # Set when the member deleted their account (privacy.services.delete_account): the row
    # stays, without personal data, for what must remain (votes and awards of closed contests,
    # contributions the member chose to leave).
    erased_at = models.DateTimeField(_("account deleted"), null=True, blank=True, editable=False)
    # The member's language for pages and emails; empty: the browser's (or the language cookie).
    language = models.CharField(
        _("language"), max_length=10, blank=True, default="", choices=settings.LANGUAGES
    )
    # Email categories (community.notification_kinds.CATEGORIES) the member does not want.
    emails_off = models.JSONField(_("emails turned off"), default=list, blank=True)
    # Set when a name chosen before a blocked term was added contains it (moderation.names):
    # the name is hidden from the public until the member or a moderator changes it.
    name_held_at = models.DateTimeField(
        _("name held for review"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return self.username

    def clean(self):
        super().clean()
        from community.names import check_member_names

        check_member_names(self)

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._loaded_public_name = user._public_name_state()
        return user

    def _public_name_state(self) -> tuple | None:
        """What `public_name` depends on, as loaded (None if a field was not loaded)."""
        if any(name not in self.__dict__ for name in PUBLIC_NAME_FIELDS):
            return None
        return (self.username, self.name_held_at is None, self.erased_at is None)

    def save(self, *args, **kwargs):
        if self.name_held_at is not None and self.pk is not None:
            from community.names import names_pass

            if names_pass(self):  # renamed: the hold ends
                self.name_held_at = None
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "name_held_at"}
        super().save(*args, **kwargs)
        loaded, now = getattr(self, "_loaded_public_name", None), self._public_name_state()
        if loaded is not None and loaded != now:
            # Pages shared by every viewer show members' public names (bylines): stale now.
            invalidate(SITE)
        self._loaded_public_name = now

    @property
    def public_name(self) -> str:
        if self.erased_at:
            return str(_("deleted member"))
        if self.name_held_at:
            return str(_("member (name under review)"))
        return self.username

    @property
    def name_hidden(self) -> bool:
        """The public sees `public_name` and no link to the member's page."""
        return bool(self.erased_at or self.name_held_at)


class Brand(models.Model):
    """A brand or business unit with its own contests, boards and staff."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logo"),
    )
    primary_color = models.CharField(
        _("primary colour"),
        max_length=7,
        blank=True,
        validators=[validate_readable_background],
        help_text=_("Buttons and highlights, as #rrggbb. Empty: Cocreo's indigo."),
    )
    accent_color = models.CharField(
        _("accent colour"),
        max_length=7,
        blank=True,
        validators=[validate_readable_background],
        help_text=_("Badges and details, as #rrggbb. Empty: Cocreo's amber."),
    )
    typeface = models.CharField(
        _("typeface"),
        max_length=20,
        choices=Typeface.choices,
        default=DEFAULT_TYPEFACE,
        help_text=_("The font of headings on the brand's pages."),
    )
    # The brand's own staff: a Wagtail group with page permissions on the brand's page (and so
    # on its contests and boards). Created with the brand (community.brands.ensure_brand_space).
    staff_group = models.OneToOneField(
        "auth.Group",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="staff_of_brand",
        verbose_name=_("staff group"),
    )

    # The description is shown in English and Italian (community/translation.py).
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")

    def __str__(self) -> str:
        return self.name


class Follow(models.Model):
    """A member follows a brand: they hear when its next contest (or board) opens."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["user", "brand"], name="follow_once_per_brand"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.brand_id}"


class OpeningAnnouncement(models.Model):
    """Followers were told that this contest (or board) opened: recorded once per opening, so
    the announcing command can run as often as it likes."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    announced_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("opening announcement")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="opening_announced_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} @ {self.announced_at:%Y-%m-%d %H:%M}"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something a member is told on the site (and usually by email)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    # What the text is made of (community.notification_kinds), rendered in the reader's language.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # Only rows from before kinds had parameters: their text, in the language it was written in.
    message = models.TextField(_("message"), blank=True)
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

    def _render(self, part: str) -> str:
        from community.notification_kinds import render

        if self.message and not self.params:
            return self.message  # an old row that could not be converted
        return render(self.kind, self.params, part) or self.message

    @property
    def text(self) -> str:
        """The message in the active language (activate the reader's before asking)."""
        return self._render("message")

    @property
    def subject(self) -> str:
        return self._render("subject")

    @property
    def next_step(self) -> str:
        if self.message and not self.params:
            return ""
        return self._render("next_step")


class BrandPage(ViewRestrictionsMixin, CachedPageMixin, Page):
    """The brand's permanent community in the page tree: its contests (and boards) live under
    it, stay there after they end, and its staff group may edit only this branch."""

    # Joined when the page is routed to (cms HomePage.route): every view of the page reads them.
    route_select_related = ("brand",)

    page_cache_tags = (LISTINGS,)

    brand = models.OneToOneField(
        Brand, on_delete=models.PROTECT, related_name="page", verbose_name=_("brand")
    )
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, *translated_search_fields("title", "intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["contests.ContestPage", "ideas.IdeasBoardPage"]
    template = "community/brand_page.html"
    is_creatable = False  # created with its brand (community.brands.ensure_brand_space)

    class Meta:
        verbose_name = _("brand page")
        verbose_name_plural = _("brand pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # community asks the contests app through its model and knows nothing else of it.
        contest_model = apps.get_model("contests", "ContestPage")
        now = timezone.now()
        current, past = contest_model.current_and_past(brand_id=self.brand_id, now=now)
        context["open_contests"], context["past_contests"] = current, past
        valid_until_next_boundary(request, current + past, now)
        board_model = apps.get_model("ideas", "IdeasBoardPage")
        context["boards"] = board_model.listed(brand_id=self.brand_id)
        return context


class Referral(models.Model):
    """A member's share link brought a new member (member-get-member): one row per new member,
    recording who shared what."""

    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referrals"
    )
    new_member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referred_by"
    )
    # What was shared (an entry, later an idea), when known.
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(referrer=models.F("new_member")), name="referral_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referrer_id} → {self.new_member_id}"
