from django.core.paginator import Paginator
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from community.dashboard import DashboardPanel, dashboard_panel
from community.search import (
    SEARCH_HOOK,
    SearchResult,
    SearchSection,
    ordered_public,
    search_ids,
)
from community.services import OPENINGS_HOOK
from community.views import PROFILE_SECTIONS_HOOK
from ideas.admin_views import can_use
from ideas.models import Idea, IdeasBoardPage, IdeaStatus

PROFILE_IDEAS_PAGE_SIZE = 24


@hooks.register("register_log_actions")
def register_idea_log_actions(actions):
    actions.register_action("ideas.answer", _("Answer an idea"), _("Idea answered"))
    actions.register_action("ideas.answer_edit", _("Edit an answer"), _("Answer edited"))
    actions.register_action("ideas.revive", _("Revive an idea"), _("Idea revived"))
    actions.register_action("ideas.merge", _("Merge ideas"), _("Idea merged"))
    actions.register_action("ideas.contest", _("Open a contest"), _("Contest opened from idea"))


@hooks.register(OPENINGS_HOOK)
def boards_open_for_ideas(now):
    """Followers of a brand hear when one of its boards opens for ideas."""
    return (
        IdeasBoardPage.objects.live()
        .public()
        .filter(opens_at__lte=now)
        .exclude(closes_at__lte=now)
        .select_related("brand")
        .order_by("opens_at", "pk")
    )


@hooks.register(PROFILE_SECTIONS_HOOK)
def member_ideas_section(request, member):
    """A member's approved ideas on published boards."""
    ideas = (
        Idea.objects.public()
        .filter(author=member, board__live=True)
        .exclude(status=IdeaStatus.MERGED)
        .select_related("board")
        .order_by("-first_published_at", "-pk")
    )
    page = Paginator(ideas, PROFILE_IDEAS_PAGE_SIZE).get_page(request.GET.get("page"))
    if not page.object_list:
        return None
    for idea in page:
        idea.url = idea.board.get_url(request) + idea.board.reverse_subpage("idea", args=[idea.pk])
    return {"template": "ideas/includes/member_ideas.html", "ideas_page": page}


@hooks.register(SEARCH_HOOK)
def search_ideas(request, query, limit):
    """Approved ideas of published boards (merged ones lead to their target)."""
    found = search_ids(Idea.objects.public(), query, limit * 2)
    ideas = Idea.objects.listed().filter(board__live=True).select_related("board")
    return SearchSection(
        "ideas",
        str(_("Ideas")),
        [
            SearchResult(
                title=idea.title,
                url=idea.get_absolute_url(),
                text=idea.description,
                context=idea.board.title,
            )
            for idea in ordered_public(ideas, found)[:limit]
        ],
    )


@hooks.register("cocreo_seed_demo")  # contests' seed_demo command: SEED_DEMO_HOOK
def seed_demo_board(brand, parent, users, now):
    from ideas.demo import seed_ideas

    return seed_ideas(brand=brand, parent=parent, users=users, now=now)


@hooks.register("register_admin_urls")
def register_ideas_admin_urls():
    return [path("ideas/", include("ideas.admin_urls", namespace="ideas_admin"))]


class IdeasMenuItem(MenuItem):
    def is_shown(self, request):
        return can_use(request.user)


@hooks.register("register_admin_menu_item")
def register_ideas_menu_item():
    return IdeasMenuItem(_("Ideas"), reverse("ideas_admin:index"), icon_name="help", order=210)


@hooks.register("cocreo_member_data")  # privacy.hooks.MEMBER_DATA_HOOK
def ideas_member_data(user):
    from ideas.member_data import member_data

    return member_data(user)


@hooks.register("cocreo_member_erase")  # privacy.hooks.MEMBER_ERASE_HOOK
def erase_ideas_member_data(user, *, keep_contributions: bool):
    from ideas.member_data import erase_member

    erase_member(user, keep_contributions=keep_contributions)


@dashboard_panel
class IdeasPanel(DashboardPanel):
    """The staff dashboard: ideas at their goal waiting for the brand's answer."""

    name = "ideas_awaiting"
    order = 61
    template_name = "ideas/admin/dashboard_panel.html"
    shown_to = staticmethod(can_use)

    def get_context_data(self, parent_context=None):
        from ideas.cockpit import ideas_awaiting_answer

        return {"awaiting": ideas_awaiting_answer(self.user)}
