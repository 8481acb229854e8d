"""In-place actions (htmx): one view answers a plain POST with a redirect and an htmx request
with the fragment it changed.

A fragment carries `FRAGMENT_HEADER`; static/js/interact.js swaps such a response in place even
when its status is an error (a refusal shown where the member acted), and shows a generic
message for any other error (a CSRF failure, a server error) instead of swapping a whole page
into a button.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect

from community.errors import ActionRefused
from community.ratelimits import RateLimited

FRAGMENT_HEADER = "X-Cocreo-Fragment"


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def fragment(
    request: HttpRequest, template: str, context: dict, *, status: int = 200
) -> HttpResponse:
    response = render(request, template, context, status=status)
    response[FRAGMENT_HEADER] = "1"
    response["Cache-Control"] = "private, no-store"
    patch_vary_headers(response, ["HX-Request"])
    return response


def refusal(error: Exception) -> tuple[str, int]:
    """(message, status) of a service's refusal."""
    if isinstance(error, RateLimited):
        return error.message, 429
    assert isinstance(error, ActionRefused)
    return error.message, error.status


def with_retry_after(response: HttpResponse, error: Exception | None) -> HttpResponse:
    if isinstance(error, RateLimited):
        response["Retry-After"] = str(error.retry_after)
    return response


def client_redirect(url: str) -> HttpResponse:
    """Send an htmx request's page elsewhere (e.g. to sign in after the session ended)."""
    return HttpResponseClientRedirect(url)
