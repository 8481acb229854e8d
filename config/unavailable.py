"""A database that stops answering mid-request gives a retryable 503, never a 500.

PostgreSQL restarting, a terminated backend or a pool with no free connection for
DB_POOL_TIMEOUT seconds all surface as OperationalError or InterfaceError. The client is told to
try again (`Retry-After`); the broken connection is dropped when the request ends, so the next
request gets a fresh one. Vote endpoints are idempotent, so retrying a vote that was in fact
committed reports it as recorded."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import server_error

logger = logging.getLogger("cocreo.unavailable")
RETRY_AFTER_SECONDS = 5
DATABASE_ERRORS = (OperationalError, InterfaceError)


def _is_database_outage(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, DATABASE_ERRORS):
            return True
        error = error.__cause__ or error.__context__
    return False


def unavailable_response(request) -> HttpResponse:
    """503 with Retry-After, without touching the database (no template context processors)."""
    message = _("The service is briefly unavailable. Please try again in a few seconds.")
    wants_json = request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )
    if wants_json:
        response = JsonResponse({"detail": message}, status=503)
    else:
        title = _("Try again in a moment")
        response = HttpResponse(
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title} · Cocreo</title>'
            f"</head><body><h1>{title}</h1><p>{message}</p></body></html>",
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection raised by a view (HTML or API) into a 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if _is_database_outage(exception):
            logger.warning(
                "Database unavailable during %s %s: %s", request.method, request.path, exception
            )
            return unavailable_response(request)
        return None


def handler500(request, *args, **kwargs):
    """The same 503 for a database error raised outside a view (in a middleware, while the
    session is saved); everything else is the usual 500 page."""
    if _is_database_outage(sys.exc_info()[1]):
        return unavailable_response(request)
    return server_error(request, *args, **kwargs)
