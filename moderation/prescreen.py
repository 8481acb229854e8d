"""Automatic pre-screening: findings that order the queue and inform the moderator. It never
publishes or rejects anything by itself.

Near-duplicate images are found with a 64-bit difference hash (dHash) computed with Pillow:
the image is reduced to 9×8 grey pixels and each bit says whether a pixel is brighter than its
right neighbour. It survives re-encoding, resizing and small colour changes, and costs no extra
dependency (the `imagehash` package would pull in numpy, scipy and PyWavelets for the same
64 bits). Two images whose hashes differ in at most DUPLICATE_DISTANCE bits are near-duplicates.
"""

import re
from functools import lru_cache

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from community.images import private_storage
from moderation.models import BlockedTerm, ImageFingerprint

DUPLICATE_DISTANCE = 10
TERMS_CACHE_KEY = "moderation:blocked-terms"


def dhash(image: Image.Image) -> str:
    grey = ImageOps.exif_transpose(image).convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    pixels = grey.tobytes()
    bits = 0
    for row in range(8):
        for col in range(8):
            left, right = pixels[row * 9 + col], pixels[row * 9 + col + 1]
            bits = (bits << 1) | (left > right)
    return f"{bits:016x}"


def hash_stored_image(name: str) -> str | None:
    try:
        with private_storage().open(name, "rb") as handle:
            image = Image.open(handle)
            image.load()
    except (OSError, ValueError):
        return None
    return dhash(image)


def distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def active_terms() -> list[str]:
    terms = cache.get(TERMS_CACHE_KEY)
    if terms is None:
        terms = list(BlockedTerm.objects.filter(active=True).values_list("term", flat=True))
        cache.set(TERMS_CACHE_KEY, terms, 60)
    return terms


@lru_cache(maxsize=512)
def _pattern(term: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE)


def blocked_terms_in(text: str) -> list[str]:
    return [term for term in active_terms() if _pattern(term).search(text or "")]


NAME_SEPARATORS = re.compile(r"[\W_\d]+")
NAME_SUBSTRING_MIN = 4


def blocked_terms_in_name(name: str) -> list[str]:
    """Blocked terms in a member's name. Names glue words together ("i_hate_acme",
    "acme.sucks", "AcmeSucks"), so besides the word match of `blocked_terms_in` on the name with
    its separators (punctuation, underscores, digits) turned into spaces, a term of at least
    NAME_SUBSTRING_MIN letters also matches inside the name's letters run together. Shorter
    terms match only as words, so that "ass" does not refuse "classic"."""
    spaced = NAME_SEPARATORS.sub(" ", name or "").strip()
    squeezed = NAME_SEPARATORS.sub("", name or "").casefold()
    found = []
    for term in active_terms():
        letters = NAME_SEPARATORS.sub("", term).casefold()
        if _pattern(term).search(spaced) or (
            len(letters) >= NAME_SUBSTRING_MIN and letters in squeezed
        ):
            found.append(term)
    return found


def screen_text(obj) -> list[dict]:
    """Blocked terms in the submitted content (cheap: done when it is submitted)."""
    preview = obj.moderation_preview()
    terms = blocked_terms_in(f"{preview.get('title', '')}\n{preview.get('text', '')}")
    if not terms:
        return []
    return [{"kind": "terms", "terms": terms, "label": _("Blocked terms: %s") % ", ".join(terms)}]


def screen_item_images(item_id: int) -> bool:
    """Fingerprint the images of a queue item's submitted version and add any near-duplicate
    findings to its flags (background work: decoding images is slow). Idempotent. Returns
    False when the item no longer exists."""
    from django.db import transaction
    from django.utils import timezone

    from moderation.models import ModerationItem

    item = ModerationItem.objects.select_related("revision", "content_type").filter(pk=item_id)
    item = item.first()
    if item is None:
        return False
    submitted = item.revision.as_object()
    found = _duplicates(submitted, item.content_type)
    with transaction.atomic():
        item = ModerationItem.objects.select_for_update().get(pk=item_id)
        flags = [f for f in item.flags or [] if f.get("kind") != "duplicate"] + found
        item.flags, item.flagged, item.screened_at = flags, bool(flags), timezone.now()
        item.save(update_fields=["flags", "flagged", "screened_at"])
    return True


def _duplicates(obj, content_type: ContentType) -> list[dict]:
    names = obj.moderation_image_names()
    if not names:
        return []
    earlier = list(
        ImageFingerprint.objects.exclude(content_type=content_type, object_id=obj.pk).values_list(
            "content_type_id", "object_id", "dhash"
        )
    )
    findings = []
    for name in names:
        digest = hash_stored_image(name)
        if digest is None:
            continue
        ImageFingerprint.objects.get_or_create(
            content_type=content_type,
            object_id=obj.pk,
            image_name=name,
            defaults={"dhash": digest},
        )
        matches = sorted(
            (distance(digest, other), ct_id, object_id)
            for ct_id, object_id, other in earlier
            if distance(digest, other) <= DUPLICATE_DISTANCE
        )
        for bits, ct_id, object_id in matches[:3]:
            model = ContentType.objects.get_for_id(ct_id).model_class()
            other = model.objects.filter(pk=object_id).first() if model else None
            if other is None:
                continue
            findings.append(
                {
                    "kind": "duplicate",
                    "distance": bits,
                    "content_type_id": ct_id,
                    "object_id": object_id,
                    "title": str(other)[:120],
                    "image_url": other.moderation_preview().get("image_url"),
                    "label": _("Looks like an earlier %(kind)s (%(bits)s of 64 bits differ)")
                    % {"kind": other.moderation_kind_label, "bits": bits},
                }
            )
    return findings
