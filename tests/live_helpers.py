"""Helpers for the WebSocket tests: sockets with an Origin and a member's session."""

import asyncio
import contextlib
import json
import time
from importlib import import_module

from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.test import Client

from config.asgi import application

ORIGIN = (b"origin", b"http://localhost")


def session_cookie(user, *, second_factor: bool = True) -> str:
    """A signed-in session for `user` (with the second factor recorded, as after a full
    sign-in, unless told otherwise)."""
    if second_factor:
        client = Client()
        client.force_login(user)  # tests/conftest.py records the second factor
        return client.cookies[settings.SESSION_COOKIE_NAME].value
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def socket(path: str, cookie: str | None = None) -> WebsocketCommunicator:
    headers = [ORIGIN]
    if cookie:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


async def finish(communicator, timeout: float = 1.0) -> None:
    """End a test's socket cleanly whether the test, the server (a refused or closed socket) or
    nobody closed it yet: the application gets its disconnect and is awaited, so no task or
    warning outlives the test. An error inside the application is raised here, not hidden."""
    future = communicator._future
    if future is None:  # never started
        return
    if not future.done():
        await communicator.input_queue.put({"type": "websocket.disconnect", "code": 1000})
        with contextlib.suppress(TimeoutError):  # wait() has cancelled it then
            await communicator.wait(timeout)
    if not future.cancelled():
        future.result()


async def settle() -> None:
    """After a test: every live flush it armed has sent, and the worker threads' database
    connections are closed (nothing runs into the next test)."""
    from channels.db import database_sync_to_async
    from django.db import connections

    from community import live

    assert await live.drain(), "a live flush did not finish"
    await database_sync_to_async(connections.close_all)()


async def collect(communicator, seconds: float) -> list[dict]:
    """Every message sent in the next `seconds`, without the communicator's own timeout (which
    cancels the application)."""
    received, deadline = [], time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            message = await asyncio.wait_for(communicator.output_queue.get(), timeout=left)
        except TimeoutError:
            break
        if message["type"] == "websocket.close":
            received.append({"closed": message.get("code")})
            break
        received.append(json.loads(message["text"]))
    return received
