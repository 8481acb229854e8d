from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.menus.pages import PageMenuItem

from community.rules import is_brand_staff
from contests.models import ContestPage


@hooks.register("register_admin_urls")
def register_contest_admin_urls():
    return [path("contests/", include("contests.admin_urls", namespace="contests_admin"))]


def _winners_button(page, user, priority):
    if isinstance(page.specific_deferred, ContestPage) and is_brand_staff(user):
        yield PageMenuItem(
            _("Pick winners"),
            reverse("contests_admin:winners", args=[page.pk]),
            icon_name="trophy",
            priority=priority,
            page=page,
        )
        yield PageMenuItem(
            _("Jury"),
            reverse("contests_admin:jury", args=[page.pk]),
            icon_name="group",
            priority=priority + 1,
            page=page,
        )


@hooks.register("register_page_header_buttons")
def page_header_winners_button(page, user, view_name=None, next_url=None):
    yield from _winners_button(page, user, priority=60)


@hooks.register("register_page_listing_more_buttons")
def page_listing_winners_button(page, user, next_url=None):
    yield from _winners_button(page, user, priority=60)
