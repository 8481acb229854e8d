"""CMS content in English and Italian, field by field (django-modeltranslation through
wagtail-modeltranslation): each field gets `_en` and `_it` columns on the same row, the Wagtail
editor shows both, and reading the field gives the active language's value, else English."""

from modeltranslation.translator import TranslationOptions, register

from cms.models import HomePage, StandardPage


@register(HomePage)
class HomePageTranslation(TranslationOptions):
    fields = ("intro",)


@register(StandardPage)
class StandardPageTranslation(TranslationOptions):
    fields = ("body",)
