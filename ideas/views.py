"""Idea board pages: the board, an idea, the roadmap, posting, supporting and answering.

Every write goes through `ideas.services`; a refusal shows its message, and a failed form keeps
what was typed. The pages read only approved ideas (a pending one only for its author and
moderators), in a number of queries that does not grow with ideas, supports or comments.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from community import htmx, page_cache
from community.errors import ActionRefused, Conflict, InvalidInput, refusal_message, refusal_of
from community.images import private_image_response
from community.ratelimits import RateLimited, keep_form
from community.rules import is_moderator
from ideas import listing, rules, services
from ideas.forms import (
    AnswerForm,
    EditAnswerForm,
    IdeaForm,
    MergeForm,
    OpenContestForm,
    ReviveForm,
)
from ideas.models import (
    SUPPORTABLE_STATUSES,
    BoardFollow,
    Idea,
    IdeaFollow,
    IdeasBoardPage,
    IdeaStatus,
    StatusUpdate,
    Support,
    board_tag,
    idea_tag,
)

BOARD_PAGE_SIZE = 20
MERGE_TARGETS_LIMIT = 500
SORT_LABELS = {
    "trending": gettext_lazy("Trending"),
    "top": gettext_lazy("Most supported"),
    "newest": gettext_lazy("Newest"),
}
# What the board's status filter offers (merged ideas live at their target's address).
FILTER_STATUSES = tuple(s for s in IdeaStatus if s != IdeaStatus.MERGED)


def _next_url(request, fallback: str) -> str:
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return next_url
    return fallback


def _with_stages(board: IdeasBoardPage) -> list:
    """Load the board's stages once: every idea shown then reads them from the board."""
    prefetch_related_objects([board], "stages")
    return board.stage_list()


def _decorate(ideas, board: IdeasBoardPage, stages: list, now) -> None:
    """What cards and the idea page show of an idea, computed without queries: the status to
    show (an idea that missed its stage is expired before the job records it), the progress
    toward the board's goal and the current stage's target and deadline."""
    goal = board.support_goal
    for idea in ideas:
        idea.board = board
        idea.shown_status = IdeaStatus(listing.effective_status(idea, now))
        count = getattr(idea, "support_count", 0) or 0
        idea.progress = min(100, count * 100 // goal) if goal else 100
        idea.goal_reached = idea.goal_reached_at is not None or count >= goal
        stage = idea.current_stage(stages) if idea.shown_status == IdeaStatus.NEW else None
        idea.stage = stage
        idea.stage_deadline_at = idea.stage_deadline(stages) if stage else None
        idea.supportable = idea.live and idea.shown_status in SUPPORTABLE_STATUSES


def _page_number(raw: str | None) -> str | None:
    """Paginator.get_page turns anything that is not a number into the first page and any
    number past the end into the last; only a runaway string is cut short first."""
    return (raw or "")[:30] or None


def _valid_until(request, board: IdeasBoardPage, ideas, stages, now) -> None:
    """A cached page must not outlive the board's next date nor a shown idea's stage deadline."""
    page_cache.valid_until(request, board.next_boundary(now))
    for idea in ideas:
        page_cache.valid_until(request, idea.next_boundary(now, stages))


# The board ----------------------------------------------------------------------------------------
@page_cache.cache_anonymous_page(
    tags=lambda request, board: [board_tag(board.pk)],
    params=("sort", "status", "category", "q", "page"),
)
def board(request, board: IdeasBoardPage):
    now = timezone.now()
    stages = _with_stages(board)
    categories = list(board.categories.all())
    sort = request.GET.get("sort", "")
    sort = sort if sort in listing.SORTS else "trending"
    status = request.GET.get("status", "")
    status = status if status in FILTER_STATUSES else ""
    category = request.GET.get("category", "")
    category = category if category in {str(c.pk) for c in categories} else ""
    query = listing.clean_query(request.GET.get("q"))
    ideas = listing.board_ideas(board, sort=sort, status=status, category=category, q=query)
    page = Paginator(ideas, BOARD_PAGE_SIZE).get_page(_page_number(request.GET.get("page")))
    _decorate(page.object_list, board, stages, now)
    _valid_until(request, board, page.object_list, stages, now)
    params = {
        k: v for k, v in (("sort", sort if sort != "trending" else ""), ("status", status)) if v
    }
    if category:
        params["category"] = category
    if query:
        params["q"] = query
    user = request.user
    supported_ids: set[int] = set()
    own_pending: list[Idea] = []
    following = False
    if user.is_authenticated:
        supported_ids = set(
            Support.objects.filter(member=user, idea__in=[i.pk for i in page]).values_list(
                "idea_id", flat=True
            )
        )
        own_pending = list(
            Idea.objects.filter(board=board, author=user, live=False).order_by("-created_at")
        )
        following = BoardFollow.objects.filter(user=user, board=board).exists()
    return board.render(
        request,
        context_overrides={
            "now": now,
            "stages": stages,
            "categories": categories,
            "ideas_page": page,
            "sort": sort,
            "sorts": list(SORT_LABELS.items()),
            "status": status,
            "statuses": [(s.value, s.label) for s in FILTER_STATUSES],
            "category": category,
            "query": query,
            "filtered": bool(status or category or query),
            "page_query": urlencode(params) + "&" if params else "",
            "supported_ids": supported_ids,
            "own_pending": own_pending,
            "following": following,
            "board_open": board.is_open_at(now),
            "post_refusal": refusal_message(rules.check_can_post, user, board, now)
            if user.is_authenticated
            else None,
            "can_manage": rules.can_manage_board(user, board),
        },
    )


@page_cache.cache_anonymous_page(tags=lambda request, board: [board_tag(board.pk)])
def roadmap(request, board: IdeasBoardPage):
    now = timezone.now()
    stages = _with_stages(board)
    columns = listing.roadmap(board)
    for column in columns:
        _decorate(column.ideas, board, stages, now)
    page_cache.valid_until(request, board.next_boundary(now))
    return board.render(
        request,
        template="ideas/roadmap.html",
        context_overrides={"columns": columns, "now": now},
    )


def similar(request, board: IdeasBoardPage):
    """Approved ideas like the title being typed, as an HTML fragment for the new-idea form."""
    query = request.GET.get("q", "")
    ideas = listing.similar_ideas(board, query)
    _decorate(ideas, board, _with_stages(board), timezone.now())
    response = render(
        request,
        "ideas/includes/similar_ideas.html",
        {"ideas": ideas, "page": board},
    )
    response["Cache-Control"] = "private, max-age=60"
    return response


def follow_board(request, board: IdeasBoardPage):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        login = redirect_to_login(board.url)
        return htmx.client_redirect(login.url) if htmx.is_htmx(request) else login
    outcome = _follow_or_unfollow(
        request,
        board,
        follow=services.follow_board,
        unfollow=services.unfollow_board,
        followed=_("You follow this board: we will tell you what happens to its ideas."),
        unfollowed=_("You no longer follow this board."),
    )
    if htmx.is_htmx(request):
        context = {
            "page": board,
            "following": BoardFollow.objects.filter(user=request.user, board=board).exists(),
            "next_path": _next_url(request, board.url),
            "action_message": outcome.message,
            "action_error": outcome.error,
        }
        return htmx.in_place(request, "ideas/includes/board_follow.html", context, outcome)
    return htmx.redirect_back(request, _next_url(request, board.url), outcome)


def _follow_or_unfollow(
    request, target, *, follow, unfollow, followed: str, unfollowed: str
) -> htmx.Outcome:
    """Follow `target` (a board or an idea), or unfollow it when the POST asks."""
    with htmx.attempt(request) as outcome:
        if request.POST.get("action") == "unfollow":
            unfollow(target, user=request.user)
            outcome.message = unfollowed
        else:
            follow(target, user=request.user)
            outcome.message = followed
    return outcome


# Posting and editing ------------------------------------------------------------------------------
def _render_form(request, board, *, form, refusal, status, idea=None):
    response = board.render(
        request,
        template="ideas/idea_form.html",
        context_overrides={
            "form": form,
            "refusal": refusal,
            "idea": idea,
            "editing": idea is not None,
            "similar_url": board.url + board.reverse_subpage("similar"),
        },
    )
    response.status_code = status
    return response


def _form_error(form, refused: InvalidInput) -> None:
    form.add_error(refused.field if refused.field in form.fields else None, refused.message)


def new_idea(request, board: IdeasBoardPage):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = IdeaForm(request.POST or None, request.FILES or None, board=board)
    refused = refusal_of(rules.check_can_post, request.user, board)
    refusal = refused.message if refused else None
    status = 200
    if request.method == "POST":
        status = refused.status if refused else 400
        if form.is_valid() and not refused:
            try:
                idea = services.submit_idea(
                    board,
                    author=request.user,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    category_id=form.cleaned_data.get("category"),
                    image=form.cleaned_data["image"],
                )
            except InvalidInput as invalid:
                _form_error(form, invalid)
            except RateLimited as limited:
                status = keep_form(request, form, limited)
            except ActionRefused as refused:
                refusal, status = refused.message, refused.status
            else:
                messages.success(
                    request,
                    _(
                        "Thank you! Your idea is waiting for a moderator and will appear on the "
                        "board once approved."
                    ),
                )
                return redirect(idea.get_absolute_url())
    return _render_form(request, board, form=form, refusal=refusal, status=status)


def _edit(request, board: IdeasBoardPage, idea: Idea):
    if idea.author_id != request.user.pk:
        raise Http404
    current = idea.get_latest_revision_as_object()  # a pending edit, if there is one
    initial = {
        "title": current.title,
        "description": current.description,
        "category": str(current.category_id or ""),
    }
    form = IdeaForm(
        request.POST or None, request.FILES or None, board=board, editing=True, initial=initial
    )
    refused = (
        Conflict(_("This idea was merged into another one and cannot change."))
        if idea.status == IdeaStatus.MERGED
        else refusal_of(rules.check_board_open, board)
    )
    refusal = refused.message if refused else None
    status = 200
    if request.method == "POST":
        status = refused.status if refused else 400
        if form.is_valid() and not refused:
            try:
                services.edit_idea(
                    idea,
                    author=request.user,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    category_id=form.cleaned_data.get("category"),
                    image=form.cleaned_data["image"],
                    remove_image=form.cleaned_data.get("remove_image", False),
                )
            except InvalidInput as invalid:
                _form_error(form, invalid)
            except RateLimited as limited:
                status = keep_form(request, form, limited)
            except ActionRefused as refused:
                refusal, status = refused.message, refused.status
            else:
                messages.success(
                    request,
                    _(
                        "Your changes are waiting for a moderator. Until they are approved, "
                        "everyone keeps seeing the published version."
                    )
                    if idea.live
                    else _("Your changes are waiting for a moderator."),
                )
                return redirect(idea.get_absolute_url())
    return _render_form(request, board, form=form, refusal=refusal, status=status, idea=idea)


# The idea page ------------------------------------------------------------------------------------
def _load_idea(request, board: IdeasBoardPage, idea_id: int) -> Idea:
    idea = get_object_or_404(
        Idea.objects.with_support_counts().select_related("author", "category", "contest"),
        pk=idea_id,
        board=board,
    )
    if not rules.can_see(request.user, idea):
        raise Http404
    idea.board = board
    return idea


@page_cache.cache_anonymous_page(
    tags=lambda request, board, idea_id: [idea_tag(idea_id), board_tag(board.pk)]
)
def idea_detail(request, board: IdeasBoardPage, idea_id: int):
    idea = _load_idea(request, board, idea_id)
    if idea.status == IdeaStatus.MERGED and idea.merged_into_id:
        return redirect(services.merge_target(idea).get_absolute_url(), permanent=True)
    return _render_idea(request, board, idea)


def _render_idea(request, board, idea, *, status: int = 200, refusal=None, **forms):
    now = timezone.now()
    stages = _with_stages(board)
    _decorate([idea], board, stages, now)
    _valid_until(request, board, [idea], stages, now)
    user = request.user
    is_own = user.is_authenticated and idea.author_id == user.pk
    can_manage = rules.can_manage_board(user, board)
    context = {
        "idea": idea,
        "now": now,
        "stages": stages,
        "timeline": listing.timeline(idea),
        "is_own": is_own,
        "can_manage": can_manage,
        "board_open": board.is_open_at(now),
        "can_change": is_own and idea.status != IdeaStatus.MERGED and board.is_open_at(now),
        "can_withdraw": is_own and idea.status == IdeaStatus.NEW,
        "refusal": refusal,
        "contest": idea.contest if idea.contest_id else None,
    }
    context.update(_support_state(user, idea, now))
    if can_manage and idea.live:
        targets = (
            Idea.objects.listed()
            .filter(board=board)
            .exclude(pk=idea.pk)
            .order_by("title", "pk")
            .only("pk", "title")[:MERGE_TARGETS_LIMIT]
        )
        context.update(
            answer_form=forms.get("answer_form")
            or AnswerForm(initial={"status": idea.status, "answer": ""}),
            merge_form=forms.get("merge_form") or MergeForm(targets=targets),
            revive_form=forms.get("revive_form") or ReviveForm(),
            contest_form=forms.get("contest_form") or OpenContestForm(),
            edit_answer_form=forms.get("edit_answer_form"),
            edit_answer_id=forms.get("edit_answer_id"),
            can_revive=idea.shown_status == IdeaStatus.EXPIRED,
        )
    if context["contest"] is not None:
        contest = context["contest"]
        context["contest_url"] = (
            contest.get_url(request)
            if contest.live
            else reverse("wagtailadmin_pages:edit", args=[contest.pk])
            if can_manage
            else None
        )
    response = board.render(request, template="ideas/idea_detail.html", context_overrides=context)
    response.status_code = status
    return response


# Actions on an idea -------------------------------------------------------------------------------
def idea_action(request, board: IdeasBoardPage, idea_id: int, action: str):
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    if not request.user.is_authenticated:
        idea_url = board.url + board.reverse_subpage("idea", args=[idea_id])
        login = redirect_to_login(request.get_full_path() if action == "edit" else idea_url)
        return htmx.client_redirect(login.url) if htmx.is_htmx(request) else login
    if action != "edit" and request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    idea = _load_idea(request, board, idea_id)
    return handler(request, board, idea)


def _support_state(user, idea: Idea, now) -> dict:
    """The member's side of the idea page's support box."""
    state = {"has_supported": False, "following": False, "support_refusal": None}
    if user.is_authenticated:
        state["has_supported"] = Support.objects.filter(idea=idea, member=user).exists()
        state["following"] = IdeaFollow.objects.filter(idea=idea, user=user).exists()
        if idea.live and idea.author_id != user.pk and not state["has_supported"]:
            state["support_refusal"] = refusal_message(rules.check_can_support, user, idea, now)
    return state


def _milestones(idea: Idea) -> tuple:
    """What a support can change on the idea page outside its support box (status, timeline)."""
    return (idea.status, idea.goal_reached_at, idea.stages_cleared)


def _in_place(request, board, idea, outcome: htmx.Outcome, *, fallback_anchor, before=None):
    """Answer an action on an idea: htmx gets the box that changed (the board's card or the
    idea page's support box) with the outcome in place; a plain POST redirects back to it."""
    if not htmx.is_htmx(request):
        return htmx.redirect_back(
            request, _next_url(request, f"{idea.get_absolute_url()}#{fallback_anchor}"), outcome
        )
    idea = _load_idea(request, board, idea.pk)  # counts as they are now
    now = timezone.now()
    _decorate([idea], board, _with_stages(board), now)
    context = {
        "idea": idea,
        "page": board,
        "board_open": board.is_open_at(now),
        "is_own": idea.author_id == request.user.pk,
        "action_message": outcome.message,
        "action_error": outcome.error,
        **_support_state(request.user, idea, now),
    }
    if request.POST.get("fragment") == "card":
        context["supported_ids"] = {idea.pk} if context["has_supported"] else set()
        context["next_path"] = _next_url(request, board.url).split("#")[0]
        template = "ideas/includes/idea_card.html"
    else:
        template = "ideas/includes/support_box.html"
    response = htmx.in_place(request, template, context, outcome)
    if template.endswith("support_box.html") and before and _milestones(idea) != before:
        # The support moved the idea on (goal reached): its status and timeline elsewhere on
        # the page changed too, so the page reloads, the outcome waiting as a message.
        if outcome.message:
            messages.success(request, outcome.message)
        response["HX-Refresh"] = "true"
    return response


def _support(request, board, idea):
    before = _milestones(idea)
    with htmx.attempt(request) as outcome:
        if services.support_idea(idea, member=request.user):
            outcome.message = _("Thank you for your support!")
        else:
            outcome.message = _("You already support this idea.")
    return _in_place(
        request, board, idea, outcome, fallback_anchor=f"support-box-{idea.pk}", before=before
    )


def _unsupport(request, board, idea):
    before = _milestones(idea)
    with htmx.attempt(request) as outcome:
        if services.withdraw_support(idea, member=request.user):
            outcome.message = _("Your support has been withdrawn.")
    return _in_place(
        request, board, idea, outcome, fallback_anchor=f"support-box-{idea.pk}", before=before
    )


def _follow(request, board, idea):
    outcome = _follow_or_unfollow(
        request,
        idea,
        follow=services.follow_idea,
        unfollow=services.unfollow_idea,
        followed=_("You follow this idea: we will tell you what happens."),
        unfollowed=_("You no longer follow this idea."),
    )
    return _in_place(request, board, idea, outcome, fallback_anchor=f"support-box-{idea.pk}")


def _withdraw(request, board, idea):
    if idea.author_id != request.user.pk:
        raise Http404
    try:
        services.withdraw_idea(idea, author=request.user)
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect(idea.get_absolute_url())
    messages.success(request, _("Your idea has been withdrawn."))
    return redirect(board.url)


def _staff_form_failed(request, board, idea, refused: ActionRefused | None, **forms):
    """Show the idea page again with the staff form as typed and what went wrong."""
    status = refused.status if refused else 400
    if isinstance(refused, InvalidInput):
        form = next(iter(forms.values()))
        if hasattr(form, "add_error"):
            _form_error(form, refused)
        refused = None
    return _render_idea(
        request, board, idea, status=status, refusal=refused.message if refused else None, **forms
    )


def _answer(request, board, idea):
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _staff_form_failed(request, board, idea, None, answer_form=form)
    try:
        services.answer_idea(
            idea,
            actor=request.user,
            status=form.cleaned_data["status"],
            answer=form.cleaned_data["answer"],
        )
    except ActionRefused as refused:
        return _staff_form_failed(request, board, idea, refused, answer_form=form)
    messages.success(request, _("Your answer is published on the idea's timeline."))
    return redirect(idea.get_absolute_url())


def _edit_answer(request, board, idea):
    update_id = request.POST.get("update", "")
    update = get_object_or_404(
        StatusUpdate.objects.filter(idea=idea, kind=StatusUpdate.Kind.ANSWER),
        pk=int(update_id) if update_id.isdigit() else 0,
    )
    update.idea = idea
    form = EditAnswerForm(request.POST)
    forms = {"edit_answer_form": form, "edit_answer_id": update.pk}
    if not form.is_valid():
        return _staff_form_failed(request, board, idea, None, **forms)
    try:
        services.edit_answer(update, actor=request.user, answer=form.cleaned_data["answer"])
    except ActionRefused as refused:
        return _staff_form_failed(request, board, idea, refused, **forms)
    messages.success(request, _("The answer has been corrected."))
    return redirect(idea.get_absolute_url())


def _merge(request, board, idea):
    targets = Idea.objects.listed().filter(board=board).exclude(pk=idea.pk)
    form = MergeForm(request.POST, targets=targets.only("pk", "title")[:MERGE_TARGETS_LIMIT])
    if not form.is_valid():
        return _staff_form_failed(request, board, idea, None, merge_form=form)
    into = targets.select_related("board").get(pk=form.cleaned_data["into"])
    try:
        target = services.merge_ideas(
            idea, into=into, actor=request.user, answer=form.cleaned_data["answer"]
        )
    except ActionRefused as refused:
        return _staff_form_failed(request, board, idea, refused, merge_form=form)
    messages.success(
        request, _("“%(title)s” has been merged into this idea.") % {"title": idea.title}
    )
    return redirect(target.get_absolute_url())


def _revive(request, board, idea):
    form = ReviveForm(request.POST)
    if not form.is_valid():
        return _staff_form_failed(request, board, idea, None, revive_form=form)
    try:
        services.revive_idea(idea, actor=request.user, answer=form.cleaned_data["answer"])
    except ActionRefused as refused:
        return _staff_form_failed(request, board, idea, refused, revive_form=form)
    messages.success(request, _("The idea is open for support again."))
    return redirect(idea.get_absolute_url())


def _open_contest(request, board, idea):
    form = OpenContestForm(request.POST)
    if not form.is_valid():
        return _staff_form_failed(request, board, idea, None, contest_form=form)
    try:
        contest = services.open_contest_from_idea(
            idea, actor=request.user, title=form.cleaned_data["title"]
        )
    except ActionRefused as refused:
        return _staff_form_failed(request, board, idea, refused, contest_form=form)
    messages.success(
        request,
        _("A draft design contest has been created: finish and publish it here."),
    )
    return redirect(reverse("wagtailadmin_pages:edit", args=[contest.pk]))


ACTIONS = {
    "support": _support,
    "unsupport": _unsupport,
    "follow": _follow,
    "edit": _edit,
    "withdraw": _withdraw,
    "answer": _answer,
    "edit-answer": _edit_answer,
    "merge": _merge,
    "revive": _revive,
    "open-contest": _open_contest,
}


# Images -------------------------------------------------------------------------------------------
@require_GET
def idea_image(request, idea_id: int, size: str):
    """Serve an idea's image only to those who may see the idea (the gate covers files).
    `?revision=` shows the image of a submitted edit to its author and moderators."""
    idea = get_object_or_404(Idea.objects.visible_to(request.user), pk=idea_id)
    name = idea.image.name or None
    revision_id = request.GET.get("revision")
    if revision_id:
        if not (is_moderator(request.user) or idea.author_id == request.user.pk):
            raise Http404
        revision = idea.revisions.filter(pk=revision_id).first() if revision_id.isdigit() else None
        if revision is None:
            raise Http404
        name = revision.content.get("image") or None
    return private_image_response(name, size, public=idea.live and not revision_id)
