"""A brand's look: colours, typeface and logo, checked for readable contrast.

`brand_theme(brand)` is the one place pages, the per-brand stylesheet and HTML emails read a
brand's look from; `brand=None` gives Cocreo's own.
"""

import hashlib
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
WHITE = "#ffffff"
INK = "#17171c"
MIN_CONTRAST = 4.5  # WCAG AA for normal text

DEFAULT_PRIMARY = "#4338ca"
DEFAULT_ACCENT = "#f2b33d"


class Typeface(models.TextChoices):
    """The fonts we ship in static/fonts (self-hosted, SIL Open Font Licence)."""

    SPACE_GROTESK = "space-grotesk", "Space Grotesk"
    INTER = "inter", "Inter"
    FRAUNCES = "fraunces", "Fraunces"
    NUNITO = "nunito", "Nunito"


FONT_STACKS = {
    Typeface.SPACE_GROTESK: '"Space Grotesk", "Inter", system-ui, sans-serif',
    Typeface.INTER: '"Inter", system-ui, sans-serif',
    Typeface.FRAUNCES: '"Fraunces", Georgia, serif',
    Typeface.NUNITO: '"Nunito", "Inter", system-ui, sans-serif',
}
DEFAULT_TYPEFACE = Typeface.SPACE_GROTESK


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(background: str) -> str:
    """White or ink, whichever reads better on `background`."""
    return WHITE if contrast(background, WHITE) >= contrast(background, INK) else INK


def darken_until_readable(colour: str, on: str = WHITE) -> str:
    """`colour`, darkened step by step until text in it reads on `on` (links on white)."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    current = colour
    while contrast(current, on) < MIN_CONTRAST and (r or g or b):
        r, g, b = (int(v * 0.9) for v in (r, g, b))
        current = f"#{r:02x}{g:02x}{b:02x}"
    return current


def validate_hex_colour(value: str) -> None:
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError(
            _("Enter a colour as # and six hexadecimal digits, for example #4338ca."),
            code="invalid_colour",
        )


def validate_readable_background(value: str) -> None:
    """Refuse a colour on which neither white nor dark text would be readable."""
    validate_hex_colour(value)
    if contrast(value, text_on(value)) < MIN_CONTRAST:
        raise ValidationError(
            _(
                "Text would be hard to read on %(colour)s: choose a darker or lighter shade "
                "(contrast at least 4.5:1 with white or dark text)."
            )
            % {"colour": value},
            code="low_contrast",
        )


def _logo_url(brand) -> str:
    logo = getattr(brand, "logo", None) if brand is not None else None
    if logo is None:
        return ""
    try:
        return logo.get_rendition("max-480x160").url
    except Exception:  # a missing or broken file must not break a page or an email
        return ""


def _look(brand) -> dict:
    """Colours, font and version: computed from the brand's own fields, without queries."""
    primary = (brand and brand.primary_color) or DEFAULT_PRIMARY
    accent = (brand and brand.accent_color) or DEFAULT_ACCENT
    typeface = (brand and brand.typeface) or DEFAULT_TYPEFACE
    if typeface not in FONT_STACKS:
        typeface = DEFAULT_TYPEFACE
    look = {
        "name": brand.name if brand is not None else "Cocreo",
        "primary": primary.lower(),
        "on_primary": text_on(primary),
        "primary_text": darken_until_readable(primary),
        "accent": accent.lower(),
        "on_accent": text_on(accent),
        "typeface": str(typeface),
        "font_family": FONT_STACKS[typeface],
    }
    signature = "|".join(
        [look["primary"], look["accent"], look["typeface"], str(getattr(brand, "logo_id", ""))]
    )
    look["version"] = hashlib.sha256(signature.encode()).hexdigest()[:12]
    return look


def theme_version(brand) -> str:
    """Changes whenever the brand's look does: goes into the stylesheet's URL."""
    return _look(brand)["version"]


def brand_theme(brand=None) -> dict:
    """The brand's look as plain values (Cocreo's own for None): colours as #rrggbb
    (`on_*` is the readable text colour on each, `primary_text` the primary darkened enough
    for text on white), the font stack, the logo's URL ('' without a logo) and a version."""
    return {**_look(brand), "logo_url": _logo_url(brand)}


def theme_css(theme: dict) -> str:
    """The custom properties a brand's stylesheet overrides (see static/css/tokens.css)."""
    return (
        ":root {\n"
        f"  --primary: {theme['primary']};\n"
        f"  --on-primary: {theme['on_primary']};\n"
        f"  --primary-text: {theme['primary_text']};\n"
        f"  --accent: {theme['accent']};\n"
        f"  --on-accent: {theme['on_accent']};\n"
        f"  --font-display: {theme['font_family']};\n"
        "}\n"
    )
