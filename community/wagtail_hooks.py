from django.utils.translation import gettext_lazy as _
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
