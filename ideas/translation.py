"""Board texts in English and Italian on the one IdeasBoardPage row (see cms/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from ideas.models import IdeaCategory, IdeasBoardPage


@register(IdeasBoardPage)
class IdeasBoardPageTranslation(TranslationOptions):
    fields = ("summary", "intro")


@register(IdeaCategory)
class IdeaCategoryTranslation(TranslationOptions):
    fields = ("name",)
