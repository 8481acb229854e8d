"""The order of a contest's gallery, shared by the page and the API.

During voting the default order is a fair shuffle: each visitor gets their own order, stable
across pages and visits (the seed lives in their session), so no entry is always first. The
shuffle is computed in SQL as a permutation of primary keys,

    key = (a × pk + b) mod p,   p = 2^31 − 1 (prime), 1 ≤ a < p, 0 ≤ b < p

which is a bijection on 0 … p−1, so pages never repeat or miss an entry; pk breaks (impossible)
ties. It works the same on SQLite and PostgreSQL.
"""

import secrets
from collections.abc import Callable

from django.db.models import F, IntegerField, Q, Value
from django.db.models.functions import Mod
from django.utils.translation import gettext_lazy as _

from contests.models import ContestPage, Entry, VotingMethod
from contests.phases import Phase

PRIME = 2_147_483_647
SESSION_KEY = "gallery_seed"

SORT_LABELS = {
    "shuffle": _("Shuffled for you"),
    "newest": _("Newest"),
    "votes": _("Most votes"),
}


def visitor_seed(request) -> tuple[int, int]:
    """The visitor's shuffle seed, created once per session."""
    seed = request.session.get(SESSION_KEY)
    if not (isinstance(seed, list) and len(seed) == 2):
        seed = [secrets.randbelow(PRIME - 1) + 1, secrets.randbelow(PRIME)]
        request.session[SESSION_KEY] = seed
    return seed[0], seed[1]


def sorts_for(contest: ContestPage, now) -> list[str]:
    """The orders offered now: shuffle only during voting, votes only when totals are public."""
    sorts = ["shuffle"] if contest.phase_at(now) == Phase.VOTING else []
    sorts.append("newest")
    if contest.totals_public_at(now):
        sorts.append("votes")
    return sorts


def gallery_entries(
    contest: ContestPage, *, sort: str, query: str, seed: Callable[[], tuple[int, int]], now
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
            a, b = seed()
            entries = entries.annotate(
                shuffle_key=Mod(
                    F("pk") * Value(a, output_field=IntegerField()) + Value(b),
                    Value(PRIME),
                    output_field=IntegerField(),
                )
            ).order_by("shuffle_key", "pk")
        else:
            entries = entries.order_by("-created_at", "-pk")
    return entries, sort
