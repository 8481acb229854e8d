"""In-place actions (htmx): one view answers a plain POST with a redirect and an htmx request
with the fragment it changed.

A fragment carries `FRAGMENT_HEADER`; static/js/interact.js swaps such a response in place even
when its status is an error (a refusal shown where the member acted), and shows a generic
message for any other error (a CSRF failure, a server error) instead of swapping a whole page
into a button.

A member's action answers through one path: `attempt` turns a service's refusal into the
`Outcome` (its message and status); htmx gets it in place (`in_place`), a plain POST goes back
with it as a message (`redirect_back`).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
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


@dataclass
class Outcome:
    """What a member's action came to: `message` when it was done, or the refusal's `error`
    and `status` (`refused`, the refusal itself, gives a rate limit its Retry-After)."""

    message: str | None = None
    error: str | None = None
    status: int = 200
    refused: Exception | None = None


@contextmanager
def attempt(request: HttpRequest) -> Iterator[Outcome]:
    """Run service calls in the block, which sets `message` once they are done; a refusal
    ends the block and becomes the outcome. Outside htmx a rate limit goes on: to the 429 page
    (community.ratelimits.RateLimitedMiddleware), or to a view that keeps its form."""
    outcome = Outcome()
    try:
        yield outcome
    except (ActionRefused, RateLimited) as refused:
        if isinstance(refused, RateLimited) and not is_htmx(request):
            raise
        outcome.error, outcome.status = refusal(refused)
        outcome.refused = refused


def in_place(request: HttpRequest, template: str, context: dict, outcome: Outcome) -> HttpResponse:
    """The htmx answer: the fragment that changed, at the outcome's status."""
    response = fragment(request, template, context, status=outcome.status)
    return with_retry_after(response, outcome.refused)


def redirect_back(request: HttpRequest, url: str, outcome: Outcome) -> HttpResponse:
    """The plain POST's answer: back to `url`, the outcome waiting there as a message."""
    if outcome.error:
        messages.error(request, outcome.error)
    elif outcome.message:
        messages.success(request, outcome.message)
    return redirect(url)


def client_redirect(url: str) -> HttpResponse:
    """Send an htmx request's page elsewhere (e.g. to sign in after the session ended)."""
    return HttpResponseClientRedirect(url)
