"""Django's ASGI handler, with the middleware and the view run in one thread hop.

In Django's own, each request crosses between the event loop and its worker thread again and
again: into the middleware chain, back to the loop for URL resolution, out again for each
middleware's `process_view`, for the view and for rendering its template response. Every
crossing copies and restores the request's context variables (asgiref), about a sixth of the
CPU a signed-in gallery page costs on the server. Every middleware of the project is
synchronous anyway, and so are the views: here the whole synchronous chain runs in one crossing,
exactly as Django's WSGI handler runs it. Reading the request and sending the response stay
asynchronous (Django's), and so does everything channels does for WebSockets.

At most WEB_REQUEST_SLOTS requests of a worker process (of its event loop) run their
synchronous part at once; the others wait in the event loop. Each runs in a thread of its own,
and a dozen threads taking turns at one interpreter lock cost more CPU per request than they
save (README, "Production"). WebSockets and the sending of responses do not take a slot.
"""

import asyncio
import weakref

import django
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler


class SyncChainASGIHandler(ASGIHandler):
    def __init__(self, slots: int | None = None):
        super().__init__()
        self.slot_count = settings.WEB_REQUEST_SLOTS if slots is None else slots
        # One semaphore per event loop (a semaphore belongs to the loop it first waited in): a
        # worker process has one; tests and embedded servers may run several in turn.
        self._slots: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        respond = sync_to_async(self.get_response, thread_sensitive=True)
        if self.slot_count <= 0:
            return await respond(request)
        loop = asyncio.get_running_loop()
        slots = self._slots.get(loop)
        if slots is None:
            slots = self._slots[loop] = asyncio.Semaphore(self.slot_count)
        async with slots:
            return await respond(request)


def get_asgi_application() -> SyncChainASGIHandler:
    """As django.core.asgi.get_asgi_application, with the handler above."""
    django.setup(set_prefix=False)
    return SyncChainASGIHandler()
