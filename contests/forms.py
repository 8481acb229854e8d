from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from community.validators import RejectsControlCharacters
from contests.models import MAX_IMAGES_PER_ENTRY, Entry

IMAGE_TYPES = "image/jpeg,image/png,image/webp"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; the service decodes each and says what is wrong."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": IMAGE_TYPES}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


def _size_help() -> str:
    return _("JPEG, PNG or WebP, up to %(size)s each.") % {
        "size": filesizeformat(settings.COCREO_UPLOAD_MAX_BYTES)
    }


class EntryTextForm(RejectsControlCharacters, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=Entry._meta.get_field("title").max_length)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=Entry._meta.get_field("description").max_length,
        help_text=_("Tell the jury and the community about your design."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=600,
        help_text=_("Optional, separated by commas: for example “floral, blue”."),
    )


def _interpolated(message, **params):
    """`message % params` when shown, in the reader's language: a lazy string interpolated at
    class definition is evaluated there and then, in English, and stays untranslated."""
    return lazy(lambda: str(message) % params, str)()


class EntryForm(EntryTextForm):
    # A plain file field: the service decodes the file and says exactly what is wrong with it.
    image = forms.FileField(
        label=_("Design image"),
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_TYPES}),
    )
    more_images = MultipleFileField(
        label=_("More images"),
        help_text=_interpolated(
            _("Optional: up to %(n)s more views of your design."), n=MAX_IMAGES_PER_ENTRY - 1
        ),
    )
    accept_rules = forms.BooleanField(label=_("I accept the contest rules."), required=False)

    def __init__(self, *args, contest=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].help_text = _size_help()
        if contest is None or not contest.rules:
            del self.fields["accept_rules"]


class EntryEditForm(EntryTextForm):
    images = MultipleFileField(
        label=_("Replace the images"),
        help_text=_interpolated(
            _(
                "Optional: choose up to %(n)s images to replace all current ones (the first is "
                "the cover). Leave empty to keep the images."
            ),
            n=MAX_IMAGES_PER_ENTRY,
        ),
    )
