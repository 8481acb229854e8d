"""Forms of the ideas pages. They only shape and keep what the member typed; the services check
the rules and say what is wrong."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from contests.forms import IMAGE_TYPES
from ideas.models import ANSWER_STATUSES, Idea, IdeasBoardPage, IdeaStatus, StatusUpdate


def _max(model, name: str) -> int:
    return model._meta.get_field(name).max_length


class StaffForm(forms.Form):
    """The staff forms share one page: each gets its own element ids."""

    id_prefix = "staff"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class IdeaForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=_max(Idea, "title"),
        help_text=_("One sentence: what should the brand do?"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=_max(Idea, "description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Why does it matter to you, and to others?"),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    image = forms.FileField(
        label=_("Image"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_TYPES}),
    )

    def __init__(self, *args, board: IdeasBoardPage, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        categories = list(board.categories.all())
        if categories:
            self.fields["category"].choices = [("", _("No category"))] + [
                (str(c.pk), c.name) for c in categories
            ]
        else:
            del self.fields["category"]
        self.fields["image"].help_text = _("Optional. JPEG, PNG or WebP, up to %(size)s.") % {
            "size": filesizeformat(settings.COCREO_UPLOAD_MAX_BYTES)
        }
        if editing:
            self.fields["image"].label = _("Replace the image")
            self.fields["remove_image"] = forms.BooleanField(
                label=_("Remove the image"), required=False
            )


class AnswerForm(StaffForm):
    id_prefix = "answer"
    status = forms.ChoiceField(label=_("Status"))
    answer = forms.CharField(
        label=_("The brand's answer"),
        max_length=_max(StatusUpdate, "answer"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Public, signed with the brand's name. The author and followers are told."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(str(s), IdeaStatus(s).label) for s in ANSWER_STATUSES]


class EditAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Corrected answer"),
        max_length=_max(StatusUpdate, "answer"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MergeForm(StaffForm):
    id_prefix = "merge"
    into = forms.TypedChoiceField(label=_("Merge into"), coerce=int)
    answer = forms.CharField(
        label=_("Note for the timeline"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: why these ideas are the same."),
    )

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [("", _("Choose an idea"))] + [
            (idea.pk, f"#{idea.pk} · {idea.title}") for idea in targets
        ]


class ReviveForm(StaffForm):
    id_prefix = "revive"
    answer = forms.CharField(
        label=_("Note for the timeline"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OpenContestForm(StaffForm):
    id_prefix = "contest"
    title = forms.CharField(
        label=_("Contest title"),
        required=False,
        max_length=255,
        help_text=_("Optional: the idea's title is used otherwise."),
    )
