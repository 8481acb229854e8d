"""The admins' login URLs lead to allauth's sign-in, the only place where anyone signs in."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # it never reads the body: a POST with a password is redirected, unread
@login_not_required
def admin_login_redirect(request: HttpRequest, default_next: str) -> HttpResponseRedirect:
    if request.user.is_authenticated:
        # Signed in but sent here by an admin: not allowed there. Sending them to sign in
        # again would bounce back (allauth passes signed-in people on to `next`).
        raise PermissionDenied
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = default_next
    return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
