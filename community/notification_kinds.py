"""What a notification says, per kind, rendered in the reader's language when it is read (or
emailed): a notification stores its kind and parameters, never translated text.

Parameters are plain JSON: names and titles (`title`, `contest`, `brand`, `board`, `source`,
`target`, `name`, `reason`, ...), ids, numbers, and a few translated when rendered:
- `model` ("app_label.model_name"): shown as `%(kind)s`, the model's name in the reader's
  language;
- `status` with `status_field` ("app_label.model_name.field"): shown as `%(status)s`, the
  choice's label;
- `date` (ISO date-time): shown as `%(date)s` in the reader's date format and time zone.
"""

from contextlib import suppress
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Category:
    """A kind of email a member can choose to receive or not (`email_preferences`)."""

    code: str
    label: str
    help: str
    optional: bool = True  # False: always sent (the member's account), no unsubscribe link


CATEGORIES = {
    c.code: c
    for c in (
        Category(
            "decisions",
            _("Decisions on my submissions"),
            _("A moderator approved, rejected or removed your entry, idea, comment or profile."),
        ),
        Category(
            "replies",
            _("Replies and comments"),
            _("Someone replied to your comment or commented on what you made or follow."),
        ),
        Category(
            "ideas",
            _("Ideas I follow or support"),
            _("A brand answered an idea, or an idea reached its goal, expired or was merged."),
        ),
        Category(
            "openings",
            _("Contests from brands I follow"),
            _("A brand you follow opened a new contest or board."),
        ),
        Category(
            "awards",
            _("Results and awards"),
            _("The results of contests you took part in, and your awards."),
        ),
        Category(
            "account",
            _("Your account"),
            _("Suspensions, reinstatements and your data exports. Always sent."),
            optional=False,
        ),
    )
}


@dataclass(frozen=True)
class Kind:
    category: str
    message: str  # with %(param)s placeholders
    subject: str
    next_step: str = ""


KINDS: dict[str, Kind] = {
    "moderation.approved": Kind(
        "decisions",
        _("Your %(kind)s “%(title)s” was approved and is now public."),
        _("Your %(kind)s “%(title)s” is public"),
        _("Everyone can now see it: share it with your friends."),
    ),
    "moderation.rejected": Kind(
        "decisions",
        _("Your %(kind)s “%(title)s” was not approved. Reason: %(reason)s"),
        _("Your %(kind)s “%(title)s” was not approved"),
        _("You can fix it and send it again: a moderator will look at it once more."),
    ),
    "moderation.edit_rejected": Kind(
        "decisions",
        _("Your edit of your %(kind)s “%(title)s” was not approved. Reason: %(reason)s"),
        _("Your edit of “%(title)s” was not approved"),
        _("The approved version stays public. You can edit it again."),
    ),
    "moderation.removed": Kind(
        "decisions",
        _("Your %(kind)s “%(title)s” was removed by a moderator. Reason: %(reason)s"),
        _("Your %(kind)s “%(title)s” was removed"),
        _("You can fix it and send it again: a moderator will look at it once more."),
    ),
    "moderation.suspended": Kind(
        "account",
        _("Your account has been suspended: you cannot post or vote. Reason: %(reason)s"),
        _("Your account has been suspended"),
        _("You can still read everything. Reply to this email if you think it is a mistake."),
    ),
    "moderation.reinstated": Kind(
        "account",
        _("Your suspension has been lifted: you can take part again."),
        _("Your suspension has been lifted"),
        _("You can post, vote and comment again."),
    ),
    "moderation.names_held": Kind(
        "account",
        _("Names held for review because they contain a blocked term: %(n)s."),
        _("Names held for review"),
        _("They are listed on the suspensions page until the members or a moderator rename them."),
    ),
    "privacy.export_ready": Kind(
        "account",
        _("Your data is ready to download until %(date)s."),
        _("Your data is ready to download"),
        _("The link works only for you, while you are signed in, until then."),
    ),
    "brand_opening": Kind(
        "openings",
        _("%(brand)s has just opened “%(title)s”: take part!"),
        _("%(brand)s has opened “%(title)s”"),
        _("Read the brief and take part before it closes."),
    ),
    "contest.won": Kind(
        "awards",
        _("Your entry “%(title)s” won place %(rank)s in “%(contest)s”!"),
        _("Your entry “%(title)s” won in “%(contest)s”"),
        _("Congratulations! The brand will contact you about your prize."),
    ),
    "contest.mention": Kind(
        "awards",
        _("Your entry “%(title)s” received an honourable mention in “%(contest)s”."),
        _("An honourable mention in “%(contest)s”"),
        _("See the results and the other awarded entries."),
    ),
    "contest.community_choice": Kind(
        "awards",
        _("Your entry “%(title)s” is the Community Choice of “%(contest)s”!"),
        _("Your entry is the Community Choice of “%(contest)s”"),
        _("The community voted for you: see the results."),
    ),
    "contest.results": Kind(
        "awards",
        _("The results of “%(contest)s” are out. Thank you for taking part!"),
        _("The results of “%(contest)s” are out"),
        _("See who won. Your entry stays on the contest page."),
    ),
    "contest.results_changed": Kind(
        "awards",
        _("The results of “%(contest)s” have changed and concern your entry. Reason: %(reason)s"),
        _("The results of “%(contest)s” have changed"),
        _("See the updated results."),
    ),
    "ideas.goal_staff": Kind(
        "ideas",
        _("“%(title)s” reached %(goal)s supporters on %(board)s: it is waiting for your answer."),
        _("“%(title)s” is waiting for your answer"),
        _("Answer it from the board: its supporters will be told."),
    ),
    "ideas.goal": Kind(
        "ideas",
        _("“%(title)s” reached its goal of %(goal)s supporters: the brand will review it."),
        _("“%(title)s” reached its goal"),
        _("We will tell you when the brand answers."),
    ),
    "ideas.answer": Kind(
        "ideas",
        _("%(brand)s answered “%(title)s”: %(status)s."),
        _("%(brand)s answered “%(title)s”"),
        _("Read the brand's answer on the idea's page."),
    ),
    "ideas.revived": Kind(
        "ideas",
        _("“%(title)s” is open for support again."),
        _("“%(title)s” is open for support again"),
        _("Support it again if you still want it."),
    ),
    "ideas.expired": Kind(
        "ideas",
        _("“%(title)s” did not reach its stage in time and has expired."),
        _("“%(title)s” has expired"),
        _("The brand may still bring it back."),
    ),
    "ideas.merged": Kind(
        "ideas",
        _("“%(source)s” was merged into “%(target)s”: its supporters now count there."),
        _("“%(source)s” was merged into “%(target)s”"),
        _("Follow the conversation on “%(target)s”."),
    ),
    "comment.reply": Kind(
        "replies",
        _("%(name)s replied to your comment on “%(title)s”."),
        _("%(name)s replied to your comment"),
        _("Read the reply and answer if you like."),
    ),
    "comment.on_yours": Kind(
        "replies",
        _("%(name)s commented on your %(kind)s “%(title)s”."),
        _("%(name)s commented on “%(title)s”"),
        _("Read the comment and answer if you like."),
    ),
    "comment.followed": Kind(
        "replies",
        _("%(name)s commented on the %(kind)s “%(title)s” you follow."),
        _("New comment on “%(title)s”"),
        _("Read the comment and join the conversation."),
    ),
}

# What a kind's parameters fall back to when one is missing (a row from an older release).
MISSING = pgettext_lazy("notification parameter that is missing", "…")


class _Params(dict):
    def __missing__(self, key):
        return str(MISSING)


def _resolved(params: dict) -> _Params:
    """The parameters as text in the active language."""
    values = _Params((k, v) for k, v in params.items() if not isinstance(v, dict | list))
    language = translation.get_language() or settings.LANGUAGE_CODE
    for key, value in params.items():
        if isinstance(value, dict):  # a text in each language (community.i18n.in_every_language)
            values[key] = value.get(language) or value.get(settings.LANGUAGE_CODE) or ""
        if isinstance(value, int) and not isinstance(value, bool):
            values[key] = formats.number_format(value, force_grouping=True)
    if model := params.get("model"):
        with suppress(LookupError, ValueError):
            values["kind"] = str(apps.get_model(model)._meta.verbose_name)
    if (status := params.get("status")) and (field := params.get("status_field")):
        try:
            app_label, model_name, field_name = field.split(".")
            model_field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
            choices = dict(model_field.choices)
            values["status"] = str(choices.get(status, status))
        except (LookupError, ValueError):
            pass
    if isinstance(when := params.get("date"), str) and (parsed := parse_datetime(when)):
        values["date"] = formats.date_format(timezone.localtime(parsed), "DATETIME_FORMAT")
    return values


def render(kind: str, params: dict, part: str = "message") -> str:
    """A kind's message, subject or next step in the active language ("" for unknown kinds)."""
    known = KINDS.get(kind)
    if known is None:
        return ""
    return str(getattr(known, part)) % _resolved(params or {})


def category_of(kind: str) -> Category | None:
    known = KINDS.get(kind)
    return CATEGORIES[known.category] if known else None
