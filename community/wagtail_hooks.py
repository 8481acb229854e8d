from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from community import page_cache
from community.i18n import language_codes
from community.models import Brand
from community.theming import DEFAULT_ACCENT, DEFAULT_PRIMARY


def colour_input(placeholder: str) -> forms.TextInput:
    return forms.TextInput(attrs={"placeholder": placeholder, "maxlength": 7, "size": 8})


class BrandViewSet(SnippetViewSet):
    model = Brand
    icon = "group"
    menu_label = _("Brands")
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["name", "slug"]
    search_fields = ["name"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        # The description is CMS content in each language (community/translation.py).
        *[FieldPanel(f"description_{code}") for code in language_codes()],
        MultiFieldPanel(
            [
                FieldPanel("logo"),
                FieldPanel("primary_color", widget=colour_input(DEFAULT_PRIMARY)),
                FieldPanel("accent_color", widget=colour_input(DEFAULT_ACCENT)),
                FieldPanel("typeface"),
            ],
            heading=_("Look of the brand's pages"),
        ),
    ]


register_snippet(BrandViewSet)


class TaskResultsMenuItem(MenuItem):
    """Background work that failed (emails given up, renditions not made): for admins."""

    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def register_failed_tasks_menu_item():
    return TaskResultsMenuItem(
        _("Failed background tasks"),
        reverse_lazy("admin:django_tasks_database_dbtaskresult_changelist") + "?status=FAILED",
        icon_name="warning",
        order=900,
    )


@hooks.register("before_serve_page")
def never_cache_restricted_pages(page, request, serve_args, serve_kwargs):
    """A page behind a password (or any view restriction) is never stored in the page cache:
    the cache serves pages before Wagtail checks restrictions."""
    shared = page_cache.enabled() and not request.user.is_authenticated
    if shared and page.get_view_restrictions().exists():
        page_cache.forbid(request)
