"""Test data. Images are generated with Pillow, never read from fixtures on disk."""

import itertools
import random
from datetime import timedelta
from io import BytesIO

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw
from wagtail.models import Page

from community.brands import add_brand_staff, brand_page
from community.models import Brand, User
from community.rules import BRAND_STAFF_GROUP, MODERATORS_GROUP
from community.sites import SITES
from contests.models import ContestPage, Entry

_pattern_seeds = itertools.count(1)


def pattern_image(size=(64, 48), color=(200, 30, 30), seed: int | None = None) -> Image.Image:
    """A solid image with a few random darker blocks, different for every call unless `seed` is
    given: distinct designs must not look like near-duplicates to pre-screening."""
    image = Image.new("RGB", size, color)
    rng = random.Random(next(_pattern_seeds) if seed is None else seed)
    draw = ImageDraw.Draw(image)
    width, height = size
    shade = tuple(c // 3 for c in color)
    for _ in range(6):
        x, y = rng.randrange(width), rng.randrange(height)
        draw.rectangle(
            [x, y, x + rng.randrange(1, width // 2 + 2), y + rng.randrange(1, height // 2 + 2)],
            fill=shade,
        )
    return image


def image_bytes(
    fmt: str = "PNG", size=(64, 48), color=(200, 30, 30), seed: int | None = None, **save_kwargs
) -> bytes:
    out = BytesIO()
    pattern_image(size, color, seed).save(out, fmt, **save_kwargs)
    return out.getvalue()


def image_upload(name: str = "design.png", fmt: str = "PNG", **kwargs) -> SimpleUploadedFile:
    content_types = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
    return SimpleUploadedFile(name, image_bytes(fmt, **kwargs), content_type=content_types[fmt])


FACTORY_PASSWORD = "correct horse battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", FACTORY_PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Members are verified unless the test says `verified=False`."""
        self.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


def moderator(**kwargs) -> User:
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    return user


class BrandFactory(factory.django.DjangoModelFactory):
    """A brand; creating it gives it its page and staff group (community.signals)."""

    class Meta:
        model = Brand
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")


DEFAULT_BRAND_SLUG = "test-brand"


def default_brand() -> Brand:
    """The brand of contests made without one, and of staff made without one: tests that do not
    care about brands get staff who run their contests."""
    return BrandFactory(slug=DEFAULT_BRAND_SLUG, name="Test Brand")


def brand_staff(brand: Brand | None = None, **kwargs) -> User:
    """A member in the role group "Brand staff" and in `brand`'s staff group (the default brand
    when not given); `brand=False` makes staff of no brand at all."""
    user = UserFactory(**kwargs)
    if brand is False:
        user.groups.add(Group.objects.get(name=BRAND_STAFF_GROUP))
    else:
        add_brand_staff(brand or default_brand(), user)
    return User.objects.get(pk=user.pk)  # fresh permission caches


def home_page() -> Page:
    return Page.objects.get(depth=2)


PHASE_OFFSETS = {
    # (submissions open, submissions close, voting open, voting close) relative to now, in days
    "draft": (1, 10, 10, 20),
    "submissions": (-1, 10, 10, 20),
    "review": (-10, -1, 1, 10),
    "voting": (-20, -10, -1, 10),
    "judging": (-30, -20, -10, -1),
}


def make_contest(
    phase: str = "submissions", *, brand=None, title=None, now=None, **fields
) -> ContestPage:
    """A live contest page under its brand's page (the default brand unless given), with dates
    placing it in `phase` now."""
    now = now or timezone.now()
    offsets = PHASE_OFFSETS[phase]
    dates = dict(
        zip(
            ["submissions_open_at", "submissions_close_at", "voting_open_at", "voting_close_at"],
            [now + timedelta(days=d) for d in offsets],
            strict=True,
        )
    )
    dates.update(fields)
    title = title or f"Contest {ContestPage.objects.count() + 1}"
    brand = brand or default_brand()
    contest = ContestPage(title=title, brand=brand, summary=f"{title} summary", **dates)
    brand_page(brand).add_child(instance=contest)
    contest.save_revision().publish()
    return ContestPage.objects.get(pk=contest.pk)


def update_page(model, pk: int, **fields) -> None:
    """Change a page's columns in the database directly, as a shell or a migration would (a
    contest's dates, say), and forget the cached routes holding it (community/sites.py): only
    saves and publishing make them stale by themselves."""
    model.objects.filter(pk=pk).update(**fields)
    SITES.bump()


def make_entry(
    contest: ContestPage, *, author=None, approved: bool = True, title=None, **kwargs
) -> Entry:
    """An entry through the real services: submitted, then approved by a moderator if asked."""
    from moderation import services as moderation_services

    author = author or UserFactory()
    entry = Entry(
        contest=contest,
        author=author,
        title=title or f"Entry by {author.username}",
        description=kwargs.pop("description", "A design."),
    )
    upload = kwargs.pop("image", None) or image_upload()
    from community.images import clean_uploaded_image
    from contests.models import EntryImage

    cleaned = clean_uploaded_image(upload)
    entry.image.save(cleaned.name, cleaned, save=False)
    extras = []
    for position in range(kwargs.pop("extra_images", 0)):  # further images after the cover
        extra = EntryImage(sort_order=position)
        more = clean_uploaded_image(image_upload(color=(40 * position, 90, 160)))
        extra.image.save(more.name, more, save=False)
        extras.append(extra)
    entry.extra_images = extras
    if tags := kwargs.pop("tags", None):
        entry.tags.set(tags)
    entry.save()
    item = moderation_services.submit_for_moderation(entry, user=author)
    if approved:
        moderation_services.approve(item.pk, moderator=_system_moderator())
    return Entry.objects.get(pk=entry.pk)


def _system_moderator() -> User:
    user = User.objects.filter(username="factory-moderator").first()
    return user or moderator(username="factory-moderator")


def pending_item(obj):
    """The open moderation item of `obj`."""
    from moderation.models import ModerationItem

    return ModerationItem.objects.for_object(obj).pending().get()


def make_comment(
    target, *, author=None, approved: bool = True, body: str = "Nice design!", parent=None
):
    """A comment (or a reply to `parent`) through the real service, approved by a moderator if
    asked (official answers are public already)."""
    from comments.services import post_comment
    from moderation import services as moderation_services

    author = author or UserFactory()
    comment = post_comment(target, author=author, body=body, parent=parent)
    if approved and not comment.live:
        moderation_services.approve(pending_item(comment).pk, moderator=_system_moderator())
        comment.refresh_from_db()
    return comment


def make_profile(*, author=None, approved: bool = True, bio: str = "I draw cups.", avatar=None):
    from moderation import services as moderation_services
    from profiles.services import update_profile

    author = author or UserFactory()
    profile = update_profile(author, bio=bio, avatar=avatar)
    if approved:
        moderation_services.approve(pending_item(profile).pk, moderator=_system_moderator())
        profile.refresh_from_db()
    return profile


# Ideas boards -------------------------------------------------------------------------------------
def make_board(
    *,
    brand=None,
    title=None,
    goal: int = 100,
    categories=("Flavours", "Packaging"),
    stages=(),
    opens_at=None,
    closes_at=None,
    **fields,
):
    """A live ideas board under its brand's page; `stages` is a list of (supporters, days)."""
    from ideas.models import IdeaCategory, IdeasBoardPage, IdeaStage

    from_ = opens_at or timezone.now() - timedelta(days=1)
    brand = brand or default_brand()
    title = title or f"Board {IdeasBoardPage.objects.count() + 1}"
    board = IdeasBoardPage(
        title=title,
        brand=brand,
        summary=f"{title} summary",
        support_goal=goal,
        opens_at=from_,
        closes_at=closes_at,
        **fields,
    )
    board.categories = [IdeaCategory(name=name, sort_order=i) for i, name in enumerate(categories)]
    board.stages = [
        IdeaStage(supporters=n, days=days, sort_order=i) for i, (n, days) in enumerate(stages)
    ]
    brand_page(brand).add_child(instance=board)
    board.save_revision().publish()
    return IdeasBoardPage.objects.get(pk=board.pk)


def make_idea(
    board,
    *,
    author=None,
    approved: bool = True,
    title=None,
    description: str = "Bring it back, please.",
    category=None,
    image=None,
):
    """An idea through the real service, approved by a moderator if asked."""
    from ideas.models import Idea
    from ideas.services import submit_idea
    from moderation import services as moderation_services

    author = author or UserFactory()
    idea = submit_idea(
        board,
        author=author,
        title=title or f"Idea by {author.username}",
        description=description,
        category_id=category.pk if category else None,
        image=image,
    )
    if approved:
        moderation_services.approve(pending_item(idea).pk, moderator=_system_moderator())
    return Idea.objects.select_related("board").get(pk=idea.pk)


def supporters(idea, count: int) -> list:
    """`count` fresh verified members who each support `idea`."""
    from ideas.services import support_idea

    members = UserFactory.create_batch(count)
    for member in members:
        support_idea(idea, member=member)
    return members


def give_totp(user: User) -> str:
    """Activate an allauth TOTP authenticator for `user`; returns its secret (see totp_code)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


TOTP_FRESH_SECONDS = 5


def totp_code(secret: str) -> str:
    """The current code of a TOTP secret, as an authenticator app would show it. Like a person
    who sees the code about to change, it waits for the next one when fewer than
    TOTP_FRESH_SECONDS of its period are left: the server accepts only the current period's code
    (allauth's TOTP tolerance is 0), and a code typed at 29.9 s reached it at 30.1 s in CI."""
    import time

    from allauth.mfa import app_settings as mfa_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = mfa_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < TOTP_FRESH_SECONDS:
        time.sleep(left + 0.05)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))
