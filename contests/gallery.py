"""The order of a contest's gallery, shared by the page and the API.

During voting the default order is a fair shuffle, stable across pages and visits, so no entry
is always first. Each visitor belongs to one of `GALLERY_SHUFFLE_BUCKETS` orders (16 by default),
drawn at random on their first visit and kept in a signed cookie, not in a session: visitors
create no session rows, and the anonymous gallery can be cached once per order (see
community/page_cache.py). The seed (a, b, c, d) of each order derives from the bucket number and
the secret key. The shuffle key is computed in SQL from the primary key and the seed:

    k1 = (a × pk + b) mod p
    k2 = ((k1 + c + C1) mod p)² mod p
    key = ((k2 + d + C2) mod p)² mod p          p = 2^31 − 1, C1 and C2 fixed large constants

The affine step alone is a poor shuffle of consecutive keys: for a few percent of seeds (a
small, or close to p) it is simply ascending or descending order, i.e. oldest or newest first.
The squarings mix it (the constants keep them far from zero, where squares would not wrap);
every intermediate stays below 2^62, so the arithmetic is exact on SQLite and PostgreSQL.
Ordering by (key, pk) is a total order, so pages never repeat or miss an entry whatever the
collisions of the key.
"""

from collections.abc import Callable, Iterable
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Func, IntegerField, Q
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from community import page_cache
from contests.models import ContestPage, Entry, Vote, VotingMethod, contest_tag, contest_votes_tag
from contests.phases import Phase

PRIME = 2_147_483_647
MIX_CONSTANTS = (1_540_483_477, 1_103_515_245)
COOKIE_NAME, COOKIE_SALT = page_cache.ORDER_COOKIE, page_cache.ORDER_SALT

SORT_LABELS = {
    "shuffle": _("Shuffled for you"),
    "newest": _("Newest"),
    "votes": _("Most votes"),
}


def visitor_bucket(request) -> int:
    """The visitor's shuffle order: one of the site's visitor orders (community/page_cache.py),
    kept in a signed cookie."""
    return page_cache.visitor_order(request)


def bucket_seed(bucket: int) -> tuple[int, int, int, int]:
    """The shuffle seed of an order: four numbers from a keyed hash of the bucket number, so
    the orders cannot be predicted without the secret key and are the same in every process."""
    digest = salted_hmac("cocreo.gallery.seed", str(bucket), algorithm="sha256").digest()
    a, b, c, d = (int.from_bytes(digest[i : i + 8], "big") for i in range(0, 32, 8))
    return a % (PRIME - 1) + 1, b % PRIME, c % PRIME, d % PRIME


def visitor_seed(request) -> tuple[int, int, int, int]:
    """The visitor's shuffle seed (see the module's docstring)."""
    return bucket_seed(visitor_bucket(request))


def shuffle_key_of(pk: int, seed: tuple[int, int, int, int]) -> int:
    """The shuffle key of one entry, in Python: the arithmetic `ShuffleKey` does in SQL."""
    a, b, c, d = seed
    c1, c2 = MIX_CONSTANTS
    k1 = (a * pk + b) % PRIME
    m1 = (k1 + c + c1) % PRIME
    k2 = (m1 * m1) % PRIME
    m2 = (k2 + d + c2) % PRIME
    return (m2 * m2) % PRIME


class ShuffleKey(Func):
    """The visitor's shuffle key in SQL (see the module's docstring), as one expression node.

    Built from Django's `Mod` and `F` arithmetic the key was a tree of some forty nodes that
    Django resolved, hashed (for the ORDER BY) and compiled on every gallery page, a tenth of a
    signed-in page's time; here the SQL is written once per query. The seed is four integers
    from `bucket_seed`, never user input, so they are written into the SQL as numbers. `%` is
    integer remainder on PostgreSQL and SQLite alike (operands are non-negative)."""

    output_field = IntegerField()

    def __init__(self, seed: tuple[int, int, int, int]):
        super().__init__(F("pk"))
        self.seed = tuple(int(n) for n in seed)

    def as_sql(self, compiler, connection, **extra_context):
        pk_sql, params = compiler.compile(self.source_expressions[0])
        a, b, c, d = self.seed
        c1, c2 = MIX_CONSTANTS
        p = PRIME
        k1 = f"(({pk_sql} * {a} + {b}) %% {p})"  # %% is SQL's %, escaped for the parameters
        m1 = f"(({k1} + {c + c1}) %% {p})"
        k2 = f"(({m1} * {m1}) %% {p})"
        m2 = f"(({k2} + {d + c2}) %% {p})"
        return f"(({m2} * {m2}) %% {p})", [*params] * 4  # the pk is written four times


def shuffle_key(seed: tuple[int, int, int, int]) -> ShuffleKey:
    """The SQL expression of the visitor's shuffle key (see the module's docstring)."""
    return ShuffleKey(seed)


def sorts_for(contest: ContestPage, now) -> list[str]:
    """The orders offered now: shuffle only during voting, votes only when totals are public."""
    sorts = ["shuffle"] if contest.phase_at(now) == Phase.VOTING else []
    sorts.append("newest")
    if contest.totals_public_at(now):
        sorts.append("votes")
    return sorts


def gallery_entries(
    contest: ContestPage,
    *,
    sort: str,
    query: str,
    seed: Callable[[], tuple[int, int, int, int]],
    now,
):
    """Approved entries of the contest, searched and ordered; returns (queryset, sort used,
    count). An order that is not offered now (votes while totals are hidden) falls back to the
    default, so the order itself never reveals hidden totals. `seed` is called only for the
    shuffle (so no order cookie is given outside voting).

    `count()` counts the same entries without the order's annotations: Django hashes every
    annotation before it drops them from a COUNT, and the shuffle key's nested expressions made
    that about a tenth of the signed-in gallery's time.

    Only the "votes" order counts votes in this query (it orders by them); for the others,
    count the votes of the page shown with `attach_vote_counts`, not of the whole contest."""
    sort = resolve_sort(contest, sort, now)
    entries = Entry.objects.public().filter(contest=contest).select_related("author")
    query = (query or "").strip()
    if query:
        entries = entries.filter(Q(title__icontains=query) | Q(description__icontains=query))
    count = entries.select_related(None).count
    if sort == "votes":
        entries = entries.ranked(contest)
        if contest.voting_method != VotingMethod.SCORE:
            entries = entries.order_by("-vote_count", "-created_at", "-pk")
    elif sort == "shuffle":
        entries = entries.annotate(shuffle_key=shuffle_key(seed())).order_by("shuffle_key", "pk")
    else:
        entries = entries.order_by("-created_at", "-pk")
    return entries, sort, count


class CountedPaginator(Paginator):
    """A paginator that counts with the `count` of `gallery_entries`."""

    def __init__(self, object_list, per_page, *, count: Callable[[], int]):
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count()


def resolve_sort(contest: ContestPage, sort: str, now) -> str:
    """The order asked for if it is offered now, else the default one."""
    sorts = sorts_for(contest, now)
    return sort if sort in sorts else sorts[0]


def counted_votes(entry_ids: Iterable[int]) -> dict[int, int]:
    """How many votes each of these entries has (entries without votes are left out). The one
    place that counts the votes of a page of entries."""
    rows = (
        Vote.objects.counted()
        .filter(entry_id__in=list(entry_ids))
        .values_list("entry_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


def attach_vote_counts(entries: list[Entry], contest: ContestPage, now) -> list[Entry]:
    """Sets `vote_count` on a page of entries (one query for the page), unless the query
    already counted them or totals are hidden now (then nobody may see them: None)."""
    missing = [e for e in entries if not hasattr(e, "vote_count")]
    if not missing:
        return entries
    counts = counted_votes(e.pk for e in missing) if contest.totals_public_at(now) else None
    for entry in missing:
        entry.vote_count = counts.get(entry.pk, 0) if counts is not None else None
    return entries


_ID_SENTINEL = 918273645


def attach_card_urls(entries: list[Entry], contest: ContestPage) -> list[Entry]:
    """Sets the links of a page of gallery cards (`card_url`, `card_image_400/800`): the same
    URLs as `get_absolute_url` and `image_url`, but resolved once per page and filled in per
    entry (a URL reverse per card and size is a large part of the gallery's rendering)."""
    base = contest.url + "entries/"
    images = {
        size: reverse("contests:entry_image", args=[_ID_SENTINEL, size]).split(str(_ID_SENTINEL))
        for size in ("400", "800")
    }
    for entry in entries:
        pk = str(entry.pk)
        entry.card_url = f"{base}{pk}/"
        entry.card_image_400 = pk.join(images["400"])
        entry.card_image_800 = pk.join(images["800"])
    return entries


class CardEntry(NamedTuple):
    """What a gallery card shows of an entry (contests/cards.py): the same for every viewer."""

    pk: int
    title: str
    author_id: int
    author_name: str  # the author's public name, in the page's language
    vote_count: int | None  # None while totals are hidden
    url: str
    image_400: str
    image_800: str


def card_entry(entry: Entry) -> CardEntry:
    """An entry with `vote_count` and its card links (attach_vote_counts, attach_card_urls)."""
    return CardEntry(
        entry.pk,
        entry.title,
        entry.author_id,
        str(entry.author.public_name),
        entry.vote_count,
        entry.card_url,
        entry.card_image_400,
        entry.card_image_800,
    )


class GalleryPage(NamedTuple):
    """One page of a contest's gallery as every viewer sees it (the viewer's own votes and
    pending entries are added by the view)."""

    page: Page  # of CardEntry
    sort: str
    source_ideas: list[tuple[str, str]]  # (title, url) of the ideas the contest was opened from


def gallery_page(
    contest: ContestPage,
    *,
    sort: str,
    query: str,
    page_number: str,
    order: Callable[[], int],
    page_size: int,
    now,
) -> GalleryPage:
    """A page of the gallery, shared by every viewer: from the page cache's shared values
    (community/page_cache.py), current until an entry of the contest is approved, removed or
    edited, a vote changes its totals, or anything in the page tree changes; computed otherwise.
    `order` (the visitor's shuffle order) is asked only for the shuffle."""
    sort = resolve_sort(contest, sort, now)
    bucket = order() if sort == "shuffle" else None
    key = "\n".join(
        map(
            str,
            (
                "gallery",
                contest.pk,
                get_language(),
                contest.phase_at(now),
                sort,
                bucket,
                query,
                page_number,
            ),
        )
    )
    number, count, cards, ideas = page_cache.shared_value(
        key,
        [contest_tag(contest.pk), contest_votes_tag(contest.pk)],
        lambda: _gallery_page_values(contest, sort, query, page_number, bucket, page_size, now),
    )
    paginator = CountedPaginator([], page_size, count=lambda: count)
    return GalleryPage(Page(cards, number, paginator), sort, ideas)


def _gallery_page_values(contest, sort, query, page_number, bucket, page_size, now) -> tuple:
    entries, sort, count = gallery_entries(
        contest, sort=sort, query=query, seed=lambda: bucket_seed(bucket), now=now
    )
    page = CountedPaginator(entries, page_size, count=count).get_page(page_number)
    entries = attach_card_urls(attach_vote_counts(list(page.object_list), contest, now), contest)
    ideas = contest.source_ideas.filter(live=True, board__live=True).select_related("board")
    return (
        page.number,
        page.paginator.count,
        [card_entry(entry) for entry in entries],
        [(idea.title, idea.get_absolute_url()) for idea in ideas],
    )
