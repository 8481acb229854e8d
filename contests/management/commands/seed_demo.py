"""Load demo data: a brand, a contest in every phase (coming soon, submissions, review, voting,
judging with jury criteria and scores, results, archived), entries, votes and one account for
each role. Safe to run again: everything is looked up (by slug, username, or contest and
author) before it is created, so a second run adds nothing.

Writes go through the real services wherever the contest's phase allows them; for a phase that
has already passed, rows are created the way `tests/factories.py` does (submitted, then approved
by the moderator), and votes of a closed contest are written as Vote rows.
"""

import logging
import math
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from io import BytesIO

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageDraw
from wagtail import hooks
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from community.brands import add_brand_staff, brand_page
from community.i18n import in_each_language, translated_values
from community.images import clean_uploaded_image
from community.models import Brand, User
from community.rules import BRAND_STAFF_GROUP, MODERATORS_GROUP
from community.services import follow_brand
from contests import services
from contests.models import (
    ContestPage,
    ContestResult,
    Entry,
    JuryCriterion,
    JuryScore,
    Shortlisting,
    Vote,
)
from contests.phases import Phase
from moderation import services as moderation_services
from moderation.models import ModerationItem

DEMO_PASSWORD = "cocreo-demo"  # noqa: S105 - printed on purpose: these are demo accounts
DEMO_EMAIL_DOMAIN = "example.com"
# The CMS texts of a contest, given in each site language (ContestPage.title_en, title_it...).
CONTEST_TEXTS = ("title", "summary", "brief", "prize")
HOME_INTRO = gettext_lazy(
    "<p>Design with the brands you love. Submit, vote, and see your ideas made real.</p>"
)
# Apps add demo content by registering `(brand, parent, users, now) -> {"created": {what: n},
# "links": [(label, url)]}` under this Wagtail hook.
SEED_DEMO_HOOK = "cocreo_seed_demo"

# Designs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CupDesign:
    background: tuple[str, str]  # top and bottom of the backdrop gradient
    cup: str
    pattern: str  # one of PATTERNS
    ink: str  # the pattern's colour
    accent: str  # rim, saucer ring and second pattern colour


def _rgb(colour) -> tuple[int, int, int]:
    if isinstance(colour, tuple):
        return colour
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def _mix(a, b, t: float) -> tuple[int, int, int]:
    ra, rb = _rgb(a), _rgb(b)
    return tuple(round(x + (y - x) * t) for x, y in zip(ra, rb, strict=True))


def _pattern(layer: Image.Image, box, design: CupDesign) -> None:
    """Fill `box` of `layer` with the design's pattern (the cup body masks it afterwards)."""
    draw = ImageDraw.Draw(layer)
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    draw.rectangle(box, fill=design.cup)
    kind = design.pattern
    if kind == "stripes":
        band = h / 9
        for i in range(0, 10, 2):
            colour = design.ink if i % 4 == 0 else design.accent
            draw.rectangle((x0, y0 + i * band, x1, y0 + (i + 1) * band), fill=colour)
    elif kind == "dots":
        step = w / 7
        radius = step * 0.28
        for row in range(int(h / step) + 2):
            offset = step / 2 if row % 2 else 0
            for col in range(9):
                cx, cy = x0 + col * step + offset, y0 + row * step + step / 2
                colour = design.ink if (row + col) % 3 else design.accent
                draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=colour)
    elif kind == "waves":
        for i, colour in enumerate([design.ink, design.accent] * 4):
            base = y0 + h * (0.12 + i * 0.11)
            points = [
                (x, base + math.sin((x - x0) / w * math.tau * 2 + i) * h * 0.035)
                for x in range(int(x0), int(x1) + 8, 8)
            ]
            draw.line(points, fill=colour, width=max(2, int(h * 0.035)), joint="curve")
    elif kind == "chevrons":
        step = w / 6
        for i, colour in enumerate([design.ink, design.accent] * 5):
            base = y0 + h * (0.08 + i * 0.1)
            points = [(x0 + k * step / 2, base + (step / 3 if k % 2 else 0)) for k in range(14)]
            draw.line(points, fill=colour, width=max(2, int(h * 0.03)), joint="curve")
    elif kind == "checks":
        step = w / 8
        for row in range(int(h / step) + 1):
            for col in range(9):
                if (row + col) % 2 == 0:
                    colour = design.ink if row % 2 else design.accent
                    draw.rectangle(
                        (
                            x0 + col * step,
                            y0 + row * step,
                            x0 + (col + 1) * step,
                            y0 + (row + 1) * step,
                        ),
                        fill=colour,
                    )
    elif kind == "sunburst":
        cx, cy = x0 + w / 2, y0 + h * 0.62
        rays = 16
        reach = max(w, h)
        for i in range(rays):
            if i % 2:
                continue
            a1, a2 = math.tau * i / rays, math.tau * (i + 1) / rays
            draw.polygon(
                [
                    (cx, cy),
                    (cx + math.cos(a1) * reach, cy + math.sin(a1) * reach),
                    (cx + math.cos(a2) * reach, cy + math.sin(a2) * reach),
                ],
                fill=design.ink,
            )
        r = h * 0.16
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=design.accent)
    elif kind == "band":
        draw.rectangle((x0, y0 + h * 0.38, x1, y0 + h * 0.62), fill=design.ink)
        for k in (0.33, 0.67):
            draw.rectangle((x0, y0 + h * (k - 0.015), x1, y0 + h * (k + 0.015)), fill=design.accent)
        step = w / 10
        for col in range(11):
            cx, cy, r = x0 + col * step, y0 + h * 0.5, h * 0.05
            draw.polygon(
                [(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)], fill=design.accent
            )


def draw_cup(canvas: Image.Image, box, design: CupDesign) -> None:
    """Draw a cup of coffee on its saucer inside `box` (x, y, width, height) of an RGBA canvas."""
    bx, by, bw, bh = box
    size = min(bw, bh)
    ox, oy = bx + (bw - size) / 2, by + (bh - size) / 2  # a square stage, centred in the box

    def px(fx: float) -> float:
        return ox + fx * size

    def py(fy: float) -> float:
        return oy + fy * size

    cx = px(0.46)
    top_y, bottom_y = py(0.36), py(0.76)
    top_half, bottom_half = size * 0.21, size * 0.13
    rim_h = size * 0.09
    shade = _mix(design.background[1], "#000000", 0.18)

    overlay = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    # Shadow and saucer.
    draw.ellipse((cx - size * 0.33, py(0.77), cx + size * 0.35, py(0.9)), fill=(*shade, 90))
    saucer = _mix(design.cup, "#ffffff", 0.35)
    draw.ellipse((cx - size * 0.32, py(0.72), cx + size * 0.32, py(0.86)), fill=saucer)
    draw.ellipse(
        (cx - size * 0.32, py(0.72), cx + size * 0.32, py(0.86)),
        outline=_mix(design.accent, "#000000", 0.1),
        width=max(2, int(size * 0.008)),
    )
    draw.ellipse(
        (cx - size * 0.2, py(0.755), cx + size * 0.2, py(0.825)), fill=_mix(saucer, "#000000", 0.08)
    )
    # Handle: a thick ring, drawn before the body so the body covers its inner end.
    hx, hy = cx + top_half * 0.92, py(0.5)
    draw.ellipse(
        (hx - size * 0.1, hy - size * 0.1, hx + size * 0.1, hy + size * 0.1),
        outline=design.cup,
        width=max(3, int(size * 0.035)),
    )
    canvas.alpha_composite(overlay)

    # Body: a bowl, wide at the rim and tapering towards a rounded foot.
    outline = []
    steps = 40
    for i in range(steps + 1):
        t = i / steps
        half = top_half + (bottom_half - top_half) * t**1.8
        outline.append((cx - half, top_y + (bottom_y - top_y) * t))
    for i in range(steps + 1):
        angle = math.pi - math.pi * i / steps
        outline.append(
            (cx + bottom_half * math.cos(angle), bottom_y + size * 0.03 * math.sin(angle))
        )
    for i in range(steps, -1, -1):
        t = i / steps
        half = top_half + (bottom_half - top_half) * t**1.8
        outline.append((cx + half, top_y + (bottom_y - top_y) * t))
    mask = Image.new("L", canvas.size, 0)
    ImageDraw.Draw(mask).polygon(outline, fill=255)
    pattern = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    _pattern(pattern, (cx - top_half, top_y, cx + top_half, bottom_y + size * 0.03), design)
    # Light from the left, shade on the right.
    shading = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    light = ImageDraw.Draw(shading)
    light.ellipse(
        (cx - top_half * 0.78, top_y + size * 0.05, cx - top_half * 0.56, bottom_y - size * 0.06),
        fill=(255, 255, 255, 70),
    )
    light.rectangle(
        (cx + top_half * 0.6, top_y, cx + top_half, bottom_y + size * 0.05), fill=(0, 0, 0, 30)
    )
    pattern.alpha_composite(shading)
    body = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    body.paste(pattern, (0, 0), mask)
    canvas.alpha_composite(body)

    # Rim, coffee and crema.
    draw = ImageDraw.Draw(canvas)
    draw.ellipse(
        (cx - top_half, top_y - rim_h / 2, cx + top_half, top_y + rim_h / 2),
        fill=_mix(design.cup, "#ffffff", 0.55),
    )
    inset = size * 0.014
    draw.ellipse(
        (
            cx - top_half + inset,
            top_y - rim_h / 2 + inset * 0.6,
            cx + top_half - inset,
            top_y + rim_h / 2 - inset * 0.6,
        ),
        fill="#5b3a29",
    )
    draw.ellipse(
        (cx - top_half * 0.72, top_y - rim_h * 0.3, cx + top_half * 0.72, top_y + rim_h * 0.3),
        fill="#b7875a",
    )
    draw.ellipse(
        (cx - top_half * 0.3, top_y - rim_h * 0.13, cx + top_half * 0.3, top_y + rim_h * 0.13),
        fill="#e8cfa8",
    )

    # Steam.
    steam = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    wisp = ImageDraw.Draw(steam)
    for k, dx in enumerate((-0.07, 0.0, 0.07)):
        points = []
        for i in range(30):
            t = i / 29
            y = top_y - size * (0.06 + 0.2 * t)
            x = cx + size * dx + math.sin(t * math.tau * 1.2 + k * 1.7) * size * 0.018
            points.append((x, y))
        wisp.line(points, fill=(255, 255, 255, 150), width=max(2, int(size * 0.012)), joint="curve")
    canvas.alpha_composite(steam)


def _backdrop(width: int, height: int, colours: tuple[str, str]) -> Image.Image:
    top, bottom = colours
    gradient = Image.linear_gradient("L").resize((width, height))
    return Image.composite(
        Image.new("RGBA", (width, height), (*_rgb(bottom), 255)),
        Image.new("RGBA", (width, height), (*_rgb(top), 255)),
        gradient,
    )


def _png(canvas: Image.Image, size: tuple[int, int]) -> bytes:
    out = BytesIO()
    canvas.resize(size, Image.Resampling.LANCZOS).convert("RGB").save(out, "PNG")
    return out.getvalue()


@lru_cache(maxsize=32)
def cup_png(design: CupDesign, side: int = 800) -> bytes:
    """A square picture of one cup (drawn at twice the size, then scaled down for smooth edges)."""
    big = side * 2
    canvas = _backdrop(big, big, design.background)
    draw_cup(canvas, (0, 0, big, big), design)
    return _png(canvas, (side, side))


@lru_cache(maxsize=8)
def banner_png(designs: tuple[CupDesign, ...], background: tuple[str, str]) -> bytes:
    """A wide contest banner with a row of cups."""
    width, height = 2400, 960
    canvas = _backdrop(width, height, background)
    slot = width / len(designs)
    for i, design in enumerate(designs):
        draw_cup(canvas, (i * slot, height * 0.04, slot, height * 0.96), design)
    return _png(canvas, (1200, 480))


DESIGNS = {
    "aurora": CupDesign(("#fde6c8", "#f6c7a0"), "#ffffff", "sunburst", "#f4a259", "#c8553d"),
    "lagoon": CupDesign(("#d7f0ee", "#a8dadc"), "#f1faee", "waves", "#1d7874", "#457b9d"),
    "terrazzo": CupDesign(("#f3e9dc", "#e3d5ca"), "#fffaf3", "dots", "#d1495b", "#2e4057"),
    "riviera": CupDesign(("#e0ecff", "#bcd4f6"), "#ffffff", "stripes", "#2b59c3", "#f2c14e"),
    "pistachio": CupDesign(("#eef5db", "#cfe1b9"), "#fcfff5", "chevrons", "#6a994e", "#bc4749"),
    "midnight": CupDesign(("#d9d7f1", "#a6a1d8"), "#2d2a4a", "checks", "#f0c808", "#5c55a5"),
    "cotto": CupDesign(("#fbe3d6", "#f2b5a0"), "#fff4ec", "band", "#b5523b", "#f2a65a"),
    "menta": CupDesign(("#e3f6f1", "#b8e3d6"), "#ffffff", "dots", "#2a9d8f", "#e9c46a"),
    "ambra": CupDesign(("#fff1d0", "#ffd67e"), "#3d2c2e", "stripes", "#f4a261", "#e76f51"),
    "glicine": CupDesign(("#f1e4f3", "#d7bce8"), "#fefcff", "waves", "#8e6cb8", "#e07a9a"),
    "limone": CupDesign(("#fffbd6", "#f9ef9e"), "#ffffff", "checks", "#f2c14e", "#3a7d44"),
    "notte": CupDesign(("#d6e2f0", "#98b4d4"), "#14213d", "sunburst", "#fca311", "#e5e5e5"),
}


# Demo content ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    username: str
    first_name: str
    role: str  # "admin", "moderator", "staff", "member", "artist"


ACCOUNTS = [
    Account("admin", "Ada", "admin"),
    Account("moderator", "Mora", "moderator"),
    Account("staff", "Stefano", "staff"),
    Account("giulia", "Giulia", "member"),
    Account("marco", "Marco", "member"),
    # Further community members who authored entries; they sign in only by resetting the password.
    Account("lucia", "Lucia", "artist"),
    Account("tomas", "Tomás", "artist"),
    Account("aiko", "Aiko", "artist"),
    Account("noor", "Noor", "artist"),
]


def role_label(role: str) -> str:
    return {
        "admin": _("admin (superuser)"),
        "moderator": _("moderator (group “%(group)s”)") % {"group": MODERATORS_GROUP},
        "staff": _("brand staff of Caffè Aurora (group “%(group)s”)")
        % {"group": BRAND_STAFF_GROUP},
        "member": _("community member (verified)"),
    }[role]


def contest_specs(now) -> list[dict]:
    day = timedelta(days=1)
    return [
        {
            "slug": "aurora-morning-cup",
            "title": _("Design the Aurora Morning Cup"),
            "summary": _("Draw the cup our community will drink its first espresso from."),
            "brief": _(
                "<p>Every morning starts with a cup. Design the decoration of our new "
                "espresso cup: shapes, colours, a story. The community votes, our designers "
                "pick the winners, and the winning cup goes into production.</p>"
            ),
            "prize": _("Your design produced in a limited series, and a year of coffee."),
            "dates": (now - 3 * day, now + 14 * day, now + 15 * day, now + 29 * day),
            "hero": ["aurora", "lagoon", "terrazzo"],
            "background": ("#fff3e2", "#fbd9b4"),
            "entries": [
                (
                    "tomas",
                    "aurora",
                    True,
                    _("Sunrise over the roastery"),
                    _("Rays of orange and red, like the first light on the hills."),
                ),
                ("noor", "menta", True, _("Mint garden"), _("Fresh dots for a fresh start.")),
                (
                    "giulia",
                    "riviera",
                    False,
                    _("Riviera stripes"),
                    _("Blue and gold stripes, as on the beach umbrellas of my childhood."),
                ),
                (
                    "marco",
                    "midnight",
                    False,
                    _("After midnight"),
                    _("For those whose morning starts late: a dark cup with golden checks."),
                ),
            ],
            "votes": {},
            "winners": 0,
        },
        {
            "slug": "espresso-collection-spring",
            "title": _("Espresso Collection: Spring"),
            "summary": _("Six cups for the spring collection: vote for your favourites."),
            "brief": _(
                "<p>Spring in six cups: blossoms, green fields, rain and the first warm "
                "evening. Submissions are closed; now it is your turn to vote.</p>"
            ),
            "prize": _("The winning designs are sold in our cafés, signed by their authors."),
            "dates": (now - 30 * day, now - 10 * day, now - 9 * day, now + 7 * day),
            "hero": ["pistachio", "glicine", "limone"],
            "background": ("#f1f8e6", "#d5ecc2"),
            "entries": [
                (
                    "giulia",
                    "glicine",
                    True,
                    _("Wisteria rain"),
                    _("Lilac waves falling like wisteria over a pergola."),
                ),
                (
                    "lucia",
                    "pistachio",
                    True,
                    _("Pistachio fields"),
                    _("Green chevrons: rows of pistachio trees seen from the hill."),
                ),
                (
                    "tomas",
                    "limone",
                    True,
                    _("Lemon tiles"),
                    _("Checks inspired by the tiles of a kitchen on the coast."),
                ),
                (
                    "aiko",
                    "cotto",
                    True,
                    _("Terracotta band"),
                    _("A warm band of terracotta with small diamonds."),
                ),
            ],
            # entry author -> voters
            "votes": {
                "lucia": ["giulia", "marco", "aiko"],
                "giulia": ["marco", "noor"],
                "aiko": ["tomas"],
            },
            "winners": 0,
        },
        {
            "slug": "holiday-travel-mug",
            "title": _("Holiday Travel Mug"),
            "summary": _("The mug that travelled with our community last winter."),
            "brief": _(
                "<p>A cup to take along: on the train, to the mountains, to the office. "
                "The community voted and our design team chose three winners.</p>"
            ),
            "prize": _("The three winning mugs, produced and given to every voter who asked."),
            "dates": (now - 90 * day, now - 60 * day, now - 58 * day, now - 45 * day),
            "hero": ["notte", "ambra", "riviera"],
            "background": ("#e6ecf7", "#c3d0ea"),
            "entries": [
                (
                    "lucia",
                    "notte",
                    True,
                    _("Starry night"),
                    _("A deep blue mug with a golden burst, for long winter evenings."),
                ),
                (
                    "aiko",
                    "ambra",
                    True,
                    _("Amber road"),
                    _("Warm stripes on dark coffee brown, like lights along a road."),
                ),
                (
                    "tomas",
                    "terrazzo",
                    True,
                    _("Terrazzo floor"),
                    _("Dots from the floor of an old Venetian café."),
                ),
                ("noor", "lagoon", True, _("Lagoon"), _("Green-blue waves: the lagoon in winter.")),
            ],
            "votes": {
                "lucia": ["giulia", "marco", "tomas", "aiko", "noor"],
                "aiko": ["giulia", "marco", "noor"],
                "tomas": ["giulia", "lucia"],
                "noor": ["marco"],
            },
            "winners": 3,
        },
    ]


# Texts of the contests added for the staff cockpit, in English and Italian side by side. The
# contests' texts are CMS content (both languages); entries' texts are members' (English).
Text = dict[str, str]


def en(text) -> str:
    """The English text of a bilingual demo text (plain strings pass through)."""
    return text["en"] if isinstance(text, dict) else text


def bilingual(field: str, text) -> dict[str, str]:
    """The `<field>_<language>` values of a bilingual demo text ({"en": ..., "it": ...})."""
    if not isinstance(text, dict):
        return {field: text}
    return {f"{field}_{code}": value for code, value in text.items()}


def more_contest_specs(now) -> list[dict]:
    """One contest in each phase the first three leave out: coming soon, review (submissions
    closed, voting not yet open, one entry still waiting for a moderator), judging (with jury
    criteria, a shortlist and some jury scores, no winners yet) and archived."""
    day = timedelta(days=1)
    return [
        {
            "slug": "mountain-hut-mug",
            "title": {"en": "Mountain Hut Mug", "it": "La tazza del rifugio"},
            "summary": {
                "en": "Submissions are closed: our moderators are reviewing the last designs "
                "before voting opens.",
                "it": "Le proposte sono chiuse: i moderatori controllano gli ultimi progetti "
                "prima che si apra il voto.",
            },
            "brief": {
                "en": "<p>A sturdy mug for hot chocolate after a day in the snow. Voting opens "
                "in a few days, once every design has been reviewed.</p>",
                "it": "<p>Una tazza robusta per la cioccolata calda dopo una giornata sulla "
                "neve. Il voto si apre tra pochi giorni, quando ogni progetto sarà stato "
                "controllato.</p>",
            },
            "prize": {
                "en": "Your mug in every mountain hut we supply, all winter long.",
                "it": "La tua tazza in ogni rifugio che serviamo, per tutto l'inverno.",
            },
            "dates": (now - 25 * day, now - 2 * day, now + 3 * day, now + 17 * day),
            "hero": ["notte", "cotto", "glicine"],
            "background": ("#eef1f6", "#cdd6e6"),
            "entries": [
                (
                    "giulia",
                    "notte",
                    True,
                    {"en": "Snowy night", "it": "Notte di neve"},
                    {
                        "en": "Stars over the hut and a trail of golden windows.",
                        "it": "Stelle sul rifugio e una scia di finestre dorate.",
                    },
                ),
                (
                    "aiko",
                    "cotto",
                    True,
                    {"en": "Wood stove", "it": "Stufa a legna"},
                    {
                        "en": "The warm red of the stove everyone gathers around.",
                        "it": "Il rosso caldo della stufa intorno a cui si ritrovano tutti.",
                    },
                ),
                (
                    "noor",
                    "glicine",
                    True,
                    {"en": "Alpine flowers", "it": "Fiori alpini"},
                    {
                        "en": "Violet waves for the meadows under the snow.",
                        "it": "Onde viola per i prati sotto la neve.",
                    },
                ),
                (
                    "tomas",
                    "ambra",
                    False,
                    {"en": "Hot chocolate", "it": "Cioccolata calda"},
                    {
                        "en": "Warm stripes, the colour of the first sip.",
                        "it": "Righe calde, del colore del primo sorso.",
                    },
                ),
            ],
            "votes": {},
            "winners": 0,
        },
        {
            "slug": "autumn-tasting-cup",
            "title": {"en": "Autumn Tasting Cup", "it": "La tazza della degustazione d'autunno"},
            "summary": {
                "en": "Coming soon: the cup for our autumn tasting evenings.",
                "it": "In arrivo: la tazza per le nostre serate di degustazione d'autunno.",
            },
            "brief": {
                "en": "<p>Chestnuts, fog and the first fire of the year. Submissions open soon: "
                "start sketching.</p>",
                "it": "<p>Castagne, nebbia e il primo fuoco dell'anno. Le proposte si aprono "
                "presto: iniziate a disegnare.</p>",
            },
            "prize": {
                "en": "Your cup at every autumn tasting, and an invitation to the first one.",
                "it": "La tua tazza a ogni degustazione d'autunno e un invito alla prima.",
            },
            "dates": (now + 5 * day, now + 26 * day, now + 27 * day, now + 40 * day),
            "hero": ["cotto", "ambra", "notte"],
            "background": ("#fbeee0", "#f0c9a4"),
            "entries": [],
            "votes": {},
            "winners": 0,
        },
        {
            "slug": "summer-iced-glass",
            "title": {"en": "Summer Iced Coffee Glass", "it": "Il bicchiere del caffè freddo"},
            "summary": {
                "en": "Voting is over: our jury is scoring the shortlist.",
                "it": "Il voto è chiuso: la nostra giuria sta valutando la rosa dei finalisti.",
            },
            "brief": {
                "en": "<p>A glass for iced coffee on hot afternoons. The community has voted; "
                "the jury scores the shortlisted designs before the winners are announced.</p>",
                "it": "<p>Un bicchiere per il caffè freddo nei pomeriggi caldi. La community ha "
                "votato; la giuria valuta i progetti finalisti prima di annunciare i "
                "vincitori.</p>",
            },
            "prize": {
                "en": "The winning glass served in our cafés all summer.",
                "it": "Il bicchiere vincitore servito nei nostri caffè per tutta l'estate.",
            },
            "dates": (now - 40 * day, now - 20 * day, now - 19 * day, now - 2 * day),
            "hero": ["menta", "limone", "lagoon"],
            "background": ("#e3f6f1", "#b8e3d6"),
            "criteria": [
                (
                    {"en": "Originality", "it": "Originalità"},
                    {
                        "en": "A design we have not seen before.",
                        "it": "Un progetto mai visto prima.",
                    },
                ),
                (
                    {"en": "Summer feeling", "it": "Sapore d'estate"},
                    {
                        "en": "Does it make you think of a hot afternoon?",
                        "it": "Fa pensare a un pomeriggio caldo?",
                    },
                ),
                (
                    {"en": "Fit for production", "it": "Realizzabilità"},
                    {
                        "en": "Can it be printed on glass at scale?",
                        "it": "Si può stampare su vetro in grande serie?",
                    },
                ),
            ],
            "entries": [
                (
                    "aiko",
                    "menta",
                    True,
                    {"en": "Mint ice", "it": "Ghiaccio alla menta"},
                    {
                        "en": "Cool green dots like ice cubes in the glass.",
                        "it": "Pois verdi e freschi come cubetti di ghiaccio nel bicchiere.",
                    },
                ),
                (
                    "lucia",
                    "limone",
                    True,
                    {"en": "Lemon grove", "it": "Limonaia"},
                    {
                        "en": "Yellow and green checks from a grove on the coast.",
                        "it": "Quadri gialli e verdi da una limonaia sulla costa.",
                    },
                ),
                (
                    "noor",
                    "lagoon",
                    True,
                    {"en": "Sea breeze", "it": "Brezza di mare"},
                    {
                        "en": "Waves to keep the glass cool.",
                        "it": "Onde per tenere fresco il bicchiere.",
                    },
                ),
                (
                    "tomas",
                    "aurora",
                    True,
                    {"en": "Late sunset", "it": "Tramonto tardivo"},
                    {
                        "en": "The sun going down over a terrace.",
                        "it": "Il sole che scende su una terrazza.",
                    },
                ),
            ],
            "votes": {
                "aiko": ["giulia", "marco", "tomas"],
                "lucia": ["giulia", "noor"],
                "noor": ["marco"],
            },
            "shortlist": ["aiko", "lucia", "noor"],
            # juror -> the shortlisted authors they have scored (a juror who has not finished)
            "scores": {"staff": ["aiko", "lucia"], "admin": ["aiko", "lucia", "noor"]},
            "winners": 0,
        },
        {
            "slug": "classic-demitasse",
            "title": {"en": "The Classic Demitasse", "it": "La tazzina classica"},
            "summary": {
                "en": "Our first contest, now in the archive: its entries and winners stay.",
                "it": "Il nostro primo concorso, ora in archivio: proposte e vincitori restano.",
            },
            "brief": {
                "en": "<p>Where it all began: a small cup for a short espresso. The results are "
                "final and the contest is archived.</p>",
                "it": "<p>Dove tutto è cominciato: una tazzina per un espresso ristretto. I "
                "risultati sono definitivi e il concorso è archiviato.</p>",
            },
            "prize": {
                "en": "The winning demitasse, still on our counters.",
                "it": "La tazzina vincitrice, ancora sui nostri banconi.",
            },
            "dates": (now - 200 * day, now - 170 * day, now - 168 * day, now - 150 * day),
            "archive_at": now - 100 * day,
            "hero": ["terrazzo", "riviera", "midnight"],
            "background": ("#f3e9dc", "#e3d5ca"),
            "entries": [
                (
                    "marco",
                    "terrazzo",
                    True,
                    {"en": "Café floor", "it": "Pavimento del caffè"},
                    {
                        "en": "The terrazzo floor of the first Aurora café.",
                        "it": "Il pavimento alla veneziana del primo caffè Aurora.",
                    },
                ),
                (
                    "giulia",
                    "riviera",
                    True,
                    {"en": "Striped awning", "it": "Tenda a righe"},
                    {
                        "en": "Blue stripes like the awning over the door.",
                        "it": "Righe blu come la tenda sopra la porta.",
                    },
                ),
                (
                    "noor",
                    "midnight",
                    True,
                    {"en": "Night shift", "it": "Turno di notte"},
                    {
                        "en": "For the baristas who open before dawn.",
                        "it": "Per i baristi che aprono prima dell'alba.",
                    },
                ),
            ],
            "votes": {"marco": ["giulia", "lucia", "aiko"], "giulia": ["tomas"]},
            "winners": 1,
        },
    ]


@contextmanager
def _quiet_logs(enabled: bool, names=("wagtail", "django_tasks")):
    """Keep Wagtail's and the task runner's INFO lines out of the way of the printed accounts."""
    loggers = [logging.getLogger(name) for name in names] if enabled else []
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(max(logger.getEffectiveLevel(), logging.WARNING))
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class Command(BaseCommand):
    help = gettext_lazy(
        "Load demo data (a brand, a contest in every phase, entries, votes, jury scores, an "
        "ideas board and one account per role) and print the demo accounts. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Run even though DEBUG is off (demo accounts have a published password)."),
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "DEBUG is off, so this may be a real installation: seed_demo creates accounts "
                    "with a published password. Run it with --force if you really mean it."
                )
            )
        self.created: dict[str, int] = {}
        now = timezone.now()
        quiet = options.get("verbosity", 1) < 2
        with _quiet_logs(enabled=quiet), transaction.atomic():
            users = self.seed_accounts()
            brand = self.seed_brand()
            self.home_page()  # refuses clearly when the CMS has no home page yet
            # The brand's page holds its contests; the staff account runs this brand only.
            parent = brand_page(brand)
            add_brand_staff(brand, users["staff"])
            users["staff"] = User.objects.get(pk=users["staff"].pk)  # fresh permission caches
            for username in ("giulia", "marco"):
                if follow_brand(users[username], brand):
                    self.count("follows")
            self.seed_home()
            # The first contests' texts come from their gettext translations, the cockpit's
            # contests carry theirs side by side.
            specs = in_each_language(lambda: contest_specs(now))
            contests = []
            for i, spec in enumerate(contest_specs(now)):
                texts = {
                    f"{field}_{code}": str(specs[code][i][field])
                    for code in specs
                    for field in CONTEST_TEXTS
                }
                contests.append(self.seed_contest(parent, brand, spec, users, now, texts))
            for spec in more_contest_specs(now):
                texts = {}
                for field in CONTEST_TEXTS:
                    texts |= bilingual(field, spec[field])
                contests.append(self.seed_contest(parent, brand, spec, users, now, texts))
            # Other apps (idea boards) add their demo content under the same brand.
            self.extra_links = []
            for seeder in hooks.get_hooks(SEED_DEMO_HOOK):
                seeded = seeder(brand=brand, parent=parent, users=users, now=now)
                for what, n in seeded["created"].items():
                    self.count(what, n)
                self.extra_links += seeded["links"]
        self.report(users, contests)

    # Accounts -------------------------------------------------------------------------------

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n

    def seed_accounts(self) -> dict[str, User]:
        groups = {
            "moderator": Group.objects.get(name=MODERATORS_GROUP),
            "staff": Group.objects.get(name=BRAND_STAFF_GROUP),
        }
        users = {}
        for account in ACCOUNTS:
            email = f"{account.username}@{DEMO_EMAIL_DOMAIN}"
            user = User.objects.filter(username=account.username).first()
            if user is None:
                user = User(username=account.username, email=email, first_name=account.first_name)
                if account.role == "artist":
                    user.set_unusable_password()
                else:
                    user.set_password(DEMO_PASSWORD)
                self.count("accounts")
            if account.role == "admin":
                user.is_staff = user.is_superuser = True
            user.save()
            if account.role in groups:
                user.groups.add(groups[account.role])
            # Every demo account has a verified address: members may take part, and everyone can
            # sign in on the site, where allauth asks for a verified email.
            address, created = EmailAddress.objects.get_or_create(
                user=user,
                email__iexact=user.email,
                defaults={"email": user.email, "verified": True, "primary": True},
            )
            if not address.verified:
                address.verified = True
                address.save(update_fields=["verified"])
            # Fresh objects: permission caches must see the groups just added.
            users[account.username] = User.objects.get(pk=user.pk)
        return users

    def seed_brand(self) -> Brand:
        brand, created = Brand.objects.get_or_create(
            slug="caffe-aurora",
            defaults={
                "name": "Caffè Aurora",
                **translated_values(
                    lambda: {
                        "description": _(
                            "An (invented) Italian coffee roaster that designs its cups together "
                            "with the people who drink from them."
                        )
                    }
                ),
            },
        )
        if created:
            self.count("brands")
        return brand

    def home_page(self) -> Page:
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        home = site.root_page if site else Page.objects.filter(depth=2).first()
        if home is None:
            raise CommandError(_("There is no home page: run `manage.py migrate` first."))
        return home.specific

    # Contests -------------------------------------------------------------------------------

    def seed_home(self) -> None:
        """The home page's introduction in each language, unless an editor wrote one."""
        home = self.home_page()
        if not hasattr(home, "intro_it"):
            return
        intro = translated_values(lambda: {"intro": HOME_INTRO})
        missing = {f: text for f, text in intro.items() if not getattr(home, f)}
        if missing:
            for field, text in missing.items():
                setattr(home, field, text)
            home.save_revision().publish()

    def seed_contest(self, home, brand, spec, users, now, texts: dict[str, str]) -> ContestPage:
        staff, moderator = users["staff"], users["moderator"]
        contest = ContestPage.objects.filter(slug=spec["slug"]).first()
        if contest is None:
            opens, closes, voting_opens, voting_closes = spec["dates"]
            hero = get_image_model()(title=en(spec["title"]))
            hero.file = ImageFile(
                BytesIO(banner_png(tuple(DESIGNS[d] for d in spec["hero"]), spec["background"])),
                name=f"{spec['slug']}.png",
            )
            hero.save()
            contest = ContestPage(
                **texts,  # title, summary, brief and prize in each language
                slug=spec["slug"],
                brand=brand,
                hero_image=hero,
                submissions_open_at=opens,
                submissions_close_at=closes,
                voting_open_at=voting_opens,
                voting_close_at=voting_closes,
                archive_at=spec.get("archive_at"),
                owner=staff,
            )
            contest.jury_criteria = [
                JuryCriterion(
                    **bilingual("name", name), **bilingual("description", description), sort_order=i
                )
                for i, (name, description) in enumerate(spec.get("criteria", []))
            ]
            home.add_child(instance=contest)
            contest.save_revision(user=staff).publish(user=staff)
            contest = ContestPage.objects.get(pk=contest.pk)
            self.count("contests")

        entries = {}
        for author_name, design, approved, title, description in spec["entries"]:
            entries[author_name] = self.seed_entry(
                contest, users[author_name], moderator, design, approved, en(title), en(description)
            )
        for author_name, voter_names in spec["votes"].items():
            for voter_name in voter_names:
                self.seed_vote(contest, entries[author_name], users[voter_name])
        if spec.get("shortlist"):
            self.seed_jury(contest, staff, users, entries, spec)
        if spec["winners"]:
            self.seed_winners(contest, staff, spec["winners"])
        return ContestPage.objects.select_related("result").get(pk=contest.pk)

    def seed_entry(self, contest, author, moderator, design, approved, title, description) -> Entry:
        # Each demo author has one entry per contest, which is how a rerun finds it.
        entry = Entry.objects.filter(contest=contest, author=author).first()
        if entry is not None:
            return entry
        upload = SimpleUploadedFile(
            f"{contest.slug}-{author.username}.png",
            cup_png(DESIGNS[design]),
            content_type="image/png",
        )
        if contest.phase == Phase.SUBMISSIONS:
            entry = services.submit_entry(
                contest, author=author, title=title, description=description, image=upload
            )
            item = ModerationItem.objects.for_object(entry).pending().get()
        else:
            # The submission window has passed: create the entry as it was then, the way the
            # test factories do, and send it through the same moderation gate.
            opens, closes = contest.submissions_open_at, contest.submissions_close_at
            done = Entry.objects.filter(contest=contest).count() + 1
            entry = Entry(
                contest=contest,
                author=author,
                title=title,
                description=description,
                created_at=opens + (closes - opens) * min(done / 6, 0.9),
            )
            cleaned = clean_uploaded_image(upload)
            entry.image.save(cleaned.name, cleaned, save=False)
            entry.save()
            item = moderation_services.submit_for_moderation(entry, user=author)
        if approved:
            moderation_services.approve(item.pk, moderator=moderator)
        self.count("entries")
        return Entry.objects.get(pk=entry.pk)

    def seed_vote(self, contest, entry, voter) -> None:
        if not entry.live or Vote.objects.filter(entry=entry, voter=voter).exists():
            return
        if contest.phase == Phase.VOTING:
            services.cast_vote(entry, voter=voter)
        else:
            # Voting has closed: the votes are recorded as the rows they would have left.
            opens, closes = contest.voting_open_at, contest.voting_close_at
            Vote.objects.create(
                contest=contest,
                entry=entry,
                voter=voter,
                created_at=opens + (closes - opens) / 3,
            )
        self.count("votes")

    def seed_jury(self, contest, staff, users, entries, spec) -> None:
        """The shortlist and the scores some jurors have given so far (others still owe theirs,
        which the staff dashboard shows)."""
        if contest.phase != Phase.JUDGING:
            return
        if not Shortlisting.objects.filter(contest=contest).exists():
            services.set_shortlist(
                contest, staff=staff, entry_ids=[entries[a].pk for a in spec["shortlist"]]
            )
            self.count("shortlisted", len(spec["shortlist"]))
        criteria = list(contest.jury_criteria.all())
        for juror_name, authors in spec["scores"].items():
            juror = users[juror_name]
            for k, author_name in enumerate(authors):
                entry = entries[author_name]
                if JuryScore.objects.filter(entry=entry, juror=juror).exists():
                    continue
                entry.contest = contest
                scores = {c.pk: 5 + (k + i + len(juror_name)) % 5 for i, c in enumerate(criteria)}
                services.score_entry(entry, juror=juror, scores=scores)
                self.count("jury scores", len(scores))

    def seed_winners(self, contest, staff, how_many: int) -> None:
        if ContestResult.objects.filter(contest=contest).exists():
            return
        if contest.phase not in (Phase.JUDGING, Phase.RESULTS):
            self.stderr.write(
                _("Winners of “%(contest)s” not picked: voting has not closed yet.")
                % {"contest": contest.title}
            )
            return
        ranked = (
            Entry.objects.public()
            .filter(contest=contest)
            .with_vote_counts()
            .order_by("-vote_count", "created_at")
            .values_list("pk", flat=True)[:how_many]
        )
        services.pick_winners(contest, staff=staff, entry_ids=list(ranked))
        # Announced a few days after voting closed, as it would have been.
        ContestResult.objects.filter(contest=contest).update(
            announced_at=contest.voting_close_at + timedelta(days=3)
        )
        self.count("winners", how_many)

    # Report ---------------------------------------------------------------------------------

    def report(self, users: dict[str, User], contests: list[ContestPage]) -> None:
        base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        out = self.stdout
        if self.created:
            labels = {
                "accounts": _("accounts"),
                "brands": _("brands"),
                "contests": _("contests"),
                "entries": _("entries"),
                "follows": _("follows"),
                "votes": _("votes"),
                "winners": _("winners"),
                "shortlisted": _("shortlisted entries"),
                "jury scores": _("jury scores"),
                "boards": _("idea boards"),
                "ideas": _("ideas"),
                "supports": _("supports"),
                "answers": _("official answers"),
            }
            summary = ", ".join(
                f"{labels.get(what, what)}: {n}" for what, n in sorted(self.created.items())
            )
            out.write(
                self.style.SUCCESS(_("Demo data loaded (new %(summary)s).") % {"summary": summary})
            )
        else:
            out.write(self.style.SUCCESS(_("Demo data already present: nothing added.")))

        out.write("")
        out.write(self.style.MIGRATE_HEADING(_("Demo accounts")))
        rows = [(_("username"), _("email"), _("password"), _("role"))]
        for account in ACCOUNTS:
            if account.role == "artist":
                continue
            user = users[account.username]
            password = DEMO_PASSWORD if user.check_password(DEMO_PASSWORD) else _("(changed)")
            rows.append((user.username, user.email, password, role_label(account.role)))
        widths = [max(len(str(row[i])) for row in rows) for i in range(3)]
        for row in rows:
            out.write(
                "  "
                + "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False))
                + "  "
                + str(row[3])
            )
        out.write(
            _("  Sign in on the site with the email address, in the admin with the username.")
        )

        out.write("")
        out.write(self.style.MIGRATE_HEADING(_("Where to look")))
        links = [
            (_("Site"), f"{base}/"),
            (_("Admin (CMS, moderation queue)"), f"{base}/admin/"),
            (_("Moderation queue"), f"{base}/admin/moderation/"),
            (_("Django admin"), f"{base}/django-admin/"),
            (_("API docs"), f"{base}/api/v1/docs"),
        ]
        for contest in contests:
            url = contest.get_url() or ""
            if not url.startswith("http"):
                url = base + url
            links.append((f"{contest.title} ({contest.phase.label})", url))
        for label, url in getattr(self, "extra_links", []):
            links.append((label, url if url.startswith("http") else base + url))
        width = max(len(str(label)) for label, _url in links)
        for label, url in links:
            out.write(f"  {str(label).ljust(width)}  {url}")
