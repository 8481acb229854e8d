"""Who is who. Role checks go through permissions, which the role groups grant."""

from django.contrib.auth.models import AnonymousUser

from community.models import Brand, User

MODERATORS_GROUP = "Moderators"
BRAND_STAFF_GROUP = "Brand staff"


def is_verified_member(user: User | AnonymousUser) -> bool:
    """A signed-in, active member with at least one verified email address (or social login)."""
    if not (user.is_authenticated and user.is_active):
        return False
    cached = getattr(user, "_cocreo_verified", None)
    if cached is None:
        from allauth.account.models import EmailAddress

        cached = EmailAddress.objects.filter(user=user, verified=True).exists()
        user._cocreo_verified = cached
    return cached


def is_moderator(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm("moderation.moderate_content")


def is_brand_staff(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm("contests.pick_winners")


def is_staff_of_brand(user: User | AnonymousUser, brand: Brand) -> bool:
    """Brand staff who belong to this brand's staff group; superusers act for every brand."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    if brand.staff_group_id is None or not is_brand_staff(user):
        return False
    cache = user.__dict__.setdefault("_cocreo_brand_groups", {})
    if brand.staff_group_id not in cache:
        cache[brand.staff_group_id] = user.groups.filter(pk=brand.staff_group_id).exists()
    return cache[brand.staff_group_id]
