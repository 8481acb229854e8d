"""Italian translation: pages render in Italian on request, the catalogue is complete, and the
footer's language switcher changes the language."""

import ast
import gettext
import os
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests import factories

PO_FILE = Path(settings.BASE_DIR) / "locale" / "it" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
ENTRY_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$')


def parse_po(path: Path) -> list[dict]:
    """A tiny .po reader: one dict per entry with its flags and its (unquoted) strings."""
    entries, current, key = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if current:
                entries.append(current)
            current = None
            continue
        if current is None:
            current = {"flags": set()}
        if line.startswith("#,"):
            current["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := ENTRY_LINE.match(line):
            key = match.group(1)
            current[key] = ast.literal_eval(match.group(2))
        else:  # a continuation line of the previous string
            current[key] += ast.literal_eval(line)
    return entries


def test_the_catalogue_is_complete_and_compiled():
    entries = parse_po(PO_FILE)
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == "" and "Language: it" in header["msgstr"]
    assert len(messages) > 600
    assert not [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    untranslated = [
        e["msgid"]
        for e in messages
        if not all(e[k] for k in e if k.startswith("msgstr"))
        or not any(k.startswith("msgstr") for k in e)
    ]
    assert untranslated == []
    plurals = [e for e in messages if "msgid_plural" in e]
    assert plurals and all(e.get("msgstr[0]") and e.get("msgstr[1]") for e in plurals)
    placeholder = re.compile(r"%\(\w+\)s")
    for e in messages:
        source = set(placeholder.findall(e["msgid"] + e.get("msgid_plural", "")))
        for k in (k for k in e if k.startswith("msgstr")):
            assert set(placeholder.findall(e[k])) <= source, e["msgid"]
    with MO_FILE.open("rb") as compiled:  # the committed .mo matches the catalogue
        catalog = gettext.GNUTranslations(compiled)
    for e in messages:
        if "msgid_plural" not in e and "msgctxt" not in e:
            assert catalog.gettext(e["msgid"]) == e["msgstr"], e["msgid"]


@pytest.fixture
def contest(db):
    return factories.make_contest("submissions", title="Tazza Aurora")


def italian_client() -> Client:
    return Client(headers={"accept-language": "it"})


@pytest.mark.django_db
def test_the_home_page_speaks_italian_on_request(contest):
    html = italian_client().get("/").content.decode()
    assert '<html lang="it">' in html
    assert "Contest in corso" in html
    assert "Unisciti alla community" in html
    english = Client().get("/").content.decode()
    assert '<html lang="en">' in english and "Contests now" in english


@pytest.mark.django_db
def test_a_contest_page_speaks_italian_with_the_language_cookie(contest):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "it"
    html = client.get(contest.url).content.decode()
    assert "Candidature aperte" in html
    assert "Invia il tuo design" in html
    assert "Open for submissions" not in html


@pytest.mark.django_db
def test_the_footer_switcher_sets_the_language(contest):
    """Plain links (no form, no CSRF token), so the switch works without JavaScript and cached
    anonymous pages carry nobody's token."""
    client = Client()
    html = client.get(contest.url).content.decode()
    to_italian = f"{reverse('community:language', args=['it'])}?next={quote(contest.url)}"
    assert f'<a href="{to_italian}" lang="it" hreflang="it" rel="nofollow">Italiano</a>' in html
    assert '<strong lang="en" aria-current="true">English</strong>' in html
    assert "csrfmiddlewaretoken" not in html

    response = client.get(to_italian)
    assert response.status_code == 302 and response["Location"] == contest.url
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "it"
    html = client.get(contest.url).content.decode()
    assert "Invia il tuo design" in html
    assert '<strong lang="it" aria-current="true">Italiano</strong>' in html

    client.get(reverse("community:language", args=["en"]), {"next": contest.url})
    assert "Submit your design" in client.get(contest.url).content.decode()


@pytest.mark.django_db
def test_the_language_link_goes_back_only_to_this_site_and_ignores_unknown_languages():
    client = Client()
    response = client.get(
        reverse("community:language", args=["xx"]), {"next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


# Every translatable string in the code is in the catalogue, translated ----------------------------
def untranslated_after_makemessages(source: Path, locale: Path, tmp_path: Path) -> list[str]:
    """Run makemessages for Italian over a copy of `source` with a copy of the `locale` folder
    (makemessages writes to the catalogue nearest each file, so it must not see the real one),
    and list the msgids missing a translation (new strings) or fuzzy (changed strings)."""
    import shutil

    from django.core.management import call_command
    from django.test import override_settings

    project = tmp_path / "project"
    shutil.copytree(
        source,
        project,
        ignore=shutil.ignore_patterns(".*", "data", "media", "node_modules", "locale", "*.pyc"),
    )
    shutil.copytree(locale, project / "locale")
    previous = Path.cwd()
    try:
        os.chdir(project)
        with override_settings(LOCALE_PATHS=[project / "locale"]):
            call_command("makemessages", locale=["it"], no_obsolete=True, verbosity=0)
    finally:
        os.chdir(previous)
    entries = parse_po(project / "locale" / "it" / "LC_MESSAGES" / "django.po")[1:]
    return [
        e["msgid"]
        for e in entries
        if "fuzzy" in e["flags"] or not all(e[k] for k in e if k.startswith("msgstr"))
    ]


def test_every_string_in_templates_and_python_is_translated(tmp_path):
    missing = untranslated_after_makemessages(
        Path(settings.BASE_DIR), PO_FILE.parent.parent.parent, tmp_path
    )
    assert missing == [], (
        "Untranslated strings: run makemessages -l it and fill the Italian msgstr (HELPERS.md)"
    )


def test_the_check_reports_a_planted_untranslated_string(tmp_path):
    source = tmp_path / "planted"
    (source / "templates").mkdir(parents=True)
    (source / "templates" / "planted.html").write_text(
        '{% load i18n %}<p>{% translate "Planted in a template" %}</p>'
        '<p>{% translate "Search" %}</p>',
        encoding="utf-8",
    )
    (source / "planted.py").write_text(
        'from django.utils.translation import gettext as _\n\nHELP = _("Planted in Python")\n',
        encoding="utf-8",
    )
    missing = untranslated_after_makemessages(
        source, PO_FILE.parent.parent.parent, tmp_path / "out"
    )
    assert "Planted in a template" in missing and "Planted in Python" in missing
    assert "Search" not in missing  # already translated in the catalogue
