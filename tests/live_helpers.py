"""Helpers for the WebSocket tests: sockets with an Origin and a member's session."""

import asyncio
import contextlib
import functools
import json
import time
from importlib import import_module

from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import OperationalError, connection
from django.test import Client

from config.asgi import application

ORIGIN = (b"origin", b"http://localhost")


def retrying_sqlite_locks(write):
    """`write` (a service: it runs in one transaction), tried again while the in-memory SQLite
    test database answers "table is locked". There every thread has its own connection to one
    shared-cache database, whose table locks fail at once instead of waiting: a write meeting
    a live flush's read in its executor thread fails, where a file database (WAL, busy timeout)
    or PostgreSQL would wait. The write was rolled back, so trying again is what waiting would
    have done. Any other error, and any error on PostgreSQL, is raised."""

    @functools.wraps(write)
    def run(*args, **kwargs):
        for attempt in range(100):
            try:
                return write(*args, **kwargs)
            except OperationalError as error:
                if connection.vendor != "sqlite" or "is locked" not in str(error) or attempt == 99:
                    raise
                time.sleep(0.01)

    return run


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
