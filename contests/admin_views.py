"""Brand staff pick a contest's winners in the Wagtail admin."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from community.errors import ActionRefused
from community.rules import is_brand_staff, is_staff_of_brand
from contests import rules, services
from contests.models import Award, ContestPage, Entry


def _ranking_from_post(post, entry_ids: list[int]) -> tuple[list[int], str | None]:
    """Read `rank-<entry id>` fields: ranks must be 1, 2, 3… with no gaps or repeats."""
    ranked: dict[int, int] = {}
    for entry_id in entry_ids:
        raw = post.get(f"rank-{entry_id}", "").strip()
        if not raw:
            continue
        if not raw.isdigit() or int(raw) < 1:
            return [], _("Ranks are whole numbers from 1.")
        rank = int(raw)
        if rank in ranked:
            return [], _("Two entries cannot share rank %(rank)s.") % {"rank": rank}
        ranked[rank] = entry_id
    if sorted(ranked) != list(range(1, len(ranked) + 1)):
        return [], _("Number the winners 1, 2, 3… without gaps.")
    return [ranked[r] for r in sorted(ranked)], None


def pick_winners(request, page_id: int):
    if not is_brand_staff(request.user):
        raise PermissionDenied
    contest = get_object_or_404(ContestPage.objects.select_related("result", "brand"), pk=page_id)
    if not is_staff_of_brand(request.user, contest.brand_id):
        raise PermissionDenied  # another brand's contest
    entries = list(
        Entry.objects.public()
        .filter(contest=contest)
        .with_vote_counts()
        .select_related("author")
        .order_by("-vote_count", "created_at")
    )
    current = {
        a.entry_id: a.rank for a in Award.objects.filter(contest=contest, kind=Award.Kind.WINNER)
    }
    refusal = None
    try:
        rules.check_can_pick_winners(request.user, contest)
    except ActionRefused as refused:
        refusal = refused.message
    error = None
    if request.method == "POST" and not refusal:
        ranking, error = _ranking_from_post(request.POST, [e.pk for e in entries])
        if not error:
            try:
                services.pick_winners(contest, staff=request.user, entry_ids=ranking)
            except ActionRefused as refused:
                error = refused.message
            else:
                messages.success(request, _("Winners saved: the results are public."))
                return redirect("contests_admin:winners", page_id=contest.pk)
        current = {
            e.pk: int(request.POST.get(f"rank-{e.pk}"))
            for e in entries
            if request.POST.get(f"rank-{e.pk}", "").strip().isdigit()
        }
    for entry in entries:
        entry.current_rank = current.get(entry.pk, "")
    response = TemplateResponse(
        request,
        "contests/admin/pick_winners.html",
        {
            "page_title": _("Winners of %(title)s") % {"title": contest.title},
            "header_icon": "trophy",
            "contest": contest,
            "entries": entries,
            "refusal": refusal,
            "error": error,
        },
    )
    if error:
        response.status_code = 400
    return response
