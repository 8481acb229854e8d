"""Live counts that converge (community/live.py) through channels' WebsocketCommunicator.

They run on the channel layer and cache of the settings: in-memory on the SQLite run, Redis
(channels-redis and the shared dirty sets, locks and versions) on the PostgreSQL + Redis run."""

import asyncio
import json
import time
from datetime import timedelta

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client
from django.utils import timezone

from community import live
from config.asgi import application
from contests import services
from contests.models import Vote
from ideas import services as idea_services
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.asyncio,
]
ORIGIN = [(b"origin", b"http://localhost")]


@pytest_asyncio.fixture(autouse=True)
async def close_worker_connections():
    yield
    await database_sync_to_async(connections.close_all)()


def socket(path: str, headers=ORIGIN) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, path, headers=headers)


async def collect(communicator, seconds: float) -> list[tuple[float, dict]]:
    """Every message received in the next `seconds`, with its arrival time. (Reads the output
    queue directly: the communicator's own timeout would cancel the application.)"""
    received, deadline = [], time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            message = await asyncio.wait_for(communicator.output_queue.get(), timeout=left)
        except TimeoutError:
            break
        assert message["type"] == "websocket.send", message
        received.append((time.monotonic(), json.loads(message["text"])))
    return received


@database_sync_to_async
def voting_contest(entries: int = 3, voters: int = 0, **fields):
    contest = factories.make_contest("voting", **fields)
    made = [factories.make_entry(contest) for _ in range(entries)]
    # Established members: a burst of fresh accounts would be held by the velocity rule.
    joined = timezone.now() - timedelta(days=365)
    people = [factories.UserFactory(date_joined=joined) for _ in range(voters)]
    return contest, made, people


@database_sync_to_async
def db_totals(contest) -> dict[str, int]:
    return {
        str(e.pk): Vote.objects.counted().filter(entry=e).count()
        for e in contest.entries.filter(live=True)
    }


async def test_a_burst_of_votes_sends_one_message_per_second_with_the_database_totals():
    contest, entries, voters = await voting_contest(entries=3, voters=40)
    watcher = socket(f"/ws/contests/{contest.slug}/")
    assert (await watcher.connect())[0]
    cast = database_sync_to_async(services.cast_vote)
    started = time.monotonic()
    for i, voter in enumerate(voters):
        await cast(entries[i % 3], voter=voter)
    burst = time.monotonic() - started
    received = await collect(watcher, burst + 2.5)
    await watcher.disconnect()

    window = live.window()
    assert received, "no live message at all"
    # At most one message per window: as many as windows the burst spanned, plus the last.
    assert len(received) <= int(burst / window) + 2
    times = [at for at, _event in received]
    assert all(b - a >= 0.9 * window for a, b in zip(times, times[1:], strict=False))
    # Far fewer messages than votes, and the last one shows the database's totals.
    assert len(received) < len(voters) / 4
    shown: dict[str, int] = {}
    for _at, event in received:
        assert event["type"] == "votes.changed"
        shown.update(event["totals"])
    assert shown == await db_totals(contest)


async def test_versions_increase_and_no_total_goes_back():
    contest, entries, voters = await voting_contest(entries=2, voters=12)
    watcher = socket(f"/ws/contests/{contest.slug}/")
    assert (await watcher.connect())[0]
    cast = database_sync_to_async(services.cast_vote)
    for i, voter in enumerate(voters):
        await cast(entries[i % 2], voter=voter)
        if i % 4 == 3:
            await asyncio.sleep(live.window())  # several windows, several messages
    received = [event for _at, event in await collect(watcher, 2.5)]
    await watcher.disconnect()

    versions = [event["version"] for event in received]
    assert len(versions) >= 2
    assert versions == sorted(set(versions)), "versions must strictly increase"
    seen: dict[str, int] = {}
    for event in received:  # only votes were cast: a later message never shows fewer
        for entry_id, votes in event["totals"].items():
            assert votes >= seen.get(entry_id, 0)
            seen[entry_id] = votes
    assert seen == await db_totals(contest)


async def test_the_totals_endpoint_gives_every_total_at_least_as_new_as_the_last_message():
    contest, entries, voters = await voting_contest(entries=2, voters=3)
    watcher = socket(f"/ws/contests/{contest.slug}/")
    assert (await watcher.connect())[0]
    for voter in voters:
        await database_sync_to_async(services.cast_vote)(entries[0], voter=voter)
    event = await watcher.receive_json_from(timeout=3)
    await watcher.disconnect()

    response = await database_sync_to_async(Client().get)(f"/api/v1/contests/{contest.slug}/totals")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["version"] >= event["version"]
    assert body["totals"] == {str(entries[0].pk): 3, str(entries[1].pk): 0}


async def test_hidden_totals_are_sent_nowhere():
    contest, entries, voters = await voting_contest(entries=1, voters=2, show_running_totals=False)
    watcher = socket(f"/ws/contests/{contest.slug}/")
    assert (await watcher.connect())[0]
    for voter in voters:
        await database_sync_to_async(services.cast_vote)(entries[0], voter=voter)
    assert await watcher.receive_nothing(timeout=live.window() + 0.8)
    await watcher.disconnect()
    response = await database_sync_to_async(Client().get)(f"/api/v1/contests/{contest.slug}/totals")
    assert response.status_code == 409
    assert "totals" not in response.json()


async def test_supports_on_a_board_are_coalesced_and_refetchable():
    @database_sync_to_async
    def board_with_ideas():
        board = factories.make_board()
        return (
            board,
            [factories.make_idea(board) for _ in range(2)],
            [factories.UserFactory() for _ in range(6)],
        )

    board, ideas, members = await board_with_ideas()
    watcher = socket(f"/ws/ideas/{board.slug}/")
    assert (await watcher.connect())[0]
    for i, member in enumerate(members):
        await database_sync_to_async(idea_services.support_idea)(ideas[i % 2], member=member)
    received = [event for _at, event in await collect(watcher, 2.5)]
    await watcher.disconnect()
    assert 1 <= len(received) <= 2
    shown: dict[str, int] = {}
    for event in received:
        assert event["type"] == "supports.changed"
        shown.update(event["totals"])
    expected = {
        str(idea.pk): await database_sync_to_async(idea_services.support_count)(idea)
        for idea in ideas
    }
    assert shown == expected
    response = await database_sync_to_async(Client().get)(f"/api/v1/boards/{board.slug}/supports")
    assert response.status_code == 200
    assert response.json()["totals"] == expected
    assert response.json()["version"] >= received[-1]["version"]


async def test_the_store_lets_one_writer_per_window_flush_and_gives_consecutive_versions():
    store = live._shared if live._shared.configured() else live._local
    group = f"test-store-{time.monotonic_ns()}"
    assert store.mark(group, {1}) is True  # the first writer arms the flush
    assert store.mark(group, {2, 3}) is False  # later writers only add their items
    ids, version = store.take(group)
    assert ids == {1, 2, 3}
    assert store.mark(group, {4}) is True  # after the flush took them, a new window
    ids, next_version = store.take(group)
    assert ids == {4} and next_version == version + 1
    assert store.version(group) == next_version


# Degradation -------------------------------------------------------------------------------
async def test_joining_while_the_channel_layer_fails_is_refused_cleanly(monkeypatch):
    contest, _entries, _voters = await voting_contest(entries=1)

    async def broken(*args, **kwargs):
        raise ConnectionError("layer down")

    monkeypatch.setattr(get_channel_layer(), "group_add", broken)
    watcher = socket(f"/ws/contests/{contest.slug}/")
    connected, _ = await watcher.connect()
    assert connected  # accepted, then closed at once with "try again later": never a 500
    closed = await watcher.receive_output(timeout=2)
    assert closed == {"type": "websocket.close", "code": 4503}


async def test_a_socket_whose_channel_layer_goes_away_is_closed_to_reconnect(monkeypatch):
    contest, _entries, _voters = await voting_contest(entries=1)
    layer = get_channel_layer()
    original = layer.receive
    failing = asyncio.Event()

    async def receive(channel):
        await failing.wait()
        raise ConnectionError("layer down")

    monkeypatch.setattr(layer, "receive", receive)
    watcher = socket(f"/ws/contests/{contest.slug}/")
    assert (await watcher.connect())[0]
    failing.set()
    assert await watcher.receive_output(timeout=2) == {"type": "websocket.close", "code": 4503}
    monkeypatch.setattr(layer, "receive", original)


async def test_votes_succeed_while_the_channel_layer_fails(monkeypatch):
    contest, entries, voters = await voting_contest(entries=1, voters=2)

    async def broken(*args, **kwargs):
        raise ConnectionError("layer down")

    monkeypatch.setattr(get_channel_layer(), "group_send", broken)
    for voter in voters:
        assert await database_sync_to_async(services.cast_vote)(entries[0], voter=voter)
    await asyncio.sleep(live.window() + 0.3)  # the flush fails quietly
    assert await db_totals(contest) == {str(entries[0].pk): 2}


# Origin ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "headers", [[(b"origin", b"https://evil.example")], []], ids=["foreign", "missing"]
)
async def test_a_foreign_or_missing_origin_is_refused(settings, headers):
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    contest, _entries, _voters = await voting_contest(entries=1)
    watcher = socket(f"/ws/contests/{contest.slug}/", headers=headers)
    connected, _ = await watcher.connect()
    assert not connected
    allowed = socket(f"/ws/contests/{contest.slug}/")
    assert (await allowed.connect())[0]
    await allowed.disconnect()
