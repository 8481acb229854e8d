"""The live moderation queue (ws/moderation/queue/): moderators only, minimal events."""

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from django.contrib.auth.models import Group

from moderation import claims
from moderation import services as moderation_services
from moderation.models import ModerationItem
from tests import factories
from tests.live_helpers import collect, finish, session_cookie, settle, socket

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.asyncio,
]
QUEUE = "/ws/moderation/queue/"
ALLOWED_KEYS = {"type", "item_id", "kind", "counts", "reason", "by", "mine"}


@pytest_asyncio.fixture(autouse=True)
async def close_worker_connections():
    yield
    await settle()


@database_sync_to_async
def moderator_session(second_factor: bool = True):
    mod = factories.moderator()
    return mod, session_cookie(mod, second_factor=second_factor)


async def test_members_visitors_and_moderators_without_second_factor_are_refused():
    member = await database_sync_to_async(factories.UserFactory)()
    cookie = await database_sync_to_async(session_cookie)(member)
    for communicator in (socket(QUEUE, cookie), socket(QUEUE)):
        connected, code = await communicator.connect()
        assert not connected and code == 4403
        await finish(communicator)
    _mod, half = await moderator_session(second_factor=False)
    desk = socket(QUEUE, half)
    connected, code = await desk.connect()
    assert not connected and code == 4403
    await finish(desk)


async def test_items_come_and_leave_with_ids_kinds_and_counts_only():
    mod, cookie = await moderator_session()
    other = await database_sync_to_async(factories.moderator)()
    desk = socket(QUEUE, cookie)
    assert (await desk.connect())[0]

    contest = await database_sync_to_async(factories.make_contest)("submissions")
    entry = await database_sync_to_async(factories.make_entry)(
        contest, approved=False, title="Secret pending title"
    )
    item = await database_sync_to_async(ModerationItem.objects.get)(object_id=entry.pk)
    added = await collect(desk, 1.0)
    assert added == [
        {
            "type": "queue.item_added",
            "item_id": item.pk,
            "kind": "entry",
            "counts": {"pending": 1, "flagged": 0},
        }
    ]

    await database_sync_to_async(claims.claim)(item.pk, moderator=other)
    await database_sync_to_async(moderation_services.approve)(item.pk, moderator=other)
    left = await collect(desk, 1.0)
    assert [(e["type"], e["reason"], e["by"]) for e in left] == [
        ("queue.item_left", "claimed", other.pk),
        ("queue.item_left", "decided", other.pk),
    ]
    assert left[-1]["counts"] == {"pending": 0, "flagged": 0}
    for event in added + left:
        assert set(event) <= ALLOWED_KEYS
        assert "Secret" not in str(event)
    await finish(desk)


async def test_a_demoted_moderator_is_dropped_at_the_next_event():
    mod, cookie = await moderator_session()
    desk = socket(QUEUE, cookie)
    assert (await desk.connect())[0]

    @database_sync_to_async
    def demote():
        mod.groups.remove(*Group.objects.filter(user=mod))

    await demote()
    contest = await database_sync_to_async(factories.make_contest)("submissions")
    await database_sync_to_async(factories.make_entry)(contest, approved=False)
    assert await collect(desk, 1.5) == [{"closed": 4403}]
    await finish(desk)


async def test_a_demoted_moderator_is_dropped_even_when_nothing_happens(settings):
    settings.LIVE_RECHECK_SECONDS = 0.2
    mod, cookie = await moderator_session()
    desk = socket(QUEUE, cookie)
    assert (await desk.connect())[0]

    @database_sync_to_async
    def demote():
        mod.groups.clear()
        mod.user_permissions.clear()

    await demote()
    assert await collect(desk, 2.0) == [{"closed": 4403}]
    await finish(desk)
