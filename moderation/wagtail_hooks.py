from django.templatetags.static import static
from django.urls import include, path, reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from community.dashboard import DashboardPanel, dashboard_panel
from community.names import NAME_SCREEN_HOOK
from community.rules import is_brand_staff, is_moderator
from moderation.models import BlockedTerm, RejectionReason


@hooks.register("register_admin_urls")
def register_moderation_urls():
    return [path("moderation/", include("moderation.admin_urls", namespace="moderation"))]


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_moderator(request.user)


class PauseMenuItem(MenuItem):
    def is_shown(self, request):
        return is_moderator(request.user) or is_brand_staff(request.user)


@hooks.register("register_admin_menu_item")
def register_moderation_menu_item():
    return ModeratorMenuItem(
        _("Moderation"), reverse_lazy("moderation:queue"), icon_name="tasks", order=100
    )


@hooks.register("register_admin_menu_item")
def register_pause_menu_item():
    return PauseMenuItem(
        _("Crisis pause"), reverse_lazy("moderation:pauses"), icon_name="warning", order=101
    )


class RejectionReasonViewSet(SnippetViewSet):
    model = RejectionReason
    icon = "comment"
    menu_label = _("Rejection reasons")
    list_display = ["label", "active", "sort_order"]


class BlockedTermViewSet(SnippetViewSet):
    model = BlockedTerm
    icon = "warning"
    menu_label = _("Blocked terms")
    list_display = ["term", "active"]
    search_fields = ["term"]


register_snippet(RejectionReasonViewSet)
register_snippet(BlockedTermViewSet)


# Apps add figures to the moderators' dashboard panel by registering `(user) -> {"name",
# "label", "count", "url"}` under this hook (contests: held votes).
FIGURES_HOOK = "cocreo_moderation_figures"


@dashboard_panel
class ModerationPanel(DashboardPanel):
    name = "moderation_figures"
    order = 50
    template_name = "moderation/dashboard_panel.html"
    shown_to = staticmethod(is_moderator)

    def get_context_data(self, parent_context=None):
        from moderation.figures import open_report_count, queue_figures

        return {
            "figures": queue_figures(),
            "open_reports": open_report_count(),
            "more": [figure(self.user) for figure in hooks.get_hooks(FIGURES_HOOK)],
        }


@hooks.register("insert_global_admin_css")
def moderation_admin_css():
    """Previews in the moderation desk and the staff dashboard panels (no inline styles)."""
    return format_html('<link rel="stylesheet" href="{}">', static("css/moderation-admin.css"))


@hooks.register(NAME_SCREEN_HOOK)
def screen_member_name(name: str) -> list[str]:
    """Member names with a blocked term are refused at sign-up and on change."""
    from moderation.prescreen import blocked_terms_in_name

    return blocked_terms_in_name(name)


@hooks.register("cocreo_member_data")  # privacy.hooks.MEMBER_DATA_HOOK
def moderation_member_data(user):
    from moderation.member_data import member_data

    return member_data(user)
