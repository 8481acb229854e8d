"""Live updates of a contest page: new approved entries, vote counts, results.

Clients only listen; the one message they may send is a ping. Anything else gets an error
message and the connection stays open.
"""

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

from contests.models import ContestPage


class ContestConsumer(AsyncJsonWebsocketConsumer):
    group_name: str | None = None

    @database_sync_to_async
    def _find_contest_id(self, slug: str) -> int | None:
        return (
            ContestPage.objects.live()
            .public()
            .filter(slug=slug)
            .values_list("pk", flat=True)
            .first()
        )

    async def connect(self):
        from contests.services import contest_group

        contest_id = await self._find_contest_id(self.scope["url_route"]["kwargs"]["slug"])
        if contest_id is None:
            await self.close(code=4404)
            return
        self.group_name = contest_group(contest_id)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None:
            await self.send_json({"type": "error", "message": _("Send JSON text messages.")})
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.send_json({"type": "error", "message": _("That message is not valid JSON.")})
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
            return
        await self.send_json(
            {"type": "error", "message": _("Unknown message: this channel only accepts pings.")}
        )

    # Group events ------------------------------------------------------------------------
    async def entry_published(self, event):
        await self.send_json(event)

    async def votes_changed(self, event):
        await self.send_json(event)

    async def results_announced(self, event):
        await self.send_json(event)
