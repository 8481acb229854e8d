"""Live updates of a contest page: new approved entries, coalesced vote totals, results.

Vote totals come at most once per second per contest, as {"version", "totals", "averages"?}
for the entries that changed (community/live.py); hidden totals are never sent.
"""

from channels.db import database_sync_to_async

from community.consumers import CLOSE_NOT_FOUND, LiveConsumer
from contests.models import ContestPage


class ContestConsumer(LiveConsumer):
    @database_sync_to_async
    def _find_contest_id(self, slug: str) -> int | None:
        return (
            ContestPage.objects.live()
            .public()
            .filter(slug=slug)
            .values_list("pk", flat=True)
            .first()
        )

    async def group_for_scope(self):
        from contests.services import contest_group

        contest_id = await self._find_contest_id(self.scope["url_route"]["kwargs"]["slug"])
        if contest_id is None:
            return CLOSE_NOT_FOUND
        return contest_group(contest_id)

    # Group events ------------------------------------------------------------------------
    async def entry_published(self, event):
        await self.send_json(event)

    async def votes_changed(self, event):
        await self.send_json(event)

    async def results_announced(self, event):
        await self.send_json(event)
