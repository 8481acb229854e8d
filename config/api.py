"""The JSON API (django-ninja): the same services as the HTML views, session auth with CSRF."""

from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from comments.api import router as comments_router
from community.errors import ActionRefused
from community.ratelimits import RateLimited
from contests.api import router as contests_router
from ideas.api import router as ideas_router
from moderation.api import router as moderation_router

api = NinjaAPI(
    title="Cocreo API",
    version="1",
    description="Design contests, entries, votes, idea boards, comments and moderation.",
    urls_namespace="api",
)
api.add_router("/", contests_router)
api.add_router("/", ideas_router)
api.add_router("/moderation/", moderation_router)
api.add_router("/", comments_router)


@api.exception_handler(ActionRefused)
def action_refused(request, refused: ActionRefused):
    body = {"detail": refused.message}
    if refused.field:
        body["field"] = refused.field
    return api.create_response(request, body, status=refused.status)


@api.exception_handler(RateLimited)
def rate_limited(request, limited: RateLimited):
    response = api.create_response(
        request, {"detail": limited.message, "retry_after": limited.retry_after}, status=429
    )
    response["Retry-After"] = str(limited.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def not_signed_in(request, exc):
    return api.create_response(
        request, {"detail": _("Sign in (with a CSRF token for writes) to do this.")}, status=401
    )


@api.exception_handler(ValidationError)
def invalid_request(request, exc: ValidationError):
    """Malformed input is a 400 like every other refusal: `detail` says what is wrong, `field`
    names the first bad parameter and `errors` lists them all (as django-ninja gives them)."""
    first = exc.errors[0] if exc.errors else {}
    location = [str(part) for part in first.get("loc", ())]
    field = location[-1] if location else ""
    body = {
        "detail": _("Check “%(field)s”: %(error)s")
        % {"field": field, "error": first.get("msg", "")}
        if field
        else _("This request is not valid."),
        "errors": exc.errors,
    }
    if field:
        body["field"] = field
    return api.create_response(request, body, status=400)
