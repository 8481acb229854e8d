import hashlib

from django.apps import apps
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from community import page_cache
from community.i18n import translated_search_fields
from community.view_restrictions import ViewRestrictionsMixin


def _specific(page: Page, specific_class) -> Page:
    """`page.specific`, with what the page type names in `route_select_related` (its brand,
    say) joined into the same query: a page type knows what every one of its views reads."""
    related = getattr(specific_class, "route_select_related", ())
    if specific_class is None or not related or isinstance(page, specific_class):
        return page.specific
    from community.sites import SITES  # imports Wagtail's views: not while models load

    # A cached answer: saving any page, or anything a page type joins here (its brand, hero
    # image, result), makes it stale (community/signals.py).
    specific = SITES.get(
        f"specific:{page.pk}",
        lambda: specific_class._default_manager.select_related(*related).get(pk=page.pk),
    )
    for name, value in page.__dict__.items():  # as Wagtail's get_specific: keep what was cached
        specific.__dict__.setdefault(name, value)
    return specific


def _pages_at(root: Page, url_paths: list[str]) -> list[Page]:
    """The pages under `root` at these url_paths, from the cached answers of community/sites.py
    (any page saved, moved or deleted makes them stale), else from the database."""
    from community.sites import SITES  # imports Wagtail's views: not while models load

    question = "route:" + hashlib.sha256("\n".join([root.path, *url_paths]).encode()).hexdigest()
    return SITES.get(
        question,
        lambda: list(Page.objects.filter(path__startswith=root.path, url_path__in=url_paths)),
    )


class HomePage(ViewRestrictionsMixin, page_cache.CachedPageMixin, Page):
    """The community's front door: what is open now, then what has been."""

    page_cache_tags = (page_cache.LISTINGS,)

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, *translated_search_fields("title", "intro")]
    subpage_types = ["community.BrandPage", "contests.ContestPage", "cms.StandardPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """Wagtail's routing, in one query instead of two per level. Wagtail asks for each
        level's page by slug, then for its specific page; here the pages along the path come in
        one cached answer (by url_path, `_pages_at`) and only the page that answers is made
        specific (the one query): the last one,
        or the first whose type routes on its own (a contest with its entries/<id>/ sub-routes).
        Its own `route` then decides as in Wagtail (only a live page answers; view restrictions
        are checked when it is served). Anything unexpected (a level missing, url_paths out of
        step with the tree) goes to Wagtail's own walk, so the answer is always Wagtail's."""
        if not path_components:
            return super().route(request, path_components)
        prefixes, url = [], self.url_path
        for component in path_components:
            url += component + "/"
            prefixes.append(url)
        found: dict[str, Page] = {}
        for page in _pages_at(self, prefixes):
            if page.url_path in found:  # siblings sharing a slug: let Wagtail decide
                return super().route(request, path_components)
            found[page.url_path] = page
        parent: Page = self
        for depth, component in enumerate(path_components):
            page = found.get(prefixes[depth])
            if (
                page is None
                or page.slug != component
                or page.depth != parent.depth + 1
                or not page.path.startswith(parent.path)
            ):
                return super().route(request, path_components)
            page._cached_parent_obj = parent
            rest = path_components[depth + 1 :]
            specific_class = page.specific_class
            if not rest or specific_class is None or specific_class.route is not Page.route:
                return _specific(page, specific_class).route(request, rest)
            parent = page
        raise Http404  # not reached: the last component always answers above

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # cms asks the contests and ideas apps through their models and knows nothing else of them.
        contest_model = apps.get_model("contests", "ContestPage")
        now = timezone.now()
        current, past = contest_model.current_and_past(now=now)
        context["open_contests"], context["past_contests"] = current, past
        page_cache.valid_until_next_boundary(request, current + past, now)
        context["boards"] = apps.get_model("ideas", "IdeasBoardPage").listed()
        return context


class StandardPage(ViewRestrictionsMixin, page_cache.CachedPageMixin, Page):
    body = RichTextField(_("body"), blank=True)
    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, *translated_search_fields("title", "body")]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("standard page")
