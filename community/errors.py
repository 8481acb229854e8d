"""Refusals that services raise with a message meant for the member.

Views show the message; the API maps each kind to its HTTP status.
"""

from collections.abc import Callable

from django.utils.functional import Promise


class ActionRefused(Exception):
    status = 400

    def __init__(self, message: str | Promise, *, field: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class InvalidInput(ActionRefused):
    status = 400


class NotAllowed(ActionRefused):
    """The actor's role or standing does not allow this."""

    status = 403


class WrongPhase(ActionRefused):
    """The action is not open at this moment of the contest or board."""

    status = 409


class Conflict(ActionRefused):
    status = 409


class NotFound(ActionRefused):
    status = 404


def refusal_of(check: Callable[..., object], *args) -> ActionRefused | None:
    """The refusal `check(*args)` raises, or None: for pages that show why an action is not
    open to the member before they try it."""
    try:
        check(*args)
    except ActionRefused as refused:
        return refused
    return None


def refusal_message(check: Callable[..., object], *args) -> str | None:
    refused = refusal_of(check, *args)
    return refused.message if refused else None
