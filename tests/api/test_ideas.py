"""The ideas API: reading boards and ideas, posting, supporting, the brand's answers and merges,
with role checks for every write and query counts that do not grow with data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ideas.models import Idea, IdeaStatus, Support
from moderation.models import ModerationItem
from tests import factories
from tests.api.conftest import api, post_json
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    return factories.make_board(goal=2)


@pytest.fixture
def idea(board):
    return factories.make_idea(board, title="Bring back the Winner Taco")


def roles(board, idea) -> dict:
    """A client per role, with CSRF off (the CSRF checks are tested elsewhere)."""
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    return {
        "member": client_for(factories.UserFactory()),
        "author": client_for(idea.author),
        "moderator": client_for(factories.moderator()),
        "staff": client_for(factories.brand_staff(board.brand)),
        "other_staff": client_for(factories.brand_staff(factories.BrandFactory())),
        "admin": client_for(admin),
    }


# Reading -----------------------------------------------------------------------------------------
def test_boards_and_board(client, board):
    boards = client.get(api("boards")).json()
    assert [b["slug"] for b in boards] == [board.slug]
    body = client.get(api(f"boards/{board.slug}")).json()
    assert body["support_goal"] == 2 and body["is_open"] is True
    assert [c["name"] for c in body["categories"]] == ["Flavours", "Packaging"]
    assert client.get(api("boards/nope")).status_code == 404


def test_ideas_list_only_approved_with_filters(client, board, idea):
    factories.make_idea(board, approved=False, title="Pending")
    flavours = board.categories.first()
    other = factories.make_idea(board, title="Pistachio", category=flavours)
    factories.supporters(idea, 1)
    body = client.get(api(f"boards/{board.slug}/ideas")).json()
    assert body["count"] == 2
    assert [i["title"] for i in body["items"]] == ["Bring back the Winner Taco", "Pistachio"]
    assert body["items"][0]["supports"] == 1 and body["items"][0]["supported"] is None
    assert body["items"][1]["category"] == {"id": flavours.pk, "name": "Flavours"}
    by_category = client.get(api(f"boards/{board.slug}/ideas?category={flavours.pk}")).json()
    assert [i["id"] for i in by_category["items"]] == [other.pk]
    searched = client.get(api(f"boards/{board.slug}/ideas?q=taco")).json()
    assert [i["id"] for i in searched["items"]] == [idea.pk]
    newest = client.get(api(f"boards/{board.slug}/ideas?sort=newest")).json()
    assert [i["id"] for i in newest["items"]] == [other.pk, idea.pk]
    assert client.get(api(f"boards/{board.slug}/ideas?status=bogus")).json()["count"] == 0


@pytest.mark.parametrize(
    "query",
    ["sort=bogus", "status=merged", "category=abc", "page=abc", "page=0", "q=" + "x" * 500],
)
def test_odd_list_parameters_never_fail(client, board, idea, query):
    response = client.get(api(f"boards/{board.slug}/ideas?{query}"))
    assert response.status_code in (200, 400, 422)


def test_a_member_sees_what_they_support(board, idea):
    member = factories.UserFactory()
    factories.supporters(idea, 0)
    from ideas.services import support_idea

    support_idea(idea, member=member)
    body = client_for(member).get(api(f"boards/{board.slug}/ideas")).json()
    assert body["items"][0]["supported"] is True


def test_similar(client, board, idea):
    factories.make_idea(board, title="Winner Taco pending", approved=False)
    body = client.get(api(f"boards/{board.slug}/similar?q=winner%20tacos")).json()
    assert [i["id"] for i in body] == [idea.pk]
    assert client.get(api(f"boards/{board.slug}/similar?q=zz")).json() == []


def test_a_pending_idea_is_404_except_for_its_author_and_moderators(client, board):
    pending = factories.make_idea(board, approved=False)
    path = api(f"ideas/{pending.pk}")
    assert client.get(path).status_code == 404
    assert client_for(factories.UserFactory()).get(path).status_code == 404
    assert client_for(factories.brand_staff(board.brand)).get(path).status_code == 404
    assert client_for(pending.author).get(path).json()["moderation_status"] == "pending"
    assert client_for(factories.moderator()).get(path).status_code == 200
    assert client.get(api(f"ideas/{pending.pk}/timeline")).status_code == 404


def test_timeline_and_roadmap(client, board, idea):
    staff = factories.brand_staff(board.brand)
    response = post_json(
        client_for(staff), f"ideas/{idea.pk}/status", {"status": "planned", "answer": "Yes!"}
    )
    assert response.status_code == 200, response.content
    timeline = client.get(api(f"ideas/{idea.pk}/timeline")).json()
    assert [(u["kind"], u["status"], u["answer"], u["brand"]) for u in timeline] == [
        ("answer", "planned", "Yes!", board.brand.name)
    ]
    columns = {
        c["status"]: c["ideas"] for c in client.get(api(f"boards/{board.slug}/roadmap")).json()
    }
    assert [i["id"] for i in columns["planned"]] == [idea.pk]


# Posting -----------------------------------------------------------------------------------------
def test_post_an_idea_then_the_moderator_approves_it_through_the_queue(board):
    author = factories.UserFactory()
    response = client_for(author).post(
        api(f"boards/{board.slug}/ideas"),
        {"title": "Mint cone", "description": "Fresh", "image": factories.image_upload()},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["moderation_status"] == "pending" and body["image_url"]
    moderator = client_for(factories.moderator())
    queue = moderator.get(api("moderation/queue")).json()["items"]
    assert [(q["kind"], q["object_id"]) for q in queue] == [("idea", body["id"])]
    assert queue[0]["context"] == board.title
    assert moderator.get(queue[0]["image_url"]).status_code == 200
    assert post_json(moderator, f"moderation/items/{queue[0]['id']}/approve").status_code == 200
    assert Idea.objects.public().filter(pk=body["id"]).exists()


def test_posting_refusals(client, board, unverified_member):
    path = api(f"boards/{board.slug}/ideas")
    assert client.post(path, {"title": "T", "description": "D"}).status_code == 401
    assert (
        client_for(unverified_member).post(path, {"title": "T", "description": "D"}).status_code
        == 403
    )
    member = client_for(factories.UserFactory())
    refused = member.post(path, {"title": "", "description": "D"})
    assert refused.status_code == 400 and refused.json()["field"] == "title"
    bad_image = member.post(
        path,
        {"title": "T", "description": "D", "image": factories.SimpleUploadedFile("a.png", b"no")},
    )
    assert bad_image.status_code == 400 and bad_image.json()["field"] == "image"
    assert not Idea.objects.exists()


def test_the_author_edits_and_withdraws(board, idea):
    author = client_for(idea.author)
    response = author.post(api(f"ideas/{idea.pk}/edit"), {"title": "Changed", "description": "D"})
    assert response.status_code == 200 and response.json()["title"] == "Changed"
    idea.refresh_from_db()
    assert idea.title == "Bring back the Winner Taco" and idea.has_pending_edit
    other = client_for(factories.UserFactory())
    assert (
        other.post(api(f"ideas/{idea.pk}/edit"), {"title": "X", "description": "D"}).status_code
        == 404
    )
    assert other.delete(api(f"ideas/{idea.pk}")).status_code == 404
    assert author.delete(api(f"ideas/{idea.pk}")).status_code == 204
    assert not Idea.objects.exists()


# Support -----------------------------------------------------------------------------------------
def test_support_is_idempotent_and_withdrawable(client, board, idea):
    member = client_for(factories.UserFactory())
    first = post_json(member, f"ideas/{idea.pk}/support").json()
    again = post_json(member, f"ideas/{idea.pk}/support").json()
    assert (first["supported"], first["changed"], first["supports"]) == (True, True, 1)
    assert (again["supported"], again["changed"], again["supports"]) == (True, False, 1)
    withdrawn = member.delete(api(f"ideas/{idea.pk}/support")).json()
    assert (withdrawn["supported"], withdrawn["changed"], withdrawn["supports"]) == (False, True, 0)
    assert post_json(client, f"ideas/{idea.pk}/support").status_code == 401
    assert post_json(client_for(idea.author), f"ideas/{idea.pk}/support").status_code == 403
    pending = factories.make_idea(board, approved=False)
    assert post_json(member, f"ideas/{pending.pk}/support").status_code == 404


def test_reaching_the_goal_through_the_api(board, idea):
    for _ in range(2):
        body = post_json(client_for(factories.UserFactory()), f"ideas/{idea.pk}/support").json()
    assert body["status"] == IdeaStatus.UNDER_REVIEW and body["supports"] == 2


def test_follow_idea_and_board(board, idea):
    member = client_for(factories.UserFactory())
    assert post_json(member, f"ideas/{idea.pk}/follow").json() == {
        "following": True,
        "changed": True,
    }
    assert member.delete(api(f"ideas/{idea.pk}/follow")).json()["changed"] is True
    assert post_json(member, f"boards/{board.slug}/follow").json()["following"] is True
    assert member.delete(api(f"boards/{board.slug}/follow")).json()["following"] is False


# The brand's actions: every role -----------------------------------------------------------------
EXPECTED = {
    # role: status code for answering / merging / reviving / opening a contest (an approved idea)
    "anonymous": 401,
    "member": 403,
    "author": 403,
    "moderator": 403,
    "other_staff": 403,
    "staff": 200,
    "admin": 200,
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_answer_by_role(client, board, idea, role):
    who = roles(board, idea) | {"anonymous": client}
    response = post_json(
        who[role], f"ideas/{idea.pk}/status", {"status": "planned", "answer": "Coming soon."}
    )
    assert response.status_code == EXPECTED[role], response.content
    idea.refresh_from_db()
    assert (idea.status == IdeaStatus.PLANNED) is (EXPECTED[role] == 200)


@pytest.mark.parametrize("role", list(EXPECTED))
def test_merge_by_role(client, board, idea, role):
    duplicate = factories.make_idea(board, title="Taco again")
    factories.supporters(duplicate, 1)
    who = roles(board, idea) | {"anonymous": client}
    response = post_json(who[role], f"ideas/{duplicate.pk}/merge", {"into": idea.pk})
    assert response.status_code == EXPECTED[role], response.content
    duplicate.refresh_from_db()
    merged = EXPECTED[role] == 200
    assert (duplicate.status == IdeaStatus.MERGED) is merged
    assert Support.objects.filter(idea=idea).count() == (1 if merged else 0)
    if merged:
        assert response.json()["id"] == idea.pk


@pytest.mark.parametrize("role", list(EXPECTED))
def test_open_contest_by_role(client, board, idea, role):
    who = roles(board, idea) | {"anonymous": client}
    response = post_json(who[role], f"ideas/{idea.pk}/contest", {"title": "Taco cups"})
    expected = 201 if EXPECTED[role] == 200 else EXPECTED[role]
    assert response.status_code == expected, response.content
    idea.refresh_from_db()
    assert bool(idea.contest_id) is (expected == 201)


def test_status_answer_validation_and_edit(board, idea):
    staff = client_for(factories.brand_staff(board.brand))
    assert (
        post_json(staff, f"ideas/{idea.pk}/status", {"status": "bogus", "answer": "x"}).status_code
        == 400
    )
    assert (
        post_json(staff, f"ideas/{idea.pk}/status", {"status": "planned", "answer": " "}).json()[
            "field"
        ]
        == "answer"
    )
    assert post_json(staff, f"ideas/{idea.pk}/status", {"status": "planned"}).status_code in (
        400,
        422,
    )
    update = post_json(
        staff, f"ideas/{idea.pk}/status", {"status": "planned", "answer": "Sprng"}
    ).json()
    edited = staff.patch(
        api(f"ideas/{idea.pk}/timeline/{update['id']}"),
        {"answer": "Spring"},
        content_type="application/json",
    )
    assert (
        edited.status_code == 200
        and edited.json()["answer"] == "Spring"
        and edited.json()["edited_at"]
    )
    other = client_for(factories.brand_staff(factories.BrandFactory()))
    refused = other.patch(
        api(f"ideas/{idea.pk}/timeline/{update['id']}"),
        {"answer": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_pending_ideas_cannot_be_answered_by_staff(board):
    pending = factories.make_idea(board, approved=False)
    staff = client_for(factories.brand_staff(board.brand))
    response = post_json(staff, f"ideas/{pending.pk}/status", {"status": "planned", "answer": "x"})
    assert response.status_code == 404
    assert ModerationItem.objects.pending().count() == 1


# Query counts ------------------------------------------------------------------------------------
def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(api(path)).status_code == 200
    return len(queries)


def test_ideas_api_queries_do_not_grow_with_data(board):
    member = factories.UserFactory()
    reader = client_for(member)
    idea = factories.make_idea(board)
    factories.supporters(idea, 1)
    paths = [
        f"boards/{board.slug}/ideas",
        f"boards/{board.slug}/roadmap",
        f"boards/{board.slug}/similar?q=idea%20by",
        f"ideas/{idea.pk}",
        f"ideas/{idea.pk}/timeline",
        "boards",
    ]
    staff = factories.brand_staff(board.brand)
    from ideas.services import answer_idea

    answer_idea(idea, actor=staff, status="planned", answer="Yes")
    small = {p: _queries(reader, p) for p in paths}
    for n in range(12):
        more = factories.make_idea(board, category=board.categories.first())
        factories.supporters(more, 2)
        answer_idea(more, actor=staff, status="planned" if n % 2 else "in_progress", answer="Ok")
    factories.supporters(idea, 5)
    answer_idea(idea, actor=staff, status="in_progress", answer="Started")
    factories.make_board(brand=board.brand)
    large = {p: _queries(reader, p) for p in paths}
    assert large == small
