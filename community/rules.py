"""Who is who. Role checks go through permissions, which the role groups grant."""

from django.contrib.auth.models import AnonymousUser

from community.models import Brand, User
from community.versioned import VersionedAnswers

MODERATORS_GROUP = "Moderators"
BRAND_STAFF_GROUP = "Brand staff"


def is_verified_member(user: User | AnonymousUser) -> bool:
    """A signed-in, active member with at least one verified email address (or social login)."""
    if not (user.is_authenticated and user.is_active):
        return False
    from community.member_facts import has_verified_email

    return has_verified_email(user)


# Whether a member may open the Wagtail admin: the header's "Admin" link, on every page. Django
# asks two queries for it (the member's own and their groups' permissions) for an answer that
# changes only when groups or permissions are edited; every such edit bumps the version
# (community/signals.py). The admin itself always asks Django.
ADMIN_ACCESS = VersionedAnswers("admin-access", seconds=300)


def can_open_admin(user: User | AnonymousUser) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return ADMIN_ACCESS.get(str(user.pk), lambda: user.has_perm("wagtailadmin.access_admin"))


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


def brand_id_of(obj) -> int | None:
    """The brand that `obj` belongs to: a brand (or its id), anything with a `brand_id`
    (contests, boards, brand-scoped pauses), anything that names its scope through
    `moderation_scope()` (entries, ideas, comments), or a `container` page that has one (a
    pause of one contest or board). None means the whole site."""
    if obj is None:
        return None
    if isinstance(obj, bool):
        raise TypeError("A brand scope cannot be a boolean.")
    if isinstance(obj, int):
        return obj
    if isinstance(obj, Brand):
        return obj.pk
    brand_id = getattr(obj, "brand_id", None)
    if brand_id is not None:
        return brand_id
    if hasattr(obj, "moderation_scope"):
        return obj.moderation_scope()[0]
    container = getattr(obj, "container", None)
    if container is not None:
        return brand_id_of(getattr(container, "specific", container))
    return None


def can_manage(user: User | AnonymousUser, obj) -> bool:
    """The one brand-scope predicate: may `user` act as staff on `obj` (a brand, a contest, an
    entry, a pause…)? Superusers manage everything; brand staff manage only what belongs to a
    brand whose staff group they are in; nobody else manages anything, and nothing without a
    brand (the whole site) is managed by brand staff. Services, admin views and the API all ask
    this (see tests/security/test_permission_matrix.py)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    brand_id = brand_id_of(obj)
    return brand_id is not None and is_brand_staff(user) and brand_id in staff_brand_ids(user)


def is_staff_of_brand(user: User | AnonymousUser, brand: Brand | int) -> bool:
    """Brand staff who belong to this brand's staff group; superusers act for every brand."""
    return can_manage(user, brand)
