from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from community.models import Brand


class BrandViewSet(SnippetViewSet):
    model = Brand
    icon = "group"
    menu_label = _("Brands")
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["name", "slug"]
    search_fields = ["name"]


register_snippet(BrandViewSet)


@hooks.register("cocreo_member_data")  # privacy.hooks.MEMBER_DATA_HOOK
def community_member_data(user):
    from community.member_data import member_data

    return member_data(user)


@hooks.register("cocreo_member_erase")  # privacy.hooks.MEMBER_ERASE_HOOK
def erase_community_member_data(user, *, keep_contributions: bool):
    from community.member_data import erase_member

    erase_member(user, keep_contributions=keep_contributions)
