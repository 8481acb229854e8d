from django import template

from community.models import Brand, Follow

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
