"""The allauth adapter: sign-up (email or social) screens the username like every other name
change (`community.names`)."""

import logging
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from community.emails import email_theme, member_language
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

    # Account emails (never unsubscribable): the site's name rather than the request's host and
    # port, our layout, and the member's language when the email is about a known member.
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        user = context.get("user")
        language = member_language(user) if getattr(user, "language", "") else None
        action_url = context.get("activate_url") or context.get("password_reset_url") or ""
        context = {
            "current_site": SimpleNamespace(
                name=settings.COCREO_SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc
            ),
            "site_name": settings.COCREO_SITE_NAME,
            "site_url": settings.SITE_URL,
            "theme": email_theme(None),
            "action_url": action_url,
            **context,
        }
        with translation.override(language or translation.get_language()):
            if action_url and "action_label" not in context:
                context["action_label"] = (
                    _("Confirm your email address")
                    if context.get("activate_url")
                    else _("Choose a new password")
                )
            super().send_mail(template_prefix, email, context)

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's emails without an HTML version of their own get one: their text in our
        layout."""
        message = super().render_mail(template_prefix, email, context, headers=headers)
        if isinstance(message, EmailMultiAlternatives) and not message.alternatives:
            html = render_to_string("email/text_as_html.html", {**context, "body": message.body})
            message.attach_alternative(html, "text/html")
        return message
