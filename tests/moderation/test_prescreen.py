"""Pre-screening: blocked terms and near-duplicate images flag and order, never decide."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from community.images import private_storage
from moderation.models import BlockedTerm, ImageFingerprint, ModerationStatus
from moderation.prescreen import dhash, distance, screen_item_images
from moderation.queue import pending_items
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_blocked_terms_flag_and_move_to_the_front_but_never_reject(moderator):
    BlockedTerm.objects.create(term="boycott")
    contest = factories.make_contest("submissions")
    plain = factories.make_entry(contest, approved=False, title="Sunrise")
    flagged = factories.make_entry(
        contest, approved=False, title="Cup", description="Join the BOYCOTT now"
    )
    substring = factories.make_entry(contest, approved=False, description="boycotters unite")
    items = list(pending_items())
    assert items[0].object_id == flagged.pk
    assert items[0].flagged and "boycott" in items[0].flags[0]["terms"]
    assert not factories.pending_item(plain).flagged
    assert not factories.pending_item(substring).flagged  # whole words only
    flagged.refresh_from_db()
    assert flagged.moderation_status == ModerationStatus.PENDING and not flagged.live
    html = client_for(moderator).get(reverse("moderation:queue") + "?flagged=1").content.decode()
    assert "Blocked terms: boycott" in html and "Sunrise" not in html


def _photo(seed: int, size=(640, 480)) -> Image.Image:
    return factories.pattern_image(size=size, color=(40, 160, 220), seed=seed)


def test_a_reencoded_resized_copy_of_an_earlier_entry_is_found(
    moderator, django_capture_on_commit_callbacks
):
    contest = factories.make_contest("submissions")
    original_image = _photo(seed=42)
    out = BytesIO()
    original_image.save(out, "PNG")
    copy = BytesIO()
    original_image.resize((320, 240)).save(copy, "JPEG", quality=70)
    # Image checks run after the commit (in the task worker; here the immediate backend).
    with django_capture_on_commit_callbacks(execute=True):
        original = factories.make_entry(
            contest,
            title="Original",
            image=SimpleUploadedFile("o.png", out.getvalue(), content_type="image/png"),
        )
        unrelated = factories.make_entry(contest, approved=False, title="Unrelated")
        copied = factories.make_entry(
            contest,
            approved=False,
            title="Copied",
            image=SimpleUploadedFile("c.jpg", copy.getvalue(), content_type="image/jpeg"),
        )
    item = factories.pending_item(copied)
    [finding] = [f for f in item.flags if f["kind"] == "duplicate"]
    assert finding["object_id"] == original.pk and finding["distance"] <= 10
    assert item.screened_at is not None
    assert not factories.pending_item(unrelated).flagged
    html = client_for(moderator).get(reverse("moderation:queue")).content.decode()
    # Side by side: the submission and the earlier entry it resembles.
    assert 'class="duplicate-side-by-side"' in html and original.image_url(800) in html
    assert 'data-testid="screening-pending"' not in html


def test_images_are_screened_after_the_submission_not_during_it(
    moderator, django_capture_on_commit_callbacks
):
    """Submitting queues the item with its text checked; the image fingerprints come from a
    task after the commit, and the desk says so until then."""
    BlockedTerm.objects.create(term="boycott")
    contest = factories.make_contest("submissions")
    image = _photo(seed=7)
    data = BytesIO()
    image.save(data, "PNG")
    with django_capture_on_commit_callbacks(execute=True):
        factories.make_entry(
            contest,
            title="First",
            image=SimpleUploadedFile("a.png", data.getvalue(), content_type="image/png"),
        )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = factories.make_entry(
            contest,
            approved=False,
            title="Boycott again",
            image=SimpleUploadedFile("b.png", data.getvalue(), content_type="image/png"),
        )
    item = factories.pending_item(again)
    assert item.screened_at is None and [f["kind"] for f in item.flags] == ["terms"]
    assert not ImageFingerprint.objects.filter(object_id=again.pk).exists()
    api = client_for(moderator).get("/api/v1/moderation/queue").json()
    assert [i["screened"] for i in api["items"] if i["id"] == item.pk] == [False]
    html = client_for(moderator).get(reverse("moderation:queue")).content.decode()
    assert 'data-testid="screening-pending"' in html

    for callback in callbacks:  # the commit happens: the screening task runs
        callback()
    item.refresh_from_db()
    assert item.screened_at is not None and item.flagged
    assert sorted(f["kind"] for f in item.flags) == ["duplicate", "terms"]
    assert ImageFingerprint.objects.filter(object_id=again.pk).count() == 1
    # Running it twice (a retried task) changes nothing.
    assert screen_item_images(item.pk)
    item.refresh_from_db()
    assert sorted(f["kind"] for f in item.flags) == ["duplicate", "terms"]


def test_dhash_separates_different_designs():
    a, b = dhash(_photo(seed=1)), dhash(_photo(seed=2))
    assert distance(a, dhash(_photo(seed=1).resize((100, 75)))) <= 4
    assert distance(a, b) > 10


def test_avatars_lose_exif_and_gps():
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update({1: "N", 2: (45.0, 30.0, 0.0)})
    raw = factories.image_bytes("JPEG", size=(80, 60), exif=exif.tobytes())
    assert b"SpyCam" in raw
    profile = factories.make_profile(
        avatar=SimpleUploadedFile("me.jpg", raw, content_type="image/jpeg"), approved=False
    )
    with private_storage().open(profile.avatar.name, "rb") as handle:
        stored = handle.read()
    assert b"SpyCam" not in stored
    assert not Image.open(BytesIO(stored)).getexif()
