"""The ASGI handler (config/asgi_handler.py): the middleware chain and the view in one thread
hop, and at most WEB_REQUEST_SLOTS requests of a process in their synchronous part at once."""

import asyncio
import threading
import time

import pytest
from asgiref import sync
from asgiref.sync import iscoroutinefunction
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpResponse
from django.template import engines
from django.template.response import TemplateResponse
from django.test import override_settings
from django.urls import path

from config.asgi_handler import SyncChainASGIHandler

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

_running = {"now": 0, "most": 0}
_lock = threading.Lock()


def slow_view(request):
    with _lock:
        _running["now"] += 1
        _running["most"] = max(_running["most"], _running["now"])
    time.sleep(0.2)
    with _lock:
        _running["now"] -= 1
    return HttpResponse(f"thread {threading.get_ident()}")


def page_view(request):
    # A template response: Django's own handler renders it in a hop of its own.
    template = engines["django"].from_string("<p>{{ greeting }}</p>")
    return TemplateResponse(request, template, {"greeting": "hello"})


urlpatterns = [path("slow", slow_view), path("page", page_view)]


async def get(handler, url: str) -> tuple[int, bytes]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": url,
        "raw_path": url.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    sent = []
    received = False

    async def receive():
        nonlocal received
        if received:
            await asyncio.sleep(3600)  # no disconnect while the response is made
        received = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    await handler(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body


def crossings(handler, url: str) -> int:
    """How many times the request crossed from the event loop into a worker thread."""
    count = 0
    original = sync.SyncToAsync.__call__

    async def counting(self, *args, **kwargs):
        nonlocal count
        count += 1
        return await original(self, *args, **kwargs)

    sync.SyncToAsync.__call__ = counting
    try:
        status, _body = asyncio.run(get(handler, url))
    finally:
        sync.SyncToAsync.__call__ = original
    assert status == 200
    return count


@override_settings(ROOT_URLCONF=__name__)
def test_the_middleware_and_the_view_run_in_one_crossing():
    ours = SyncChainASGIHandler()
    assert not iscoroutinefunction(ours._middleware_chain)  # every middleware in sync mode
    djangos = crossings(ASGIHandler(), "/page")
    # Ours: the request_started and request_finished signals' receivers and the whole chain.
    assert crossings(ours, "/page") == 3 < djangos


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize("slots, most", [(1, 1), (2, 2), (0, 3)])
def test_at_most_slots_requests_run_at_once(slots, most):
    handler = SyncChainASGIHandler(slots=slots)
    _running.update(now=0, most=0)

    async def three_at_once():
        return await asyncio.gather(*(get(handler, "/slow") for _ in range(3)))

    answers = asyncio.run(three_at_once())
    assert [status for status, _body in answers] == [200, 200, 200]
    assert _running["most"] == most


@override_settings(ROOT_URLCONF=__name__)
def test_one_handler_serves_one_event_loop_after_another():
    """A test's embedded server (or a server with several loops) runs the same application
    object in another event loop: requests that must wait for a slot there wait, not fail."""
    handler = SyncChainASGIHandler(slots=1)

    async def three_at_once():
        return await asyncio.gather(*(get(handler, "/slow") for _ in range(3)))

    for _loop in range(2):
        _running.update(now=0, most=0)
        assert [status for status, _body in asyncio.run(three_at_once())] == [200] * 3
        assert _running["most"] == 1
