from datetime import timedelta

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext

from community.models import Brand, Follow
from community.referrals import share_url
from community.theming import theme_version

register = template.Library()


@register.inclusion_tag("community/includes/follow_button.html", takes_context=True)
def follow_button(context, brand: Brand) -> dict:
    """Follow / unfollow a brand (one query for signed-in members, none for visitors)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    following = bool(
        user is not None
        and user.is_authenticated
        and Follow.objects.filter(user=user, brand=brand).exists()
    )
    return {
        "brand": brand,
        "following": following,
        "user": user,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    """`path` as an absolute URL on the host the request came to (for Open Graph tags)."""
    request = context.get("request")
    return request.build_absolute_uri(path) if request else f"{settings.SITE_URL}{path}"


@register.inclusion_tag("community/includes/share_box.html", takes_context=True)
def share_box(context, obj) -> dict:
    """A member's own share link for public content: sign-ups it brings are credited to them.
    Callers show it only for public content."""
    request = context.get("request")
    user = getattr(request, "user", None)
    url = share_url(user, obj, request) if user is not None and user.is_authenticated else ""
    return {"share_url": url, "public_url": absolute_url(context, obj.get_absolute_url())}


@register.simple_tag
def site_name() -> str:
    return settings.WAGTAIL_SITE_NAME


@register.simple_tag(takes_context=True)
def page_brand(context):
    """The brand whose pages these are (brand page, its contests, boards and their subpages),
    or None on Cocreo's own pages."""
    page = context.get("page")
    brand = getattr(page, "brand", None)
    return brand if isinstance(brand, Brand) else None


@register.simple_tag
def brand_stylesheet_url(brand) -> str:
    return reverse("community:brand_theme", args=[brand.slug]) + "?v=" + theme_version(brand)


@register.filter
def ago(when) -> str:
    """How long ago, for people: "just now" under a minute, else "5 minutes ago" (the largest
    unit only), in the active language."""
    if not when:
        return ""
    if timezone.now() - when < timedelta(minutes=1):
        return gettext("just now")
    return gettext("%(time)s ago") % {"time": timesince(when, depth=1)}
