from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.menus.pages import PageMenuItem

from community.rules import is_brand_staff, is_staff_of_brand
from community.services import OPENINGS_HOOK
from contests.models import ContestPage


@hooks.register("register_admin_urls")
def register_contest_admin_urls():
    return [path("contests/", include("contests.admin_urls", namespace="contests_admin"))]


def _winners_button(page, user, priority):
    contest = page.specific_deferred
    if (
        isinstance(contest, ContestPage)
        and is_brand_staff(user)
        and is_staff_of_brand(user, contest.brand)
    ):
        yield PageMenuItem(
            _("Pick winners"),
            reverse("contests_admin:winners", args=[page.pk]),
            icon_name="trophy",
            priority=priority,
            page=page,
        )


@hooks.register("register_page_header_buttons")
def page_header_winners_button(page, user, view_name=None, next_url=None):
    yield from _winners_button(page, user, priority=60)


@hooks.register("register_page_listing_more_buttons")
def page_listing_winners_button(page, user, next_url=None):
    yield from _winners_button(page, user, priority=60)


@hooks.register(OPENINGS_HOOK)
def contests_open_for_submissions(now):
    """Followers of a brand hear when one of its contests opens for submissions."""
    return (
        ContestPage.objects.live()
        .public()
        .filter(submissions_open_at__lte=now, submissions_close_at__gt=now, result__isnull=True)
        .select_related("brand")
        .order_by("submissions_open_at", "pk")
    )
