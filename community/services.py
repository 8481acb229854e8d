"""Writes in the community app: following brands and telling followers what opened."""

import logging
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import hooks

from community.errors import InvalidInput, NotAllowed
from community.i18n import in_every_language
from community.models import Brand, Follow, OpeningAnnouncement, User
from community.notification_kinds import CATEGORIES
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


# A member's preferences ---------------------------------------------------------------------
def set_language(user: User, language: str) -> None:
    """Save the member's language ("" for the browser's); unknown languages are refused."""
    if language and language not in dict(settings.LANGUAGES):
        raise InvalidInput(_("Choose one of the listed languages."), field="language")
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language


def set_emails(user: User, wanted: Iterable[str]) -> None:
    """Turn on the optional email categories in `wanted` and off the others (account emails
    are always sent)."""
    wanted = set(wanted)
    if unknown := wanted - set(CATEGORIES):
        raise InvalidInput(_("Unknown email category: %(c)s") % {"c": ", ".join(unknown)})
    off = sorted(c.code for c in CATEGORIES.values() if c.optional and c.code not in wanted)
    User.objects.filter(pk=user.pk).update(emails_off=off)
    user.emails_off = off


def unsubscribe(user: User, category: str) -> bool:
    """Turn one optional category off (the unsubscribe link); False if it was off already."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        off = list(locked.emails_off or [])
        if category in off or not CATEGORIES[category].optional:
            return False
        locked.emails_off = sorted([*off, category])
        locked.save(update_fields=["emails_off"])
    user.emails_off = locked.emails_off
    return True


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
            count = notify_many(
                followers,
                kind="brand_opening",
                params={
                    "brand": item.brand.name,
                    "brand_id": item.brand_id,
                    "title": in_every_language(item, "title"),
                },
                url=item.get_url() or "",
            )
            announcement.recipients = count
            announcement.save(update_fields=["recipients"])
    except IntegrityError:
        return 0  # announced already (by an earlier or concurrent run)
    logger.info("Announced the opening of %s to %s followers", item, count)
    return count
