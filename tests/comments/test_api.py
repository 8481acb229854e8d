"""The comments API: the approved thread (replies nested, paginated), posting, editing within
the window, and role checks."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from comments.models import Comment
from moderation.intake import pause_intake, suspend
from tests import factories
from tests.api.conftest import api, post_json
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def key(entry) -> str:
    return f"entry:{entry.pk}"


def patch_json(client, path: str, data):
    return client.patch(api(path), data, content_type="application/json")


def test_thread_is_approved_only_with_replies_nested(entry):
    top = factories.make_comment(entry, body="Top")
    factories.make_comment(entry, parent=top, body="Reply")
    factories.make_comment(entry, body="Pending", approved=False)
    body = Client().get(api(f"comments?target={key(entry)}")).json()
    assert body["count"] == 1
    [item] = body["items"]
    assert (item["body"], item["target"], item["status"]) == ("Top", key(entry), "approved")
    assert [r["body"] for r in item["replies"]] == ["Reply"]
    assert item["replies"][0]["parent"] == top.pk


def test_thread_is_paginated(entry):
    for i in range(21):
        factories.make_comment(entry, body=f"c{i}")
    first = Client().get(api(f"comments?target={key(entry)}")).json()
    second = Client().get(api(f"comments?target={key(entry)}&page=2")).json()
    assert first["count"] == 21 and len(first["items"]) == 20 and len(second["items"]) == 1


def test_unknown_or_hidden_targets_are_404(entry):
    hidden = factories.make_entry(entry.contest, approved=False)
    for target in (f"entry:{hidden.pk}", "entry:999999", "idea:1", "profile:1", "nonsense"):
        response = Client().get(api(f"comments?target={target}"))
        assert response.status_code == 404, target
        assert "detail" in response.json()


def test_member_posts_a_pending_comment_and_a_reply(entry, member_client, member):
    response = post_json(member_client, "comments", {"target": key(entry), "body": "Hello"})
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["official"]) == ("pending", False)
    top = factories.make_comment(entry)
    response = post_json(
        member_client,
        "comments",
        {"target": key(entry), "body": "Reply", "parent": top.pk, "official": True},
    )
    assert response.status_code == 201
    assert response.json()["parent"] == top.pk and response.json()["official"] is False


def test_brand_staff_answer_officially(entry, staff):
    response = post_json(client_for(staff), "comments", {"target": key(entry), "body": "We do"})
    assert response.status_code == 201
    out = response.json()
    assert (out["status"], out["official"], out["brand"]) == (
        "approved",
        True,
        entry.contest.brand.name,
    )


def test_role_checks(entry, unverified_member):
    data = {"target": key(entry), "body": "Hi"}
    assert post_json(Client(), "comments", data).status_code == 401
    assert post_json(client_for(unverified_member), "comments", data).status_code == 403
    suspended = factories.UserFactory()
    suspend(suspended, moderator=factories.moderator(), reason="Spam")
    assert post_json(client_for(suspended), "comments", data).status_code == 403
    pause_intake(actor=factories.moderator(), scope="site")
    response = post_json(client_for(factories.UserFactory()), "comments", data)
    assert response.status_code == 409 and "paused" in response.json()["detail"]
    assert not Comment.objects.exists()


def test_bad_input_is_400_with_the_field(entry, member_client):
    response = post_json(member_client, "comments", {"target": key(entry), "body": " "})
    assert response.status_code == 400 and response.json()["field"] == "body"
    response = post_json(
        member_client, "comments", {"target": key(entry), "body": "x", "parent": 123456}
    )
    assert response.status_code == 400 and response.json()["field"] == "parent"


def test_author_edits_within_the_window(entry, member, settings):
    settings.COCREO_COMMENT_EDIT_MINUTES = 15
    posted = timezone.now()
    with time_machine.travel(posted, tick=False):
        comment = factories.make_comment(entry, author=member, body="Approved")
    client = client_for(member)
    with time_machine.travel(posted + timedelta(minutes=5), tick=False):
        assert patch_json(Client(), f"comments/{comment.pk}", {"body": "x"}).status_code == 401
        other = client_for(factories.UserFactory())
        assert patch_json(other, f"comments/{comment.pk}", {"body": "x"}).status_code == 403
        response = patch_json(client, f"comments/{comment.pk}", {"body": "Edited"})
        assert response.status_code == 200
        assert (response.json()["body"], response.json()["status"]) == ("Edited", "pending")
        thread = Client().get(api(f"comments?target={key(entry)}")).json()
        assert thread["items"][0]["body"] == "Approved"  # until the edit is approved
    with time_machine.travel(posted + timedelta(minutes=16), tick=False):
        response = patch_json(client, f"comments/{comment.pk}", {"body": "Late"})
        assert response.status_code == 409


def test_pending_comments_of_others_are_404_to_patch(entry, member):
    pending = factories.make_comment(entry, approved=False)
    response = patch_json(client_for(member), f"comments/{pending.pk}", {"body": "x"})
    assert response.status_code == 404
