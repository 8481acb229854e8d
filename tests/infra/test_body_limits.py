"""Request bodies are bounded before they are read: in the ASGI application (servers that
stream bodies), in daphne itself (which reads bodies before the application sees them) and for
WSGI."""

import asyncio
import socket
import time

import pytest
from django.core.asgi import get_asgi_application
from django.test import override_settings

from config.body_limits import BodyLimitMiddleware, WSGIBodyLimitMiddleware
from tests.infra.servers import daphne, raw_request, request, rss_kb

LIMIT = 1_000_000


# --- the ASGI middleware, in front of the real Django application -----------------------------


class Stream:
    """An ASGI `receive` that hands out body chunks, then waits forever; counts reads."""

    def __init__(self, chunks, *, complete: bool = False):
        self.chunks = list(chunks)
        self.complete = complete  # the last chunk ends the body; otherwise more is announced
        self.reads = 0

    async def __call__(self):
        self.reads += 1
        if not self.chunks:
            await asyncio.sleep(3600)  # nothing more: a client that went silent
        chunk = self.chunks.pop(0)
        more = bool(self.chunks) or not self.complete
        return {"type": "http.request", "body": chunk, "more_body": more}


def scope(headers=()):
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/accounts/login/",
        "raw_path": b"/accounts/login/",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }


async def call(app, request_scope, receive):
    sent = []

    async def send(message):
        sent.append(message)

    await asyncio.wait_for(app(request_scope, receive, send), timeout=10)
    starts = [m for m in sent if m["type"] == "http.response.start"]
    assert len(starts) == 1
    return starts[0]["status"]


@pytest.fixture
def guarded_django():
    with override_settings(
        COCREO_MAX_REQUEST_BYTES=LIMIT, COCREO_BODY_CHUNK_TIMEOUT=0.3, COCREO_BODY_TIMEOUT=1
    ):
        yield BodyLimitMiddleware(get_asgi_application())


@pytest.mark.django_db
@pytest.mark.asyncio
async def test_declared_length_over_the_limit_is_refused_without_reading(guarded_django):
    receive = Stream([b"x" * 10])
    status = await call(guarded_django, scope([(b"content-length", b"200000000")]), receive)
    assert status == 413
    assert receive.reads == 0


@pytest.mark.django_db
@pytest.mark.asyncio
async def test_invalid_content_length_is_a_bad_request(guarded_django):
    receive = Stream([b"x"])
    assert await call(guarded_django, scope([(b"content-length", b"12abc")]), receive) == 400
    assert receive.reads == 0


@pytest.mark.django_db
@pytest.mark.asyncio
async def test_streamed_body_is_refused_as_soon_as_it_passes_the_limit(guarded_django):
    chunk = b"x" * 100_000
    receive = Stream([chunk] * 2000)  # 200 MB on offer, no Content-Length (chunked)
    status = await call(guarded_django, scope(), receive)
    assert status == 413
    assert receive.reads == LIMIT // len(chunk) + 1  # stopped at the first chunk past it


@pytest.mark.django_db
@pytest.mark.asyncio
async def test_slow_body_times_out(guarded_django):
    receive = Stream([b"x" * 10, b"y" * 10])  # announces 1000 bytes, sends 20, goes silent
    started = time.monotonic()
    status = await call(guarded_django, scope([(b"content-length", b"1000")]), receive)
    assert status == 408
    assert receive.reads == 3
    assert time.monotonic() - started < 2


@pytest.mark.django_db
@pytest.mark.asyncio
async def test_body_within_the_limit_reaches_django(guarded_django):
    # An anonymous POST without a CSRF token: Django answers (403), not the guard.
    body = b"login=a&password=b"
    receive = Stream([body], complete=True)
    status = await call(
        guarded_django,
        scope([(b"content-length", str(len(body)).encode()), (b"content-type", b"text/plain")]),
        receive,
    )
    assert status == 403


def test_wsgi_guard_refuses_a_declared_length_over_the_limit(settings):
    settings.COCREO_MAX_REQUEST_BYTES = LIMIT
    called = []

    def app(environ, start_response):
        called.append(True)
        start_response("200 OK", [])
        return [b"ok"]

    statuses = []
    guarded = WSGIBodyLimitMiddleware(app)
    body = guarded({"CONTENT_LENGTH": str(LIMIT + 1)}, lambda s, h: statuses.append(s))
    assert statuses == ["413 Content Too Large"] and b"too large" in b"".join(body)
    assert not called
    guarded({"CONTENT_LENGTH": str(LIMIT)}, lambda s, h: statuses.append(s))
    assert statuses[-1] == "200 OK"


# --- daphne, as the Dockerfile runs it ----------------------------------------------------------


@pytest.fixture(scope="module")
def server():
    env = {
        "COCREO_MAX_REQUEST_BYTES": str(LIMIT),
        "COCREO_BODY_CHUNK_TIMEOUT": "1",
        "COCREO_BODY_TIMEOUT": "3",
    }
    with daphne(env) as (url, process):
        yield url, process


def post_head(content_length: int | None) -> bytes:
    length = (
        f"Content-Length: {content_length}\r\n"
        if content_length is not None
        else "Transfer-Encoding: chunked\r\n"
    )
    return (
        "POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: multipart/form-data; boundary=x\r\n{length}\r\n"
    ).encode()


def test_daphne_refuses_a_huge_declared_body_at_once(server):
    url, process = server
    before = rss_kb(process.pid)
    status, elapsed = raw_request(url, post_head(200_000_000), b"--x\r\n")
    assert status == 413
    assert elapsed < 1
    assert rss_kb(process.pid) - before < 50_000


def test_daphne_refuses_a_chunked_body_once_it_passes_the_limit(server):
    url, process = server
    before = rss_kb(process.pid)
    host, port = url.removeprefix("http://").split(":")
    chunk = b"x" * 65536
    framed = b"%x\r\n%s\r\n" % (len(chunk), chunk)
    sent = 0
    response = b""
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(post_head(None))
        try:
            while sent < 200_000_000:  # would be 200 MB; the server stops it long before
                sock.sendall(framed)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            response = sock.recv(4096)
        except ConnectionResetError:
            response = b""
    # The server closed the connection shortly after the limit (what the kernel's buffers held
    # before it did is all the client got to send).
    assert sent < 20 * LIMIT
    if response:  # the 413 may be lost to the reset the client's unread data causes
        assert response.startswith(b"HTTP/1.1 413")
    assert rss_kb(process.pid) - before < 50_000


def test_daphne_times_out_a_slow_body(server):
    url, _process = server
    status, elapsed = raw_request(url, post_head(1000), b"only part", timeout=10)
    assert status == 408
    assert 0.9 < elapsed < 4


def test_daphne_still_serves_after_refusing(server):
    url, _process = server
    status, _headers, _body = request(url, "GET", "/healthz", timeout=5)
    assert status == 200
