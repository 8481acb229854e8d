"""The publication gate, end to end: pending content of every kind (entry, edit of an
approved entry, idea, edit of an approved idea, comment, profile text and avatar) carries a
unique marker; it is absent from
every public path, present after approval, and gone again after removal."""

import pytest
from django.test import Client
from django.urls import reverse

from community.models import Notification
from contests.models import Entry
from moderation import services
from moderation.models import ModerationItem
from profiles.services import update_profile
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

MARKER = "qx-gate-5581"


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def seeded():
    contest = factories.make_contest("voting")
    author = factories.UserFactory(username="gate-author")
    entry = factories.make_entry(
        contest, author=author, approved=False, title=f"New {MARKER}", description=f"D {MARKER}"
    )
    edited = factories.make_entry(contest, title="Approved title", description="Approved text")
    edited.title = f"Edit {MARKER}"
    edited.description = f"Edited {MARKER}"
    services.submit_for_moderation(edited, user=edited.author)
    comment = factories.make_comment(edited, approved=False, body=f"Comment {MARKER}")
    profile = update_profile(author, bio=f"Bio {MARKER}", avatar=factories.image_upload())
    board = factories.make_board(brand=contest.brand)
    idea = factories.make_idea(
        board,
        author=author,
        approved=False,
        title=f"Idea {MARKER}",
        description=f"Idea text {MARKER}",
        image=factories.image_upload(),
    )
    edited_idea = factories.make_idea(board, title="Approved idea", description="Approved")
    from ideas.services import edit_idea

    edit_idea(
        edited_idea,
        author=edited_idea.author,
        title=f"Idea edit {MARKER}",
        description=f"Idea edit text {MARKER}",
    )
    idea_comment = factories.make_comment(edited_idea, approved=False, body=f"On idea {MARKER}")
    return {
        "board": board,
        "idea": idea,
        "edited_idea": edited_idea,
        "idea_comment": idea_comment,
        "contest": contest,
        "entry": entry,
        "edited": Entry.objects.get(pk=edited.pk),
        "comment": comment,
        "profile": profile,
        "author": author,
    }


def paths(s) -> list[str]:
    contest, entry, edited, profile = s["contest"], s["entry"], s["edited"], s["profile"]
    board, idea, edited_idea = s["board"], s["idea"], s["edited_idea"]
    return [
        # The search page repeats the query: search for the marker's words, not the marker.
        f"/search/?q={MARKER.replace('-', ' ')}",
        board.url,
        f"{board.url}?sort=newest",
        f"{board.url}roadmap/",
        f"{board.url}similar/?q=Idea {MARKER}",
        idea.get_absolute_url(),
        edited_idea.get_absolute_url(),
        idea.image_url(400),
        f"/api/v1/boards/{board.slug}/ideas",
        f"/api/v1/boards/{board.slug}/similar?q=Idea%20{MARKER}",
        f"/api/v1/ideas/{idea.pk}",
        f"/api/v1/ideas/{edited_idea.pk}",
        f"/api/v1/comments?target=idea:{edited_idea.pk}",
        "/",
        contest.url,
        entry.get_absolute_url(),
        edited.get_absolute_url(),
        entry.image_url(400),
        entry.image_url(None),
        edited.image_url(800),
        f"/api/v1/contests/{contest.slug}/entries",
        f"/api/v1/contests/{contest.slug}",
        "/api/v1/contests",
        f"/api/v1/entries/{entry.pk}",
        f"/api/v1/entries/{edited.pk}",
        "/api/v1/moderation/queue",
        reverse("community:member", args=[s["author"].username]),
        profile.avatar_url(400),
        profile.avatar_url(None),
        reverse("community:notifications"),
    ]


def visitors(s):
    return {"visitor": Client(), "member": client_for(factories.UserFactory())}


def assert_marker(s, *, present: bool) -> None:
    for who, client in visitors(s).items():
        seen = []
        for path in paths(s):
            response = client.get(path)
            if MARKER.encode() in body_of(response):
                seen.append(path)
        if present:
            assert seen, who
        else:
            assert seen == [], (who, seen)
        avatar = client.get(s["profile"].avatar_url(400))
        assert (avatar.status_code == 200) == present, who
        entry_page = client.get(s["entry"].get_absolute_url())
        assert (entry_page.status_code == 200) == present, who
        assert (client.get(s["entry"].image_url(400)).status_code == 200) == present, who
    # There is no feed or sitemap (yet): if one is added, add it to paths().
    for path in ("/sitemap.xml", "/feed/", "/rss/"):
        assert Client().get(path).status_code == 404, path
    count = Client().get(f"/api/v1/contests/{s['contest'].slug}").json()["entry_count"]
    assert count == (2 if present else Entry.objects.public().count())
    # Notifications never quote member content to anyone but its author (who is told about
    # their own entry or comment by name).
    authors = {
        s[name].author_id
        for name in ("entry", "edited", "comment", "idea", "edited_idea", "idea_comment")
    }
    for note in Notification.objects.all():
        said = f"{note.params} {note.text} {note.message}"
        assert note.recipient_id in authors or MARKER not in said, said


def test_every_kind_is_absent_until_approved_then_present_then_gone_after_removal(seeded):
    s = seeded
    assert_marker(s, present=False)

    moderator = factories.moderator()
    for item in ModerationItem.objects.pending():
        services.approve(item.pk, moderator=moderator)
    assert_marker(s, present=True)
    visitor = Client()
    entry_html = visitor.get(s["entry"].get_absolute_url()).content.decode()
    assert f'<meta property="og:title" content="New {MARKER}">' in entry_html
    edited_html = visitor.get(s["edited"].get_absolute_url()).content.decode()
    assert f"Edit {MARKER}" in edited_html and f"Comment {MARKER}" in edited_html
    member_html = visitor.get(reverse("community:member", args=["gate-author"])).content.decode()
    assert f"Bio {MARKER}" in member_html and 'property="og:description"' in member_html
    assert f"D {MARKER}".encode() in body_of(visitor.get(f"/api/v1/entries/{s['entry'].pk}"))

    idea_html = visitor.get(s["idea"].get_absolute_url()).content.decode()
    assert f'<meta property="og:title" content="Idea {MARKER}">' in idea_html
    edited_idea_html = visitor.get(s["edited_idea"].get_absolute_url()).content.decode()
    assert f"Idea edit {MARKER}" in edited_idea_html and f"On idea {MARKER}" in edited_idea_html
    search_html = visitor.get("/search/", {"q": MARKER.replace("-", " ")}).content.decode()
    assert f"Idea {MARKER}" in search_html and f"New {MARKER}" in search_html

    for obj in (
        s["entry"],
        s["edited"],
        s["comment"],
        s["profile"],
        s["idea"],
        s["edited_idea"],
        s["idea_comment"],
    ):
        obj.refresh_from_db()
        services.remove_content(obj, moderator=moderator, reason="Removed in the gate test.")
    assert_marker(s, present=False)
