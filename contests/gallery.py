"""The order of a contest's gallery, shared by the page and the API.

During voting the default order is a fair shuffle: each visitor gets their own order, stable
across pages and visits (the seed lives in their session), so no entry is always first. The
shuffle key is computed in SQL from the primary key and the visitor's seed (a, b, c, d):

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

import secrets
from collections.abc import Callable

from django.db.models import F, IntegerField, Q, Value
from django.db.models.functions import Mod
from django.utils.translation import gettext_lazy as _

from contests.models import ContestPage, Entry, VotingMethod
from contests.phases import Phase

PRIME = 2_147_483_647
MIX_CONSTANTS = (1_540_483_477, 1_103_515_245)
SESSION_KEY = "gallery_seed"

SORT_LABELS = {
    "shuffle": _("Shuffled for you"),
    "newest": _("Newest"),
    "votes": _("Most votes"),
}


def visitor_seed(request) -> tuple[int, int, int, int]:
    """The visitor's shuffle seed, created once per session."""
    seed = request.session.get(SESSION_KEY)
    if not (isinstance(seed, list) and len(seed) == 4):
        seed = [secrets.randbelow(PRIME - 1) + 1, *(secrets.randbelow(PRIME) for _ in range(3))]
        request.session[SESSION_KEY] = seed
    return tuple(seed)


def shuffle_key(seed: tuple[int, int, int, int]):
    """The SQL expression of the visitor's shuffle key (see the module's docstring)."""
    a, b, c, d = (Value(n, output_field=IntegerField()) for n in seed)
    c1, c2 = (Value(n, output_field=IntegerField()) for n in MIX_CONSTANTS)
    prime = Value(PRIME, output_field=IntegerField())

    def mod(expression):
        return Mod(expression, prime, output_field=IntegerField())

    k1 = mod(F("pk") * a + b)
    m1 = mod(k1 + c + c1)
    k2 = mod(m1 * m1)
    m2 = mod(k2 + d + c2)
    return mod(m2 * m2)


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
    """Approved entries of the contest, searched and ordered; returns (queryset, sort used).
    An order that is not offered now (votes while totals are hidden) falls back to the
    default, so the order itself never reveals hidden totals. `seed` is called only for the
    shuffle (so no session is created outside voting)."""
    sorts = sorts_for(contest, now)
    if sort not in sorts:
        sort = sorts[0]
    entries = Entry.objects.public().filter(contest=contest).select_related("author")
    query = (query or "").strip()
    if query:
        entries = entries.filter(Q(title__icontains=query) | Q(description__icontains=query))
    if sort == "votes":
        entries = entries.ranked(contest)
        if contest.voting_method != VotingMethod.SCORE:
            entries = entries.order_by("-vote_count", "-created_at", "-pk")
    else:
        entries = entries.with_vote_counts()
        if sort == "shuffle":
            entries = entries.annotate(shuffle_key=shuffle_key(seed())).order_by(
                "shuffle_key", "pk"
            )
        else:
            entries = entries.order_by("-created_at", "-pk")
    return entries, sort
