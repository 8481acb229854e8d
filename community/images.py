"""Member image uploads: verified by decoding, cleaned of metadata, resized once.

Originals and renditions of member images live in the private storage (local files outside
MEDIA_ROOT, or a private bucket) and are read only by the permission-checked views, so removing
content takes its images off the site at once.
"""

import logging
import os
import tempfile
import warnings
from io import BytesIO
from pathlib import Path
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaultfilters import filesizeformat
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

# Pillow format name -> file extension, for the formats members may upload.
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
RENDITION_WIDTHS = (400, 800, 1600)


class _PrivateStorage(LazyObject):
    """STORAGES["private"], looked up when first used (like Django's default_storage), so model
    fields follow the configured backend instead of the one present when models were imported."""

    def _setup(self):
        self._wrapped = storages["private"]


_private = _PrivateStorage()


@receiver(setting_changed)
def _storages_changed(*, setting: str, **kwargs) -> None:
    if setting == "STORAGES":
        _private._wrapped = empty


def private_storage() -> Storage:
    """Where member uploads live: never under a publicly served path."""
    return _private


def clean_uploaded_image(upload) -> ContentFile:
    """Return a re-encoded copy of an uploaded image, or raise ValidationError saying why not.

    The file is decoded in full (so a renamed PDF or a truncated file is refused), its pixel
    count is bounded before decoding (decompression bombs), orientation is applied and all
    metadata (EXIF, GPS, comments) is dropped by re-encoding.
    """
    max_bytes = settings.COCREO_UPLOAD_MAX_BYTES
    max_pixels = settings.COCREO_UPLOAD_MAX_PIXELS
    if upload is None:
        raise ValidationError(_("Choose an image to upload."), code="required")
    if upload.size > max_bytes:
        raise ValidationError(
            _("This file is %(size)s; images may be at most %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="too_big",
        )
    not_an_image = ValidationError(
        _("This file is not an image we can read. Upload a JPEG, PNG or WebP image."),
        code="not_an_image",
    )
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            image_format = image.format
            if image_format not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("Upload a JPEG, PNG or WebP image (this one is %(format)s).")
                    % {"format": image_format or _("unknown")},
                    code="format",
                )
            if image.width * image.height > max_pixels:
                raise _too_many_pixels(image.width, image.height, max_pixels)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("This image has too many pixels; the limit is %(limit)s megapixels.")
            % {"limit": round(max_pixels / 1_000_000)},
            code="too_many_pixels",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise not_an_image from None

    image = ImageOps.exif_transpose(image)
    out = BytesIO()
    if image_format == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=92, optimize=True)
    elif image_format == "PNG":
        # Not `optimize=True`: its extra compression passes cost 2–8× the CPU of the default
        # level for a few percent of bytes (a 40-megapixel PNG: 1.5 s instead of 0.6 s).
        image.save(out, "PNG")
    else:
        image.save(out, "WEBP", quality=90)
    return ContentFile(out.getvalue(), name=f"{uuid4().hex}.{ALLOWED_FORMATS[image_format]}")


def _too_many_pixels(width: int, height: int, limit: int) -> ValidationError:
    return ValidationError(
        _("This image is %(width)s×%(height)s pixels; the limit is %(limit)s megapixels.")
        % {"width": width, "height": height, "limit": round(limit / 1_000_000)},
        code="too_many_pixels",
    )


def private_image_response(name: str | None, size: str, *, public: bool):
    """The response for a member image already judged visible to this request: the original
    (`size` "original") or a WebP rendition of an allowed width. Only public (approved) images
    may be kept by browsers and proxies."""
    from django.http import FileResponse, Http404

    if not name:
        raise Http404
    if size != "original" and size not in {str(width) for width in RENDITION_WIDTHS}:
        raise Http404
    try:  # an original missing from storage is a missing image, not a server error
        path = name if size == "original" else get_rendition(name, int(size))
        handle = private_storage().open(path, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle)
    response["Cache-Control"] = "public, max-age=600" if public else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def rendition_name(name: str, width: int) -> str:
    return f"renditions/{name.rsplit('.', 1)[0]}-w{width}.webp"


def get_rendition(name: str, width: int) -> str:
    """Return the storage name of a WebP copy of `name` at most `width` pixels wide, making it
    if it does not exist yet. Idempotent and safe to call concurrently: the name depends only
    on the original and the width, and the file appears whole or not at all."""
    storage = private_storage()
    target = rendition_name(name, width)
    if storage.exists(target):
        return target
    with storage.open(name, "rb") as source:
        image = Image.open(source)
        # JPEG decodes at 1/2, 1/4 or 1/8 scale when that is still wide enough: cheaper.
        image.draft(None, (width, 1))
        image.load()
    image.thumbnail((width, width * 4))
    if image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    out = BytesIO()
    image.save(out, "WEBP", quality=82)
    _store_whole(storage, target, out.getvalue())
    return target


def _store_whole(storage: Storage, name: str, data: bytes) -> None:
    """Write `data` under exactly `name`; a concurrent writer of the same bytes is harmless."""
    if isinstance(storage, FileSystemStorage):
        # Write a temporary file beside the target, then rename it over the target: readers
        # never see a partial file and two writers never produce two copies.
        path = Path(storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(temporary, storage.file_permissions_mode or 0o644)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return
    # An object store writes an object in one request. With file_overwrite off, a writer that
    # lost the race gets another name: drop that copy.
    saved = storage.save(name, ContentFile(data))
    if saved != name:
        storage.delete(saved)


def make_renditions(names: list[str], widths: tuple[int, ...] = RENDITION_WIDTHS) -> int:
    """Make every rendition of these images (background work at approval time). Returns how
    many images were handled; a missing original is logged and skipped."""
    done = 0
    for name in names:
        try:
            for width in widths:
                get_rendition(name, width)
        except FileNotFoundError:
            logger.warning("No original %s: renditions not made", name)
            continue
        done += 1
    return done


def storage_status() -> dict[str, str]:
    """Whether each media storage answers ("ok" or "error: ..."), for a readiness check."""
    status = {}
    for alias in ("default", "private"):
        try:
            storages[alias].exists("readiness-probe")
        except Exception as error:  # reported, not raised: this is a health check
            status[alias] = f"error: {type(error).__name__}"
        else:
            status[alias] = "ok"
    return status
