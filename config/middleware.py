import logging
import re
import time
import uuid

from django.utils.deprecation import MiddlewareMixin

from config.logging import request_id

logger = logging.getLogger("cocreo.request")
# An id a proxy in front already gave the request is kept when it looks like one.
_GIVEN_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


class RequestLogMiddleware(MiddlewareMixin):
    """One log line per request (id, method, path, status, duration in ms); the id is echoed in
    the `X-Request-ID` response header and attached to every line logged during the request."""

    def process_request(self, request):
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if _GIVEN_ID.match(given) else uuid.uuid4().hex
        request._log_started = time.perf_counter()
        request._log_token = request_id.set(request.request_id)

    def process_response(self, request, response):
        started = getattr(request, "_log_started", None)
        if started is None:  # a middleware before this one answered
            return response
        response["X-Request-ID"] = request.request_id
        logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "request_id": request.request_id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        try:
            request_id.reset(request._log_token)
        except ValueError:  # set in another context (a sync/async boundary): leave it
            request_id.set(None)
        return response
