"""Request bodies are bounded before they are read.

Three layers, all configured by COCREO_MAX_REQUEST_BYTES, COCREO_BODY_CHUNK_TIMEOUT and
COCREO_BODY_TIMEOUT:

- `BodyLimitMiddleware` wraps the ASGI application (config/asgi.py): a request whose
  Content-Length is over the limit is refused with 413 before its body is read; a streamed
  (chunked) body is counted and refused as soon as it passes the limit; a body that stalls between
  chunks or takes too long in all is refused with 408. Servers that stream the body to the
  application (uvicorn, granian, hypercorn) never read more than that.
- Daphne reads the whole body (into a temporary file) before it calls the application, and then
  queues all of it in memory for the application. `install_daphne_guard()` makes daphne apply
  the same limits while it reads, on its Twisted request object.
- `WSGIBodyLimitMiddleware` checks Content-Length for WSGI servers (config/wsgi.py).
"""

import asyncio
import time

from django.conf import settings

REFUSALS = {
    413: b"The request is too large.",
    408: b"The request body arrived too slowly.",
    400: b"The request's Content-Length is not valid.",
}


def _limits() -> tuple[int, float, float]:
    return (
        settings.COCREO_MAX_REQUEST_BYTES,
        settings.COCREO_BODY_CHUNK_TIMEOUT,
        settings.COCREO_BODY_TIMEOUT,
    )


def _declared_length(value: bytes | str | None) -> int | None:
    """The Content-Length as a number; -1 when it is not a valid one."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    return int(text) if text.isdigit() else -1


class _Refused(Exception):
    def __init__(self, status: int):
        self.status = status


class BodyLimitMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        max_bytes, chunk_timeout, total_timeout = _limits()
        headers = dict(scope.get("headers") or [])
        length = _declared_length(headers.get(b"content-length"))
        if length is not None and (length < 0 or length > max_bytes):
            return await _refuse(send, 400 if length < 0 else 413)

        received = 0
        body_done = False
        refused: list[int] = []
        response_started = False
        deadline = time.monotonic() + total_timeout

        async def bounded_receive():
            nonlocal received, body_done
            if body_done or refused:
                return await receive() if not refused else {"type": "http.disconnect"}
            try:
                timeout = min(chunk_timeout, max(deadline - time.monotonic(), 0))
                message = await asyncio.wait_for(receive(), timeout=timeout)
            except TimeoutError:
                refused.append(408)
                return {"type": "http.disconnect"}  # the application stops reading
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    refused.append(413)
                    return {"type": "http.disconnect"}
                if not message.get("more_body", False):
                    body_done = True
            return message

        async def tracking_send(message):
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        await self.app(scope, bounded_receive, tracking_send)
        if refused and not response_started:
            await _refuse(send, refused[0])


async def _refuse(send, status: int) -> None:
    body = REFUSALS[status]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class WSGIBodyLimitMiddleware:
    """Refuses a declared Content-Length over the limit before the application reads the body.
    (WSGI servers such as gunicorn time out slow bodies themselves.)"""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        length = _declared_length(environ.get("CONTENT_LENGTH") or None)
        if length is not None and (length < 0 or length > _limits()[0]):
            status = 400 if length < 0 else 413
            body = REFUSALS[status]
            reason = "Bad Request" if status == 400 else "Content Too Large"
            start_response(
                f"{status} {reason}",
                [
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Content-Length", str(len(body))),
                    ("Connection", "close"),
                ],
            )
            return [body]
        return self.app(environ, start_response)


def install_daphne_guard() -> None:
    """Make daphne enforce the limits while it reads a body, before it is all in memory."""
    try:
        from daphne import http_protocol
    except ImportError:
        return
    if getattr(http_protocol.WebRequest, "cocreo_bounded", False):
        return
    from twisted.internet import reactor

    base = http_protocol.WebRequest

    class BoundedWebRequest(base):
        cocreo_bounded = True
        _refused = False
        _body_timer = None
        _chunk_timer = None

        def gotLength(self, length):
            max_bytes, chunk_timeout, total_timeout = _limits()
            self._body_bytes = 0
            if length is not None and length > max_bytes:
                self._refuse(413)
                return
            super().gotLength(length)
            if length != 0:
                self._body_timer = reactor.callLater(total_timeout, self._refuse, 408)
                self._chunk_timer = reactor.callLater(chunk_timeout, self._refuse, 408)

        def handleContentChunk(self, data):
            if self._refused:
                return
            self._body_bytes += len(data)
            if self._body_bytes > _limits()[0]:
                self._refuse(413)
                return
            if self._chunk_timer is not None and self._chunk_timer.active():
                self._chunk_timer.reset(_limits()[1])
            super().handleContentChunk(data)

        def requestReceived(self, command, path, version):
            self._cancel_timers()
            if self._refused:
                return
            super().requestReceived(command, path, version)

        def connectionLost(self, reason):
            self._cancel_timers()
            super().connectionLost(reason)

        def _cancel_timers(self):
            for timer in (self._body_timer, self._chunk_timer):
                if timer is not None and timer.active():
                    timer.cancel()

        def _refuse(self, status: int) -> None:
            """Answer and close the connection at once, reading nothing more."""
            if self._refused:
                return
            self._refused = True
            self._cancel_timers()
            reason = {413: b"Content Too Large", 408: b"Request Timeout"}[status]
            body = REFUSALS[status]
            channel = self.channel
            if channel is None or channel.transport is None:
                return
            channel.transport.write(
                b"HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
                % (status, reason, len(body), body)
            )
            channel.loseConnection()

    http_protocol.WebRequest = BoundedWebRequest
