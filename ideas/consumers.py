"""Live support totals of an ideas board: {"type": "supports.changed", "version", "totals"},
coalesced to at most one message per second per board (community/live.py)."""

from channels.db import database_sync_to_async

from community.consumers import CLOSE_NOT_FOUND, LiveConsumer
from ideas.models import IdeasBoardPage


class BoardConsumer(LiveConsumer):
    @database_sync_to_async
    def _find_board_id(self, slug: str) -> int | None:
        return (
            IdeasBoardPage.objects.live()
            .public()
            .filter(slug=slug)
            .values_list("pk", flat=True)
            .first()
        )

    async def group_for_scope(self):
        from ideas.services import board_group

        board_id = await self._find_board_id(self.scope["url_route"]["kwargs"]["slug"])
        if board_id is None:
            return CLOSE_NOT_FOUND
        return board_group(board_id)

    async def supports_changed(self, event):
        await self.send_json(event)
