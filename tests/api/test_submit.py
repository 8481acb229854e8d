"""POST /api/v1/contests/{slug}/entries: a member submits a design; it waits for a moderator.
Every refusal is a clear JSON error that creates no Entry row and leaves no file behind."""

import struct
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from contests.models import Entry
from moderation.models import ModerationItem
from tests import factories
from tests.api.conftest import api
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def submit(client, contest, **data):
    data.setdefault("title", "Blue cup")
    data.setdefault("description", "Blue and gold.")
    if "image" not in data:
        data["image"] = factories.image_upload()
    elif data["image"] is None:
        del data["image"]
    return client.post(api(f"contests/{contest.slug}/entries"), data)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny, valid-looking PNG whose header claims `width` x `height` pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + png_chunk(b"IEND", b"")
    )


def noisy_png(size=(128, 128)) -> bytes:
    out = BytesIO()
    Image.frombytes("RGB", size, bytes(range(256)) * (size[0] * size[1] * 3 // 256)).save(
        out, "PNG"
    )
    return out.getvalue()


@pytest.fixture
def contest():
    return factories.make_contest("submissions")


@pytest.fixture
def refused(snapshot_private_files):
    """Asserts that nothing was left behind by a refused submission."""

    def check():
        assert not Entry.objects.exists()
        assert not ModerationItem.objects.exists()
        assert snapshot_private_files() == set()

    return check


class TestAccepted:
    def test_member_submits_and_the_entry_is_pending(
        self, member_client, member, contest, snapshot_private_files
    ):
        response = submit(member_client, contest, title="  Blue cup  ")
        assert response.status_code == 201
        body = response.json()
        assert body["status"] == "pending"
        assert body["title"] == "Blue cup"
        assert body["description"] == "Blue and gold."
        assert body["contest"] == contest.slug
        assert body["author"] == member.username

        entry = Entry.objects.get()
        assert body["id"] == entry.pk
        assert (entry.author, entry.live, entry.moderation_status) == (member, False, "pending")
        item = ModerationItem.objects.get()
        assert (item.object_id, item.status, item.is_edit) == (entry.pk, "pending", False)

        # The original is stored privately, never under the public media root.
        assert snapshot_private_files() == {Path(entry.image.name)}
        assert Path(entry.image.path).is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
        assert not Path(settings.MEDIA_ROOT, entry.image.name).exists()

    def test_submitted_entry_is_not_public_until_approved(self, member_client, contest, client):
        entry_id = submit(member_client, contest).json()["id"]
        assert client.get(api(f"contests/{contest.slug}/entries")).json()["count"] == 0
        assert client.get(api(f"entries/{entry_id}")).status_code == 404
        assert member_client.get(api(f"entries/{entry_id}")).json()["status"] == "pending"

    @pytest.mark.parametrize("fmt", ["JPEG", "WEBP"])
    def test_jpeg_and_webp_are_accepted(self, member_client, contest, fmt):
        name = "design.jpg" if fmt == "JPEG" else "design.webp"
        response = submit(member_client, contest, image=factories.image_upload(name, fmt))
        assert response.status_code == 201
        assert Entry.objects.get().image.name.endswith(".jpg" if fmt == "JPEG" else ".webp")

    def test_description_is_optional(self, member_client, contest):
        response = member_client.post(
            api(f"contests/{contest.slug}/entries"),
            {"title": "Just a title", "image": factories.image_upload()},
        )
        assert response.status_code == 201
        assert response.json()["description"] == ""

    def test_metadata_is_stripped_from_the_stored_file(self, member_client, contest):
        exif = Image.Exif()
        exif[0x010F] = "SecretCam"  # Make
        upload = factories.image_upload("photo.jpg", "JPEG", exif=exif.tobytes())
        assert b"SecretCam" in upload.read()
        upload.seek(0)
        assert submit(member_client, contest, image=upload).status_code == 201
        with Entry.objects.get().image.open("rb") as stored:
            assert b"SecretCam" not in stored.read()


class TestRefusedByWhoOrWhen:
    def test_anonymous_is_401(self, client, contest, refused):
        response = submit(client, contest)
        assert response.status_code == 401
        assert "Sign in" in response.json()["detail"]
        refused()

    def test_unverified_member_is_403(self, unverified_member, contest, refused):
        response = submit(client_for(unverified_member), contest)
        assert response.status_code == 403
        assert response.json()["detail"] == "Verify your email address before taking part."
        refused()

    @pytest.mark.parametrize(
        ("phase", "detail"),
        [
            ("draft", "Submissions for this contest have not opened yet."),
            ("review", "Submissions for this contest are closed."),
            ("voting", "Submissions for this contest are closed."),
            ("judging", "Submissions for this contest are closed."),
        ],
    )
    def test_outside_the_submissions_window_is_409(self, member_client, phase, detail, refused):
        contest = factories.make_contest(phase)
        response = submit(member_client, contest)
        assert response.status_code == 409
        assert response.json() == {"detail": detail}
        refused()

    def test_unknown_or_unpublished_contest_is_404(self, member_client, contest, refused):
        assert submit(member_client, contest, title="x").status_code == 201
        Entry.objects.all().delete()
        ModerationItem.objects.all().delete()
        contest.unpublish()
        assert submit(member_client, contest).status_code == 404
        missing = member_client.post(
            api("contests/nope/entries"), {"title": "x", "image": factories.image_upload()}
        )
        assert missing.status_code == 404
        assert not Entry.objects.exists()


class TestRefusedInput:
    def assert_image_refused(self, response, contains: str):
        assert response.status_code == 400, response.content
        body = response.json()
        assert body["field"] == "image"
        assert contains in body["detail"]

    def test_text_file_renamed_png(self, member_client, contest, refused):
        upload = SimpleUploadedFile("design.png", b"hello, not an image", content_type="image/png")
        self.assert_image_refused(submit(member_client, contest, image=upload), "not an image")
        refused()

    def test_pdf(self, member_client, contest, refused):
        upload = SimpleUploadedFile(
            "design.png",
            b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
            content_type="image/png",
        )
        self.assert_image_refused(submit(member_client, contest, image=upload), "not an image")
        refused()

    def test_truncated_png(self, member_client, contest, refused):
        data = noisy_png()
        upload = SimpleUploadedFile("design.png", data[: len(data) // 2], content_type="image/png")
        self.assert_image_refused(submit(member_client, contest, image=upload), "not an image")
        refused()

    def test_gif_is_not_an_allowed_format(self, member_client, contest, refused):
        out = BytesIO()
        Image.new("RGB", (10, 10)).save(out, "GIF")
        upload = SimpleUploadedFile("design.gif", out.getvalue(), content_type="image/gif")
        self.assert_image_refused(submit(member_client, contest, image=upload), "GIF")
        refused()

    def test_too_large(self, member_client, contest, refused, settings):
        data = noisy_png()
        settings.COCREO_UPLOAD_MAX_BYTES = len(data) - 1
        upload = SimpleUploadedFile("design.png", data, content_type="image/png")
        self.assert_image_refused(submit(member_client, contest, image=upload), "at most")
        refused()

    def test_exactly_the_size_limit_is_accepted(self, member_client, contest, settings):
        data = noisy_png()
        settings.COCREO_UPLOAD_MAX_BYTES = len(data)
        upload = SimpleUploadedFile("design.png", data, content_type="image/png")
        assert submit(member_client, contest, image=upload).status_code == 201

    def test_more_pixels_than_allowed(self, member_client, contest, refused, settings):
        settings.COCREO_UPLOAD_MAX_PIXELS = 1000  # the upload is 64 x 48 = 3072 pixels
        response = submit(member_client, contest, image=factories.image_upload())
        self.assert_image_refused(response, "64×48")
        refused()

    def test_decompression_bomb_header(self, member_client, contest, refused):
        """A few hundred bytes claiming 100000 x 100000 pixels is refused without decoding."""
        upload = SimpleUploadedFile(
            "bomb.png", png_claiming(100_000, 100_000), content_type="image/png"
        )
        assert upload.size < 200
        self.assert_image_refused(submit(member_client, contest, image=upload), "pixels")
        refused()

    def test_bomb_below_pillows_limit_but_above_ours(self, member_client, contest, refused):
        upload = SimpleUploadedFile("bomb.png", png_claiming(8000, 8000), content_type="image/png")
        self.assert_image_refused(submit(member_client, contest, image=upload), "8000×8000")
        refused()

    @pytest.mark.parametrize("title", ["", "   "])
    def test_empty_title(self, member_client, contest, refused, title):
        response = submit(member_client, contest, title=title)
        assert response.status_code == 400
        assert response.json() == {"detail": "Give your entry a title.", "field": "title"}
        refused()

    def test_missing_title_or_image_is_refused(self, member_client, contest, refused):
        no_title = member_client.post(
            api(f"contests/{contest.slug}/entries"), {"image": factories.image_upload()}
        )
        assert no_title.status_code in (400, 422)
        assert "title" in str(no_title.json()["detail"])
        no_image = submit(member_client, contest, image=None)
        assert no_image.status_code in (400, 422)
        assert "image" in str(no_image.json())
        refused()

    def test_too_long_title_removes_the_already_stored_file(self, member_client, contest, refused):
        response = submit(member_client, contest, title="x" * 121)
        assert response.status_code == 400
        body = response.json()
        assert body["field"] == "title"
        assert "120" in body["detail"]
        refused()

    def test_too_long_description(self, member_client, contest, refused):
        response = submit(member_client, contest, description="x" * 5001)
        assert response.status_code == 400
        assert response.json() == {
            "detail": "A description can be at most 5000 characters long.",
            "field": "description",
        }
        refused()

    def test_longest_allowed_title_and_description(self, member_client, contest):
        response = submit(member_client, contest, title="t" * 120, description="d" * 5000)
        assert response.status_code == 201
        entry = Entry.objects.get()
        assert (len(entry.title), len(entry.description)) == (120, 5000)

    def test_failure_while_queueing_leaves_no_row_and_no_file(
        self, member, contest, refused, monkeypatch
    ):
        def broken(*args, **kwargs):
            raise RuntimeError("queue down")

        monkeypatch.setattr("contests.services.submit_for_moderation", broken)
        client = Client(raise_request_exception=False)
        client.force_login(member)
        response = submit(client, contest)
        assert response.status_code == 500
        refused()
