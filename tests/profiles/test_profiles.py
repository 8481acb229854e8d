"""Member profiles pass the same gate as entries (moved from tests/community)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from moderation import services
from moderation.models import ModerationStatus
from profiles.models import Profile
from profiles.services import update_profile
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_profile_public_only_when_approved_and_edits_are_moderated(member, moderator):
    profile = update_profile(member, bio="First bio", avatar=factories.image_upload())
    page = reverse("community:member", args=[member.username])
    assert "First bio" not in Client().get(page).content.decode()
    assert Client().get(profile.avatar_url()).status_code == 404
    services.approve(factories.pending_item(profile).pk, moderator=moderator)
    assert "First bio" in Client().get(page).content.decode()
    assert Client().get(profile.avatar_url()).status_code == 200

    update_profile(member, bio="Edited bio")
    assert "First bio" in Client().get(page).content.decode()
    assert "Edited bio" not in Client().get(page).content.decode()
    item = factories.pending_item(profile)
    assert item.is_edit
    services.approve(item.pk, moderator=moderator)
    assert "Edited bio" in Client().get(page).content.decode()


def test_pending_avatar_is_served_to_its_author_and_moderators_only(member, moderator):
    profile = update_profile(member, bio="Bio", avatar=factories.image_upload())
    url = profile.avatar_url()
    assert url.startswith(f"/members/{member.username}/avatar/")
    assert Client().get(url).status_code == 404
    assert client_for(factories.UserFactory()).get(url).status_code == 404
    assert client_for(member).get(url).status_code == 200
    assert client_for(moderator).get(url).status_code == 200


def test_rejected_profile_is_fixed_and_resubmitted(member, moderator):
    profile = update_profile(member, bio="Buy followers here")
    services.reject(factories.pending_item(profile).pk, moderator=moderator, reason="Spam")
    assert Profile.objects.get().moderation_status == ModerationStatus.REJECTED
    client = client_for(member)
    assert reverse("profiles:settings") == "/profile/"
    assert "Spam" in client.get(reverse("profiles:settings")).content.decode()
    response = client.post(reverse("profiles:settings"), {"bio": "I draw cups"})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.moderation_status == ModerationStatus.PENDING and profile.bio == "I draw cups"


def test_profile_form_refuses_a_bad_avatar_and_keeps_the_bio(member):
    response = client_for(member).post(
        reverse("profiles:settings"),
        {"bio": "Keep me", "avatar": SimpleUploadedFile("a.png", b"not an image")},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Keep me" in html and "not an image" in html
    assert not Profile.objects.exists()
