"""A contest gallery's cards, rendered in Python.

The gallery shows 24 cards a page, each with its vote box; in Django's template engine they were
about half of a signed-in gallery page's rendering (every card an `include` with its own context
and a dozen lookups and translations). Here what the cards of a page share (labels, the sign-in
link, the CSRF field, who is looking) is worked out once per page (`CardPage`) and each card is a
few string joins. Values are escaped as the template engine would: translated labels and every
value from the database or the request. The same functions render the htmx answer to a vote
(contests/includes/vote_card.html), so a card looks the same before and after a vote.
"""

from dataclasses import dataclass
from urllib.parse import quote

from django.contrib.auth.models import AnonymousUser
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from community.models import User
from contests.gallery import CardEntry


@dataclass(frozen=True)
class CardPage:
    """What every card of one page shares."""

    user: User | AnonymousUser
    can_vote: bool  # the contest is in voting
    scoring: bool  # votes are scores, given on the entry's page
    totals_public: bool
    next_path: str  # where a plain (non-htmx) vote returns to, before the card's anchor
    login_url: str  # the sign-in link, up to the card's anchor
    csrf_field: str  # the CSRF token's hidden input (HTML)
    labels: dict[str, str]  # translated and escaped, once per page


def card_page(
    request, *, can_vote: bool, scoring: bool, totals_public: bool, next_path: str
) -> CardPage:
    user = request.user
    signed_in = user.is_authenticated
    return CardPage(
        user=user,
        can_vote=can_vote,
        scoring=scoring,
        totals_public=totals_public,
        next_path=escape(next_path),
        login_url=""
        if signed_in
        else escape(f"{reverse('account_login')}?next={quote(request.get_full_path(), safe='/')}"),
        csrf_field=csrf_input(request) if signed_in and can_vote and not scoring else "",
        labels={
            key: escape(text)
            for key, text in (
                ("sign_in", gettext("Sign in to vote")),
                ("own", gettext("Your entry")),
                ("change_score", gettext("Change your score")),
                ("rate", gettext("Rate this design")),
                ("withdraw", gettext("Voted ✓ — withdraw vote")),
                ("vote", gettext("Vote")),
                ("held", gettext("You voted. Your vote counts once a moderator has checked it.")),
                ("voted", gettext("You voted for this entry.")),
            )
        },
    )


def _safe(html: str) -> SafeString:
    """The card's HTML. Every value put into it below is escaped (or is a number, or a label
    escaped in `card_page`), as the template engine would have."""
    return mark_safe(html)  # noqa: S308 (escaped piece by piece below)


def vote_card(
    entry: CardEntry,
    page: CardPage,
    *,
    voted: bool,
    held: bool,
    error: str = "",
    message: str = "",
) -> SafeString:
    """The card's vote box: its count, and the vote toggle for whoever is looking."""
    pk = entry.pk
    labels = page.labels
    parts = [f'<div class="vote-box vote-card" id="vote-box-{pk}" data-vote-box>']
    if page.totals_public:
        count = entry.vote_count
        parts.append(
            f'<p class="votes"><span data-vote-count>{escape(intcomma(count))}</span>'
            f" <span data-vote-noun>{ngettext('vote', 'votes', count)}</span></p>"
        )
    if page.can_vote:
        url = escape(entry.url)
        if not page.user.is_authenticated:
            parts.append(
                f'<p><a class="button sign-in-to-vote" href="{page.login_url}%23entry-{pk}"'
                f' data-testid="sign-in-to-vote">{labels["sign_in"]}</a></p>'
            )
        elif entry.author_id == page.user.pk:
            parts.append(f'<p class="help">{labels["own"]}</p>')
        elif page.scoring:
            label = labels["change_score"] if voted else labels["rate"]
            parts.append(f'<p><a class="button" href="{url}">{label}</a></p>')
        else:
            parts.append(
                f'<form method="post" action="{url}vote/" hx-post="{url}vote/"'
                f' hx-target="#vote-box-{pk}" hx-swap="outerHTML">{page.csrf_field}'
                f'<input type="hidden" name="next" value="{page.next_path}#entry-{pk}">'
                '<input type="hidden" name="fragment" value="card">'
            )
            if voted:
                parts.append(
                    f'<button type="submit" id="vote-button-{pk}" name="action" value="withdraw"'
                    f' class="button button-secondary" aria-pressed="true"'
                    f' aria-describedby="vote-note-{pk}">{labels["withdraw"]}</button></form>'
                    f'<p class="help" id="vote-note-{pk}">'
                    f"{labels['held'] if held else labels['voted']}</p>"
                )
            else:
                parts.append(
                    f'<button type="submit" id="vote-button-{pk}" name="action" value="vote"'
                    f' class="button button-primary" aria-pressed="false">{labels["vote"]}'
                    "</button></form>"
                )
    status_class = "action-status action-error" if error else "action-status"
    parts.append(
        f'<p class="{status_class}" role="status" data-action-status>'
        f"{escape(error or message or '')}</p></div>"
    )
    return _safe("".join(parts))


def entry_card(entry: CardEntry, page: CardPage, *, voted: bool, held: bool) -> SafeString:
    """One gallery card: the image, title and author linking to the entry, and its vote box."""
    pk = entry.pk
    url = escape(entry.url)
    title = escape(entry.title)
    small, large = escape(entry.image_400), escape(entry.image_800)
    byline = gettext("by %(name)s") % {"name": escape(entry.author_name)}
    return _safe(
        f'<li class="card entry-card" data-entry-id="{pk}" id="entry-{pk}">'
        f'<a href="{url}"><img src="{large}" srcset="{small} 400w, {large} 800w"'
        f' sizes="(max-width: 600px) 100vw, 320px" alt="{title}" loading="lazy"></a>'
        f'<div class="card-body"><h3><a href="{url}">{title}</a></h3>'
        f'<p class="byline">{byline}</p>'
        f"{vote_card(entry, page, voted=voted, held=held)}</div></li>",
    )
