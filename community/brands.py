"""Brands and their staff: each brand has its own place in the page tree (a BrandPage under the
home page) and its own staff group, whose page permissions cover only that branch."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import GroupPagePermission, Page, Site

from community.errors import NotAllowed
from community.models import Brand, BrandPage, User
from community.rules import BRAND_STAFF_GROUP

# What a brand's staff may do on their brand's page and everything under it.
BRAND_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
BRAND_GROUP_PREFIX = "Brand staff: "


def staff_group_name(brand: Brand) -> str:
    return f"{BRAND_GROUP_PREFIX}{brand.name}"[:150]


def home_page() -> Page | None:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page if site else Page.objects.filter(depth=2).first()


@transaction.atomic
def ensure_brand_space(brand: Brand) -> BrandPage | None:
    """Create what a brand needs if it is missing: its staff group and its page (with the
    group's page permissions on it). Idempotent; returns the brand page (None without a home
    page, e.g. before the CMS migrations ran)."""
    if brand.staff_group_id is None:
        group, _created = Group.objects.get_or_create(name=staff_group_name(brand))
        brand.staff_group = group
        Brand.objects.filter(pk=brand.pk).update(staff_group=group)
    page = BrandPage.objects.filter(brand=brand).first()
    if page is None:
        home = home_page()
        if home is None:
            return None
        slug = brand.slug
        if home.get_children().filter(slug=slug).exists():
            slug = slugify(f"{brand.slug}-brand")
        page = BrandPage(title=brand.name, slug=slug, brand=brand)
        home.add_child(instance=page)
        page.save_revision().publish()
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=BRAND_PAGE_PERMISSIONS
    )
    for permission in permissions:
        GroupPagePermission.objects.get_or_create(
            group_id=brand.staff_group_id, page=page, permission=permission
        )
    return page


def brand_page(brand: Brand) -> BrandPage:
    """The brand's page, created on first use."""
    page = BrandPage.objects.filter(brand=brand).first() or ensure_brand_space(brand)
    if page is None:
        raise LookupError("There is no home page to put the brand's page under.")
    return page


def add_brand_staff(brand: Brand, user: User, *, by: User | None = None) -> None:
    """Make `user` staff of `brand`: the role (group "Brand staff") and the brand's own group.
    `by` is None only for set-up code (seed data, tests, shell); otherwise an admin."""
    if by is not None and not (by.is_active and by.is_superuser):
        raise NotAllowed(_("Only an administrator can choose a brand's staff."))
    ensure_brand_space(brand)
    user.groups.add(Group.objects.get(name=BRAND_STAFF_GROUP), brand.staff_group)


def remove_brand_staff(brand: Brand, user: User, *, by: User | None = None) -> None:
    if by is not None and not (by.is_active and by.is_superuser):
        raise NotAllowed(_("Only an administrator can choose a brand's staff."))
    if brand.staff_group_id:
        user.groups.remove(brand.staff_group_id)
