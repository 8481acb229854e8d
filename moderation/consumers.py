"""ws/moderation/queue/: the live queue, for moderators only.

Joining needs a moderator's session that has passed the second factor (as the desk does). The
permission is checked again before each event is forwarded and every LIVE_RECHECK_SECONDS: a
moderator who lost the role is dropped (close code 4403)."""

import asyncio
import contextlib

from channels.db import database_sync_to_async
from django.conf import settings

from community.consumers import CLOSE_NOT_ALLOWED, LiveConsumer
from community.models import User
from community.rules import is_moderator
from community.second_factor import passed_second_factor
from moderation.live import QUEUE_GROUP


class _SessionRequest:
    """What passed_second_factor reads from a request: the session and the user."""

    def __init__(self, scope):
        self.session = scope.get("session")
        self.user = scope.get("user")


class ModerationQueueConsumer(LiveConsumer):
    user_id: int | None = None
    _recheck: asyncio.Task | None = None
    _dropped = False

    @database_sync_to_async
    def _may_join(self) -> bool:
        user = self.scope.get("user")
        if user is None or not is_moderator(user):
            return False
        return passed_second_factor(_SessionRequest(self.scope))

    @database_sync_to_async
    def _still_moderator(self) -> bool:
        user = User.objects.filter(pk=self.user_id).first()  # fresh: no cached permissions
        return user is not None and is_moderator(user)

    async def group_for_scope(self):
        if not await self._may_join():
            return CLOSE_NOT_ALLOWED
        self.user_id = self.scope["user"].pk
        return QUEUE_GROUP

    async def joined(self):
        self._recheck = asyncio.get_running_loop().create_task(self._recheck_periodically())

    async def _recheck_periodically(self):
        every = float(getattr(settings, "LIVE_RECHECK_SECONDS", 60))
        while True:
            await asyncio.sleep(every)
            if not await self._still_moderator():
                await self._drop()
                return

    async def disconnect(self, code):
        if self._recheck is not None:
            self._recheck.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._recheck
        await super().disconnect(code)

    async def _drop(self):
        if not self._dropped:
            self._dropped = True
            await self.close(code=CLOSE_NOT_ALLOWED)

    async def _forward(self, event):
        if self._dropped:
            return
        if not await self._still_moderator():
            await self._drop()
            return
        if event.get("by") is not None and event["by"] == self.user_id:
            event = {**event, "mine": True}
        await self.send_json(event)

    async def queue_item_added(self, event):
        await self._forward(event)

    async def queue_item_left(self, event):
        await self._forward(event)
