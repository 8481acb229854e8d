"""Live counts that converge (community/live.py) through channels' WebsocketCommunicator.

They run on the channel layer and cache of the settings: in-memory on the SQLite run, Redis
(channels-redis and the shared dirty sets, locks and versions) on the PostgreSQL + Redis run."""

import asyncio
import contextlib
import dataclasses
import json
import time
from datetime import timedelta

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from community import live
from config.asgi import application
from contests import services
from contests.models import Vote
from ideas import services as idea_services
from tests import factories
from tests.live_helpers import finish, retrying_sqlite_locks, settle

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.asyncio,
]
ORIGIN = [(b"origin", b"http://localhost")]
# The writes of these tests, from the test's thread while live flushes read in theirs.
cast_vote = database_sync_to_async(retrying_sqlite_locks(services.cast_vote))
support_idea = database_sync_to_async(retrying_sqlite_locks(idea_services.support_idea))


@pytest_asyncio.fixture(autouse=True)
async def close_worker_connections():
    yield
    await settle()


def socket(path: str, headers=ORIGIN) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, path, headers=headers)


async def collect(
    communicator, seconds: float, received: list | None = None
) -> list[tuple[float, dict]]:
    """Every message received in the next `seconds`, with its arrival time. (Reads the output
    queue directly: the communicator's own timeout would cancel the application.)"""
    received, deadline = [] if received is None else received, time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            message = await asyncio.wait_for(communicator.output_queue.get(), timeout=left)
        except TimeoutError:
            break
        assert message["type"] == "websocket.send", message
        received.append((time.monotonic(), json.loads(message["text"])))
    return received


async def collect_first(communicator, count: int, *, within: float, then: float = 0.5) -> list:
    """The messages until `count` have come (waiting at most `within` seconds: a retry on a slow
    machine may take a while), plus any that come `then` seconds after (so a duplicate is still
    seen)."""
    received, deadline = [], time.monotonic() + within
    while len(received) < count and (left := deadline - time.monotonic()) > 0:
        await collect(communicator, min(left, 0.1), received)
    return await collect(communicator, then, received)


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
    cast = cast_vote
    # Listen while the votes are cast: arrival times are when the messages came, not when
    # the test got round to reading them (the burst may last several windows on a busy box).
    received: list[tuple[float, dict]] = []
    listening = asyncio.create_task(collect(watcher, 3600, received))
    started = time.monotonic()
    for i, voter in enumerate(voters):
        await cast(entries[i % 3], voter=voter)
    burst = time.monotonic() - started
    await asyncio.sleep(2.5)
    listening.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await listening
    await finish(watcher)

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
    cast = cast_vote
    for i, voter in enumerate(voters):
        await cast(entries[i % 2], voter=voter)
        if i % 4 == 3:
            await asyncio.sleep(live.window())  # several windows, several messages
    received = [event for _at, event in await collect(watcher, 2.5)]
    await finish(watcher)

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
        await cast_vote(entries[0], voter=voter)
    event = await watcher.receive_json_from(timeout=3)
    await finish(watcher)

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
        await cast_vote(entries[0], voter=voter)
    assert await watcher.receive_nothing(timeout=live.window() + 0.8)
    await finish(watcher)
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
        await support_idea(ideas[i % 2], member=member)
    received = [event for _at, event in await collect(watcher, 2.5)]
    await finish(watcher)
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


def stores():
    """The in-process store, and the Redis one when the settings have Redis."""
    return [live._local, live._shared] if live._shared.configured() else [live._local]


async def test_the_store_lets_one_writer_per_window_flush_and_gives_consecutive_versions():
    for store in stores():
        group = f"test-store-{time.monotonic_ns()}"
        assert store.mark(group, {1}, "first") is True  # the first writer arms the flush
        assert store.mark(group, {2, 3}, "second") is False  # later writers only add items
        ids, version = store.take(group)
        assert ids == {1, 2, 3}
        # The flusher keeps the lock through its send: a writer now does not arm a second one.
        assert store.mark(group, {4}, "third") is False
        assert store.release(group, "second") is False  # only the holder releases
        # Items were marked meanwhile: the holder keeps the lock for one more flush.
        assert store.release(group, "first") is True
        assert store.mark(group, {5}, "fourth") is False
        ids, next_version = store.take(group)
        assert ids == {4, 5} and next_version == version + 1
        assert store.release(group, "first") is False  # nothing left: released
        assert store.mark(group, {6}, "fifth") is True  # a new window
        assert store.version(group) == next_version


async def test_a_take_with_nothing_dirty_uses_up_no_version():
    """A flusher that finds nothing to send (another flusher sent its items after its lock
    expired under load) must not skip a version: every watcher would see a gap and refetch the
    totals at once, for nothing."""
    for store in stores():
        group = f"test-store-{time.monotonic_ns()}"
        store.mark(group, {1}, "first")
        _ids, version = store.take(group)
        ids, _version = store.take(group)  # nothing dirty
        assert ids == set()
        store.mark(group, {2}, "second")
        assert store.take(group) == ({2}, version + 1)


async def test_a_slow_send_keeps_the_lock_so_versions_reach_the_group_in_order(
    settings, monkeypatch
):
    """A flusher that let go of its lock before sending would let a second flusher send a newer
    version first, then send its older one: the watchers would show the older totals."""
    settings.LIVE_COALESCE_SECONDS = 0.2
    contest, entries, voters = await voting_contest(entries=1, voters=3)
    watcher = socket(f"/ws/contests/{contest.slug}/")
    assert (await watcher.connect())[0]
    original, sends = live.realtime.send_async, []

    async def first_send_is_slow(group, event):
        sends.append(event["version"])
        if len(sends) == 1:
            await asyncio.sleep(1.0)  # a slow database read or a busy event loop
        return await original(group, event)

    monkeypatch.setattr(live.realtime, "send_async", first_send_is_slow)
    cast = cast_vote
    await cast(entries[0], voter=voters[0])
    await asyncio.sleep(0.6)  # the first flush has taken its version and is still sending
    await cast(entries[0], voter=voters[1])
    await cast(entries[0], voter=voters[2])
    received = [event for _at, event in await collect(watcher, 2.5)]
    await finish(watcher)

    versions = [event["version"] for event in received]
    assert len(versions) == 2 and versions[0] < versions[1], versions
    assert [event["totals"] for event in received] == [
        {str(entries[0].pk): 1},
        {str(entries[0].pk): 3},
    ]


async def test_totals_whose_read_failed_go_out_with_a_later_flush(settings, monkeypatch):
    """A flush takes the dirty items, then reads their totals: when the read fails (the
    database does not answer), the items are dirty again and a later flush sends them, rather
    than the watchers staying stale until the next vote on those entries."""
    settings.LIVE_COALESCE_SECONDS = 0.2
    contest, entries, voters = await voting_contest(entries=1, voters=1)
    watcher = socket(f"/ws/contests/{contest.slug}/")
    assert (await watcher.connect())[0]
    kind, reads = live._kinds["votes"], []

    def first_read_fails(container_id, ids):
        reads.append(set(ids))
        if len(reads) == 1:
            raise OperationalError("the database went away")
        return kind.read(container_id, ids)

    monkeypatch.setitem(live._kinds, "votes", dataclasses.replace(kind, read=first_read_fails))
    await cast_vote(entries[0], voter=voters[0])
    received = [event for _at, event in await collect_first(watcher, 1, within=15)]
    await finish(watcher)

    assert reads[:2] == [{entries[0].pk}, {entries[0].pk}]
    assert [event["totals"] for event in received] == [{str(entries[0].pk): 1}]


async def test_totals_whose_send_timed_out_go_out_with_a_later_flush(settings, monkeypatch):
    settings.LIVE_COALESCE_SECONDS = 0.2
    monkeypatch.setattr(live.realtime.circuit, "cooldown", 0.3)
    contest, entries, voters = await voting_contest(entries=1, voters=1)
    watcher = socket(f"/ws/contests/{contest.slug}/")
    assert (await watcher.connect())[0]
    layer = get_channel_layer()
    original, sends = layer.group_send, []

    async def first_send_hangs(group, message):
        sends.append(message.get("version"))
        if len(sends) == 1:
            await asyncio.sleep(10)  # Redis frozen: REDIS_TIMEOUT gives up first
        await original(group, message)

    monkeypatch.setattr(layer, "group_send", first_send_hangs)
    try:
        await cast_vote(entries[0], voter=voters[0])
        received = [event for _at, event in await collect_first(watcher, 1, within=15)]
    finally:
        live.realtime.circuit.reset()
    await finish(watcher)

    assert len(sends) >= 2
    assert [event["totals"] for event in received] == [{str(entries[0].pk): 1}]


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
    await finish(watcher)  # the server closed it: ending it cleanly still works


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
    await finish(watcher)


async def test_votes_succeed_while_the_channel_layer_fails_and_go_out_once_it_answers(
    settings, monkeypatch
):
    settings.LIVE_COALESCE_SECONDS = 0.2
    monkeypatch.setattr(live.realtime.circuit, "cooldown", 0.5)
    contest, entries, voters = await voting_contest(entries=1, voters=2)
    watcher = socket(f"/ws/contests/{contest.slug}/")
    assert (await watcher.connect())[0]
    layer = get_channel_layer()

    async def broken(*args, **kwargs):
        raise ConnectionError("layer down")

    layer.group_send = broken
    try:
        for voter in voters:
            assert await cast_vote(entries[0], voter=voter)
        await asyncio.sleep(1.0)  # the flushes fail quietly, and retry
        assert await db_totals(contest) == {str(entries[0].pk): 2}
        vars(layer).pop("group_send")  # the layer answers again: the totals go out
        received = [event for _at, event in await collect(watcher, 1.5)]
    finally:
        vars(layer).pop("group_send", None)
        live.realtime.circuit.reset()
    await finish(watcher)
    assert [event["totals"] for event in received] == [{str(entries[0].pk): 2}]


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
    await finish(watcher)
    allowed = socket(f"/ws/contests/{contest.slug}/")
    assert (await allowed.connect())[0]
    await finish(allowed)
