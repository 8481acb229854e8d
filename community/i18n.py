"""CMS content in every site language (field-level translation, see cms/translation.py)."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import translation
from wagtail.search import index


def language_codes() -> list[str]:
    return [code for code, _label in settings.LANGUAGES]


def translated_search_fields(*names: str) -> list[index.SearchField]:
    """Search fields for each language's column of the translated fields `names`, so a page
    is found by its Italian and its English text whatever the language it was saved in."""
    return [index.SearchField(f"{name}_{code}") for name in names for code in language_codes()]


def in_each_language(make: Callable[[], Any]) -> dict[str, Any]:
    """`make()` called once with each site language active: {language code: result}."""
    results = {}
    for code in language_codes():
        with translation.override(code):
            results[code] = make()
    return results


def translated_values(make: Callable[[], dict[str, Any]]) -> dict[str, str]:
    """The `<field>_<language>` values of the fields `make()` returns as {field: text}, each
    text translated in its language (through gettext): what demo data and defaults give a
    translated model, e.g. {"title_en": "Blends", "title_it": "Miscele"}."""
    by_language = in_each_language(lambda: {field: str(text) for field, text in make().items()})
    return {
        f"{field}_{code}": text
        for code, texts in by_language.items()
        for field, text in texts.items()
    }


def in_every_language(obj: Any, field: str) -> dict[str, str]:
    """A translated field's text in each site language ({"en": ..., "it": ...}; the default
    language's where a translation is empty): what a notification stores, so that it quotes
    a contest or board in its reader's language (community.notification_kinds renders it)."""
    default = getattr(obj, f"{field}_{settings.LANGUAGE_CODE}", None) or getattr(obj, field)
    return {code: getattr(obj, f"{field}_{code}", None) or default for code in language_codes()}
