"""Supporting and following in place (htmx) on the board and the idea page, with the plain
POST-redirect kept for clients without JavaScript; brand follows and board follows too."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from community.htmx import FRAGMENT_HEADER
from community.models import Follow
from ideas.models import BoardFollow, IdeaFollow, Support
from tests import factories
from tests.conftest import client_for
from tests.contests.test_vote_in_place import still_clock

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def board():
    return factories.make_board(title="Bring it back", goal=3)


@pytest.fixture
def idea(board):
    return factories.make_idea(board, title="Bring back the lemon tart")


def url(idea, action):
    return f"{idea.get_absolute_url()}{action}/"


def test_support_from_the_board_answers_the_card(board, idea, member_client, member):
    data = {"fragment": "card", "next": f"{board.url}?sort=new#idea-{idea.pk}"}
    response = member_client.post(url(idea, "support"), data, **HX)
    html = response.content.decode()
    assert response.status_code == 200 and response[FRAGMENT_HEADER] == "1"
    assert html.lstrip().startswith(f'<li class="idea-card" id="idea-{idea.pk}"')
    assert 'aria-pressed="true"' in html and "Thank you for your support!" in html
    assert "data-support-count>1</strong>" in html and "1 of 3 supporters" in html
    assert f'value="{board.url}?sort=new#idea-{idea.pk}"' in html
    assert Support.objects.filter(idea=idea, member=member).exists()

    response = member_client.post(url(idea, "unsupport"), data, **HX)
    html = response.content.decode()
    assert 'aria-pressed="false"' in html and "Your support has been withdrawn." in html
    assert "data-support-count>0</strong>" in html
    assert not Support.objects.exists()


def test_support_without_htmx_redirects_back_to_the_card(board, idea, member_client):
    next_url = f"{board.url}#idea-{idea.pk}"
    response = member_client.post(url(idea, "support"), {"fragment": "card", "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    response = member_client.post(url(idea, "unsupport"))
    assert response["Location"] == f"{idea.get_absolute_url()}#support-box-{idea.pk}"


def test_support_and_follow_on_the_idea_page_answer_the_support_box(idea, member_client, member):
    response = member_client.post(url(idea, "support"), **HX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="support-box"')
    assert "You support this idea." in html and 'data-testid="support-count"' in html
    response = member_client.post(url(idea, "follow"), {"action": "follow"}, **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Following this idea ✓ — unfollow" in html and 'aria-pressed="true"' in html
    assert IdeaFollow.objects.filter(idea=idea, user=member).exists()
    response = member_client.post(url(idea, "follow"), {"action": "unfollow"}, **HX)
    assert 'aria-pressed="false"' in response.content.decode()
    assert not IdeaFollow.objects.filter(idea=idea, user=member).exists()


def test_refusals_are_shown_in_place_with_their_status(idea, member):
    own = client_for(idea.author).post(url(idea, "support"), {"fragment": "card"}, **HX)
    assert own.status_code == 403 and own[FRAGMENT_HEADER] == "1"
    assert "action-error" in own.content.decode()
    assert not Support.objects.exists()


@override_settings(COCREO_RATE_LIMITS={"support": "1/m"})
def test_rate_limited_support_is_a_429_in_place(idea, member_client):
    with still_clock():
        member_client.post(url(idea, "support"), **HX)
        response = member_client.post(url(idea, "unsupport"), **HX)
        plain = member_client.post(url(idea, "unsupport"))
    assert response.status_code == 429 and response[FRAGMENT_HEADER] == "1"
    assert "Too many attempts" in response.content.decode() and "Retry-After" in response
    assert Support.objects.count() == 1
    assert plain.status_code == 429  # the plain page


def test_anonymous_and_hidden_ideas(board, idea, member_client):
    response = Client().post(url(idea, "support"), **HX)
    assert "/accounts/login/" in response["HX-Redirect"]
    pending = factories.make_idea(board, approved=False)
    assert member_client.post(url(pending, "support"), **HX).status_code == 404
    assert not Support.objects.exists()


def test_board_follow_in_place(board, member_client, member):
    response = member_client.post(f"{board.url}follow/", {"action": "follow"}, **HX)
    html = response.content.decode()
    assert response[FRAGMENT_HEADER] == "1"
    assert html.startswith(f'<div class="follow" id="board-follow-{board.pk}"')
    assert "Following this board ✓ — unfollow" in html and 'aria-pressed="true"' in html
    assert BoardFollow.objects.filter(board=board, user=member).exists()
    response = member_client.post(
        f"{board.url}follow/", {"action": "unfollow", "next": board.url + "?sort=new"}
    )
    assert response["Location"] == board.url + "?sort=new"
    assert not BoardFollow.objects.filter(board=board, user=member).exists()
    response = Client().post(f"{board.url}follow/", **HX)
    assert "/accounts/login/" in response["HX-Redirect"]


def test_brand_follow_in_place(member_client, member):
    contest = factories.make_contest("submissions")
    brand = contest.brand
    follow_url = reverse("community:follow", args=[brand.slug])
    response = member_client.post(follow_url, {"action": "follow", "next": contest.url}, **HX)
    html = response.content.decode()
    assert response.status_code == 200 and response[FRAGMENT_HEADER] == "1"
    assert f"Following {brand.name} ✓ — unfollow" in html and 'aria-pressed="true"' in html
    assert f'value="{contest.url}"' in html
    assert Follow.objects.filter(user=member, brand=brand).exists()
    response = member_client.post(follow_url, {"action": "unfollow", "next": contest.url})
    assert response.status_code == 302 and response["Location"] == contest.url
    assert not Follow.objects.filter(user=member, brand=brand).exists()
    response = Client().post(follow_url, {"action": "follow"}, **HX)
    assert "/accounts/login/" in response["HX-Redirect"]
    assert not Follow.objects.exists()


def test_reaching_the_goal_on_the_idea_page_reloads_it_with_the_message(idea):
    factories.supporters(idea, 2)  # goal 3
    client = client_for(factories.UserFactory())
    response = client.post(url(idea, "support"), **HX)
    assert response["HX-Refresh"] == "true"
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "Thank you for your support!" in page and "Reached the support goal" in page
