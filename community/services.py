"""Writes in the community app: following brands and telling followers what opened; comments
and member profiles."""

import logging
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import hooks

from community.errors import InvalidInput, NotAllowed
from community.images import clean_uploaded_image
from community.models import Brand, Comment, Follow, OpeningAnnouncement, Profile, User
from community.notifications import notify_many
from community.rules import is_verified_member
from community.validators import check_text
from moderation.intake import check_intake_open
from moderation.models import ModerationStatus
from moderation.services import resubmit, submit_for_moderation

logger = logging.getLogger(__name__)

# Apps register a function `(now) -> iterable of pages` under this Wagtail hook: the contests
# (and later boards) that are open for members to take part at `now`. Each item has `brand_id`,
# `brand`, `title` and `get_url()`.
OPENINGS_HOOK = "cocreo_open_for_participation"


def _check_can_follow(user: User) -> None:
    if not (user.is_authenticated and user.is_active):
        raise NotAllowed(_("Sign in to follow a brand."))


def follow_brand(user: User, brand: Brand) -> bool:
    """Returns False when the member already followed the brand (nothing changes)."""
    _check_can_follow(user)
    try:
        with transaction.atomic():
            Follow.objects.create(user=user, brand=brand)
    except IntegrityError:
        return False
    return True


def unfollow_brand(user: User, brand: Brand) -> bool:
    _check_can_follow(user)
    deleted, _rows = Follow.objects.filter(user=user, brand=brand).delete()
    return bool(deleted)


def follows(user: User, brand: Brand) -> bool:
    return user.is_authenticated and Follow.objects.filter(user=user, brand=brand).exists()


def announce_openings(now: datetime | None = None) -> int:
    """Tell each brand's followers once that a contest (or board) of the brand has opened.

    Run it often (cron, or the django-tasks task): what was announced is recorded in
    OpeningAnnouncement, so a second run, or two runs at once, tell no one twice. Something
    published while already open is announced on the next run; something published after it
    closed, never. Returns the number of notifications created."""
    now = now or timezone.now()
    sent = 0
    for source in hooks.get_hooks(OPENINGS_HOOK):
        items = list(source(now))
        if not items:
            continue
        content_type = ContentType.objects.get_for_model(items[0], for_concrete_model=False)
        announced = set(
            OpeningAnnouncement.objects.filter(
                content_type=content_type, object_id__in=[i.pk for i in items]
            ).values_list("object_id", flat=True)
        )
        for item in items:
            if item.pk not in announced:
                sent += _announce_opening(item, content_type)
    return sent


def _announce_opening(item, content_type: ContentType) -> int:
    try:
        with transaction.atomic():
            announcement = OpeningAnnouncement.objects.create(
                content_type=content_type, object_id=item.pk, brand_id=item.brand_id
            )
            followers = User.objects.filter(follows__brand_id=item.brand_id, is_active=True)
            message = _("%(brand)s has just opened “%(title)s”: take part!") % {
                "brand": item.brand.name,
                "title": item.title,
            }
            count = notify_many(
                followers, kind="brand_opening", message=message, url=item.get_url() or ""
            )
            announcement.recipients = count
            announcement.save(update_fields=["recipients"])
    except IntegrityError:
        return 0  # announced already (by an earlier or concurrent run)
    logger.info("Announced the opening of %s to %s followers", item, count)
    return count


# Comments and member profiles: both pass the publication gate
# (moderation.services.submit_for_moderation) and the intake checks.

COMMENT_MAX_LENGTH = 2000
BIO_MAX_LENGTH = 1000


def is_commentable(target) -> bool:
    label = f"{target._meta.app_label}.{target._meta.model_name}"
    return label in settings.COCREO_COMMENTABLE_MODELS


def check_can_comment(user: User, target) -> None:
    if not user.is_authenticated:
        raise NotAllowed(_("Sign in to take part."))
    if not is_verified_member(user):
        raise NotAllowed(_("Verify your email address before taking part."))
    if not is_commentable(target):
        raise NotAllowed(_("This cannot be commented on."))
    if not type(target).objects.public().filter(pk=target.pk).exists():
        raise NotAllowed(_("Only public content can be commented on."))
    brand_id, container_id = target.moderation_scope()
    check_intake_open(user, brand_id=brand_id, container_id=container_id)


def post_comment(target, *, author: User, body: str) -> Comment:
    """A member comments; the comment is public once a moderator approves it."""
    check_can_comment(author, target)
    body = check_text(body, field="body").strip()
    if not body:
        raise InvalidInput(_("Write a comment first."), field="body")
    if len(body) > COMMENT_MAX_LENGTH:
        raise InvalidInput(
            _("A comment can be at most %(n)s characters long.") % {"n": COMMENT_MAX_LENGTH},
            field="body",
        )
    with transaction.atomic():
        comment = Comment.objects.create(
            author=author,
            target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
            target_id=target.pk,
            body=body,
            live=False,
        )
        submit_for_moderation(comment, user=author)
    return comment


def update_profile(user: User, *, bio: str, avatar=None, remove_avatar: bool = False) -> Profile:
    """The member edits their public profile. A new or edited profile waits for a moderator;
    while an edit waits, the approved version stays public. Avatars are re-encoded without
    metadata (EXIF, GPS) before they are stored."""
    if not is_verified_member(user):
        raise NotAllowed(_("Verify your email address before taking part."))
    check_intake_open(user)
    bio = check_text(bio, field="bio").strip()
    if len(bio) > BIO_MAX_LENGTH:
        raise InvalidInput(
            _("Keep it under %(n)s characters.") % {"n": BIO_MAX_LENGTH}, field="bio"
        )
    cleaned = None
    if avatar is not None:
        try:
            cleaned = clean_uploaded_image(avatar)
        except ValidationError as error:
            raise InvalidInput(error.messages[0], field="avatar") from None
    profile = Profile.objects.filter(author=user).first() or Profile(author=user, live=False)
    profile.bio = bio
    if cleaned is not None:
        profile.avatar.save(cleaned.name, cleaned, save=False)
    elif remove_avatar:
        profile.avatar = ""
    try:
        with transaction.atomic():
            if profile.pk is None or not profile.live:
                # Not public: the row holds the member's latest version.
                profile.save()
            if profile.moderation_status in (ModerationStatus.REJECTED, ModerationStatus.REMOVED):
                resubmit(profile, user=user)
            else:
                # For a public profile only a revision is saved: the row stays approved.
                submit_for_moderation(profile, user=user)
    except Exception:
        if cleaned is not None:
            profile.avatar.delete(save=False)
        raise
    return profile


def resubmit_comment(comment: Comment, *, author: User, body: str) -> Comment:
    """The author fixes a rejected or removed comment and sends it back to the queue."""
    if comment.author_id != author.pk:
        raise NotAllowed(_("Only the author can resubmit this."))
    target = comment.target
    if target is None:
        raise NotAllowed(_("This cannot be commented on."))
    check_can_comment(author, target)
    body = check_text(body, field="body").strip()
    if not body:
        raise InvalidInput(_("Write a comment first."), field="body")
    if len(body) > COMMENT_MAX_LENGTH:
        raise InvalidInput(
            _("A comment can be at most %(n)s characters long.") % {"n": COMMENT_MAX_LENGTH},
            field="body",
        )
    with transaction.atomic():
        # resubmit() refuses content that is public or already waiting.
        if comment.live or comment.moderation_status not in (
            ModerationStatus.REJECTED,
            ModerationStatus.REMOVED,
        ):
            resubmit(comment, user=author)  # raises the refusal
        comment.body = body
        comment.save(update_fields=["body"])
        resubmit(comment, user=author)
    return comment
