import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission, Page

from community.rules import (
    BRAND_STAFF_GROUP,
    MODERATORS_GROUP,
    is_brand_staff,
    is_moderator,
    is_staff_of_brand,
)
from tests import factories

pytestmark = pytest.mark.django_db


def perms(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_groups_are_created_by_migrations_with_their_permissions():
    managed_lists = {
        f"moderation.{action}_{model}"
        for model in ("rejectionreason", "blockedterm")
        for action in ("add", "change", "delete", "view")
    }
    assert perms(MODERATORS_GROUP) == {
        "wagtailadmin.access_admin",
        "moderation.moderate_content",
        *managed_lists,
    }
    staff = perms(BRAND_STAFF_GROUP)
    assert {"wagtailadmin.access_admin", "contests.pick_winners"} <= staff
    assert "moderation.moderate_content" not in staff


def test_moderators_do_not_edit_pages_and_staff_edit_their_brand_only():
    assert not GroupPagePermission.objects.filter(group__name=MODERATORS_GROUP).exists()
    # The role group grants no page permissions: those come from each brand's own group.
    assert not GroupPagePermission.objects.filter(group__name=BRAND_STAFF_GROUP).exists()
    brand = factories.BrandFactory(name="Illy")
    staff_page_perms = set(
        GroupPagePermission.objects.filter(group=brand.staff_group, page=brand.page).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page", "publish_page"} <= staff_page_perms
    assert brand.staff_group.name == "Brand staff: Illy"
    home = Page.objects.get(depth=2)
    staff = factories.brand_staff(brand=brand)
    assert brand.page.permissions_for_user(staff).can_edit()
    assert brand.page.permissions_for_user(staff).can_add_subpage()
    assert not home.permissions_for_user(staff).can_edit()
    assert not brand.page.permissions_for_user(factories.moderator()).can_edit()


def test_role_predicates():
    member, mod, staff = factories.UserFactory(), factories.moderator(), factories.brand_staff()
    assert (is_moderator(member), is_moderator(mod), is_moderator(staff)) == (False, True, False)
    assert (is_brand_staff(member), is_brand_staff(mod), is_brand_staff(staff)) == (
        False,
        False,
        True,
    )
    mod.is_active = False
    assert not is_moderator(mod)


def test_staff_of_brand_predicate():
    a, b = factories.BrandFactory(), factories.BrandFactory()
    staff = factories.brand_staff(brand=a)
    assert is_staff_of_brand(staff, a) and is_staff_of_brand(staff, a.pk)
    assert not is_staff_of_brand(staff, b)
    assert not is_staff_of_brand(factories.brand_staff(brand=False), a)
    # In the brand's group but without the role: not staff.
    outsider = factories.UserFactory()
    outsider.groups.add(a.staff_group)
    assert not is_staff_of_brand(outsider, a)
    admin = factories.UserFactory(is_superuser=True)
    assert is_staff_of_brand(admin, b)
    staff.is_active = False
    assert not is_staff_of_brand(staff, a)
