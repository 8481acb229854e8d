from django.apps import apps
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The community's front door: what is open now, then what has been."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["community.BrandPage", "contests.ContestPage", "cms.StandardPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # cms asks the contests and ideas apps through their models and knows nothing else of them.
        contest_model = apps.get_model("contests", "ContestPage")
        context["open_contests"], context["past_contests"] = contest_model.current_and_past()
        context["boards"] = apps.get_model("ideas", "IdeasBoardPage").listed()
        return context


class StandardPage(Page):
    body = RichTextField(_("body"), blank=True)
    content_panels = [*Page.content_panels, FieldPanel("body")]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("standard page")
