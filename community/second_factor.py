"""Staff sign in through one door, with a second factor.

Moderators, brand staff, admins (anyone who may open the Wagtail or Django admin) must have an
authenticator (allauth MFA: TOTP with recovery codes, or a security key) and must have used it
in the current session before the admin or a staff API endpoint opens. allauth records every
authentication step of a session; a session whose records hold an "mfa" step for this user
has passed the second factor (sign-in, reauthentication, or activating the authenticator, which
proves possession of it).
"""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja.security import SessionAuth

from community.errors import NotAllowed

ADMIN_PREFIXES = ("/admin/", "/django-admin/")
# Reachable without the second factor: leaving, and the doors that send staff to allauth.
ADMIN_OPEN_PATHS = (
    "/admin/login/",
    "/admin/logout/",
    "/django-admin/login/",
    "/django-admin/logout/",
)


def is_staff_role(user) -> bool:
    """Whoever may open an admin: moderators, brand staff (both groups grant Wagtail admin
    access), Django staff and superusers."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.is_staff or user.has_perm("wagtailadmin.access_admin")


def passed_second_factor(request: HttpRequest) -> bool:
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def second_factor_missing(request: HttpRequest) -> bool:
    """True when a staff-role user is signed in without having used a second factor."""
    user = request.user
    return is_staff_role(user) and not passed_second_factor(request)


def second_factor_url(request: HttpRequest) -> str:
    """Where a staff member goes next: set up an authenticator, or use the one they have."""
    name = "mfa_reauthenticate" if is_mfa_enabled(request.user) else "mfa_activate_totp"
    return f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}"


class StaffSecondFactorMiddleware:
    """The Wagtail and Django admins open to staff only after their second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if (
            path.startswith(ADMIN_PREFIXES)
            and not path.startswith(ADMIN_OPEN_PATHS)
            and second_factor_missing(request)
        ):
            if is_mfa_enabled(request.user):
                messages.info(request, _("Confirm it is you with your second factor."))
            else:
                messages.info(
                    request, _("Set up two-factor authentication before opening the admin.")
                )
            return HttpResponseRedirect(second_factor_url(request))
        return self.get_response(request)


class SecondFactorRequired(NotAllowed):
    pass


class StaffSessionAuth(SessionAuth):
    """django-ninja session auth (with its CSRF check) for staff endpoints: a staff-role user
    who has not used a second factor in this session is refused with 403."""

    def authenticate(self, request: HttpRequest, key):
        user = super().authenticate(request, key)
        if user is not None and second_factor_missing(request):
            raise SecondFactorRequired(
                _(
                    "Set up two-factor authentication (or sign in again with it) "
                    "to use staff features."
                )
            )
        return user


staff_auth = StaffSessionAuth()


class StaffMFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Staff keep at least one authenticator other than recovery codes."""
        if authenticator.type == Authenticator.Type.RECOVERY_CODES:
            return True
        if not is_staff_role(authenticator.user):
            return True
        others = Authenticator.objects.filter(user=authenticator.user).exclude(pk=authenticator.pk)
        return others.exclude(type=Authenticator.Type.RECOVERY_CODES).exists()


@receiver(authenticator_added)
def count_activation_as_second_factor(sender, request, user, authenticator, **kwargs):
    """Activating an authenticator takes a valid code from it (after a recent password), so
    the session has used it: staff sent to set-up go on to the admin without signing in again."""
    if request is not None and authenticator.type != Authenticator.Type.RECOVERY_CODES:
        record_authentication(
            request, user, "mfa", id=authenticator.pk, type=authenticator.type, activated=True
        )
