from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from community import htmx, page_cache
from community.bounds import parse_id
from community.errors import ActionRefused, InvalidInput, refusal_message, refusal_of
from community.images import private_image_response
from community.models import private_user_fields
from community.network import client_network
from community.ratelimits import RateLimited, keep_form
from community.rules import is_moderator
from contests import cards, gallery, rules, services
from contests.forms import EntryEditForm, EntryForm
from contests.models import (
    MAX_IMAGES_PER_ENTRY,
    SCORE_MAX,
    SCORE_MIN,
    Award,
    ContestPage,
    Entry,
    Vote,
    VoteStatus,
    VotingMethod,
    contest_results_tag,
    contest_tag,
    contest_votes_tag,
    tags_with_names,
)
from contests.phases import COUNTDOWN_LABELS, Phase, next_change

GALLERY_PAGE_SIZE = 24


def _countdown(contest: ContestPage, now) -> dict | None:
    change = next_change(contest.schedule, now)
    label = COUNTDOWN_LABELS.get(contest.phase_at(now))
    if change is None or label is None:
        return None
    moment = change[1]
    countdown = {"text": label % {"time": timeuntil(moment, now)}, "at": moment, "label": label}
    if contest.phase_at(now) == Phase.VOTING and contest.submissions_open_at_moment(now):
        # Voting overlaps submissions: say when submissions close too.
        closes = contest.submissions_close_at
        countdown["also"] = COUNTDOWN_LABELS[Phase.SUBMISSIONS] % {"time": timeuntil(closes, now)}
        countdown["also_at"] = closes
        countdown["also_label"] = COUNTDOWN_LABELS[Phase.SUBMISSIONS]
    return countdown


def _gallery_by_order(request, contest: ContestPage) -> bool:
    """Whether the page showed the visitor's shuffle order (then it is cached once per order)."""
    return gallery.resolve_sort(contest, request.GET.get("sort", ""), timezone.now()) == "shuffle"


def _contest_tags(request, contest: ContestPage) -> list[str]:
    return [contest_tag(contest.pk), contest_votes_tag(contest.pk)]


@page_cache.cache_anonymous_page(
    tags=_contest_tags, by_order=_gallery_by_order, params=("sort", "q", "page")
)
def contest_gallery(request, contest: ContestPage):
    now = timezone.now()
    page_cache.valid_until(request, contest.next_boundary(now))
    phase = contest.phase_at(now)
    query = request.GET.get("q", "")[:100]
    shared = gallery.gallery_page(
        contest,
        sort=request.GET.get("sort", ""),
        query=query,
        page_number=request.GET.get("page", ""),
        order=lambda: gallery.visitor_bucket(request),
        page_size=GALLERY_PAGE_SIZE,
        now=now,
    )
    page, sort = shared.page, shared.sort
    params = {k: v for k, v in (("sort", request.GET.get("sort", "")), ("q", query)) if v}
    my_votes: dict[int, str] = {}  # entry id → the member's vote's status
    own_submissions = []
    if request.user.is_authenticated:
        my_votes = dict(
            Vote.objects.filter(voter=request.user, entry__in=[e.pk for e in page]).values_list(
                "entry_id", "status"
            )
        )
        own_submissions = list(
            Entry.objects.filter(contest=contest, author=request.user, live=False).order_by(
                "-created_at"
            )
        )
    awards = (
        list(Award.objects.public().filter(contest=contest, kind=Award.Kind.WINNER))
        if phase in (Phase.RESULTS, Phase.ARCHIVED)
        else []
    )
    can_vote, totals_public = phase == Phase.VOTING, contest.totals_public_at(now)
    card_page = cards.card_page(
        request,
        can_vote=can_vote,
        scoring=contest.voting_method == VotingMethod.SCORE,
        totals_public=totals_public,
        next_path=request.get_full_path(),
    )
    return contest.render(
        request,
        context_overrides={
            "phase": phase,
            "cards": [
                cards.entry_card(
                    entry,
                    card_page,
                    voted=entry.pk in my_votes,
                    held=my_votes.get(entry.pk) == VoteStatus.HELD,
                )
                for entry in page
            ],
            "countdown": _countdown(contest, now),
            "entries_page": page,
            "sort": sort,
            "sorts": [(key, gallery.SORT_LABELS[key]) for key in gallery.sorts_for(contest, now)],
            "query": query,
            "page_query": urlencode(params) + "&" if params else "",
            "own_submissions": own_submissions,
            "awards": awards,
            # The approved idea this contest was opened from, if any (the ideas app's relation).
            "source_ideas": shared.source_ideas,
            "can_vote": can_vote,
            "totals_public": totals_public,
            "votes_left": services.votes_left(contest, request.user) if can_vote else None,
            "submissions_open": contest.submissions_open_at_moment(now),
            "results_public": phase in (Phase.RESULTS, Phase.ARCHIVED),
            "submit_refusal": refusal_message(rules.check_can_submit, request.user, contest, now)
            if request.user.is_authenticated
            else None,
        },
    )


@page_cache.cache_anonymous_page(tags=_contest_tags)
def results(request, contest: ContestPage):
    """Winners, honourable mentions, the Community Choice, the jury's statement and, now that
    voting is closed and results are out, every entry's vote totals."""
    now = timezone.now()
    page_cache.valid_until(request, contest.next_boundary(now))
    if contest.phase_at(now) not in (Phase.RESULTS, Phase.ARCHIVED):
        raise Http404
    awards = list(Award.objects.public().filter(contest=contest))
    ranking = list(
        Entry.objects.public().filter(contest=contest).ranked(contest).select_related("author")
    )
    return contest.render(
        request,
        template="contests/results.html",
        context_overrides={
            "phase": contest.phase_at(now),
            "winners": [a for a in awards if a.kind == Award.Kind.WINNER],
            "mentions": [a for a in awards if a.kind == Award.Kind.MENTION],
            "community": next((a for a in awards if a.kind == Award.Kind.COMMUNITY), None),
            "statement": contest.result.jury_statement,
            "ranking": ranking,
            "most_votes": max((entry.vote_count for entry in ranking), default=0) or 1,
            "scoring": contest.voting_method == VotingMethod.SCORE,
        },
    )


def submit_entry(request, contest: ContestPage):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = EntryForm(request.POST or None, request.FILES or None, contest=contest)
    refused = refusal_of(rules.check_can_submit, request.user, contest)
    refusal = refused.message if refused else None
    status = 200
    if request.method == "POST":
        if refused:
            status = refused.status
        elif form.is_valid():
            try:
                entry = services.submit_entry(
                    contest,
                    author=request.user,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    image=form.cleaned_data["image"],
                    images=form.cleaned_data["more_images"],
                    tags=form.cleaned_data["tags"],
                    accept_rules=form.cleaned_data.get("accept_rules", False),
                )
            except InvalidInput as invalid:
                form.add_error(
                    invalid.field if invalid.field in form.fields else None, invalid.message
                )
            except RateLimited as limited:
                status = keep_form(request, form, limited)
            except ActionRefused as refused:
                refusal = refused.message
                status = refused.status
            else:
                messages.success(
                    request,
                    _(
                        "Thank you! Your entry is waiting for a moderator and will appear in the "
                        "gallery once approved."
                    ),
                )
                return redirect(entry.get_absolute_url())
        if status == 200:
            status = 400  # the form has errors: it keeps what the member typed
    response = contest.render(
        request,
        template="contests/entry_form.html",
        context_overrides={"form": form, "refusal": refusal},
    )
    response.status_code = status
    return response


def _own_entry_or_404(request, contest: ContestPage, entry_id: int) -> Entry:
    entry = get_object_or_404(
        Entry.objects.filter(author=request.user), pk=entry_id, contest=contest
    )
    entry.contest = contest
    return entry


def edit_entry(request, contest: ContestPage, entry_id: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    entry = _own_entry_or_404(request, contest, entry_id)
    current = entry.get_latest_revision_as_object()  # a pending edit, if there is one
    initial = {
        "title": current.title,
        "description": current.description,
        "tags": ", ".join(sorted(current.tags.names())),
    }
    form = EntryEditForm(request.POST or None, request.FILES or None, initial=initial)
    refused = refusal_of(rules.check_submissions_open, contest)
    refusal = refused.message if refused else None
    status = 200
    if request.method == "POST":
        if refused:
            status = refused.status
        elif form.is_valid():
            images = form.cleaned_data["images"]
            try:
                services.edit_entry(
                    entry,
                    author=request.user,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    images=images or None,
                    tags=form.cleaned_data["tags"],
                )
            except InvalidInput as invalid:
                field = "images" if invalid.field in ("image", "images") else invalid.field
                form.add_error(field if field in form.fields else None, invalid.message)
            except RateLimited as limited:
                status = keep_form(request, form, limited)
            except ActionRefused as refused:
                refusal = refused.message
                status = refused.status
            else:
                messages.success(
                    request,
                    _(
                        "Your changes are waiting for a moderator. Until they are approved, "
                        "everyone keeps seeing the published version."
                    )
                    if entry.live
                    else _("Your changes are waiting for a moderator."),
                )
                return redirect(entry.get_absolute_url())
        if status == 200:
            status = 400
    response = contest.render(
        request,
        template="contests/entry_form.html",
        context_overrides={"form": form, "refusal": refusal, "entry": entry, "editing": True},
    )
    response.status_code = status
    return response


def withdraw_entry(request, contest: ContestPage, entry_id: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(contest.url)
    entry = _own_entry_or_404(request, contest, entry_id)
    try:
        services.withdraw_entry(entry, author=request.user)
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect(entry.get_absolute_url())
    messages.success(request, _("Your entry has been withdrawn."))
    return redirect(contest.url)


def _entry_tags(request, contest: ContestPage, entry_id: int) -> list[str]:
    return [f"{Entry._meta.label_lower}:{entry_id}", contest_results_tag(contest.pk)]


@page_cache.cache_anonymous_page(tags=_entry_tags)
def entry_detail(request, contest: ContestPage, entry_id: int):
    now = timezone.now()
    page_cache.valid_until(request, contest.next_boundary(now))
    entries = (
        Entry.objects.with_vote_counts()
        .select_related("author")
        .defer(*private_user_fields("author"))
        .prefetch_related("extra_images", tags_with_names())
    )
    # A public entry is the same for every viewer: shared through the page cache, current under
    # the tags of its cached page (and for this phase: whether its totals show).
    entry = page_cache.shared_value(
        f"entry\n{contest.pk}\n{entry_id}\n{contest.phase_at(now)}",
        _entry_tags(request, contest, entry_id),
        lambda: entries.public().filter(pk=entry_id, contest=contest).first(),
    )
    if entry is None:  # not public: the author's own, or any for moderators
        try:
            entry = entries.get_visible(request.user, pk=entry_id, contest=contest)
        except Entry.DoesNotExist:
            raise Http404 from None
    entry.contest = contest  # the routed page: its phase is computed once
    is_own = request.user.is_authenticated and entry.author_id == request.user.pk
    return contest.render(
        request,
        template="contests/entry_detail.html",
        context_overrides={
            **_entry_vote_context(request, contest, entry),
            "is_own": is_own,
            "can_change": is_own and contest.submissions_open_at_moment(timezone.now()),
            "images": [
                {"position": n, "url": entry.image_url(800, n), "large": entry.image_url(1600, n)}
                for n in range(1, 2 + len(entry.extra_images.all()))
            ],
            "tags": sorted(t.tag.name for t in entry.tagged.all()),
        },
    )


def _entry_vote_context(request, contest: ContestPage, entry: Entry) -> dict:
    """What the entry page's vote box shows (contests/includes/vote_box.html)."""
    now = timezone.now()
    phase = contest.phase_at(now)
    user = request.user
    my_vote = None
    if user.is_authenticated:
        my_vote = Vote.objects.filter(entry=entry, voter=user).first()
    return {
        "entry": entry,
        "page": contest,
        "phase": phase,
        "has_voted": my_vote is not None,
        "held": my_vote is not None and my_vote.status == VoteStatus.HELD,
        "my_score": my_vote.score if my_vote else None,
        "scoring": contest.voting_method == VotingMethod.SCORE,
        "score_choices": range(SCORE_MIN, SCORE_MAX + 1),
        "totals_public": contest.totals_public_at(now),
        "average": services.vote_totals(entry)["average"]
        if contest.voting_method == VotingMethod.SCORE and contest.totals_public_at(now)
        else None,
        "votes_left": services.votes_left(contest, user) if phase == Phase.VOTING else None,
        "vote_refusal": refusal_message(rules.check_can_vote, user, entry)
        if user.is_authenticated and entry.live
        else None,
        "is_own": user.is_authenticated and entry.author_id == user.pk,
    }


def _vote_fragment(request, contest: ContestPage, entry_id: int, outcome: htmx.Outcome):
    """The htmx answer to a vote: the card's or the entry page's vote box, as it is now."""
    entry = (
        Entry.objects.public()
        .with_vote_counts()
        .select_related("author")
        .get(pk=entry_id, contest=contest)
    )
    entry.contest = contest
    if request.POST.get("fragment") == "card":
        now = timezone.now()
        vote = Vote.objects.filter(entry=entry, voter=request.user).first()
        phase = contest.phase_at(now)
        gallery.attach_card_urls([entry], contest)
        card_page = cards.card_page(
            request,
            can_vote=phase == Phase.VOTING,
            scoring=contest.voting_method == VotingMethod.SCORE,
            totals_public=contest.totals_public_at(now),
            next_path=_same_site_path(request, contest.url).split("#")[0],
        )
        context = {
            "card": cards.vote_card(
                gallery.card_entry(entry),
                card_page,
                voted=vote is not None,
                held=vote is not None and vote.status == VoteStatus.HELD,
                error=outcome.error or "",
                message=outcome.message or "",
            ),
            "votes_left": services.votes_left(contest, request.user)
            if phase == Phase.VOTING
            else None,
            "oob": True,
        }
        template = "contests/includes/vote_card.html"
    else:
        context = _entry_vote_context(request, contest, entry)
        template = "contests/includes/vote_box.html"
    context.update(vote_message=outcome.message, vote_error=outcome.error)
    return htmx.in_place(request, template, context, outcome)


def _same_site_path(request, fallback: str) -> str:
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return fallback
    return next_url


def vote(request, contest: ContestPage, entry_id: int):
    """Vote or withdraw. A plain POST redirects back to the card (`next`, with its anchor); an
    htmx request gets the vote box as it is now, with the refusal in place if there is one."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    entry_url = contest.url + contest.reverse_subpage("entry", args=[entry_id])
    if not request.user.is_authenticated:
        login = redirect_to_login(entry_url)
        return htmx.client_redirect(login.url) if htmx.is_htmx(request) else login
    entry = get_object_or_404(Entry.objects.public(), pk=entry_id, contest=contest)
    entry.contest = contest  # as routed: its result (for the phase) is joined already
    with htmx.attempt(request) as outcome:
        if request.POST.get("action") == "withdraw":
            services.withdraw_vote(entry, voter=request.user)
            outcome.message = _("Your vote has been withdrawn.")
        else:
            services.cast_vote(
                entry,
                voter=request.user,
                score=request.POST.get("score"),
                network=client_network(request),
            )
            outcome.message = _("Thank you for voting!")
    if htmx.is_htmx(request):
        return _vote_fragment(request, contest, entry.pk, outcome)
    return htmx.redirect_back(
        request, _same_site_path(request, f"{entry_url}#vote-box-{entry.pk}"), outcome
    )


def _image_name(content: dict, position: int) -> str | None:
    """The storage name of the image at `position` (1 = cover) in serialized entry content."""
    if position == 1:
        return content.get("image") or None
    extras = sorted(content.get("extra_images") or [], key=lambda c: c.get("sort_order") or 0)
    if 0 <= position - 2 < len(extras):
        return extras[position - 2].get("image") or None
    return None


@require_GET
def entry_image(request, entry_id: int, size: str, position: int = 1):
    """Serve an entry's image only to those who may see the entry (the gate covers files).

    Without `?revision=` this is the image of the entry's row: the approved version of a public
    entry (a pending edit's images are not served), or the author's own pending submission.
    """
    try:
        entry = Entry.objects.get_visible(request.user, pk=entry_id)
    except Entry.DoesNotExist:
        raise Http404 from None
    if position < 1 or position > MAX_IMAGES_PER_ENTRY:
        raise Http404
    if position == 1:
        name = entry.image.name
    else:
        extras = list(entry.extra_images.all())
        name = extras[position - 2].image.name if position - 2 < len(extras) else None
    revision_id = request.GET.get("revision")
    if revision_id:
        # The author and moderators may see the images of a submitted edit before approval.
        if not (is_moderator(request.user) or entry.author_id == request.user.pk):
            raise Http404
        revision_pk = parse_id(revision_id)
        revision = entry.revisions.filter(pk=revision_pk).first() if revision_pk else None
        if revision is None:
            raise Http404
        name = _image_name(revision.content, position)
    return private_image_response(name, size, public=entry.live and not revision_id)
