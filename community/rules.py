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


def staff_brand_ids(user: User | AnonymousUser) -> frozenset[int]:
    """The brands whose staff group the user is in (one query, then cached on the user)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_cocreo_staff_brand_ids", None)
    if cached is None:
        cached = frozenset(
            Brand.objects.filter(staff_group__user=user).values_list("pk", flat=True)
        )
        user._cocreo_staff_brand_ids = cached
    return cached


def is_staff_of_brand(user: User | AnonymousUser, brand: Brand | int) -> bool:
    """Brand staff who belong to this brand's staff group; superusers act for every brand."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    brand_id = brand if isinstance(brand, int) else brand.pk
    return is_brand_staff(user) and brand_id in staff_brand_ids(user)
