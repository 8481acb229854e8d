from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from community.models import Brand, BrandPage
from community.notification_kinds import CATEGORIES


class BrandScopedPageForm(WagtailAdminPageForm):
    """For pages that belong to a brand (contests, later boards): under a brand's page, the
    brand is that page's brand, so staff cannot file a contest under another brand."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parent = self.parent_page.specific if self.parent_page else None
        self.parent_brand_id = parent.brand_id if isinstance(parent, BrandPage) else None
        if self.parent_brand_id and "brand" in self.fields:
            self.fields["brand"].queryset = Brand.objects.filter(pk=self.parent_brand_id)
            self.fields["brand"].initial = self.parent_brand_id

    def clean(self):
        cleaned = super().clean()
        brand = cleaned.get("brand")
        if self.parent_brand_id and brand is not None and brand.pk != self.parent_brand_id:
            self.add_error("brand", _("A page under a brand's page belongs to that brand."))
        return cleaned


class MemberSettingsForm(forms.Form):
    """A member's language and the emails they want (optional categories only)."""

    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("For pages and emails. Automatic: your browser's language."),
    )
    emails = forms.MultipleChoiceField(
        label=_("Emails I want to receive"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Automatic")), *settings.LANGUAGES]
        self.fields["emails"].choices = [
            (c.code, c.label) for c in CATEGORIES.values() if c.optional
        ]
