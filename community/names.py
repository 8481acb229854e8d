"""Member names (usernames and first/last names) are screened when they are chosen or changed.

The community app knows nothing of moderation: apps register a function `(name) -> list[str]`
under the Wagtail hook `NAME_SCREEN_HOOK` that returns the reasons (the moderation app returns
the blocked terms found in the name). `check_member_name` is called by the sign-up adapter
(`community.adapter`) and by `User.clean()`, which every user form of the Wagtail and Django
admin runs.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from wagtail import hooks

NAME_SCREEN_HOOK = "cocreo_screen_member_name"
NAME_FIELDS = ("username", "first_name", "last_name")


def name_problems(name: str) -> list[str]:
    if not name:
        return []
    return [problem for screen in hooks.get_hooks(NAME_SCREEN_HOOK) for problem in screen(name)]


def check_member_name(name: str) -> None:
    """Raise a ValidationError naming what is not allowed in `name`."""
    problems = name_problems(name)
    if problems:
        raise ValidationError(
            _("This name contains a word that is not allowed here (%(words)s). Choose another.")
            % {"words": ", ".join(f"“{p}”" for p in problems)},
            code="blocked_name",
        )


def names_pass(user) -> bool:
    return not any(name_problems(getattr(user, field, "") or "") for field in NAME_FIELDS)


def check_member_names(user) -> None:
    """All of a user's names at once: a ValidationError keyed by field."""
    errors = {}
    for field in NAME_FIELDS:
        try:
            check_member_name(getattr(user, field, "") or "")
        except ValidationError as error:
            errors[field] = error.messages
    if errors:
        raise ValidationError(errors)
