"""Brand staff answer their boards' ideas in the Wagtail admin: a list of their ideas (those
waiting for an answer first) and, per idea, the answer, merge, revive and contest forms. Every
write goes through ideas.services, which checks the brand."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from community.errors import ActionRefused
from community.rules import is_brand_staff, staff_brand_ids
from ideas import listing, rules, services
from ideas.models import ANSWER_STATUSES, Idea, IdeasBoardPage, IdeaStatus, StatusUpdate

PAGE_SIZE = 50


def can_use(user) -> bool:
    return user.is_active and (user.is_superuser or is_brand_staff(user))


def _managed_boards(user):
    boards = IdeasBoardPage.objects.select_related("brand").order_by("title")
    return boards if user.is_superuser else boards.filter(brand_id__in=staff_brand_ids(user))


def ideas_index(request):
    if not can_use(request.user):
        raise PermissionDenied
    boards = list(_managed_boards(request.user))
    ideas = (
        Idea.objects.public()
        .filter(board__in=boards)
        .with_support_counts()
        .select_related("board", "author", "category")
    )
    board_id = request.GET.get("board", "")
    if board_id.isdigit():
        ideas = ideas.filter(board_id=int(board_id))
    status = request.GET.get("status", "")
    if status == "awaiting":
        # Reached the goal and still waiting for the brand's word.
        ideas = ideas.filter(goal_reached_at__isnull=False, status=IdeaStatus.UNDER_REVIEW)
    elif status in IdeaStatus.values:
        ideas = ideas.filter(status=status)
    else:
        status = ""
        ideas = ideas.exclude(status=IdeaStatus.MERGED)
    # Those that reached the goal first (PostgreSQL sorts NULL first when descending).
    ideas = ideas.order_by(F("goal_reached_at").desc(nulls_last=True), "-support_count", "-pk")
    page = Paginator(ideas, PAGE_SIZE).get_page(request.GET.get("p"))
    return TemplateResponse(
        request,
        "ideas/admin/index.html",
        {
            "page_title": _("Ideas"),
            "header_title": _("Ideas"),
            "header_icon": "help",
            "boards": boards,
            "board_id": int(board_id) if board_id.isdigit() else None,
            "status": status,
            "statuses": [
                ("awaiting", _("Reached the goal, awaiting an answer")),
                *IdeaStatus.choices,
            ],
            "page_obj": page,
        },
    )


def _post_action(request, idea: Idea) -> str | None:
    """Run the form's action through the services; returns a success message."""
    action = request.POST.get("action", "")
    user = request.user
    if action == "answer":
        services.answer_idea(
            idea,
            actor=user,
            status=request.POST.get("status", ""),
            answer=request.POST.get("answer", ""),
        )
        return _("Answer published.")
    if action == "edit_answer":
        update_id = request.POST.get("update", "")
        update = StatusUpdate.objects.filter(
            pk=int(update_id) if update_id.isdigit() else 0, idea=idea
        ).first()
        if update is None:
            raise Http404
        update.idea = idea
        services.edit_answer(update, actor=user, answer=request.POST.get("answer", ""))
        return _("Answer updated.")
    if action == "merge":
        into_id = request.POST.get("into", "")
        into = Idea.objects.public().filter(pk=int(into_id) if into_id.isdigit() else 0).first()
        if into is None:
            from community.errors import InvalidInput

            raise InvalidInput(_("Choose the idea to merge into."), field="into")
        services.merge_ideas(idea, into=into, actor=user, answer=request.POST.get("answer", ""))
        return _("Merged: its supporters now count on “%(title)s”.") % {"title": into.title}
    if action == "revive":
        services.revive_idea(idea, actor=user, answer=request.POST.get("answer", ""))
        return _("The idea is open for support again.")
    if action == "contest":
        contest = services.open_contest_from_idea(
            idea, actor=user, title=request.POST.get("title", "")
        )
        return _("Draft contest “%(title)s” created: finish and publish it in the pages.") % {
            "title": contest.title
        }
    from community.errors import InvalidInput

    raise InvalidInput(_("Choose an action."))


def idea_manage(request, idea_id: int):
    if not can_use(request.user):
        raise PermissionDenied
    idea = get_object_or_404(
        Idea.objects.public().select_related("board__brand", "author", "category", "contest"),
        pk=idea_id,
    )
    if not rules.can_manage_board(request.user, idea.board):
        raise PermissionDenied  # another brand's idea
    error, posted = None, {}
    if request.method == "POST":
        try:
            done = _post_action(request, idea)
        except ActionRefused as refused:
            error, posted = refused.message, request.POST
        else:
            messages.success(request, done)
            return redirect("ideas_admin:idea", idea_id=idea.pk)
    others = (
        Idea.objects.listed()
        .filter(board=idea.board)
        .exclude(pk=idea.pk)
        .order_by("title")
        .only("pk", "title")
    )
    return TemplateResponse(
        request,
        "ideas/admin/idea.html",
        {
            "page_title": idea.title,
            "header_title": idea.title,
            "header_icon": "help",
            "idea": idea,
            "status": listing.effective_status(idea),
            "supports": services.support_count(idea),
            "timeline": listing.timeline(idea),
            "answer_statuses": [(s, IdeaStatus(s).label) for s in ANSWER_STATUSES],
            "others": others,
            "error": error,
            "posted": posted,
            "can_revive": listing.effective_status(idea) == IdeaStatus.EXPIRED,
        },
    )
