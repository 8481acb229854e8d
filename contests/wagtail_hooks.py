from django.core.paginator import Paginator
from django.urls import include, path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.widgets import ListingButton

from community.dashboard import DashboardPanel, dashboard_panel
from community.rules import can_manage, is_brand_staff, is_moderator
from community.search import (
    SEARCH_HOOK,
    SearchResult,
    SearchSection,
    ordered_public,
    search_ids,
)
from community.services import OPENINGS_HOOK
from community.views import PROFILE_SECTIONS_HOOK
from contests.models import Award, ContestPage, Entry

PROFILE_ENTRIES_PAGE_SIZE = 24


@hooks.register("register_admin_urls")
def register_contest_admin_urls():
    return [path("contests/", include("contests.admin_urls", namespace="contests_admin"))]


class HeldVotesMenuItem(MenuItem):
    def is_shown(self, request):
        return is_moderator(request.user)


@hooks.register("register_admin_menu_item")
def register_held_votes_menu_item():
    return HeldVotesMenuItem(
        _("Held votes"), reverse_lazy("contests_admin:held_votes"), icon_name="warning", order=102
    )


def _winners_button(page, user, priority):
    contest = page.specific_deferred
    if isinstance(contest, ContestPage) and can_manage(user, contest):
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


@hooks.register("register_page_listing_buttons")
def page_listing_jury_buttons(page, user, next_url=None):
    """Jury and Pick winners as buttons of a contest's row in the page explorer, beside Edit."""
    contest = page.specific_deferred
    if isinstance(contest, ContestPage) and can_manage(user, contest):
        yield ListingButton(
            _("Jury"),
            reverse("contests_admin:jury", args=[page.pk]),
            icon_name="group",
            priority=20,
            attrs={"data-testid": "listing-jury"},
        )
        yield ListingButton(
            _("Pick winners"),
            reverse("contests_admin:winners", args=[page.pk]),
            icon_name="trophy",
            priority=21,
            attrs={"data-testid": "listing-winners"},
        )


@dashboard_panel
class ContestsPanel(DashboardPanel):
    """The staff dashboard: the user's contests that need them now."""

    name = "contests_attention"
    order = 60
    template_name = "contests/admin/dashboard_panel.html"

    @staticmethod
    def shown_to(user):
        return user.is_active and (user.is_superuser or is_brand_staff(user))

    def get_context_data(self, parent_context=None):
        from contests.cockpit import CLOSING_SOON, contests_needing_attention

        return {
            "items": contests_needing_attention(self.user),
            "hours": int(CLOSING_SOON.total_seconds() // 3600),
        }


@hooks.register("cocreo_moderation_figures")  # moderation.wagtail_hooks.FIGURES_HOOK
def held_votes_figure(user):
    """Votes held by the velocity rule wait for a moderator too."""
    from contests.services import held_votes

    count = held_votes(user).count()
    return {
        "name": "held_votes",
        "label": _("Held votes awaiting review"),
        "count": count,
        "url": reverse("contests_admin:held_votes"),
    }


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


@hooks.register(PROFILE_SECTIONS_HOOK)
def member_entries_section(request, member):
    """A member's approved entries in published contests, and the awards they won."""
    now = timezone.now()
    entries = (
        Entry.objects.public()
        .filter(author=member, contest__live=True)
        .select_related("contest")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(entries, PROFILE_ENTRIES_PAGE_SIZE).get_page(request.GET.get("page"))
    awards = list(
        Award.objects.public()
        .filter(entry__author=member, contest__live=True, contest__result__announced_at__lte=now)
        .select_related("contest")
        .order_by("-created_at", "rank")
    )
    for award in awards:
        award.entry.contest = award.contest
    for entry in [*page, *(a.entry for a in awards)]:
        contest = entry.contest
        entry.url = contest.get_url(request) + contest.reverse_subpage("entry", args=[entry.pk])
    return {
        "template": "contests/includes/member_entries.html",
        "entries_page": page,
        "awards": awards,
    }


@hooks.register(SEARCH_HOOK)
def search_entries(request, query, limit):
    """Approved entries of published contests."""
    found = search_ids(Entry.objects.public(), query, limit * 2)
    entries = Entry.objects.public().filter(contest__live=True).select_related("contest")
    return SearchSection(
        "entries",
        str(_("Designs")),
        [
            SearchResult(
                title=entry.title,
                url=entry.get_absolute_url(),
                text=entry.description,
                context=entry.contest.title,
            )
            for entry in ordered_public(entries, found)[:limit]
        ],
    )


@hooks.register("cocreo_member_data")  # privacy.hooks.MEMBER_DATA_HOOK
def contest_member_data(user):
    from contests.member_data import member_data

    return member_data(user)


@hooks.register("cocreo_member_erase")  # privacy.hooks.MEMBER_ERASE_HOOK
def erase_contest_member_data(user, *, keep_contributions: bool):
    from contests.member_data import erase_member

    erase_member(user, keep_contributions=keep_contributions)
