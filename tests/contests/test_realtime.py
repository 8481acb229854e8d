import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from config.asgi import application
from contests import services
from moderation import services as moderation_services
from moderation.models import ModerationItem
from tests import factories
from tests.live_helpers import finish, settle

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.asyncio,
]


@pytest_asyncio.fixture(autouse=True)
async def close_worker_connections():
    """database_sync_to_async runs queries in a worker thread: close its connection, or
    PostgreSQL keeps a session open and the test database cannot be dropped."""
    yield
    await settle()


def connect(slug: str) -> WebsocketCommunicator:
    return WebsocketCommunicator(
        application, f"/ws/contests/{slug}/", headers=[(b"origin", b"http://localhost")]
    )


async def test_votes_and_approvals_are_pushed_after_commit():
    contest = await database_sync_to_async(factories.make_contest)("voting")
    entry = await database_sync_to_async(factories.make_entry)(contest)
    voter = await database_sync_to_async(factories.UserFactory)()
    socket = connect(contest.slug)
    connected, _ = await socket.connect()
    assert connected

    await database_sync_to_async(services.cast_vote)(entry, voter=voter)
    event = await socket.receive_json_from(timeout=3)
    assert event["type"] == "votes.changed"
    assert event["totals"] == {str(entry.pk): 1}
    assert isinstance(event["version"], int)

    pending = await database_sync_to_async(factories.make_entry)(contest, approved=False)
    item = await database_sync_to_async(ModerationItem.objects.get)(object_id=pending.pk)
    mod = await database_sync_to_async(factories.moderator)()
    await database_sync_to_async(moderation_services.approve)(item.pk, moderator=mod)
    event = await socket.receive_json_from(timeout=3)
    assert event["type"] == "entry.published" and event["entry_id"] == pending.pk
    await finish(socket)


async def test_pending_submissions_send_nothing():
    contest = await database_sync_to_async(factories.make_contest)("submissions")
    socket = connect(contest.slug)
    assert (await socket.connect())[0]
    await database_sync_to_async(factories.make_entry)(contest, approved=False)
    assert await socket.receive_nothing(timeout=0.5)
    await finish(socket)


async def test_bad_messages_get_a_clear_error_and_the_socket_stays_open():
    contest = await database_sync_to_async(factories.make_contest)("voting")
    socket = connect(contest.slug)
    assert (await socket.connect())[0]
    await socket.send_to(text_data="{not json")
    assert (await socket.receive_json_from())["type"] == "error"
    await socket.send_json_to({"type": "vote", "entry": 1})
    error = await socket.receive_json_from()
    assert error["type"] == "error" and "only accepts pings" in error["message"]
    await socket.send_to(bytes_data=b"\x00\x01")
    assert (await socket.receive_json_from())["type"] == "error"
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from() == {"type": "pong"}
    await finish(socket)


async def test_unknown_contest_is_refused():
    socket = connect("no-such-contest")
    connected, code = await socket.connect()
    assert not connected and code == 4404
    await finish(socket)


async def test_a_broken_channel_layer_does_not_fail_the_vote(monkeypatch):
    contest = await database_sync_to_async(factories.make_contest)("voting")
    entry = await database_sync_to_async(factories.make_entry)(contest)
    voter = await database_sync_to_async(factories.UserFactory)()

    async def broken(*args, **kwargs):
        raise ConnectionError("layer down")

    layer = get_channel_layer()
    group_send = layer.group_send
    monkeypatch.setattr(layer, "group_send", broken)
    assert await database_sync_to_async(services.cast_vote)(entry, voter=voter)
    assert await database_sync_to_async(services.vote_count)(entry) == 1

    # The flush keeps the totals and retries (community/live.py): once the layer answers
    # again, it sends them and is done.
    sent = []

    async def recording(group, message):
        sent.append(message)
        await group_send(group, message)

    monkeypatch.setattr(layer, "group_send", recording)
    from community import live

    assert await live.drain(timeout=20), "the failed flush was not retried"
    assert [m["totals"] for m in sent if m.get("type") == "votes.changed"] == [{str(entry.pk): 1}]


async def test_hidden_running_totals_send_nothing_on_the_socket():
    contest = await database_sync_to_async(factories.make_contest)(
        "voting", show_running_totals=False
    )
    entry = await database_sync_to_async(factories.make_entry)(contest)
    voter = await database_sync_to_async(factories.UserFactory)()
    socket = connect(contest.slug)
    assert (await socket.connect())[0]
    assert await database_sync_to_async(services.cast_vote)(entry, voter=voter)
    assert await database_sync_to_async(services.withdraw_vote)(entry, voter=voter)
    assert await socket.receive_nothing(timeout=1.5)  # past the coalescing window
    await finish(socket)


async def test_score_voting_pushes_the_average_when_totals_are_public():
    contest = await database_sync_to_async(factories.make_contest)("voting", voting_method="score")
    entry = await database_sync_to_async(factories.make_entry)(contest)
    voter = await database_sync_to_async(factories.UserFactory)()
    socket = connect(contest.slug)
    assert (await socket.connect())[0]
    await database_sync_to_async(services.cast_vote)(entry, voter=voter, score=4)
    event = await socket.receive_json_from(timeout=3)
    assert event["totals"] == {str(entry.pk): 1}
    assert event["averages"] == {str(entry.pk): 4.0}
    await finish(socket)
