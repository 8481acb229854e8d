from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from community.rules import is_moderator


@hooks.register("register_admin_urls")
def register_moderation_urls():
    return [path("moderation/", include("moderation.admin_urls", namespace="moderation"))]


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_moderator(request.user)


@hooks.register("register_admin_menu_item")
def register_moderation_menu_item():
    return ModeratorMenuItem(
        _("Moderation"), reverse_lazy("moderation:queue"), icon_name="tasks", order=100
    )
