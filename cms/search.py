"""Site search: `/search/?q=` over published pages (contests, boards, brands, standard pages)
and the approved member content that apps offer through the `cocreo_search` hook.

The Wagtail search backend finds candidates (PostgreSQL's full-text search on PostgreSQL); what
is shown is always re-read through each app's public queryset, so nothing pending, removed or
in an unpublished contest or board ever matches, whatever the index holds."""

from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Page

from community.search import SEARCH_HOOK, SearchResult, SearchSection, ordered_public, search_ids

MAX_QUERY_LENGTH = 100
RESULTS_PER_SECTION = 20


def search_pages(request, query: str, limit: int) -> SearchSection:
    pages = Page.objects.live().public().exclude(depth__lte=1).specific()
    found = search_ids(Page.objects.live().public(), query, limit * 2)
    results = [
        SearchResult(
            title=page.title,
            url=page.get_url(request) or "",
            text=getattr(page, "summary", "") or page.search_description,
            context=str(page._meta.verbose_name),
        )
        for page in ordered_public(pages, found)[:limit]
    ]
    return SearchSection("pages", str(_("Contests, boards and pages")), results)


def search(request):
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    sections: list[SearchSection] = []
    if query:
        sections.append(search_pages(request, query, RESULTS_PER_SECTION))
        for source in hooks.get_hooks(SEARCH_HOOK):
            section = source(request, query, RESULTS_PER_SECTION)
            if section is not None:
                sections.append(section)
    total = sum(len(s.results) for s in sections)
    return TemplateResponse(
        request,
        "cms/search.html",
        {"query": query, "sections": [s for s in sections if s.results], "total": total},
    )
