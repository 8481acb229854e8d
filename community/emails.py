"""Emails to members: one layout (HTML and text), in the recipient's language, with the site's
name in the subject and, for optional categories, a one-click unsubscribe (RFC 8058)."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from community.models import Brand, Notification, User
from community.notification_kinds import CATEGORIES, category_of
from community.theming import brand_theme

UNSUBSCRIBE_SALT = "cocreo.emails.unsubscribe"
UNSUBSCRIBE_MAX_AGE = 60 * 60 * 24 * 365  # a link in an old email still works for a year


# Cocreo's own colours (static/css): the default when the email is about no particular brand.
def email_theme(brand: Brand | None = None) -> dict:
    """The brand's look (Cocreo's without a brand) for an email: its colours, the logo at an
    absolute address, and the name shown when there is no logo. Links use `primary_text`, the
    primary colour darkened until it reads on white."""
    theme = brand_theme(brand)
    return {
        **theme,
        "logo_url": absolute(theme["logo_url"]) if theme["logo_url"] else "",
        "brand_name": brand.name if brand is not None else settings.COCREO_SITE_NAME,
    }


def site_subject(subject: str) -> str:
    """Subjects carry the site's name, never a host and port."""
    return f"[{settings.COCREO_SITE_NAME}] {subject}"[:200]


def member_language(user: User | None) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else f"{settings.SITE_URL}{url}"


# Unsubscribing -----------------------------------------------------------------------------------
def unsubscribe_token(user: User, category: str) -> str:
    return signing.dumps({"u": user.pk, "c": category}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[User, str]:
    """The member and category behind an unsubscribe link; raises signing.BadSignature for a
    tampered, expired or stale link (SignatureExpired included)."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    if not isinstance(data, dict):
        raise signing.BadSignature("not an unsubscribe token")
    category = CATEGORIES.get(data.get("c"))
    user = User.objects.filter(pk=data.get("u")).first()
    if category is None or not category.optional or user is None:
        raise signing.BadSignature("no such member or category")
    return user, category.code


def unsubscribe_url(user: User, category: str) -> str:
    return absolute(reverse("community:unsubscribe", args=[unsubscribe_token(user, category)]))


def wants_email(user: User, category: str) -> bool:
    known = CATEGORIES.get(category)
    return known is None or not known.optional or category not in (user.emails_off or [])


# Sending -----------------------------------------------------------------------------------------
def render_email(template: str, context: dict) -> tuple[str, str]:
    """(text, html) of `email/<template>.txt|.html` in the active language."""
    context = {
        "site_name": settings.COCREO_SITE_NAME,
        "site_url": settings.SITE_URL,
        "theme": email_theme(context.get("brand")),
        "preferences_url": absolute(reverse("community:settings")),
        **context,
    }
    return (
        render_to_string(f"email/{template}.txt", context).strip() + "\n",
        render_to_string(f"email/{template}.html", context),
    )


def send_email(
    user: User,
    *,
    subject: str,
    template: str,
    context: dict,
    category: str | None = None,
) -> int:
    """Send one email to a member in their language; optional categories carry the unsubscribe
    link and headers, and are not sent if the member turned them off."""
    if not user.email or (category and not wants_email(user, category)):
        return 0
    headers = {}
    with translation.override(member_language(user)):
        context = {**context, "recipient": user}
        known = CATEGORIES.get(category) if category else None
        if known is not None and known.optional:
            link = unsubscribe_url(user, category)
            context |= {"unsubscribe_url": link, "category": known}
            headers = {
                "List-Unsubscribe": f"<{link}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        text, html = render_email(template, context)
        message = EmailMultiAlternatives(
            subject=site_subject(str(subject)), body=text, to=[user.email], headers=headers
        )
        message.attach_alternative(html, "text/html")
    return message.send()


def send_notification_email(notification: Notification, fallback_subject: str = "") -> int:
    recipient = notification.recipient
    category = category_of(notification.kind)
    with translation.override(member_language(recipient)):
        brand_id = notification.params.get("brand_id")
        brand = Brand.objects.filter(pk=brand_id).first() if brand_id else None
        return send_email(
            recipient,
            subject=notification.subject or fallback_subject or notification.text,
            template="notification",
            context={
                "notification": notification,
                "text": notification.text,
                "next_step": notification.next_step,
                "action_url": absolute(notification.url) if notification.url else "",
                "action_label": _("See it on %(site)s") % {"site": settings.COCREO_SITE_NAME},
                "brand": brand,
            },
            category=category.code if category else None,
        )
