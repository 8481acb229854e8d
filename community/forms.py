from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from community.models import Brand, BrandPage
from community.services import BIO_MAX_LENGTH, COMMENT_MAX_LENGTH
from community.validators import RejectsControlCharacters


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


class CommentForm(RejectsControlCharacters, forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


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
