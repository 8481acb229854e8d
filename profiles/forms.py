from django import forms
from django.utils.translation import gettext_lazy as _

from community.validators import RejectsControlCharacters
from profiles.services import BIO_MAX_LENGTH


class ProfileForm(RejectsControlCharacters, forms.Form):
    bio = forms.CharField(
        label=_("About you"),
        max_length=BIO_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    avatar = forms.FileField(
        label=_("Avatar"),
        required=False,
        help_text=_("A JPEG, PNG or WebP image. We remove location and camera data."),
    )
    remove_avatar = forms.BooleanField(label=_("Remove my avatar"), required=False)
