"""What site search shows, shared by the apps that offer results (through the Wagtail hook
`SEARCH_HOOK`) and the search page (cms)."""

import re
from dataclasses import dataclass

# Apps register `(request, query, limit) -> SearchSection | None` under this Wagtail hook.
SEARCH_HOOK = "cocreo_search"


@dataclass
class SearchResult:
    title: str
    url: str
    text: str = ""
    context: str = ""


@dataclass
class SearchSection:
    key: str
    heading: str
    results: list[SearchResult]


def ordered_public(queryset, ids: list[int]) -> list:
    """`queryset` (a public one) restricted to `ids`, in the order of `ids`: the index only
    suggests candidates, the public queryset decides what may be shown."""
    rows = {row.pk: row for row in queryset.filter(pk__in=ids)}
    return [rows[pk] for pk in ids if pk in rows]


def search_ids(queryset, query: str, limit: int) -> list[int]:
    """Primary keys of `queryset` rows that the search backend ranks for `query`, best first."""
    from wagtail.search.backends import get_search_backend

    # Search syntax is not offered: punctuation would be operators to SQLite's FTS5.
    words = " ".join(re.sub(r"[^\w]+", " ", query).split())
    if not words:
        return []
    return [row.pk for row in get_search_backend().search(words, queryset)[:limit]]
