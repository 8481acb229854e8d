"""The moderation API: the queue (moderators only) and approve / reject decisions."""

import pytest

from contests.models import Entry
from moderation.models import ModerationItem
from tests import factories
from tests.api.conftest import api, csrf_client, post_json
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest():
    return factories.make_contest("submissions")


@pytest.fixture
def pending(contest):
    return factories.make_entry(contest, approved=False, title="Pending cup")


def item_of(entry) -> ModerationItem:
    return ModerationItem.objects.for_object(entry).latest("pk")


def public_ids(client, contest) -> list[int]:
    return [e["id"] for e in client.get(api(f"contests/{contest.slug}/entries")).json()["items"]]


class TestQueue:
    def test_moderator_sees_pending_items_oldest_first(self, moderator_client, contest):
        first = factories.make_entry(contest, approved=False, title="First")
        factories.make_entry(contest, approved=True, title="Already approved")
        second = factories.make_entry(contest, approved=False, title="Second")

        response = moderator_client.get(api("moderation/queue"))
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 2
        assert [(i["id"], i["object_id"], i["title"]) for i in body["items"]] == [
            (item_of(first).pk, first.pk, "First"),
            (item_of(second).pk, second.pk, "Second"),
        ]
        row = body["items"][0]
        assert row["kind"] == "entry"
        assert row["is_edit"] is False
        assert row["text"] == "A design."
        assert row["context"] == contest.title
        assert row["author"] == first.author.username
        assert row["image_url"] == first.image_url(800)
        assert row["submitted_at"]

    def test_moderator_can_open_the_pending_image_from_the_queue(self, moderator_client, pending):
        image_url = moderator_client.get(api("moderation/queue")).json()["items"][0]["image_url"]
        assert moderator_client.get(image_url).status_code == 200

    def test_queue_is_paginated(self, moderator_client, contest):
        entries = [factories.make_entry(contest, approved=False) for _ in range(3)]
        body = moderator_client.get(api("moderation/queue"), {"limit": 2, "offset": 1}).json()
        assert body["count"] == 3
        assert [i["object_id"] for i in body["items"]] == [entries[1].pk, entries[2].pk]

    def test_empty_queue(self, moderator_client):
        assert moderator_client.get(api("moderation/queue")).json() == {"items": [], "count": 0}

    def test_anonymous_is_401(self, client, pending):
        response = client.get(api("moderation/queue"))
        assert response.status_code == 401
        assert "Pending cup" not in response.content.decode()

    @pytest.mark.parametrize("role", ["member", "staff", "unverified_member"])
    def test_members_and_brand_staff_are_403(self, request, role, pending):
        user = request.getfixturevalue(role)
        response = client_for(user).get(api("moderation/queue"))
        assert response.status_code == 403
        assert response.json()["detail"] == "Only moderators can see the moderation queue."
        assert "Pending cup" not in response.content.decode()


class TestApprove:
    def test_approve_publishes_the_entry(
        self, moderator_client, moderator, client, contest, pending
    ):
        item = item_of(pending)
        assert public_ids(client, contest) == []

        response = post_json(moderator_client, f"moderation/items/{item.pk}/approve")
        assert response.status_code == 200
        body = response.json()
        assert (body["id"], body["status"], body["reason"]) == (item.pk, "approved", "")
        assert body["decided_at"]

        item.refresh_from_db()
        assert (item.status, item.decided_by) == ("approved", moderator)
        entry = Entry.objects.get(pk=pending.pk)
        assert (entry.live, entry.moderation_status) == (True, "approved")
        assert public_ids(client, contest) == [pending.pk]
        detail = client.get(api(f"entries/{pending.pk}"))
        assert detail.status_code == 200
        assert detail.json()["status"] == "approved"
        assert moderator_client.get(api("moderation/queue")).json()["count"] == 0

    def test_approve_with_a_note(self, moderator_client, pending):
        item = item_of(pending)
        response = post_json(
            moderator_client, f"moderation/items/{item.pk}/approve", {"reason": "Lovely"}
        )
        assert response.status_code == 200
        assert response.json()["reason"] == "Lovely"

    def test_approving_twice_is_409(self, moderator_client, pending):
        item = item_of(pending)
        assert post_json(moderator_client, f"moderation/items/{item.pk}/approve").status_code == 200
        again = post_json(moderator_client, f"moderation/items/{item.pk}/approve")
        assert again.status_code == 409
        assert again.json()["detail"] == "This submission has already been decided."
        rejected_after = post_json(
            moderator_client, f"moderation/items/{item.pk}/reject", {"reason": "Changed my mind"}
        )
        assert rejected_after.status_code == 409
        item.refresh_from_db()
        assert (item.status, item.reason) == ("approved", "")
        assert Entry.objects.get(pk=pending.pk).live is True

    def test_unknown_item_is_404(self, moderator_client):
        response = post_json(moderator_client, "moderation/items/31337/approve")
        assert response.status_code == 404
        assert response.json()["detail"] == "There is no such submission."

    def test_moderator_cannot_approve_their_own_entry(self, moderator, moderator_client, contest):
        submitted = moderator_client.post(
            api(f"contests/{contest.slug}/entries"),
            {"title": "Mine", "image": factories.image_upload()},
        )
        assert submitted.status_code == 201
        entry = Entry.objects.get(pk=submitted.json()["id"])
        response = post_json(moderator_client, f"moderation/items/{item_of(entry).pk}/approve")
        assert response.status_code == 403
        assert response.json()["detail"] == "Moderators cannot decide on their own content."
        reject = post_json(
            moderator_client, f"moderation/items/{item_of(entry).pk}/reject", {"reason": "meh"}
        )
        assert reject.status_code == 403
        assert item_of(entry).status == "pending"
        assert Entry.objects.get(pk=entry.pk).live is False
        # Another moderator can decide it.
        other = client_for(factories.moderator())
        assert post_json(other, f"moderation/items/{item_of(entry).pk}/approve").status_code == 200

    @pytest.mark.parametrize("role", ["member", "staff"])
    def test_non_moderators_are_403(self, request, role, pending):
        client = client_for(request.getfixturevalue(role))
        item = item_of(pending)
        assert post_json(client, f"moderation/items/{item.pk}/approve").status_code == 403
        assert (
            post_json(client, f"moderation/items/{item.pk}/reject", {"reason": "x"}).status_code
            == 403
        )
        assert item_of(pending).status == "pending"
        assert Entry.objects.get(pk=pending.pk).live is False

    def test_the_author_cannot_approve_their_own_entry(self, pending):
        client = client_for(pending.author)
        response = post_json(client, f"moderation/items/{item_of(pending).pk}/approve")
        assert response.status_code == 403
        assert Entry.objects.get(pk=pending.pk).live is False

    def test_anonymous_is_401(self, client, pending):
        response = post_json(client, f"moderation/items/{item_of(pending).pk}/approve")
        assert response.status_code == 401
        assert Entry.objects.get(pk=pending.pk).live is False

    def test_too_long_note_rolls_the_approval_back(
        self, moderator_client, client, contest, pending
    ):
        item = item_of(pending)
        response = post_json(
            moderator_client, f"moderation/items/{item.pk}/approve", {"reason": "x" * 2001}
        )
        assert response.status_code == 400
        assert response.json()["field"] == "reason"
        assert item_of(pending).status == "pending"
        assert Entry.objects.get(pk=pending.pk).live is False
        assert public_ids(client, contest) == []

    def test_approve_needs_csrf(self, moderator, contest, pending):
        client, token = csrf_client(moderator, contest)
        url = api(f"moderation/items/{item_of(pending).pk}/approve")
        refused = client.post(url, "", content_type="application/json")
        assert refused.status_code == 403
        assert item_of(pending).status == "pending"
        accepted = client.post(url, "", content_type="application/json", HTTP_X_CSRFTOKEN=token)
        assert accepted.status_code == 200
        assert item_of(pending).status == "approved"


class TestReject:
    def test_reject_keeps_the_entry_out_of_public_view(
        self, moderator_client, moderator, client, contest, pending
    ):
        item = item_of(pending)
        response = post_json(
            moderator_client, f"moderation/items/{item.pk}/reject", {"reason": "Uses a logo"}
        )
        assert response.status_code == 200
        body = response.json()
        assert (body["id"], body["status"], body["reason"]) == (item.pk, "rejected", "Uses a logo")

        item.refresh_from_db()
        assert (item.status, item.decided_by, item.reason) == ("rejected", moderator, "Uses a logo")
        entry = Entry.objects.get(pk=pending.pk)
        assert (entry.live, entry.moderation_status, entry.moderation_reason) == (
            False,
            "rejected",
            "Uses a logo",
        )
        assert public_ids(client, contest) == []
        assert client.get(api(f"entries/{pending.pk}")).status_code == 404
        author_view = client_for(pending.author).get(api(f"entries/{pending.pk}"))
        assert author_view.json()["status"] == "rejected"
        assert moderator_client.get(api("moderation/queue")).json()["count"] == 0

    @pytest.mark.parametrize("payload", [{"reason": ""}, {"reason": "   "}, {}])
    def test_reason_is_required(self, moderator_client, pending, payload):
        item = item_of(pending)
        response = post_json(moderator_client, f"moderation/items/{item.pk}/reject", payload)
        assert response.status_code == 400
        assert response.json() == {
            "detail": "Give the author a reason for the rejection.",
            "field": "reason",
        }
        assert item_of(pending).status == "pending"
        assert Entry.objects.get(pk=pending.pk).moderation_status == "pending"

    def test_too_long_reason_changes_nothing(self, moderator_client, pending):
        item = item_of(pending)
        response = post_json(
            moderator_client, f"moderation/items/{item.pk}/reject", {"reason": "x" * 2001}
        )
        assert response.status_code == 400
        assert response.json()["field"] == "reason"
        assert item_of(pending).status == "pending"
        assert Entry.objects.get(pk=pending.pk).moderation_status == "pending"

    def test_rejecting_twice_is_409(self, moderator_client, pending):
        url = f"moderation/items/{item_of(pending).pk}/reject"
        assert post_json(moderator_client, url, {"reason": "No"}).status_code == 200
        again = post_json(moderator_client, url, {"reason": "Still no"})
        assert again.status_code == 409
        approve_after = post_json(
            moderator_client, f"moderation/items/{item_of(pending).pk}/approve"
        )
        assert approve_after.status_code == 409
        assert item_of(pending).reason == "No"
        assert Entry.objects.get(pk=pending.pk).live is False

    def test_unknown_item_is_404(self, moderator_client):
        response = post_json(moderator_client, "moderation/items/31337/reject", {"reason": "x"})
        assert response.status_code == 404


def test_queue_lists_images_and_reject_takes_a_managed_reason(moderator_client, pending):
    from moderation.models import RejectionReason

    reason = RejectionReason.objects.create(label="Blur", message="The image is blurry.")
    [row] = moderator_client.get(api("moderation/queue")).json()["items"]
    assert row["images"] == [pending.image_url(800)] and row["image_url"] == row["images"][0]
    response = post_json(
        moderator_client, f"moderation/items/{row['id']}/reject", {"reason_id": reason.pk}
    )
    assert response.status_code == 200 and response.json()["reason"] == "The image is blurry."
