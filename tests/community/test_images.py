from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from community.images import clean_uploaded_image, get_rendition, private_storage
from tests.factories import image_bytes


def upload(data: bytes, name="x.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize(("fmt", "ext"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_accepted_formats_are_reencoded(fmt, ext):
    cleaned = clean_uploaded_image(upload(image_bytes(fmt)))
    assert cleaned.name.endswith(f".{ext}")
    assert Image.open(BytesIO(cleaned.read())).format == fmt


def test_exif_and_gps_are_stripped_and_orientation_applied():
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif.get_ifd(ExifTags.IFD.GPSInfo).update({1: "N", 2: (45.0, 30.0, 0.0)})
    raw = image_bytes("JPEG", size=(80, 40), exif=exif.tobytes())
    assert b"SpyCam" in raw
    assert Image.open(BytesIO(raw)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    cleaned = clean_uploaded_image(upload(raw)).read()
    assert b"SpyCam" not in cleaned
    image = Image.open(BytesIO(cleaned))
    assert not image.getexif()
    assert image.size == (40, 80)


@pytest.mark.parametrize(
    "data",
    [b"", b"GIF89a", b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"\x89PNG\r\n\x1a\n garbage"],
)
def test_not_images_are_refused(data):
    with pytest.raises(ValidationError) as error:
        clean_uploaded_image(upload(data))
    assert error.value.code in ("not_an_image", "format")


def test_pixel_limit(settings):
    settings.COCREO_UPLOAD_MAX_PIXELS = 100
    with pytest.raises(ValidationError) as error:
        clean_uploaded_image(upload(image_bytes("PNG", size=(20, 20))))
    assert error.value.code == "too_many_pixels"
    assert "20×20" in error.value.messages[0]


def test_renditions_are_webp_and_cached():
    storage = private_storage()
    name = storage.save("entries/test/r.png", upload(image_bytes("PNG", size=(1000, 500))))
    rendition = get_rendition(name, 400)
    with storage.open(rendition) as handle:
        image = Image.open(handle)
        assert (image.format, image.size) == ("WEBP", (400, 200))
    assert get_rendition(name, 400) == rendition


@pytest.mark.django_db
@pytest.mark.parametrize("width", [None, 400, 800])
def test_an_entry_image_missing_from_storage_answers_404(client, width):
    """An approved entry whose file is gone (a storage restored from an older backup, a file
    removed by hand) answers 404 at every size, not a server error."""
    from tests import factories

    entry = factories.make_entry(factories.make_contest("voting"))
    url = entry.image_url(width)
    assert client.get(url).status_code == 200
    private_storage().delete(entry.image.name)
    private_storage().delete(f"renditions/{entry.image.name.rsplit('.', 1)[0]}-w{width}.webp")
    assert client.get(url).status_code == 404
