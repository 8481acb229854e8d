"""Decisions: removal, the log, author notifications, managed reasons, bulk, resubmission."""

import pytest
from django.core import mail
from django.urls import reverse

from community.errors import Conflict, InvalidInput, NotAllowed
from community.models import Notification
from contests.models import Entry
from moderation import services
from moderation.models import (
    LogAction,
    ModerationItem,
    ModerationItemStatus,
    ModerationLogEntry,
    ModerationStatus,
    RejectionReason,
)
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest():
    return factories.make_contest("submissions")


def test_approval_is_logged_and_the_author_told_on_site_and_by_email(
    contest, moderator, django_capture_on_commit_callbacks
):
    entry = factories.make_entry(contest, approved=False)
    item = factories.pending_item(entry)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(item.pk, moderator=moderator)
    log = ModerationLogEntry.objects.get(action=LogAction.APPROVE, item=item)
    assert (log.actor, log.member, log.object_id) == (moderator, entry.author, entry.pk)
    note = Notification.objects.get(recipient=entry.author, kind="moderation.approved")
    assert "approved" in note.text and note.url == entry.get_absolute_url()
    assert [m.to for m in mail.outbox] == [[entry.author.email]]


def test_rejection_with_a_managed_reason_and_free_text(contest, moderator):
    reason = RejectionReason.objects.create(label="Logo", message="Shows a third-party logo.")
    entry = factories.make_entry(contest, approved=False)
    services.reject(
        factories.pending_item(entry).pk,
        moderator=moderator,
        reason="Remove the cup brand.",
        reason_id=reason.pk,
    )
    entry.refresh_from_db()
    expected = "Shows a third-party logo.\nRemove the cup brand."
    assert (entry.moderation_status, entry.moderation_reason) == ("rejected", expected)
    note = Notification.objects.get(recipient=entry.author, kind="moderation.rejected")
    assert expected in note.text
    assert ModerationLogEntry.objects.get(action=LogAction.REJECT).reason == expected


def test_inactive_managed_reason_is_refused(contest, moderator):
    reason = RejectionReason.objects.create(label="Old", message="Old.", active=False)
    entry = factories.make_entry(contest, approved=False)
    with pytest.raises(InvalidInput):
        services.reject(factories.pending_item(entry).pk, moderator=moderator, reason_id=reason.pk)
    assert factories.pending_item(entry).status == ModerationItemStatus.PENDING


def test_moderators_cannot_decide_on_their_own_content(contest, moderator):
    entry = factories.make_entry(contest, author=moderator, approved=False)
    with pytest.raises(NotAllowed):
        services.approve(factories.pending_item(entry).pk, moderator=moderator)
    other = factories.make_entry(contest, author=moderator)
    with pytest.raises(NotAllowed):
        services.remove_content(other, moderator=moderator, reason="x")
    assert not Entry.objects.get(pk=entry.pk).live


def test_removal_unpublishes_logs_and_tells_the_author(contest, moderator):
    entry = factories.make_entry(contest)
    with pytest.raises(InvalidInput):
        services.remove_content(entry, moderator=moderator, reason=" ")
    services.remove_content(entry, moderator=moderator, reason="Copied from a shop.")
    entry.refresh_from_db()
    assert not entry.live and entry.moderation_status == ModerationStatus.REMOVED
    assert not Entry.objects.public().filter(pk=entry.pk).exists()
    assert ModerationLogEntry.objects.filter(action=LogAction.REMOVE, object_id=entry.pk).exists()
    assert "Copied from a shop." in Notification.objects.get(kind="moderation.removed").text
    with pytest.raises(Conflict):
        services.remove_content(entry, moderator=moderator, reason="again")


def test_removal_withdraws_a_pending_edit(contest, moderator):
    entry = factories.make_entry(contest)
    entry.title = "Edited"
    services.submit_for_moderation(entry, user=entry.author)
    services.remove_content(Entry.objects.get(pk=entry.pk), moderator=moderator, reason="No.")
    assert not ModerationItem.objects.for_object(entry).pending().exists()


def test_rejected_content_can_be_fixed_and_resubmitted(contest, moderator, member):
    entry = factories.make_entry(contest, approved=False)
    services.reject(factories.pending_item(entry).pk, moderator=moderator, reason="Too dark.")
    entry.refresh_from_db()
    with pytest.raises(NotAllowed):
        services.resubmit(entry, user=member)
    entry.title = "Brighter"
    entry.save()
    item = services.resubmit(entry, user=entry.author)
    entry.refresh_from_db()
    assert entry.moderation_status == ModerationStatus.PENDING and entry.moderation_reason == ""
    assert item.status == ModerationItemStatus.PENDING and not item.is_edit
    assert ModerationLogEntry.objects.filter(action=LogAction.RESUBMIT).exists()
    with pytest.raises(Conflict):
        services.resubmit(entry, user=entry.author)  # already waiting
    services.approve(item.pk, moderator=moderator)
    assert Entry.objects.public().get(pk=entry.pk).title == "Brighter"


def test_removed_content_can_be_resubmitted_and_approved_again(contest, moderator):
    entry = factories.make_entry(contest)
    services.remove_content(entry, moderator=moderator, reason="Fix the caption.")
    entry.refresh_from_db()
    item = services.resubmit(entry, user=entry.author)
    services.approve(item.pk, moderator=moderator)
    assert Entry.objects.public().filter(pk=entry.pk).exists()


def test_rejected_edit_keeps_the_approved_version_and_says_so(contest, moderator):
    entry = factories.make_entry(contest, title="Original")
    entry.title = "Edited"
    item = services.submit_for_moderation(entry, user=entry.author)
    services.reject(item.pk, moderator=moderator, reason="Keep the old title.")
    assert Entry.objects.public().get(pk=entry.pk).title == "Original"
    note = Notification.objects.get(kind="moderation.edit_rejected")
    assert "Your edit of your entry “Original” was not approved" in note.text
    assert "approved version stays public" in note.next_step


def test_bulk_approve_and_reject(contest, moderator):
    entries = [factories.make_entry(contest, approved=False) for _ in range(4)]
    own = factories.make_entry(contest, author=moderator, approved=False)
    ids = [factories.pending_item(e).pk for e in entries]
    done, refusals = services.bulk_decide(
        [*ids[:2], factories.pending_item(own).pk], moderator=moderator, decision="approve"
    )
    assert done == 2 and len(refusals) == 1 and "own content" in refusals[0]
    with pytest.raises(InvalidInput):
        services.bulk_decide(ids[2:], moderator=moderator, decision="reject")
    done, _ = services.bulk_decide(ids[2:], moderator=moderator, decision="reject", reason="Blurry")
    assert done == 2
    statuses = [Entry.objects.get(pk=e.pk).moderation_status for e in entries]
    assert statuses == ["approved", "approved", "rejected", "rejected"]


def test_bulk_from_the_desk(contest, moderator):
    reason = RejectionReason.objects.create(label="Blur", message="The image is blurry.")
    entries = [factories.make_entry(contest, approved=False) for _ in range(3)]
    ids = [factories.pending_item(e).pk for e in entries]
    client = client_for(moderator)
    response = client.post(
        reverse("moderation:bulk"),
        {"items": ids[:2], "decision": "reject", "reason_id": reason.pk},
        follow=True,
    )
    assert "2 rejected." in response.content.decode()
    assert Entry.objects.get(pk=entries[0].pk).moderation_reason == "The image is blurry."
    response = client.post(
        reverse("moderation:bulk"), {"items": ids[2:], "decision": "reject"}, follow=True
    )
    assert "Give the author a reason" in response.content.decode()
    assert factories.pending_item(entries[2]).status == "pending"


def test_decision_log_is_browsable_by_moderators_only(contest, moderator, member):
    entry = factories.make_entry(contest, approved=False)
    services.reject(factories.pending_item(entry).pk, moderator=moderator, reason="Marker reason")
    response = client_for(moderator).get(reverse("moderation:log") + "?action=reject")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Marker reason" in body and moderator.username in body
    assert client_for(member).get(reverse("moderation:log")).status_code in (302, 403)


def test_remove_from_the_desk(contest, moderator):
    from django.contrib.contenttypes.models import ContentType

    entry = factories.make_entry(contest)
    ct = ContentType.objects.get_for_model(Entry)
    client_for(moderator).post(
        reverse("moderation:remove", args=[ct.pk, entry.pk]), {"reason": "Not yours."}
    )
    assert not Entry.objects.public().filter(pk=entry.pk).exists()
