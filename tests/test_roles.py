import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission, Page

from community.rules import BRAND_STAFF_GROUP, MODERATORS_GROUP, is_brand_staff, is_moderator
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


def test_moderators_do_not_edit_pages_and_staff_do():
    assert not GroupPagePermission.objects.filter(group__name=MODERATORS_GROUP).exists()
    staff_page_perms = set(
        GroupPagePermission.objects.filter(group__name=BRAND_STAFF_GROUP).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page", "publish_page"} <= staff_page_perms
    home = Page.objects.get(depth=2)
    assert home.permissions_for_user(factories.brand_staff()).can_edit()
    assert not home.permissions_for_user(factories.moderator()).can_edit()


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
