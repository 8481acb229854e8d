"""Comments and profiles pass the same gate as entries."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from community.errors import InvalidInput, NotAllowed
from community.models import Comment, Profile
from community.services import post_comment, update_profile
from moderation import services
from moderation.models import ModerationStatus
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    return factories.make_entry(factories.make_contest("voting"))


def test_comment_waits_for_approval_then_shows_on_the_entry_page(entry, member, moderator):
    client = client_for(member)
    response = client.post(
        reverse("community:post_comment"),
        {
            "target_type": ContentType.objects.get_for_model(entry).pk,
            "target_id": entry.pk,
            "body": "Lovely waves",
        },
        follow=True,
    )
    assert "once a moderator approves it" in response.content.decode()
    comment = Comment.objects.get()
    assert not comment.live
    assert "Lovely waves" not in Client().get(entry.get_absolute_url()).content.decode()
    assert "waiting for a moderator" in client.get(entry.get_absolute_url()).content.decode()
    services.approve(factories.pending_item(comment).pk, moderator=moderator)
    assert "Lovely waves" in Client().get(entry.get_absolute_url()).content.decode()


def test_comment_rules(entry, member, unverified_member):
    with pytest.raises(InvalidInput):
        post_comment(entry, author=member, body="  ")
    with pytest.raises(InvalidInput):
        post_comment(entry, author=member, body="x" * 2001)
    with pytest.raises(NotAllowed):
        post_comment(entry, author=unverified_member, body="Hi")
    pending = factories.make_entry(entry.contest, approved=False)
    with pytest.raises(NotAllowed):
        post_comment(pending, author=member, body="Hi")
    with pytest.raises(NotAllowed):
        post_comment(factories.make_profile(), author=member, body="Not commentable")
    assert not Comment.objects.exists()


def test_comment_queue_item_carries_the_entry_scope(entry, member):
    comment = post_comment(entry, author=member, body="Hi")
    item = factories.pending_item(comment)
    assert (item.brand_id, item.container_id) == (entry.contest.brand_id, entry.contest_id)


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


def test_rejected_profile_is_fixed_and_resubmitted(member, moderator):
    profile = update_profile(member, bio="Buy followers here")
    services.reject(factories.pending_item(profile).pk, moderator=moderator, reason="Spam")
    assert Profile.objects.get().moderation_status == ModerationStatus.REJECTED
    client = client_for(member)
    assert "Spam" in client.get(reverse("community:profile_settings")).content.decode()
    response = client.post(reverse("community:profile_settings"), {"bio": "I draw cups"})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.moderation_status == ModerationStatus.PENDING and profile.bio == "I draw cups"


def test_profile_form_refuses_a_bad_avatar_and_keeps_the_bio(member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(member).post(
        reverse("community:profile_settings"),
        {"bio": "Keep me", "avatar": SimpleUploadedFile("a.png", b"not an image")},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Keep me" in html and "not an image" in html
    assert not Profile.objects.exists()


def test_rejected_comment_is_fixed_and_resubmitted_from_the_entry_page(entry, member, moderator):
    comment = factories.make_comment(entry, author=member, approved=False, body="Rude words")
    services.reject(factories.pending_item(comment).pk, moderator=moderator, reason="Be kind.")
    client = client_for(member)
    html = client.get(entry.get_absolute_url()).content.decode()
    assert "Be kind." in html and "Send it again" in html
    other = client_for(factories.UserFactory())
    url = reverse("community:resubmit_comment", args=[comment.pk])
    assert other.post(url, {"body": "Hijack"}).status_code == 404
    client.post(url, {"body": "Kind words"})
    comment.refresh_from_db()
    assert (comment.body, comment.moderation_status) == ("Kind words", "pending")
    assert factories.pending_item(comment).status == "pending"
    response = client.post(url, {"body": "Again"}, follow=True)
    assert "Only rejected or removed content" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Kind words"
