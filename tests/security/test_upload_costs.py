"""What one member can make the server do: an upload's pixels are bounded (24 megapixels by
default) and an entry can be edited a limited number of times a day."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from community.errors import Conflict
from community.images import clean_uploaded_image
from contests import services
from tests import factories
from tests.api.conftest import api
from tests.api.test_submit import png_claiming
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_default_pixel_limit_is_24_megapixels():
    from config.settings import base

    assert base.COCREO_UPLOAD_MAX_PIXELS == 24_000_000


def test_an_image_over_the_pixel_limit_is_refused_before_decoding():
    upload = SimpleUploadedFile("big.png", png_claiming(6001, 4000), content_type="image/png")
    with pytest.raises(ValidationError) as refused:
        clean_uploaded_image(upload)
    assert refused.value.code == "too_many_pixels"


def test_png_is_re_encoded_without_the_costly_optimize_pass(monkeypatch):
    calls = []
    original = Image.Image.save

    def spy(self, fp, format=None, **params):  # noqa: A002
        calls.append(params)
        return original(self, fp, format, **params)

    monkeypatch.setattr(Image.Image, "save", spy)
    clean_uploaded_image(factories.image_upload())
    assert calls and not calls[-1].get("optimize")


@pytest.fixture
def contest():
    return factories.make_contest("submissions")


def test_edits_per_entry_per_day_are_capped(contest, member, settings):
    settings.COCREO_ENTRY_EDITS_PER_DAY = 3
    entry = factories.make_entry(contest, author=member)
    client = client_for(member)
    for n in range(3):
        response = client.post(api(f"entries/{entry.pk}/edit"), {"title": f"Version {n}"})
        assert response.status_code == 200, response.content
    refused = client.post(api(f"entries/{entry.pk}/edit"), {"title": "One too many"})
    assert refused.status_code == 409
    assert "24 hours" in refused.json()["detail"]
    # The next day the member can edit again.
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        entry.refresh_from_db()
        services.edit_entry(entry, author=member, title="Tomorrow", description="")


def test_edit_cap_on_the_site_is_a_clear_message(contest, member, settings):
    settings.COCREO_ENTRY_EDITS_PER_DAY = 1
    entry = factories.make_entry(contest, author=member)
    services.edit_entry(entry, author=member, title="First edit", description="")
    with pytest.raises(Conflict):
        services.edit_entry(entry, author=member, title="Second edit", description="")
    url = contest.url + contest.reverse_subpage("edit_entry", args=[entry.pk])
    response = client_for(member).post(url, {"title": "Second edit", "description": ""})
    assert response.status_code == 409
    assert "the most allowed" in response.content.decode()
