import pytest
from django.urls import reverse

from contests.models import Entry
from moderation.models import ModerationItem, ModerationItemStatus
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending_entry():
    contest = factories.make_contest("submissions")
    return factories.make_entry(contest, approved=False, title="Pending cup")


def test_queue_lists_pending_items_oldest_first_with_their_image(moderator):
    contest = factories.make_contest("submissions")
    first = factories.make_entry(contest, approved=False, title="First in")
    second = factories.make_entry(contest, approved=False, title="Second in")
    factories.make_entry(contest, approved=True, title="Already public")
    response = client_for(moderator).get(reverse("moderation:queue"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("First in") < html.index("Second in")
    assert "Already public" not in html
    assert first.image_url(800) in html and second.image_url(800) in html


def test_moderator_approves_from_the_desk(moderator, pending_entry):
    item = ModerationItem.objects.get(object_id=pending_entry.pk)
    response = client_for(moderator).post(
        reverse("moderation:decide", args=[item.pk]), {"decision": "approve", "reason": ""}
    )
    assert response.status_code == 302
    assert Entry.objects.public().filter(pk=pending_entry.pk).exists()
    item.refresh_from_db()
    assert (item.status, item.decided_by) == (ModerationItemStatus.APPROVED, moderator)


def test_rejection_needs_a_reason_and_keeps_the_item_pending(moderator, pending_entry):
    item = ModerationItem.objects.get(object_id=pending_entry.pk)
    client = client_for(moderator)
    response = client.post(
        reverse("moderation:decide", args=[item.pk]),
        {"decision": "reject", "reason": "  "},
        follow=True,
    )
    assert "Give the author a reason" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ModerationItemStatus.PENDING

    client.post(
        reverse("moderation:decide", args=[item.pk]),
        {"decision": "reject", "reason": "Shows a third-party logo."},
    )
    item.refresh_from_db()
    pending_entry.refresh_from_db()
    assert item.status == ModerationItemStatus.REJECTED
    assert pending_entry.moderation_reason == "Shows a third-party logo."
    assert not Entry.objects.public().exists()


@pytest.mark.parametrize("role", ["member", "staff"])
def test_only_moderators_reach_the_desk(role, pending_entry, request):
    user = request.getfixturevalue(role)
    client = client_for(user)
    item = ModerationItem.objects.get(object_id=pending_entry.pk)
    assert client.get(reverse("moderation:queue")).status_code in (302, 403)
    response = client.post(reverse("moderation:decide", args=[item.pk]), {"decision": "approve"})
    assert response.status_code in (302, 403)
    assert not Entry.objects.public().exists()


def test_moderation_menu_item_is_shown_to_moderators_only(moderator, staff):
    assert "Moderation" in client_for(moderator).get("/admin/").content.decode()
    staff_admin = client_for(staff).get("/admin/").content.decode()
    assert f'"{reverse("moderation:queue")}"' not in staff_admin
    # Brand staff may pause intake in a crisis, so they see that item only.
    assert f'"{reverse("moderation:pauses")}"' in staff_admin
