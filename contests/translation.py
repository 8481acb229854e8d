"""Contest texts in English and Italian on the one ContestPage row (see cms/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from contests.models import ContestPage, JuryCriterion


@register(ContestPage)
class ContestPageTranslation(TranslationOptions):
    fields = ("summary", "brief", "prize", "rules")


@register(JuryCriterion)
class JuryCriterionTranslation(TranslationOptions):
    fields = ("name", "description")
