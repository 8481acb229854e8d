"""One check for text that members and staff send: no NUL bytes or other control characters.

PostgreSQL refuses NUL in text (a 500 `DataError` if it reaches the database) and the other C0
and C1 control characters only hide or garble text. Newlines, carriage returns and tabs are
text. Forms use `reject_control_characters` as a field validator, services call `check_text`
(an `InvalidInput`, so a 400 everywhere), and `community.middleware` applies the same check to
every URL, query string and API body (and refuses NUL in any form body).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from community.errors import InvalidInput

NUL = "\x00"
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
MESSAGE = _("Remove the invisible control characters (such as NUL bytes) from this text.")


def has_control_characters(value: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(value))


def reject_control_characters(value) -> None:
    """A Django validator: forms and model fields."""
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(MESSAGE, code="control_characters")


def check_text(value: str | None, *, field: str) -> str:
    """For services: the text as given ("" for None), or an InvalidInput (400) naming the field."""
    value = value or ""
    if has_control_characters(value):
        raise InvalidInput(MESSAGE, field=field)
    return value


class RejectsControlCharacters:
    """A form mixin: every text field of the form refuses control characters."""

    def __init__(self, *args, **kwargs):
        from django import forms

        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(reject_control_characters)
