"""The totals endpoints that live pages refetch (community.live.versioned_totals): one database
read per live version for a herd of refetches, hidden totals as hidden as ever, and answers from
the database when the cache does not answer. On the SQLite run the cache is in memory and the
versions are the process's; on the PostgreSQL + Redis run both are in Redis."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community import live
from contests import services
from ideas import services as idea_services
from tests import factories
from tests.api.conftest import api
from tests.test_health import DEAD_REDIS

pytestmark = pytest.mark.django_db


def next_version(kind: str, container_id: int) -> None:
    """What a flush does: the group's version moves on."""
    group = live._kinds[kind].group(container_id)
    store = live._shared if live._shared.configured() else live._local
    store.take(group, force=True)


def reads_of(table: str, queries) -> list[str]:
    return [q["sql"] for q in queries if f'"{table}"' in q["sql"]]


@pytest.fixture
def voting():
    contest = factories.make_contest("voting")
    entries = [factories.make_entry(contest) for _ in range(2)]
    for voter in factories.UserFactory.create_batch(2):
        services.cast_vote(entries[0], voter=voter)
    return contest, entries


def test_a_second_refetch_at_the_same_version_does_not_read_the_totals(
    client, voting, django_assert_num_queries
):
    contest, entries = voting
    url = api(f"contests/{contest.slug}/totals")
    with CaptureQueriesContext(connection) as first:
        one = client.get(url)
    assert one.status_code == 200
    assert one.json()["totals"] == {str(entries[0].pk): 2, str(entries[1].pk): 0}
    totals_reads = len(reads_of("contests_vote", first))
    assert totals_reads == 1
    # The contest is still looked up (hidden or not is decided per request); the totals are not.
    with django_assert_num_queries(len(first) - 2) as second:  # the entries and their votes
        two = client.get(url)
    assert reads_of("contests_vote", second.captured_queries) == []
    assert two.json() == one.json()
    assert two["Cache-Control"] == "no-store"


def test_a_new_version_reads_the_totals_again(client, voting):
    contest, entries = voting
    url = api(f"contests/{contest.slug}/totals")
    before = client.get(url).json()
    services.cast_vote(entries[1], voter=factories.UserFactory())
    next_version("votes", contest.pk)
    after = client.get(url).json()
    assert after["version"] > before["version"]
    assert after["totals"] == {str(entries[0].pk): 2, str(entries[1].pk): 1}


def test_a_body_older_than_the_cache_age_is_read_again(client, voting, settings):
    settings.LIVE_TOTALS_CACHE_SECONDS = 0.2
    contest, _entries = voting
    url = api(f"contests/{contest.slug}/totals")
    client.get(url)
    time.sleep(0.25)
    with CaptureQueriesContext(connection) as again:
        client.get(url)
    assert len(reads_of("contests_vote", again)) == 1


def test_hidden_totals_are_never_cached_nor_sent(client, voting):
    contest, _entries = voting
    url = api(f"contests/{contest.slug}/totals")
    assert client.get(url).status_code == 200  # cached now
    contest.show_running_totals = False
    contest.save()
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 409
        assert "totals" not in response.json()

    hidden = factories.make_contest("voting", show_running_totals=False)
    entry = factories.make_entry(hidden)
    services.cast_vote(entry, voter=factories.UserFactory())
    hidden_url = api(f"contests/{hidden.slug}/totals")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(hidden_url).status_code == 409
    assert reads_of("contests_vote", queries) == []


def test_the_totals_come_from_the_database_when_the_cache_does_not_answer(client, voting, settings):
    contest, entries = voting
    settings.CACHES = {
        "default": {"BACKEND": "config.resilient_cache.ResilientRedisCache", "LOCATION": DEAD_REDIS}
    }
    url = api(f"contests/{contest.slug}/totals")
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert response.json() == {
            "version": None,  # no version without Redis: pages apply it and go on
            "totals": {str(entries[0].pk): 2, str(entries[1].pk): 0},
            "averages": None,
        }


def test_a_boards_supports_are_read_once_per_version(client):
    board = factories.make_board()
    ideas = [factories.make_idea(board) for _ in range(2)]
    idea_services.support_idea(ideas[0], member=factories.UserFactory())
    url = api(f"boards/{board.slug}/supports")
    with CaptureQueriesContext(connection) as first:
        one = client.get(url)
    assert one.status_code == 200
    assert one.json()["totals"][str(ideas[0].pk)] == 1
    assert reads_of("ideas_support", first)
    with CaptureQueriesContext(connection) as second:
        two = client.get(url)
    assert two.json() == one.json()
    assert reads_of("ideas_support", second) == []

    idea_services.support_idea(ideas[1], member=factories.UserFactory())
    next_version("supports", board.pk)
    three = client.get(url).json()
    assert three["version"] > one.json()["version"]
    assert three["totals"][str(ideas[1].pk)] == 1
