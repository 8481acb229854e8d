"""Idea pages in the anonymous page cache: the board, the roadmap and an idea are cached for
visitors and stale after every change they show."""

from datetime import timedelta
from uuid import uuid4

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from community import page_cache
from ideas import services
from moderation import services as moderation
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60
    settings.PAGE_CACHE_PREFIX = f"pages-test-{uuid4().hex}"


@pytest.fixture
def events(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def state(url) -> str:
    response = Client().get(url)
    assert response.status_code == 200, url
    return response[page_cache.HEADER]


def warm(*urls):
    for url in urls:
        state(url)
        assert state(url) == "hit", url


@pytest.fixture
def board():
    return factories.make_board(goal=10)


def pages(board, idea) -> list[str]:
    return [board.url, f"{board.url}roadmap/", idea.get_absolute_url()]


def test_pages_are_cached_for_visitors_only(board):
    idea = factories.make_idea(board)
    warm(*pages(board, idea))
    member = client_for(factories.UserFactory())
    assert page_cache.HEADER not in member.get(board.url)
    assert state(f"{board.url}?sort=top") == "miss"


@pytest.mark.parametrize(
    "event",
    ["support", "withdraw_support", "answer", "edit_answer", "merge", "approve", "comment"],
)
def test_each_change_makes_the_pages_stale(board, events, event):
    idea = factories.make_idea(board)
    other = factories.make_idea(board, title="Other")
    staff = factories.brand_staff(board.brand)
    supporter = factories.UserFactory()
    services.support_idea(idea, member=supporter)
    update = services.answer_idea(idea, actor=staff, status="planned", answer="Yes")
    warm(*pages(board, idea))
    with events():
        if event == "support":
            services.support_idea(idea, member=factories.UserFactory())
        elif event == "withdraw_support":
            services.withdraw_support(idea, member=supporter)
        elif event == "answer":
            services.answer_idea(idea, actor=staff, status="in_progress", answer="Started")
        elif event == "edit_answer":
            services.edit_answer(update, actor=staff, answer="Yes, soon")
        elif event == "merge":
            services.merge_ideas(other, into=idea, actor=staff)
        elif event == "approve":
            services.edit_idea(idea, author=idea.author, title="New title", description="D")
            item = factories.pending_item(idea)
            moderation.approve(item.pk, moderator=factories.moderator())
        elif event == "comment":
            factories.make_comment(idea)
    assert state(idea.get_absolute_url()) == "miss"
    if event != "comment":
        assert state(board.url) == "miss"


def test_a_pending_edit_changes_nothing(board, events):
    idea = factories.make_idea(board)
    warm(*pages(board, idea))
    with events():
        services.edit_idea(idea, author=idea.author, title="Not yet", description="D")
    assert state(idea.get_absolute_url()) == "hit"


def test_a_cached_idea_page_does_not_outlive_its_stage_deadline():
    start = timezone.now()
    board = factories.make_board(goal=10, stages=[(5, 10)])
    with time_machine.travel(start, tick=False):
        idea = factories.make_idea(board)
    with time_machine.travel(start + timedelta(days=9, hours=23, minutes=59, seconds=30)):
        warm(idea.get_absolute_url())
    with time_machine.travel(start + timedelta(days=10, seconds=1)):
        response = Client().get(idea.get_absolute_url())
        assert response[page_cache.HEADER] == "miss"
