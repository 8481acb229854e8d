"""Writes in the community app: following brands and telling followers what opened."""

import logging
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import hooks

from community.errors import NotAllowed
from community.models import Brand, Follow, OpeningAnnouncement, User
from community.notifications import notify_many

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
