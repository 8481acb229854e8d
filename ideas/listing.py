"""What the board shows: lists (trending, top, newest), the roadmap, similar ideas while a
member types, and an idea's timeline. Reads only approved ideas (`Idea.objects.public()`), in a
number of queries that does not grow with ideas or supports."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from ideas.models import (
    ROADMAP_STATUSES,
    Idea,
    IdeasBoardPage,
    IdeaStatus,
    StatusUpdate,
)

SORTS = ("trending", "top", "newest")
SIMILAR_LIMIT = 5
SIMILAR_MIN_CHARS = 3
ROADMAP_COLUMN_LIMIT = 50
MAX_QUERY_LENGTH = 200


CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def clean_query(text: str | None) -> str:
    """What a member typed, as one line of words: control characters go (PostgreSQL refuses
    NUL bytes in text), runs of spaces become one, and it is cut to a sane length."""
    text = CONTROL_CHARACTERS.sub(" ", text or "")
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def _order(sort: str) -> tuple[str, ...]:
    if sort == "top":
        return ("-support_count", "-first_published_at", "-pk")
    if sort == "newest":
        return ("-first_published_at", "-pk")
    return ("-trending_count", "-support_count", "-first_published_at", "-pk")


def board_ideas(
    board: IdeasBoardPage,
    *,
    sort: str = "trending",
    status: str = "",
    category: int | str | None = None,
    q: str = "",
    now: datetime | None = None,
) -> QuerySet[Idea]:
    """The board's approved ideas with their counted supports (and those of the last seven
    days), filtered and sorted. Merged ideas are left out unless asked for by status."""
    ideas = Idea.objects.public().filter(board=board)
    ideas = ideas.filter(status=status) if status else ideas.exclude(status=IdeaStatus.MERGED)
    if category not in (None, ""):
        ideas = ideas.filter(category_id=category)
    q = clean_query(q)
    for word in q.split()[:8]:
        ideas = ideas.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return (
        ideas.with_support_counts(now)
        .select_related("category", "author")
        .order_by(*_order(sort if sort in SORTS else "trending"))
    )


@dataclass
class RoadmapColumn:
    status: str
    label: str
    ideas: list


def roadmap(board: IdeasBoardPage) -> list[RoadmapColumn]:
    """Approved ideas grouped by the brand's answer, most supported first: one query."""
    ideas = (
        Idea.objects.public()
        .filter(board=board, status__in=ROADMAP_STATUSES)
        .with_support_counts()
        .select_related("category", "author")
        .order_by("-support_count", "-status_changed_at", "-pk")
    )
    columns = {s: RoadmapColumn(s, str(IdeaStatus(s).label), []) for s in ROADMAP_STATUSES}
    for idea in ideas:
        idea.board = board
        column = columns[idea.status]
        if len(column.ideas) < ROADMAP_COLUMN_LIMIT:
            column.ideas.append(idea)
    return list(columns.values())


def timeline(idea: Idea) -> list[StatusUpdate]:
    """The idea's public timeline: the brand's answers and what happened to it, oldest first."""
    return list(StatusUpdate.objects.filter(idea=idea).select_related("brand", "author"))


# Similar ideas -----------------------------------------------------------------------------------
def _fold(text: str) -> str:
    """Lower case without accents: "Città" and "citta" match."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


WORD = re.compile(r"\w+", re.UNICODE)


def _words(text: str) -> list[str]:
    return [w for w in WORD.findall(_fold(text)) if len(w) >= SIMILAR_MIN_CHARS]


def similar_ideas(
    board: IdeasBoardPage, text: str, *, limit: int = SIMILAR_LIMIT, exclude_id: int | None = None
) -> list[Idea]:
    """Approved ideas of the board that look like `text` (what a member is typing as a title).
    On PostgreSQL: full-text search on title and description plus trigram similarity of the
    title (pg_trgm); elsewhere: shared words, scored in Python."""
    text = clean_query(text)
    if len(text) < SIMILAR_MIN_CHARS:
        return []
    candidates = Idea.objects.public().filter(board=board).exclude(status=IdeaStatus.MERGED)
    if exclude_id:
        candidates = candidates.exclude(pk=exclude_id)
    if connection.vendor == "postgresql":
        return _similar_postgres(candidates, text, limit)
    return _similar_fallback(candidates, text, limit)


def _similar_postgres(candidates: QuerySet[Idea], text: str, limit: int) -> list[Idea]:
    from django.contrib.postgres.search import (
        SearchQuery,
        SearchRank,
        SearchVector,
        TrigramSimilarity,
    )
    from django.db.models import F, FloatField
    from django.db.models.functions import Coalesce

    # "simple": boards are multilingual, so no language's stemming is assumed.
    vector = SearchVector("title", weight="A", config="simple") + SearchVector(
        "description", weight="B", config="simple"
    )
    words = _words(text)
    query = SearchQuery(" | ".join(words), search_type="raw", config="simple") if words else None
    ideas = candidates.annotate(similarity=TrigramSimilarity("title", text))
    if query is not None:
        ideas = ideas.annotate(
            rank=Coalesce(SearchRank(vector, query), 0.0, output_field=FloatField())
        )
        ideas = ideas.filter(Q(similarity__gte=0.2) | Q(rank__gt=0))
        score = F("similarity") + F("rank")
    else:
        ideas = ideas.filter(similarity__gte=0.2)
        score = F("similarity")
    return list(
        ideas.annotate(score=score)
        .with_support_counts()
        .select_related("board", "category", "author")
        .order_by("-score", "-pk")[:limit]
    )


def _similar_fallback(candidates: QuerySet[Idea], text: str, limit: int) -> list[Idea]:
    from difflib import SequenceMatcher

    words = set(_words(text))
    if not words:
        return []
    match = Q()
    for word in list(words)[:8]:
        match |= Q(title__icontains=word) | Q(description__icontains=word)
    # SQLite's icontains folds ASCII only; accents are compared again in Python below.
    pool = list(
        candidates.filter(match)
        .with_support_counts()
        .select_related("board", "category", "author")
        .order_by("-pk")[:200]
    )
    folded = _fold(text)
    scored = []
    for idea in pool:
        title_words = set(_words(idea.title))
        shared = len(words & title_words) + 0.5 * len(words & set(_words(idea.description)))
        ratio = SequenceMatcher(None, folded, _fold(idea.title)).ratio()
        score = shared / len(words) + ratio
        if shared or ratio >= 0.6:
            idea.score = score
            scored.append(idea)
    scored.sort(key=lambda i: (-i.score, -i.pk))
    return scored[:limit]


def effective_status(idea: Idea, now: datetime | None = None, stages=None) -> str:
    """The status to show: an idea that missed its stage shows as expired before the expiry
    job records it (phases come from dates)."""
    if idea.has_missed_stage_at(now or timezone.now(), stages):
        return IdeaStatus.EXPIRED
    return idea.status
