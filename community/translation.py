"""Brand texts in English and Italian (see cms/translation.py). A brand's name is a proper
name and stays one."""

from modeltranslation.translator import TranslationOptions, register

from community.models import Brand, BrandPage


@register(Brand)
class BrandTranslation(TranslationOptions):
    fields = ("description",)


@register(BrandPage)
class BrandPageTranslation(TranslationOptions):
    fields = ("intro",)
