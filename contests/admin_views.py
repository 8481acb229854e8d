"""Brand staff pick a contest's winners in the Wagtail admin."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from community.errors import ActionRefused
from community.rules import can_manage, is_moderator
from contests import rules, services, velocity
from contests.models import Award, ContestPage, Entry, JuryScore

HELD_VOTES_LIMIT = 500


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


def _managed_contest(request, page_id: int) -> ContestPage:
    """The contest, if the user manages its brand (403 otherwise, also for another brand's)."""
    contest = get_object_or_404(ContestPage.objects.select_related("result", "brand"), pk=page_id)
    if not can_manage(request.user, contest):
        raise PermissionDenied
    return contest


def pick_winners(request, page_id: int):
    contest = _managed_contest(request, page_id)
    entries = list(
        Entry.objects.public().filter(contest=contest).ranked(contest).select_related("author")
    )
    current = {
        a.entry_id: a.rank for a in Award.objects.filter(contest=contest, kind=Award.Kind.WINNER)
    }
    mentioned = set(
        Award.objects.filter(contest=contest, kind=Award.Kind.MENTION).values_list(
            "entry_id", flat=True
        )
    )
    statement = getattr(getattr(contest, "result", None), "jury_statement", "")
    refusal = None
    try:
        rules.check_can_pick_winners(request.user, contest)
    except ActionRefused as refused:
        refusal = refused.message
    error = None
    if request.method == "POST" and not refusal:
        ranking, error = _ranking_from_post(request.POST, [e.pk for e in entries])
        mentions = [e.pk for e in entries if request.POST.get(f"mention-{e.pk}")]
        if not error:
            try:
                services.pick_winners(
                    contest,
                    staff=request.user,
                    entry_ids=ranking,
                    mention_ids=mentions,
                    statement=request.POST.get("statement", ""),
                    reason=request.POST.get("reason", ""),
                )
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
        mentioned = set(mentions)
        statement = request.POST.get("statement", "")
    for entry in entries:
        entry.current_rank = current.get(entry.pk, "")
        entry.mentioned = entry.pk in mentioned
    response = TemplateResponse(
        request,
        "contests/admin/pick_winners.html",
        {
            "page_title": _("Winners of %(title)s") % {"title": contest.title},
            "header_icon": "trophy",
            "contest": contest,
            "entries": entries,
            "statement": statement,
            "announced": getattr(contest, "result", None) is not None,
            "reason": request.POST.get("reason", "") if request.method == "POST" else "",
            "refusal": refusal,
            "error": error,
        },
    )
    if error:
        response.status_code = 400
    return response


def jury(request, page_id: int):
    """Brand staff shortlist entries, score them on the contest's criteria, and read the
    aggregated jury table (sortable by any column)."""
    contest = _managed_contest(request, page_id)
    refusal = None
    try:
        rules.check_can_judge(request.user, contest)
    except ActionRefused as refused:
        refusal = refused.message
    error = None
    typed: dict[str, str] = {}
    if request.method == "POST" and not refusal:
        try:
            if request.POST.get("action") == "shortlist":
                ids = [int(v) for v in request.POST.getlist("shortlist") if v.isdigit()]
                services.set_shortlist(contest, staff=request.user, entry_ids=ids)
                messages.success(request, _("Shortlist saved."))
            else:
                entry_id = request.POST.get("entry", "")
                entry = get_object_or_404(
                    Entry.objects.public().filter(contest=contest),
                    pk=int(entry_id) if entry_id.isdigit() else 0,
                )
                entry.contest = contest
                prefix = f"score-{entry.pk}-"
                scores = {
                    int(k[len(prefix) :]): v
                    for k, v in request.POST.items()
                    if k.startswith(prefix) and k[len(prefix) :].isdigit()
                }
                typed = {k: v for k, v in request.POST.items() if k.startswith("score-")}
                services.score_entry(entry, juror=request.user, scores=scores)
                messages.success(
                    request, _("Your scores for “%(title)s” are saved.") % {"title": entry.title}
                )
        except ActionRefused as refused:
            error = refused.message
        else:
            return redirect(
                reverse("contests_admin:jury", args=[contest.pk])
                + "?order="
                + request.GET.get("order", "overall")
            )
    order = request.GET.get("order", "overall")
    criteria, rows = services.jury_table(contest, order, viewer=request.user)
    mine = {
        (s.entry_id, s.criterion_id): s.score
        for s in JuryScore.objects.filter(juror=request.user, entry__contest=contest)
    }
    for row in rows:
        row["my_scores"] = [
            {
                "criterion": c,
                "name": f"score-{row['entry'].pk}-{c.pk}",
                "value": typed.get(f"score-{row['entry'].pk}-{c.pk}")
                or mine.get((row["entry"].pk, c.pk), ""),
            }
            for c in criteria
        ]
    shortlisted = {row["entry"].pk for row in rows}
    candidates = list(
        Entry.objects.public().filter(contest=contest).ranked(contest).select_related("author")
    )
    response = TemplateResponse(
        request,
        "contests/admin/jury.html",
        {
            "page_title": _("Jury of %(title)s") % {"title": contest.title},
            "header_icon": "group",
            "contest": contest,
            "criteria": criteria,
            "rows": rows,
            "order": order,
            "candidates": candidates,
            "shortlisted": shortlisted,
            "refusal": refusal,
            "error": error,
        },
    )
    if error:
        response.status_code = 400
    return response


HOLD_REASONS = {
    velocity.HOLD_NEW_ACCOUNTS: gettext_lazy("many new accounts within minutes"),
    velocity.HOLD_NETWORK: gettext_lazy("many votes from one network"),
}


def held_votes(request):
    """Moderators: votes the velocity rule held, grouped by entry, with the evidence (account
    ages, networks, times); clear them (they count) or void them, with an optional note."""
    if not is_moderator(request.user):
        raise PermissionDenied
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("votes") if v.isdigit()]
        count = request.POST.get("decision") == "count"
        try:
            done = services.decide_held_votes(
                ids, moderator=request.user, count=count, reason=request.POST.get("reason", "")
            )
        except ActionRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                (
                    ngettext("%(n)s vote now counts.", "%(n)s votes now count.", done)
                    if count
                    else ngettext("%(n)s vote voided.", "%(n)s votes voided.", done)
                )
                % {"n": done},
            )
        return redirect("contests_admin:held_votes")
    now = timezone.now()
    groups: dict[int, dict] = {}
    for vote in services.held_votes(request.user)[:HELD_VOTES_LIMIT]:
        group = groups.setdefault(
            vote.entry_id, {"entry": vote.entry, "contest": vote.contest, "votes": []}
        )
        vote.account_age = now - vote.voter.date_joined
        vote.reason_label = HOLD_REASONS.get(vote.hold_reason, vote.hold_reason)
        group["votes"].append(vote)
    for group in groups.values():
        group["networks"] = sorted({v.network for v in group["votes"] if v.network})
    return TemplateResponse(
        request,
        "contests/admin/held_votes.html",
        {
            "page_title": _("Held votes"),
            "header_icon": "warning",
            "groups": list(groups.values()),
            "limit": HELD_VOTES_LIMIT,
        },
    )
