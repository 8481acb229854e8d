"""Comments on contest entries: the gate, threads one level deep, the author's edit window,
moderated edits, resubmitting, and the HTML thread."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from comments.services import edit_comment, post_comment
from community.errors import Conflict, InvalidInput, NotAllowed
from moderation import services
from moderation.reports import report
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def form_data(target, body: str, **extra) -> dict:
    return {
        "target_type": ContentType.objects.get_for_model(target).pk,
        "target_id": target.pk,
        "body": body,
        **extra,
    }


def test_comment_waits_for_approval_then_shows_on_the_entry_page(entry, member, moderator):
    client = client_for(member)
    response = client.post(reverse("comments:post"), form_data(entry, "Lovely waves"), follow=True)
    assert "once a moderator approves it" in response.content.decode()
    comment = Comment.objects.get()
    assert not comment.live and not comment.official
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


def test_a_failed_form_keeps_what_was_typed(entry, member):
    response = client_for(member).post(
        reverse("comments:post"), form_data(entry, "Typed with care " + "x" * 2000)
    )
    assert response.status_code == 400
    assert "Typed with care" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_refused_form_keeps_what_was_typed(entry, member):
    """A refusal by the service (here: replying to a comment that is not public) also
    comes back with the text."""
    hidden = factories.make_comment(entry, approved=False)
    response = client_for(member).post(
        reverse("comments:post"), form_data(entry, "My careful reply", parent=hidden.pk)
    )
    assert response.status_code == 400
    assert "My careful reply" in response.content.decode()


# Threads -------------------------------------------------------------------------------------
def test_replies_are_one_level_deep(entry, member):
    top = factories.make_comment(entry, body="Top")
    reply = factories.make_comment(entry, parent=top, body="Reply")
    deeper = factories.make_comment(entry, parent=reply, body="Reply to the reply")
    assert reply.parent_id == top.pk
    assert deeper.parent_id == top.pk  # attached to the top-level comment


def test_a_reply_needs_a_public_comment_on_the_same_target(entry, member):
    pending = factories.make_comment(entry, approved=False)
    other_entry = factories.make_entry(entry.contest)
    elsewhere = factories.make_comment(other_entry)
    for parent in (pending, elsewhere, 999_999):
        with pytest.raises(InvalidInput) as refused:
            post_comment(entry, author=member, body="Hi", parent=parent)
        assert refused.value.field == "parent"


def test_thread_shows_replies_under_their_comment_with_reply_forms(entry, member):
    top = factories.make_comment(entry, body="First thought")
    factories.make_comment(entry, parent=top, body="An answer")
    factories.make_comment(entry, parent=top, body="Waiting answer", approved=False)
    html = client_for(member).get(entry.get_absolute_url()).content.decode()
    assert html.index("First thought") < html.index("An answer")
    assert "Waiting answer" not in Client().get(entry.get_absolute_url()).content.decode()
    assert f'name="parent" value="{top.pk}"' in html
    response = client_for(member).post(
        reverse("comments:post"), form_data(entry, "Me too", parent=top.pk)
    )
    assert response.status_code == 302
    assert Comment.objects.get(body="Me too").parent_id == top.pk


# Edit window and moderated edits --------------------------------------------------------------
def test_the_author_edits_within_the_window_only(entry, member, settings):
    settings.COCREO_COMMENT_EDIT_MINUTES = 15
    posted = timezone.now()
    with time_machine.travel(posted, tick=False):
        comment = factories.make_comment(entry, author=member, body="Firts")
    with time_machine.travel(posted + timedelta(minutes=14), tick=False):
        edit_comment(comment, author=member, body="First")
        page = client_for(member).get(entry.get_absolute_url()).content.decode()
        assert reverse("comments:edit", args=[comment.pk]) in page
        with pytest.raises(NotAllowed):
            edit_comment(comment, author=factories.UserFactory(), body="Hijack")
    with time_machine.travel(posted + timedelta(minutes=16), tick=False):
        with pytest.raises(Conflict):
            edit_comment(comment, author=member, body="Too late")
        page = client_for(member).get(entry.get_absolute_url()).content.decode()
        assert reverse("comments:edit", args=[comment.pk]) not in page


def test_an_edit_of_an_approved_comment_is_moderated_again(entry, member, moderator):
    comment = factories.make_comment(entry, author=member, body="Approved words")
    edit_comment(comment, author=member, body="Edited words")
    public = Client().get(entry.get_absolute_url()).content.decode()
    assert "Approved words" in public and "Edited words" not in public
    own = client_for(member).get(entry.get_absolute_url()).content.decode()
    assert "Your edit is waiting for a moderator" in own
    item = factories.pending_item(comment)
    assert item.is_edit
    services.approve(item.pk, moderator=moderator)
    public = Client().get(entry.get_absolute_url()).content.decode()
    assert "Edited words" in public and "Approved words" not in public


def test_a_rejected_edit_leaves_the_approved_version(entry, member, moderator):
    comment = factories.make_comment(entry, author=member, body="Kind words")
    edit_comment(comment, author=member, body="Rude words")
    services.reject(factories.pending_item(comment).pk, moderator=moderator, reason="No.")
    comment.refresh_from_db()
    assert (comment.live, comment.body) == (True, "Kind words")


def test_editing_a_pending_comment_replaces_the_queued_version(entry, member):
    comment = factories.make_comment(entry, author=member, body="Draft", approved=False)
    edit_comment(comment, author=member, body="Better draft")
    comment.refresh_from_db()
    assert comment.body == "Better draft" and not comment.live
    assert factories.pending_item(comment).revision.content["body"] == "Better draft"


def test_edit_page_prefills_the_latest_version_and_keeps_a_failed_edit(entry, member):
    comment = factories.make_comment(entry, author=member, body="Approved words")
    edit_comment(comment, author=member, body="Pending words")
    client = client_for(member)
    url = reverse("comments:edit", args=[comment.pk])
    assert "Pending words" in client.get(url).content.decode()
    assert client_for(factories.UserFactory()).get(url).status_code == 404
    response = client.post(url, {"body": "Kept text " + "x" * 2001})
    assert response.status_code == 400 and "Kept text" in response.content.decode()
    assert client.post(url, {"body": "Final words"}).status_code == 302
    assert factories.pending_item(comment).revision.content["body"] == "Final words"


def test_official_flag_cannot_be_set_from_a_form(entry, member):
    client_for(member).post(
        reverse("comments:post"), form_data(entry, "I am the brand", official="on")
    )
    assert not Comment.objects.get().official


# Resubmit and reports ------------------------------------------------------------------------
def test_rejected_comment_is_fixed_and_resubmitted_from_the_entry_page(entry, member, moderator):
    comment = factories.make_comment(entry, author=member, approved=False, body="Rude words")
    services.reject(factories.pending_item(comment).pk, moderator=moderator, reason="Be kind.")
    client = client_for(member)
    html = client.get(entry.get_absolute_url()).content.decode()
    assert "Be kind." in html and "Send it again" in html
    other = client_for(factories.UserFactory())
    url = reverse("comments:resubmit", args=[comment.pk])
    assert other.post(url, {"body": "Hijack"}).status_code == 404
    client.post(url, {"body": "Kind words"})
    comment.refresh_from_db()
    assert (comment.body, comment.moderation_status) == ("Kind words", "pending")
    assert factories.pending_item(comment).status == "pending"
    response = client.post(url, {"body": "Again"})
    assert response.status_code == 409
    assert "Only rejected or removed content" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Kind words"


def test_comments_and_replies_are_reportable(entry, member, moderator):
    top = factories.make_comment(entry, body="Spam spam")
    reply = factories.make_comment(entry, parent=top, body="More spam")
    html = client_for(member).get(entry.get_absolute_url()).content.decode()
    assert html.count('class="report-form"') >= 3  # the entry, the comment and the reply
    filed = report(reply, reporter=member, reason="spam")
    assert filed.content_object == reply
    services.remove_content(reply, moderator=moderator, reason="Spam.")
    assert "More spam" not in Client().get(entry.get_absolute_url()).content.decode()
