"""The allauth adapter: sign-up (email or social) screens the username like every other name
change (`community.names`)."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ImproperlyConfigured

from community.names import check_member_name

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        """allauth raises ImproperlyConfigured (a 500) when X-Forwarded-For has fewer hops than
        ALLAUTH_TRUSTED_PROXY_COUNT, which a request that bypassed a proxy can cause: fall back
        to the address that connected, which is then the client's (or the innermost proxy's)."""
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            logger.warning("X-Forwarded-For has fewer hops than the trusted proxies")
            return request.META.get("REMOTE_ADDR", "")

    def clean_username(self, username, shallow=False):
        username = super().clean_username(username, shallow=shallow)
        check_member_name(username)  # a ValidationError shown on the form's username field
        return username
