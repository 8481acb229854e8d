"""Brand staff answer officially: staff of the target's brand are published at once, logged and
marked; staff of another brand are members here, on the gate like everyone."""

import pytest
from django.test import Client
from wagtail.models import ModelLogEntry

from comments.models import Comment
from comments.services import edit_comment, post_comment
from moderation.intake import pause_intake
from moderation.models import LogAction, ModerationItem, ModerationLogEntry
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_staff_of_the_brand_answer_at_once_and_are_logged(entry, staff):
    question = factories.make_comment(entry, body="Will this cup be made?")
    answer = post_comment(entry, author=staff, body="Yes, next spring.", parent=question)
    assert answer.live and answer.official
    assert answer.official_brand_id == entry.contest.brand_id
    assert answer.moderation_status == "approved"
    assert not ModerationItem.objects.for_object(answer).exists()
    assert ModerationLogEntry.objects.filter(action=LogAction.OFFICIAL, actor=staff).exists()
    assert ModelLogEntry.objects.filter(object_id=str(answer.pk), action="wagtail.publish").exists()
    html = Client().get(entry.get_absolute_url()).content.decode()
    assert "Yes, next spring." in html
    assert f"Official answer from {entry.contest.brand.name}" in html


def test_staff_of_another_brand_are_moderated_like_members(entry):
    other_staff = factories.brand_staff(factories.BrandFactory())
    comment = post_comment(entry, author=other_staff, body="Nice one")
    assert not comment.live and not comment.official and comment.official_brand_id is None
    assert factories.pending_item(comment)


def test_moderators_comments_are_moderated_by_others(entry, moderator):
    comment = post_comment(entry, author=moderator, body="As a member")
    assert not comment.live and not comment.official
    item = factories.pending_item(comment)
    from community.errors import NotAllowed
    from moderation import services

    with pytest.raises(NotAllowed):
        services.approve(item.pk, moderator=moderator)


def test_official_answers_speak_during_a_crisis_pause(entry, staff, member, moderator):
    pause_intake(actor=moderator, scope="site", message="Calm down")
    answer = post_comment(entry, author=staff, body="We hear you.")
    assert answer.live
    from community.errors import WrongPhase

    with pytest.raises(WrongPhase):
        post_comment(entry, author=member, body="Me too")


def test_staff_edit_their_answer_at_once_and_the_flag_survives_revisions(entry, staff):
    answer = post_comment(entry, author=staff, body="Spring")
    edited = edit_comment(answer, author=staff, body="Next spring")
    assert edited.live and edited.official and edited.body == "Next spring"
    assert not ModerationItem.objects.for_object(answer).exists()
    # A revision cannot change the flag: it comes from the row.
    row = Comment.objects.get(pk=answer.pk)
    revision = row.latest_revision
    revision.content["official"] = False
    assert revision.as_object().official is True


def test_member_edit_cannot_become_official_through_a_revision(entry, member, moderator):
    comment = factories.make_comment(entry, author=member, body="Hi")
    edit_comment(comment, author=member, body="Hi again")
    item = factories.pending_item(comment)
    item.revision.content["official"] = True
    item.revision.save()
    from moderation import services

    services.approve(item.pk, moderator=moderator)
    comment.refresh_from_db()
    assert comment.body == "Hi again" and not comment.official


def test_queue_preview_says_reply_and_official(entry, member, moderator):
    from moderation.queue import describe, pending_items

    top = factories.make_comment(entry, author=factories.UserFactory(username="asker"), body="Q?")
    factories.make_comment(entry, author=member, parent=top, body="A!", approved=False)
    [preview] = describe(pending_items())
    assert preview.title.startswith("Reply by")
    assert "In reply to asker" in preview.context and "Q?" in preview.context
    html = client_for(moderator).get("/admin/moderation/").content.decode()
    assert "In reply to asker" in html
    official = Comment(author=member, target=entry, body="x", official=True, parent=top)
    assert str(official.moderation_preview()["title"]).startswith("Official answer")
