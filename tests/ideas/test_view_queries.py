"""The board, idea and roadmap pages cost a fixed number of SQL queries: the same with 3 ideas
and 2 supports as with 30 ideas, 60 supports, answers and 10 comments."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ideas import services
from ideas.models import IdeaStatus, Support
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

# Pinned: a change here means a page started to cost more (or less) — look at why. About half
# is Wagtail's routing (site, ancestors, view restrictions) and the signed-in frame (session,
# permissions, unread notifications, the Wagtail user bar for staff). Every page reads the
# brand (its theme), joined to the board.
# Routing finds the pages along the path in one query (cms HomePage.route): 3 fewer than
# Wagtail's walk of board → idea for every row. Whether any view restriction exists and whether
# a member may open the admin are cached answers (community/versioned.py): 2 fewer for every
# row, 2 more fewer where only the header asked for the member's permissions. The Wagtail site
# and its home page come from the cache (community/sites.py): 2 fewer for every row. The board
# comes with its brand joined (IdeasBoardPage.route_select_related): 1 fewer for every row.
# The pages along the path and the routed page are cached answers now (cms.models `_pages_at`,
# `_specific`): 2 fewer for every row; the member's verified email and unread count come in one
# query (community/member_facts.py): 1 fewer where both are asked (the board, for members and
# staff).
EXPECTED = {
    ("visitor", "board"): 4,
    ("visitor", "roadmap"): 2,
    ("visitor", "idea"): 4,
    ("member", "board"): 12,
    ("member", "roadmap"): 5,
    ("member", "idea"): 12,
    ("staff", "board"): 16,
    ("staff", "roadmap"): 10,
    ("staff", "idea"): 18,
}


def populate(n_ideas: int, n_supports: int, n_comments: int):
    board = factories.make_board(title=f"Board of {n_ideas}", goal=1000, stages=[(500, 30)])
    category = board.categories.first()
    ideas = [
        factories.make_idea(board, title=f"Idea {i}", category=category if i % 2 else None)
        for i in range(n_ideas)
    ]
    staff = factories.brand_staff(board.brand)
    members = factories.UserFactory.create_batch(max(2, n_supports // max(1, n_ideas // 3)))
    rows = []
    for i in range(n_supports):
        rows.append(Support(idea=ideas[i % len(ideas)], member=members[i // len(ideas)]))
    Support.objects.bulk_create(rows, ignore_conflicts=True)
    # Every roadmap column and the timeline have something, growing with the data.
    statuses = [IdeaStatus.UNDER_REVIEW, IdeaStatus.PLANNED, IdeaStatus.IN_PROGRESS]
    for i, idea in enumerate(ideas[: max(3, n_ideas // 2)]):
        services.answer_idea(idea, actor=staff, status=statuses[i % 3], answer=f"Answer {i}")
    target = ideas[0]
    for i in range(n_comments):
        factories.make_comment(target, body=f"Comment {i}")
    return board, target, members[0], staff


def count_queries(client, path: str) -> int:
    client.get(path)  # warm caches that hold across requests (site root paths, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def measure(board, idea, member, staff) -> dict:
    paths = {"board": board.url, "roadmap": f"{board.url}roadmap/", "idea": idea.get_absolute_url()}
    counts = {}
    for who, client in (
        ("visitor", Client()),
        ("member", client_for(member)),
        ("staff", client_for(staff)),
    ):
        for name, path in paths.items():
            counts[(who, name)] = count_queries(client, path)
    return counts


def test_page_queries_do_not_grow_with_ideas_supports_or_comments():
    small = measure(*populate(3, 2, 0))
    large = measure(*populate(30, 60, 10))
    assert small == large
    assert small == EXPECTED, sorted(small.items())
