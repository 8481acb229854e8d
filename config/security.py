"""Response headers of the web baseline: the Content-Security-Policy (strict on the public
site, relaxed for the admins, which need inline scripts and styles) and Cache-Control for
everything a signed-in person receives."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

ADMIN_PREFIXES = ("/admin/", "/django-admin/")


class SiteCSPMiddleware(CSPMiddleware):
    """`CONTENT_SECURITY_POLICY` everywhere, except under the admins' prefixes, which get
    `COCREO_ADMIN_CONTENT_SECURITY_POLICY` (a view's own csp decorators still win)."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(ADMIN_PREFIXES)
        ):
            parts.config = settings.COCREO_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts


class PrivateCacheMiddleware:
    """Whatever a signed-in person receives may carry their data (name, notifications, staff
    tools): no shared cache or browser history keeps it. A response that already says how it
    may be cached (a public image, allauth's never_cache) keeps its own header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response
