"""Live notifications (ws/notifications/): a member's own group only."""

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async

from community.notifications import mark_all_read, notify, notify_many
from tests import factories
from tests.live_helpers import collect, finish, session_cookie, settle, socket

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.asyncio,
]
PATH = "/ws/notifications/"


@pytest_asyncio.fixture(autouse=True)
async def close_worker_connections():
    yield
    await settle()


@database_sync_to_async
def member_session():
    member = factories.UserFactory()
    return member, session_cookie(member)


async def test_visitors_are_refused():
    visitor = socket(PATH)
    connected, code = await visitor.connect()
    assert not connected and code == 4403
    await finish(visitor)


async def test_each_member_hears_only_about_their_own_notifications():
    alice, alice_cookie = await member_session()
    bob, bob_cookie = await member_session()
    alice_socket, bob_socket = socket(PATH, alice_cookie), socket(PATH, bob_cookie)
    assert (await alice_socket.connect())[0] and (await bob_socket.connect())[0]
    # On joining, each gets their own summary.
    summary = {"type": "notifications", "unread": 0, "latest": []}
    assert await collect(alice_socket, 0.5) == [summary]
    assert (await collect(bob_socket, 0.5))[0]["unread"] == 0

    await database_sync_to_async(notify)(
        alice,
        kind="moderation.approved",
        params={"model": "contests.entry", "title": "Aurora"},
        email=False,
    )
    [event] = await collect(alice_socket, 1.0)
    assert event["unread"] == 1
    assert event["latest"][0]["message"] == "Your entry “Aurora” was approved and is now public."
    assert await collect(bob_socket, 0.5) == []

    await database_sync_to_async(notify_many)(
        [alice, bob], kind="contest.results", params={"contest": "Tazza"}, email=False
    )
    assert (await collect(alice_socket, 1.0))[0]["unread"] == 2
    bob_event = (await collect(bob_socket, 1.0))[0]
    assert bob_event["unread"] == 1
    assert [n["message"] for n in bob_event["latest"]] == [
        "The results of “Tazza” are out. Thank you for taking part!"
    ]

    await database_sync_to_async(mark_all_read)(alice)
    assert (await collect(alice_socket, 1.0))[0]["unread"] == 0
    await finish(alice_socket)
    await finish(bob_socket)
