"""The ideas part of the JSON API: boards, ideas, supports, the brand's answers, merges. The
same services as the HTML pages; approved ideas only, except an author's own and moderators'."""

from datetime import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import django_auth

from community import live
from community.rules import is_moderator
from community.second_factor import staff_auth
from ideas import listing, services
from ideas.models import Idea, IdeasBoardPage, IdeaStatus, StatusUpdate, Support

router = Router(tags=["ideas"])


class ErrorOut(Schema):
    detail: str
    field: str | None = None


class CategoryOut(Schema):
    id: int
    name: str


class StageOut(Schema):
    supporters: int
    days: int


class BoardOut(Schema):
    slug: str
    title: str
    url: str
    brand: str
    summary: str
    support_goal: int
    opens_at: datetime
    closes_at: datetime | None
    is_open: bool
    categories: list[CategoryOut]
    stages: list[StageOut]


class IdeaOut(Schema):
    id: int
    board: str
    title: str
    description: str
    author: str
    url: str
    image_url: str | None
    category: CategoryOut | None
    status: str
    moderation_status: str
    supports: int
    goal: int
    stage_deadline: datetime | None
    created_at: datetime
    published_at: datetime | None
    merged_into: int | None
    supported: bool | None = None


class SupportOut(Schema):
    idea_id: int
    supported: bool
    changed: bool
    supports: int
    status: str


class FollowOut(Schema):
    following: bool
    changed: bool


class StatusUpdateOut(Schema):
    id: int
    kind: str
    status: str
    previous_status: str
    answer: str
    brand: str
    created_at: datetime
    edited_at: datetime | None


class RoadmapColumnOut(Schema):
    status: str
    label: str
    ideas: list[IdeaOut]


class IdeaCreateIn(Schema):
    title: str
    description: str
    category: int | None = None


class IdeaEditIn(IdeaCreateIn):
    remove_image: bool = False


class StatusIn(Schema):
    status: str
    answer: str


class AnswerIn(Schema):
    answer: str


class MergeIn(Schema):
    into: int
    answer: str = ""


class ReviveIn(Schema):
    answer: str = ""


class ContestIn(Schema):
    title: str = ""


class OpenedContestOut(Schema):
    id: int
    title: str
    edit_url: str


# Reading -----------------------------------------------------------------------------------------
def _boards():
    return (
        IdeasBoardPage.objects.live()
        .public()
        .select_related("brand")
        .prefetch_related("categories", "stages")
        .order_by("-opens_at", "pk")
    )


def _get_board(slug: str) -> IdeasBoardPage:
    board = _boards().filter(slug=slug).first()
    if board is None:
        raise Http404
    return board


def board_out(board: IdeasBoardPage, now=None) -> dict:
    return {
        "slug": board.slug,
        "title": board.title,
        "url": board.url,
        "brand": board.brand.name,
        "summary": board.summary,
        "support_goal": board.support_goal,
        "opens_at": board.opens_at,
        "closes_at": board.closes_at,
        "is_open": board.is_open_at(now or timezone.now()),
        "categories": [{"id": c.pk, "name": c.name} for c in board.categories.all()],
        "stages": [{"supporters": s.supporters, "days": s.days} for s in board.stage_list()],
    }


def idea_out(idea: Idea, board: IdeasBoardPage, *, supported: set[int] | None = None) -> dict:
    stages = board.stage_list()
    count = getattr(idea, "support_count", None)
    if count is None:
        count = services.support_count(idea)
    return {
        "id": idea.pk,
        "board": board.slug,
        "title": idea.title,
        "description": idea.description,
        "author": idea.author.public_name,
        "url": board.url + board.reverse_subpage("idea", args=[idea.pk]),
        "image_url": idea.image_url(800) if idea.image else None,
        "category": {"id": idea.category.pk, "name": idea.category.name} if idea.category else None,
        "status": listing.effective_status(idea, stages=stages),
        "moderation_status": idea.moderation_status,
        "supports": count,
        "goal": board.support_goal,
        "stage_deadline": idea.stage_deadline(stages),
        "created_at": idea.created_at,
        "published_at": idea.first_published_at,
        "merged_into": idea.merged_into_id,
        "supported": (idea.pk in supported) if supported is not None else None,
    }


def _supported_ids(request, ideas) -> set[int] | None:
    """The ideas of this page the member supports: one query, None for visitors."""
    if not request.user.is_authenticated:
        return None
    return set(
        Support.objects.filter(member=request.user, idea__in=[i.pk for i in ideas]).values_list(
            "idea_id", flat=True
        )
    )


class _IdeaList:
    """A lazy sequence for the paginator: slices the queryset, serialises only that page."""

    def __init__(self, queryset, board, request):
        self.queryset, self.board, self.request = queryset, board, request

    def __len__(self):
        return self.queryset.count()

    def count(self):
        return len(self)

    def __getitem__(self, item):
        ideas = list(self.queryset[item])
        supported = _supported_ids(self.request, ideas)
        for idea in ideas:
            idea.board = self.board
        return [idea_out(i, self.board, supported=supported) for i in ideas]


@router.get("boards", response=list[BoardOut])
def list_boards(request):
    now = timezone.now()
    return [board_out(b, now) for b in _boards()]


@router.get("boards/{slug}", response=BoardOut)
def get_board(request, slug: str):
    return board_out(_get_board(slug))


class SupportTotalsOut(Schema):
    version: int | None
    totals: dict[str, int]


@router.get("boards/{slug}/supports", response=SupportTotalsOut)
def get_support_totals(request, slug: str, response: HttpResponse):
    """Every approved idea's counted supports now, with the live version they are at least as
    new as (live pages refetch this on connect, reconnect or a missed message)."""
    board = _get_board(slug)
    response["Cache-Control"] = "no-store"
    # Cached per live version (see live.versioned_totals): refetch herds read the database once.
    return live.versioned_totals("supports", board.pk, lambda: services.current_supports(board))


@router.get("boards/{slug}/ideas", response=list[IdeaOut])
@paginate(PageNumberPagination, page_size=24)
def list_ideas(
    request, slug: str, status: str = "", category: int | None = None, sort: str = "", q: str = ""
):
    """Approved ideas. `sort`: trending (supports in the last 7 days; the default), top or
    newest; `status` and `category` filter; `q` searches titles and descriptions. Merged
    ideas are listed only when asked for with `status=merged`."""
    board = _get_board(slug)
    if status and status not in IdeaStatus.values:
        status = "__none__"  # an unknown status matches nothing
    ideas = listing.board_ideas(board, sort=sort, status=status, category=category, q=q)
    return _IdeaList(ideas, board, request)


@router.get("boards/{slug}/similar", response=list[IdeaOut])
def similar_ideas(request, slug: str, q: str = ""):
    """Up to five approved ideas of the board that look like `q` (a title being typed)."""
    board = _get_board(slug)
    ideas = listing.similar_ideas(board, q)
    supported = _supported_ids(request, ideas)
    return [idea_out(i, board, supported=supported) for i in ideas]


@router.get("boards/{slug}/roadmap", response=list[RoadmapColumnOut])
def roadmap(request, slug: str):
    board = _get_board(slug)
    return [
        {
            "status": column.status,
            "label": column.label,
            "ideas": [idea_out(i, board) for i in column.ideas],
        }
        for column in listing.roadmap(board)
    ]


def _visible_idea(request, idea_id: int) -> Idea:
    """An idea this request may see: approved, or the author's own, or any for moderators."""
    idea = get_object_or_404(
        Idea.objects.visible_to(request.user)
        .select_related("board__brand", "author", "category")
        .filter(board__live=True),
        pk=idea_id,
    )
    idea.board = IdeasBoardPage.objects.prefetch_related("categories", "stages").get(
        pk=idea.board_id
    )
    return idea


@router.get("ideas/{idea_id}", response=IdeaOut)
def get_idea(request, idea_id: int):
    """One idea: 404 for anyone but its author and moderators until approved."""
    idea = _visible_idea(request, idea_id)
    return idea_out(idea, idea.board, supported=_supported_ids(request, [idea]))


@router.get("ideas/{idea_id}/timeline", response=list[StatusUpdateOut])
def get_timeline(request, idea_id: int):
    idea = _visible_idea(request, idea_id)
    return [update_out(u) for u in listing.timeline(idea)]


def update_out(update: StatusUpdate) -> dict:
    return {
        "id": update.pk,
        "kind": update.kind,
        "status": update.status,
        "previous_status": update.previous_status,
        "answer": update.answer,
        "brand": update.brand.name,
        "created_at": update.created_at,
        "edited_at": update.edited_at,
    }


# Members -----------------------------------------------------------------------------------------
WRITE_ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.post("boards/{slug}/ideas", response={201: IdeaOut, **WRITE_ERRORS}, auth=django_auth)
def create_idea(request, slug: str, data: Form[IdeaCreateIn], image: File[UploadedFile] = None):
    """Post an idea (multipart: `title`, `description`, `category`, optional `image`). It is
    pending until a moderator approves it."""
    board = _get_board(slug)
    idea = services.submit_idea(
        board,
        author=request.user,
        title=data.title,
        description=data.description,
        category_id=data.category,
        image=image,
    )
    return Status(201, idea_out(idea, board))


def _own_idea(request, idea_id: int) -> Idea:
    idea = get_object_or_404(
        Idea.objects.filter(author=request.user).select_related("board__brand", "author"),
        pk=idea_id,
    )
    return idea


@router.post("ideas/{idea_id}/edit", response={200: IdeaOut, **WRITE_ERRORS}, auth=django_auth)
def edit_idea(request, idea_id: int, data: Form[IdeaEditIn], image: File[UploadedFile] = None):
    """The author edits their idea; the edit is moderated (the approved version stays public
    meanwhile) and the response shows the submitted version."""
    idea = _own_idea(request, idea_id)
    version = services.edit_idea(
        idea,
        author=request.user,
        title=data.title,
        description=data.description,
        category_id=data.category,
        image=image,
        remove_image=data.remove_image,
    )
    out = idea_out(version, idea.board)
    out["moderation_status"] = "pending"
    if version.live and version.image:
        out["image_url"] = f"{version.image_url(800)}?revision={version.latest_revision_id}"
    return Status(200, out)


@router.delete("ideas/{idea_id}", response={204: None, **WRITE_ERRORS}, auth=django_auth)
def withdraw_idea(request, idea_id: int):
    services.withdraw_idea(_own_idea(request, idea_id), author=request.user)
    return Status(204, None)


def _support_out(idea: Idea, member, changed: bool) -> dict:
    idea.refresh_from_db(fields=["status"])
    return {
        "idea_id": idea.pk,
        "supported": services.has_supported(idea, member),
        "changed": changed,
        "supports": services.support_count(idea),
        "status": idea.status,
    }


@router.post(
    "ideas/{idea_id}/support", response={200: SupportOut, **WRITE_ERRORS}, auth=django_auth
)
def support(request, idea_id: int):
    """Support an idea (once: repeating it changes nothing and says so)."""
    idea = _visible_idea(request, idea_id)
    changed = services.support_idea(idea, member=request.user)
    return Status(200, _support_out(idea, request.user, changed))


@router.delete(
    "ideas/{idea_id}/support", response={200: SupportOut, **WRITE_ERRORS}, auth=django_auth
)
def withdraw_support(request, idea_id: int):
    idea = _visible_idea(request, idea_id)
    changed = services.withdraw_support(idea, member=request.user)
    return Status(200, _support_out(idea, request.user, changed))


@router.post("ideas/{idea_id}/follow", response={200: FollowOut, **WRITE_ERRORS}, auth=django_auth)
def follow_idea(request, idea_id: int):
    idea = _visible_idea(request, idea_id)
    return Status(
        200, {"following": True, "changed": services.follow_idea(idea, user=request.user)}
    )


@router.delete(
    "ideas/{idea_id}/follow", response={200: FollowOut, **WRITE_ERRORS}, auth=django_auth
)
def unfollow_idea(request, idea_id: int):
    idea = _visible_idea(request, idea_id)
    changed = services.unfollow_idea(idea, user=request.user)
    return Status(200, {"following": False, "changed": changed})


@router.post("boards/{slug}/follow", response={200: FollowOut, **WRITE_ERRORS}, auth=django_auth)
def follow_board(request, slug: str):
    board = _get_board(slug)
    return Status(
        200, {"following": True, "changed": services.follow_board(board, user=request.user)}
    )


@router.delete("boards/{slug}/follow", response={200: FollowOut, **WRITE_ERRORS}, auth=django_auth)
def unfollow_board(request, slug: str):
    board = _get_board(slug)
    changed = services.unfollow_board(board, user=request.user)
    return Status(200, {"following": False, "changed": changed})


# Brand staff -------------------------------------------------------------------------------------
def _idea_for_staff(request, idea_id: int) -> Idea:
    """Staff act on approved ideas; a pending one is as absent for them as for the public
    (moderators see it, but only staff of the brand may answer)."""
    idea = _visible_idea(request, idea_id)
    if not idea.live and not is_moderator(request.user):
        raise Http404
    return idea


@router.post(
    "ideas/{idea_id}/status", response={200: StatusUpdateOut, **WRITE_ERRORS}, auth=staff_auth
)
def set_status(request, idea_id: int, data: StatusIn):
    """Brand staff of the idea's brand: a status with a public answer, signed by the brand."""
    idea = _idea_for_staff(request, idea_id)
    update = services.answer_idea(idea, actor=request.user, status=data.status, answer=data.answer)
    return Status(200, update_out(update))


@router.patch(
    "ideas/{idea_id}/timeline/{update_id}",
    response={200: StatusUpdateOut, **WRITE_ERRORS},
    auth=staff_auth,
)
def edit_answer(request, idea_id: int, update_id: int, data: AnswerIn):
    idea = _idea_for_staff(request, idea_id)
    update = get_object_or_404(
        StatusUpdate.objects.select_related("brand"), pk=update_id, idea=idea
    )
    update.idea = idea
    return Status(
        200, update_out(services.edit_answer(update, actor=request.user, answer=data.answer))
    )


@router.post("ideas/{idea_id}/merge", response={200: IdeaOut, **WRITE_ERRORS}, auth=staff_auth)
def merge(request, idea_id: int, data: MergeIn):
    """Brand staff merge this idea into `into`; the answer names the merge. Returns the target."""
    source = _idea_for_staff(request, idea_id)
    target = get_object_or_404(
        Idea.objects.public().select_related("board", "author"), pk=data.into
    )
    into = services.merge_ideas(source, into=target, actor=request.user, answer=data.answer)
    into.board = source.board
    return Status(200, idea_out(into, source.board))


@router.post(
    "ideas/{idea_id}/revive", response={200: StatusUpdateOut, **WRITE_ERRORS}, auth=staff_auth
)
def revive(request, idea_id: int, data: ReviveIn):
    idea = _idea_for_staff(request, idea_id)
    return Status(
        200, update_out(services.revive_idea(idea, actor=request.user, answer=data.answer))
    )


@router.post(
    "ideas/{idea_id}/contest", response={201: OpenedContestOut, **WRITE_ERRORS}, auth=staff_auth
)
def open_contest(request, idea_id: int, data: ContestIn):
    """Brand staff open a draft design contest from the idea; they finish it in the CMS."""
    from django.urls import reverse

    idea = _idea_for_staff(request, idea_id)
    contest = services.open_contest_from_idea(idea, actor=request.user, title=data.title)
    return Status(
        201,
        {
            "id": contest.pk,
            "title": contest.title,
            "edit_url": reverse("wagtailadmin_pages:edit", args=[contest.pk]),
        },
    )
