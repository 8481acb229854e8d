from django import forms
from django.utils.translation import gettext_lazy as _

from community.validators import RejectsControlCharacters


class DeleteAccountForm(RejectsControlCharacters, forms.Form):
    contributions = forms.ChoiceField(
        label=_("Your entries and comments"),
        widget=forms.RadioSelect,
        choices=[
            ("remove", _("Delete them (awards already given in closed contests stay, anonymous)")),
            ("keep", _("Keep them public, shown as by “deleted member”")),
        ],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.has_usable_password():
            self.fields["password"] = forms.CharField(
                label=_("Your password"), widget=forms.PasswordInput, strip=False
            )
        else:
            self.fields["confirm"] = forms.CharField(
                label=_("Type your username to confirm"),
                help_text=_("Your username is “%(name)s”.") % {"name": user.username},
            )
