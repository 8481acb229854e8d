from django import forms
from django.utils.translation import gettext_lazy as _

from community.bounds import parse_id
from community.models import Brand
from community.validators import RejectsControlCharacters
from moderation.models import PauseScope, RejectionReason, ReportReason
from moderation.services import REASON_MAX_LENGTH


class ReasonFields(RejectsControlCharacters, forms.Form):
    reason_id = forms.ModelChoiceField(
        queryset=RejectionReason.objects.filter(active=True),
        required=False,
        label=_("Reason"),
        empty_label=_("— choose a reason —"),
    )
    reason = forms.CharField(
        label=_("Reason (sent to the author)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (
            data.get("reason_id") or data.get("reason", "").strip()
        ):
            self.add_error("reason", _("Give the author a reason for the rejection."))
        return data

    @property
    def reason_kwargs(self) -> dict:
        managed = self.cleaned_data.get("reason_id")
        return {"reason": self.cleaned_data["reason"], "reason_id": managed.pk if managed else None}


class DecisionForm(ReasonFields):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )


class BulkDecisionForm(DecisionForm):
    items = forms.TypedMultipleChoiceField(coerce=int, choices=[], required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any item id is acceptable here: the service refuses what cannot be decided.
        self.fields["items"].valid_value = lambda value: parse_id(value) is not None


class RemovalForm(RejectsControlCharacters, forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the author)"), max_length=REASON_MAX_LENGTH, required=True
    )


class SuspensionForm(RejectsControlCharacters, forms.Form):
    username = forms.CharField(label=_("Member's username"), max_length=150)
    reason = forms.CharField(label=_("Reason (sent to the member)"), widget=forms.Textarea)
    days = forms.IntegerField(
        label=_("Days (empty: until lifted)"), min_value=1, max_value=3650, required=False
    )
    ban = forms.BooleanField(label=_("Ban (no end date)"), required=False)


class PauseForm(RejectsControlCharacters, forms.Form):
    scope = forms.ChoiceField(label=_("Pause"), choices=PauseScope.choices)
    brand = forms.ModelChoiceField(queryset=Brand.objects.all(), required=False, label=_("Brand"))
    container = forms.IntegerField(
        label=_("Contest or board (page id)"), required=False, min_value=1
    )
    message = forms.CharField(label=_("Public message"), max_length=280, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from community.rules import is_moderator, staff_brand_ids

        if user is not None and not (is_moderator(user) or user.is_superuser):
            # Brand staff pause only their own brands (the service checks it too).
            self.fields["scope"].choices = [
                c for c in PauseScope.choices if c[0] != PauseScope.SITE
            ]
            self.fields["brand"].queryset = Brand.objects.filter(pk__in=staff_brand_ids(user))


class ReportForm(RejectsControlCharacters, forms.Form):
    reason = forms.ChoiceField(label=_("Why are you reporting this?"), choices=ReportReason.choices)
    text = forms.CharField(
        label=_("Details (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
