from django import forms
from django.utils.translation import gettext_lazy as _

from comments.services import COMMENT_MAX_LENGTH
from community.validators import RejectsControlCharacters


class CommentForm(RejectsControlCharacters, forms.Form):
    """The text of a comment. Who is answering officially is decided by the service, never by
    the form."""

    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
