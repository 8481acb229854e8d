"""Brand staff answer ideas in the Wagtail admin: scoped to their brand, through the services."""

import pytest
from django.urls import reverse

from ideas.models import Idea, IdeaStatus, StatusUpdate
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    return factories.make_board(goal=2)


def test_the_list_shows_only_the_staffs_brand_and_awaiting_first(board):
    staff = client_for(factories.brand_staff(board.brand))
    waiting = factories.make_idea(board, title="Waiting for us")
    factories.supporters(waiting, 2)
    factories.make_idea(board, title="Quiet one")
    factories.make_idea(board, title="Pending one", approved=False)
    factories.make_idea(factories.make_board(brand=factories.BrandFactory()), title="Not ours")
    response = staff.get(reverse("ideas_admin:index"))
    assert response.status_code == 200
    titles = [i.title for i in response.context["page_obj"]]
    assert titles == ["Waiting for us", "Quiet one"]
    awaiting = staff.get(reverse("ideas_admin:index"), {"status": "awaiting"})
    assert [i.title for i in awaiting.context["page_obj"]] == ["Waiting for us"]
    assert staff.get(reverse("ideas_admin:index"), {"board": "x", "p": "999"}).status_code == 200


@pytest.mark.parametrize(
    "who, expected",
    # Wagtail's admin answers a refusal with a redirect (to sign in, or to the dashboard).
    [("member", 302), ("moderator", 302), ("other_staff", 302), ("staff", 200), ("admin", 200)],
)
def test_who_may_open_an_idea(board, who, expected):
    idea = factories.make_idea(board)
    users = {
        "member": factories.UserFactory(),
        "moderator": factories.moderator(),
        "other_staff": factories.brand_staff(factories.BrandFactory()),
        "staff": factories.brand_staff(board.brand),
        "admin": factories.UserFactory(is_superuser=True, is_staff=True),
    }
    client = client_for(users[who])
    url = reverse("ideas_admin:idea", args=[idea.pk])
    page = client.get(url)
    assert page.status_code == expected
    if expected == 200:
        assert b"Publish the answer" in page.content
    response = client.post(url, {"action": "answer", "status": "planned", "answer": "Hi"})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert (idea.status == IdeaStatus.PLANNED) is (expected == 200)


def test_answer_edit_merge_and_contest_through_the_admin(board):
    staff = client_for(factories.brand_staff(board.brand))
    idea = factories.make_idea(board, title="Keep")
    duplicate = factories.make_idea(board, title="Duplicate")
    url = reverse("ideas_admin:idea", args=[idea.pk])
    refused = staff.post(url, {"action": "answer", "status": "planned", "answer": ""})
    assert refused.status_code == 200 and refused.context["error"]
    staff.post(url, {"action": "answer", "status": "planned", "answer": "Sprng"})
    update = StatusUpdate.objects.get(idea=idea)
    staff.post(url, {"action": "edit_answer", "update": update.pk, "answer": "Spring"})
    update.refresh_from_db()
    assert update.answer == "Spring" and update.edited_at
    page = staff.get(reverse("ideas_admin:idea", args=[duplicate.pk]))
    assert [o.pk for o in page.context["others"]] == [idea.pk]
    staff.post(
        reverse("ideas_admin:idea", args=[duplicate.pk]), {"action": "merge", "into": idea.pk}
    )
    assert Idea.objects.get(pk=duplicate.pk).merged_into_id == idea.pk
    staff.post(url, {"action": "contest", "title": "Keep cups"})
    idea.refresh_from_db()
    assert idea.contest.title == "Keep cups"
    assert staff.post(url, {"action": "bogus"}).context["error"]
