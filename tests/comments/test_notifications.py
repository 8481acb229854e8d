"""Who hears about a comment once it is public: the entry's author, the author of the comment
replied to, and followers of targets that have them. Never the comment's own author; never
before approval; never the text of member content."""

import pytest

from comments.models import Comment
from comments.services import edit_comment, post_comment, tell_about_published_comment
from community.models import Notification, User
from moderation import services
from tests import factories

pytestmark = pytest.mark.django_db


def told(user, kind: str | None = None):
    found = Notification.objects.filter(recipient=user)
    return found.filter(kind=kind) if kind else found.filter(kind__startswith="comment.")


def test_entry_author_is_told_only_once_the_comment_is_approved(entry, member, moderator):
    comment = post_comment(entry, author=member, body="Secret pending words")
    assert not told(entry.author).exists()
    services.approve(factories.pending_item(comment).pk, moderator=moderator)
    [note] = told(entry.author, "comment.on_yours")
    assert member.username in note.text
    assert note.url.endswith(f"#comment-{comment.pk}")
    assert "Secret" not in str(note.params) and "Secret" not in note.text  # never quoted
    assert f"on your entry “{entry.title}”" in note.text  # the public entry is named


def test_a_rejected_comment_tells_no_one(entry, member, moderator):
    comment = post_comment(entry, author=member, body="Rude")
    services.reject(factories.pending_item(comment).pk, moderator=moderator, reason="No.")
    assert not told(entry.author).exists()


def test_the_parent_author_hears_of_a_reply_and_the_replier_hears_nothing(entry, moderator):
    asker = factories.UserFactory()
    top = factories.make_comment(entry, author=asker)
    replier = factories.UserFactory()
    factories.make_comment(entry, author=replier, parent=top)
    assert told(asker, "comment.reply").count() == 1
    assert not told(replier).exists()
    assert told(entry.author, "comment.on_yours").count() == 2  # the comment and the reply


def test_nobody_is_told_about_their_own_comment(entry, moderator):
    factories.make_comment(entry, author=entry.author)
    assert not told(entry.author).exists()
    top = factories.make_comment(entry)
    factories.make_comment(entry, author=top.author, parent=top)  # replying to oneself
    assert not told(top.author, "comment.reply").exists()


def test_approving_an_edit_tells_no_one_again(entry, member, moderator):
    comment = factories.make_comment(entry, author=member)
    assert told(entry.author).count() == 1
    edit_comment(comment, author=member, body="Edited")
    services.approve(factories.pending_item(comment).pk, moderator=moderator)
    assert told(entry.author).count() == 1


def test_an_official_answer_tells_at_once(entry, staff):
    asker = factories.UserFactory()
    top = factories.make_comment(entry, author=asker)
    post_comment(entry, author=staff, body="Thanks!", parent=top)
    [note] = told(asker, "comment.reply")
    assert entry.contest.brand.name in note.text  # signed by the brand


def test_followers_are_told_when_the_target_has_them(entry, member, monkeypatch):
    """Duck typing: a target with `comment_followers()` (ideas) gets its followers told; an
    entry has none, so nobody else is."""
    comment = factories.make_comment(entry, author=member)
    assert not hasattr(entry, "comment_followers")
    comment_notes = Notification.objects.filter(kind__startswith="comment.")
    assert set(comment_notes.values_list("recipient", flat=True)) == {entry.author_id}

    follower, gone = factories.UserFactory(), factories.UserFactory(is_active=False)
    calls = []

    def comment_followers(self):
        calls.append(self.pk)
        return User.objects.filter(pk__in=[follower.pk, gone.pk, member.pk, entry.author_id])

    monkeypatch.setattr(type(entry), "comment_followers", comment_followers, raising=False)
    Notification.objects.all().delete()
    tell_about_published_comment(Comment.objects.get(pk=comment.pk))
    assert calls == [entry.pk]
    assert told(follower, "comment.followed").count() == 1
    assert not told(gone).exists() and not told(member).exists()
    assert told(entry.author).count() == 1  # as the author, not twice as a follower
