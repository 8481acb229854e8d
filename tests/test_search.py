"""Site search: approved contests, entries and ideas match; nothing pending, removed, edited
but not yet approved, or in an unpublished contest or board ever does."""

import pytest
from django.urls import reverse

from ideas.services import merge_ideas
from moderation import services as moderation_services
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

WORD = "zanzibarcup"


def results(client, query=WORD) -> dict[str, list[str]]:
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    return {s.key: [r.title for r in s.results] for s in response.context["sections"]}


def test_approved_content_of_every_kind_matches(client):
    contest = factories.make_contest("voting", title=f"The {WORD} contest")
    factories.make_entry(contest, title=f"Entry {WORD}")
    board = factories.make_board(title=f"Board {WORD}")
    factories.make_idea(board, title=f"Idea {WORD}")
    found = results(client)
    assert found["pages"] == [f"Board {WORD}", f"The {WORD} contest"] or sorted(
        found["pages"]
    ) == sorted([f"Board {WORD}", f"The {WORD} contest"])
    assert found["entries"] == [f"Entry {WORD}"]
    assert found["ideas"] == [f"Idea {WORD}"]


def test_nothing_pending_ever_matches(client):
    contest = factories.make_contest("voting")
    board = factories.make_board()
    factories.make_entry(contest, approved=False, title=f"Pending {WORD}")
    factories.make_idea(board, approved=False, title=f"Pending {WORD}")
    edited = factories.make_entry(contest, title="Approved cup")
    edited.title = f"Edited {WORD}"
    moderation_services.submit_for_moderation(edited, user=edited.author)
    idea = factories.make_idea(board, title="Approved idea")
    from ideas.services import edit_idea

    edit_idea(idea, author=idea.author, title=f"Edited {WORD}", description="D")
    removed = factories.make_entry(contest, title=f"Removed {WORD}")
    moderation_services.remove_content(removed, moderator=factories.moderator(), reason="No")
    for who in (client, client_for(factories.UserFactory()), client_for(factories.moderator())):
        assert results(who) == {}
    assert results(client, "approved") == {"entries": ["Approved cup"], "ideas": ["Approved idea"]}


def test_unpublished_contests_and_boards_hide_their_content(client):
    contest = factories.make_contest("voting")
    entry = factories.make_entry(contest, title=f"Entry {WORD}")
    board = factories.make_board()
    factories.make_idea(board, title=f"Idea {WORD}")
    contest.unpublish()
    board.unpublish()
    assert results(client) == {}
    assert entry.live


def test_merged_ideas_are_left_out(client):
    board = factories.make_board()
    target = factories.make_idea(board, title=f"Target {WORD}")
    source = factories.make_idea(board, title=f"Duplicate {WORD}")
    merge_ideas(source, into=target, actor=factories.brand_staff(board.brand))
    assert results(client) == {"ideas": [f"Target {WORD}"]}


@pytest.mark.parametrize("query", ["", "   ", "x" * 500, "%_'\"<script>", "\\"])
def test_odd_queries(client, query):
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    assert b"<script>" not in response.content
