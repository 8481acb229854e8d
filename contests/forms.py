from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from contests.models import Entry


class EntryForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=Entry._meta.get_field("title").max_length)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=Entry._meta.get_field("description").max_length,
        help_text=_("Tell the jury and the community about your design."),
    )
    # A plain file field: the service decodes the file and says exactly what is wrong with it.
    image = forms.FileField(
        label=_("Design image"),
        help_text=_("JPEG, PNG or WebP, up to %(size)s.")
        % {"size": filesizeformat(settings.COCREO_UPLOAD_MAX_BYTES)},
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
