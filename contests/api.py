from datetime import datetime

from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.security import django_auth

from community import live
from community.bounds import BoundedPageNumberPagination
from community.network import client_network
from community.second_factor import staff_auth
from contests import gallery, services
from contests.models import Award, ContestPage, Entry, Vote, tags_with_names
from contests.phases import Phase

router = Router(tags=["contests"])


class ContestOut(Schema):
    slug: str
    title: str
    url: str
    brand: str
    summary: str
    prize: str
    phase: Phase
    submissions_open_at: datetime
    submissions_close_at: datetime
    voting_open_at: datetime
    voting_close_at: datetime
    voting_method: str
    vote_budget: int | None
    totals_public: bool
    voting_during_submissions: bool
    archive_at: datetime | None
    entry_count: int


class EntryOut(Schema):
    id: int
    contest: str
    title: str
    description: str
    author: str
    url: str
    image_url: str
    images: list[str]
    tags: list[str]
    status: str
    created_at: datetime
    votes: int | None = None


class WinnerOut(Schema):
    rank: int
    entry: EntryOut


class VoteOut(Schema):
    entry_id: int
    voted: bool
    changed: bool
    score: int | None = None
    votes: int | None = None
    average: float | None = None
    votes_left: int | None = None


class WinnersIn(Schema):
    entries: list[int]
    mentions: list[int] = []
    statement: str | None = None
    # Required once the results are out: why they change (logged, told to the members).
    reason: str = ""


class ShortlistIn(Schema):
    entries: list[int]


class JuryScoresIn(Schema):
    scores: dict[int, int]


class TotalOut(Schema):
    entry_id: int
    title: str
    votes: int
    average: float | None = None


class ResultsOut(Schema):
    winners: list[WinnerOut]
    mentions: list[WinnerOut]
    community_choice: EntryOut | None
    statement: str
    totals: list[TotalOut]


class JuryRowOut(Schema):
    entry_id: int
    title: str
    averages: dict[str, float | None]
    overall: float | None
    jurors: int


class EntryCreateIn(Schema):
    title: str
    description: str = ""
    tags: str = ""
    accept_rules: bool = False


class EntryEditIn(Schema):
    title: str
    description: str = ""
    tags: str | None = None


class ErrorOut(Schema):
    detail: str
    field: str | None = None


def _contests():
    return (
        ContestPage.objects.live()
        .public()
        .select_related("brand", "result")
        .annotate(entry_count=Count("entries", filter=Q(entries__live=True), distinct=True))
        .order_by("-submissions_open_at")
    )


def contest_out(contest: ContestPage, now=None) -> dict:
    return {
        "slug": contest.slug,
        "title": contest.title,
        "url": contest.url,
        "brand": contest.brand.name,
        "summary": contest.summary,
        "prize": contest.prize,
        "phase": contest.phase_at(now or timezone.now()),
        "submissions_open_at": contest.submissions_open_at,
        "submissions_close_at": contest.submissions_close_at,
        "voting_open_at": contest.voting_open_at,
        "voting_close_at": contest.voting_close_at,
        "voting_method": contest.voting_method,
        "vote_budget": contest.vote_budget if contest.voting_method == "budget" else None,
        "totals_public": contest.totals_public_at(now or timezone.now()),
        "voting_during_submissions": contest.voting_during_submissions,
        "archive_at": contest.archive_at,
        "entry_count": contest.entry_count,
    }


def entry_out(entry: Entry, contest: ContestPage | None = None) -> dict:
    contest = contest or entry.contest
    return {
        "id": entry.pk,
        "contest": contest.slug,
        "title": entry.title,
        "description": entry.description,
        "author": entry.author.public_name,
        "url": contest.url + contest.reverse_subpage("entry", args=[entry.pk]),
        "image_url": entry.image_url(800),
        "images": entry.image_urls(800),
        "tags": sorted(t.tag.name for t in entry.tagged.all()),
        "status": entry.moderation_status,
        "created_at": entry.created_at,
        # Hidden running totals stay hidden until the results.
        "votes": getattr(entry, "vote_count", None) if contest.totals_public else None,
    }


def _get_contest(slug: str) -> ContestPage:
    return get_object_or_404(_contests(), slug=slug)


@router.get("contests", response=list[ContestOut])
def list_contests(request, phase: Phase | None = None):
    now = timezone.now()
    contests = [contest_out(c, now) for c in _contests()]
    if phase:
        contests = [c for c in contests if c["phase"] == phase]
    return contests


@router.get("contests/{slug}", response=ContestOut)
def get_contest(request, slug: str):
    return contest_out(_get_contest(slug))


@router.get("contests/{slug}/entries", response=list[EntryOut])
@paginate(BoundedPageNumberPagination, page_size=24)
def list_entries(request, slug: str, sort: str = "", q: str = ""):
    """Approved entries. `sort`: "shuffle" (the default during voting: the visitor's order,
    one of a few kept in a signed cookie, stable across pages and visits), "newest", or
    "votes" (only when totals are public). `q` searches titles and descriptions."""
    contest = _get_contest(slug)
    entries, _sort, count = gallery.gallery_entries(
        contest,
        sort=sort,
        query=q[:100],
        seed=lambda: gallery.visitor_seed(request),
        now=timezone.now(),
    )
    return _EntryList(entries.prefetch_related("extra_images", "tagged__tag"), contest, count)


class _EntryList:
    """A lazy sequence for the paginator: slices the queryset, serialises only that page."""

    def __init__(self, queryset, contest, count):
        self.queryset, self.contest, self._count = queryset, contest, count

    def __len__(self):
        return self._count()

    def count(self):
        return len(self)

    def __getitem__(self, item):
        entries = gallery.attach_vote_counts(
            list(self.queryset[item]), self.contest, timezone.now()
        )
        return [entry_out(e, self.contest) for e in entries]


@router.post(
    "contests/{slug}/entries",
    response={201: EntryOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
    auth=django_auth,
)
def create_entry(
    request,
    slug: str,
    data: Form[EntryCreateIn],
    image: File[UploadedFile],
    images: File[list[UploadedFile]] = None,
):
    """`image` is the cover; `images` are up to four more. `tags` are separated by commas."""
    contest = _get_contest(slug)
    entry = services.submit_entry(
        contest,
        author=request.user,
        title=data.title,
        description=data.description,
        image=image,
        images=images or [],
        tags=data.tags,
        accept_rules=data.accept_rules,
    )
    return Status(201, entry_out(entry, contest))


def _own_entry(request, entry_id: int) -> Entry:
    return get_object_or_404(
        Entry.objects.filter(author=request.user).select_related("author", "contest"),
        pk=entry_id,
    )


@router.post(
    "entries/{entry_id}/edit",
    response={200: EntryOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    auth=django_auth,
)
def edit_entry(
    request, entry_id: int, data: Form[EntryEditIn], images: File[list[UploadedFile]] = None
):
    """The author edits their entry while submissions are open; the edit is moderated and the
    response shows the submitted version. `images`, when given, replace all images."""
    entry = _own_entry(request, entry_id)
    version = services.edit_entry(
        entry,
        author=request.user,
        title=data.title,
        description=data.description,
        images=images or None,
        tags=data.tags,
    )
    out = entry_out(version)
    if version.live:
        revision_id = version.latest_revision_id
        out["status"] = "pending"
        out["images"] = [f"{url}?revision={revision_id}" for url in version.image_urls(800)]
        out["image_url"] = out["images"][0]
    return Status(200, out)


@router.delete(
    "entries/{entry_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    auth=django_auth,
)
def withdraw_entry(request, entry_id: int):
    services.withdraw_entry(_own_entry(request, entry_id), author=request.user)
    return Status(204, None)


@router.get("contests/{slug}/winners", response=list[WinnerOut])
def list_winners(request, slug: str):
    contest = _get_contest(slug)
    if contest.phase not in (Phase.RESULTS, Phase.ARCHIVED):
        return []
    winners = []
    for award in Award.objects.public().filter(contest=contest, kind=Award.Kind.WINNER):
        award.entry.vote_count = award.vote_count
        winners.append({"rank": award.rank, "entry": entry_out(award.entry, contest)})
    return winners


@router.post(
    "contests/{slug}/winners",
    response={200: list[WinnerOut], 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
    auth=staff_auth,
)
def pick_winners(request, slug: str, data: WinnersIn):
    contest = _get_contest(slug)
    services.pick_winners(
        contest,
        staff=request.user,
        entry_ids=data.entries,
        mention_ids=data.mentions,
        statement=data.statement,
        reason=data.reason,
    )
    return Status(200, list_winners(request, slug))


@router.get("contests/{slug}/results", response={200: ResultsOut, 409: ErrorOut})
def get_results(request, slug: str):
    """Winners, honourable mentions, the Community Choice, the jury's statement and every
    entry's vote totals: only once the results are announced."""
    contest = _get_contest(slug)
    if contest.phase not in (Phase.RESULTS, Phase.ARCHIVED):
        return Status(409, {"detail": _("The results are not announced yet.")})
    out: dict = {"winners": [], "mentions": [], "community_choice": None}
    for award in Award.objects.public().filter(contest=contest):
        award.entry.vote_count = award.vote_count
        item = {"rank": award.rank, "entry": entry_out(award.entry, contest)}
        if award.kind == Award.Kind.COMMUNITY:
            out["community_choice"] = item["entry"]
        else:
            out["winners" if award.kind == Award.Kind.WINNER else "mentions"].append(item)
    out["statement"] = contest.result.jury_statement
    out["totals"] = [
        {
            "entry_id": e.pk,
            "title": e.title,
            "votes": e.vote_count,
            "average": getattr(e, "score_average", None),
        }
        for e in Entry.objects.public().filter(contest=contest).ranked(contest)
    ]
    return Status(200, out)


class TotalsOut(Schema):
    version: int | None
    totals: dict[str, int]
    averages: dict[str, float | None] | None = None


@router.get("contests/{slug}/totals", response={200: TotalsOut, 409: ErrorOut})
def get_totals(request, slug: str, response: HttpResponse):
    """Every approved entry's current vote total (and mean score for score voting), with the
    live version they are at least as new as: live pages refetch this when they connect,
    reconnect or miss a message. Only while totals are public."""
    contest = _get_contest(slug)
    response["Cache-Control"] = "no-store"
    if not contest.totals_public:
        return Status(409, {"detail": _("The vote totals are hidden until the results.")})
    # Cached per live version (see live.versioned_totals): refetch herds read the database once.
    return Status(
        200, live.versioned_totals("votes", contest.pk, lambda: services.current_totals(contest))
    )


@router.put(
    "contests/{slug}/shortlist",
    response={200: list[int], 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
    auth=staff_auth,
)
def set_shortlist(request, slug: str, data: ShortlistIn):
    return Status(
        200, services.set_shortlist(_get_contest(slug), staff=request.user, entry_ids=data.entries)
    )


@router.put(
    "entries/{entry_id}/jury-scores",
    response={200: dict[int, int], 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
    auth=staff_auth,
)
def score_entry(request, entry_id: int, data: JuryScoresIn):
    """A jury member's 1–10 scores of a shortlisted entry, by criterion id."""
    entry = _public_entry(entry_id)
    saved = services.score_entry(entry, juror=request.user, scores=data.scores)
    return Status(200, {row.criterion_id: row.score for row in saved})


@router.get(
    "contests/{slug}/jury",
    response={200: list[JuryRowOut], 403: ErrorOut, 409: ErrorOut},
    auth=staff_auth,
)
def jury_table(request, slug: str, order: str = "overall"):
    """The aggregated jury table (brand staff only)."""
    contest = _get_contest(slug)
    criteria, rows = services.jury_table(contest, order, viewer=request.user)
    return Status(
        200,
        [
            {
                "entry_id": row["entry"].pk,
                "title": row["entry"].title,
                "averages": {c.name: avg for c, avg in zip(criteria, row["averages"], strict=True)},
                "overall": row["overall"],
                "jurors": row["jurors"],
            }
            for row in rows
        ],
    )


def _visible_entry(request, entry_id: int) -> Entry:
    return get_object_or_404(
        Entry.objects.visible_to(request.user)
        .with_vote_counts()
        .select_related("author", "contest")
        .prefetch_related("extra_images", tags_with_names()),
        pk=entry_id,
    )


@router.get("entries/{entry_id}", response=EntryOut)
def get_entry(request, entry_id: int):
    return entry_out(_visible_entry(request, entry_id))


def _vote_state(request, entry: Entry, changed: bool) -> dict:
    # "voted" is true for a held vote too: holding is for moderators, not a message to voters.
    mine = Vote.objects.filter(entry=entry, voter=request.user).first()
    state = {
        "entry_id": entry.pk,
        "voted": mine is not None,
        "changed": changed,
        "score": mine.score if mine else None,
        "votes_left": services.votes_left(entry.contest, request.user),
    }
    if entry.contest.totals_public:
        totals = services.vote_totals(entry)
        state.update(votes=totals["votes"], average=totals["average"])
    return state


def _public_entry(entry_id: int) -> Entry:
    # the contest's result decides its phase: joined, not asked for after
    return get_object_or_404(
        Entry.objects.public().select_related("contest", "contest__result"), pk=entry_id
    )


@router.post(
    "entries/{entry_id}/vote",
    response={200: VoteOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
    auth=django_auth,
    exclude_none=True,
)
def vote(request, entry_id: int, score: int | None = None):
    """Like or budget voting need no parameter; score voting sends `?score=1..5` (sending it
    again with another value changes the member's score)."""
    entry = _public_entry(entry_id)
    changed = services.cast_vote(
        entry, voter=request.user, score=score, network=client_network(request)
    )
    return Status(200, _vote_state(request, entry, changed))


@router.delete(
    "entries/{entry_id}/vote",
    response={200: VoteOut, 403: ErrorOut, 409: ErrorOut},
    auth=django_auth,
    exclude_none=True,
)
def withdraw_vote(request, entry_id: int):
    entry = _public_entry(entry_id)
    changed = services.withdraw_vote(entry, voter=request.user)
    return Status(200, _vote_state(request, entry, changed))
