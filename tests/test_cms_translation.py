"""CMS content in Italian and English (field-level translation, cms/translation.py): one page
row per contest or board, each text in both languages, the active language's value read
everywhere (pages, API, search, notifications), English when the Italian is empty."""

from io import StringIO
from uuid import uuid4

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page

from community import page_cache
from community.migration_helpers import english_from_original
from community.models import Brand, Notification
from contests import services
from contests.models import ContestPage, JuryCriterion
from ideas.models import IdeaCategory, IdeasBoardPage
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def reader(language: str | None) -> Client:
    """A visitor whose language is `language` (the language cookie), or the default."""
    client = Client()
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def page_text(client: Client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def contest():
    return factories.make_contest(
        "submissions",
        title="Design the morning cup",
        title_it="Disegna la tazza del mattino",
        summary_it="Il riassunto italiano",
        brief_en="<p>The English brief</p>",
        brief_it="<p>Il brief in italiano</p>",
        prize_en="A year of coffee",
        prize_it="Un anno di caffè",
    )


class TestPublicPages:
    def test_a_contest_page_speaks_the_readers_language(self, contest):
        italian = page_text(reader("it"), contest.url)
        assert "Disegna la tazza del mattino" in italian
        assert "Il brief in italiano" in italian and "Un anno di caffè" in italian
        assert "The English brief" not in italian
        for language in ("en", None):
            english = page_text(reader(language), contest.url)
            assert "Design the morning cup" in english and "The English brief" in english
            assert "Disegna" not in english and "Il brief in italiano" not in english

    def test_open_graph_tags_follow_the_language(self, contest):
        italian = page_text(reader("it"), contest.url)
        assert '<meta property="og:title" content="Disegna la tazza del mattino">' in italian
        assert '<meta property="og:description" content="Il riassunto italiano">' in italian
        english = page_text(reader("en"), contest.url)
        assert '<meta property="og:title" content="Design the morning cup">' in english

    def test_an_empty_italian_text_falls_back_to_english(self):
        contest = factories.make_contest(title="Only in English", brief_en="<p>English only</p>")
        assert contest.title_it in (None, "") and contest.brief_it in (None, "")
        italian = page_text(reader("it"), contest.url)
        assert "Only in English" in italian and "English only" in italian

    def test_a_board_and_its_categories_speak_the_readers_language(self):
        board = factories.make_board(
            title="Bring it back", title_it="Riportalo indietro", intro_it="<p>Ciao</p>"
        )
        category = board.categories.first()
        IdeaCategory.objects.filter(pk=category.pk).update(name_it="Sapori")
        italian = page_text(reader("it"), board.url)
        assert "Riportalo indietro" in italian and "Ciao" in italian and "Sapori" in italian
        english = page_text(reader("en"), board.url)
        assert "Bring it back" in english and "Flavours" in english
        assert "Riportalo" not in english and "Sapori" not in english

    def test_the_home_page_speaks_the_readers_language(self):
        home = factories.home_page().specific
        home.intro_en, home.intro_it = "<p>Design with us</p>", "<p>Progetta con noi</p>"
        home.save_revision().publish()
        assert "Progetta con noi" in page_text(reader("it"), "/")
        english = page_text(reader("en"), "/")
        assert "Design with us" in english and "Progetta" not in english

    def test_a_page_saved_while_italian_is_active_keeps_an_english_title(self):
        with translation.override("it"):
            contest = factories.make_contest(title="Titolo scritto in italiano")
        contest = ContestPage.objects.get(pk=contest.pk)
        assert contest.title_en == "Titolo scritto in italiano"
        assert "Titolo scritto in italiano" in page_text(reader("en"), contest.url)


class TestApi:
    def test_contests_in_the_requests_language(self, contest):
        url = f"/api/v1/contests/{contest.slug}"
        italian = reader("it").get(url).json()
        assert (italian["title"], italian["summary"], italian["prize"]) == (
            "Disegna la tazza del mattino",
            "Il riassunto italiano",
            "Un anno di caffè",
        )
        by_header = Client().get(url, HTTP_ACCEPT_LANGUAGE="it").json()
        assert by_header["title"] == "Disegna la tazza del mattino"
        english = reader("en").get(url).json()
        assert english["title"] == "Design the morning cup"
        listed = reader("it").get("/api/v1/contests").json()
        assert [c["title"] for c in listed] == ["Disegna la tazza del mattino"]

    def test_boards_in_the_requests_language(self):
        board = factories.make_board(title="Bring it back", title_it="Riportalo indietro")
        url = f"/api/v1/boards/{board.slug}"
        assert reader("it").get(url).json()["title"] == "Riportalo indietro"
        assert reader("en").get(url).json()["title"] == "Bring it back"


class TestSearch:
    def results(self, client, query):
        response = client.get(reverse("search"), {"q": query})
        assert response.status_code == 200
        return {s.key: [r.title for r in s.results] for s in response.context["sections"]}

    def test_an_italian_word_of_an_italian_brief_is_found_in_either_language(self, contest):
        page = ContestPage.objects.get(pk=contest.pk)
        page.brief_it = "<p>Una tazza zanzibarissima per la colazione</p>"
        page.save_revision().publish()
        assert self.results(reader("it"), "zanzibarissima")["pages"] == [
            "Disegna la tazza del mattino"
        ]
        assert self.results(reader("en"), "zanzibarissima")["pages"] == ["Design the morning cup"]

    def test_an_italian_title_is_found(self, contest):
        assert self.results(reader("en"), "mattino")["pages"] == ["Design the morning cup"]


class TestPageCache:
    @pytest.fixture(autouse=True)
    def page_cache_on(self, settings):
        settings.PAGE_CACHE_SECONDS = 60
        settings.PAGE_CACHE_PREFIX = f"pages-test-{uuid4().hex}"

    def test_an_italian_page_is_never_served_to_an_english_reader(self, contest):
        for url in (contest.url, "/"):
            english, italian = reader("en"), reader("it")
            assert english.get(url)[page_cache.HEADER] == "miss"
            assert italian.get(url)[page_cache.HEADER] == "miss"
            hit = italian.get(url)
            assert hit[page_cache.HEADER] == "hit"
            assert "Disegna la tazza del mattino" in hit.content.decode()
            hit = english.get(url)
            assert hit[page_cache.HEADER] == "hit"
            assert "Design the morning cup" in hit.content.decode()
            assert "Disegna" not in hit.content.decode()


class TestNotifications:
    def test_a_notification_quotes_the_title_in_its_readers_language(self, contest):
        """Written by Italian staff, read in English: the contest is named in English; read in
        Italian, in Italian."""
        contest = factories.make_contest(
            "judging", title="The travel mug", title_it="La tazza da viaggio"
        )
        entry = factories.make_entry(contest)
        staff = factories.brand_staff(contest.brand)
        with translation.override("it"):
            services.pick_winners(contest, staff=staff, entry_ids=[entry.pk])
        notification = Notification.objects.get(recipient=entry.author, kind="contest.won")
        with translation.override("en"):
            assert "The travel mug" in notification.text
            assert "La tazza da viaggio" not in notification.text
        with translation.override("it"):
            assert "La tazza da viaggio" in notification.text


class TestEditor:
    def test_the_contest_editor_shows_both_languages(self, contest):
        JuryCriterion.objects.create(contest=contest, name_en="Originality", name_it="Originalità")
        admin = factories.UserFactory(is_superuser=True, is_staff=True)
        response = client_for(admin).get(reverse("wagtailadmin_pages:edit", args=[contest.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        for field in ("title", "summary", "brief", "prize", "rules", "seo_title"):
            for code in ("en", "it"):
                assert f'name="{field}_{code}"' in html, f"{field}_{code}"
        assert 'name="jury_criteria-0-name_it"' in html and "Originalità" in html
        assert "Il brief in italiano" in html

    def test_the_board_editor_shows_both_languages_of_its_categories(self):
        board = factories.make_board(title="Bring it back")
        admin = factories.UserFactory(is_superuser=True, is_staff=True)
        response = client_for(admin).get(reverse("wagtailadmin_pages:edit", args=[board.pk]))
        html = response.content.decode()
        for field in ("title_en", "title_it", "intro_en", "intro_it", "categories-0-name_it"):
            assert f'name="{field}"' in html, field


class TestExistingContent:
    def test_existing_texts_become_the_english_ones(self, contest):
        unrewritten = ContestPage.objects.rewrite(False).filter(pk=contest.pk)
        unrewritten.update(brief="<p>Old brief</p>", brief_en=None)
        # The models as the migration sees them (no translation descriptors).
        historical = MigrationLoader(connection).project_state(
            ("contests", "0010_translated_texts")
        )
        english_from_original("contests.ContestPage", "brief")(historical.apps, None)
        assert ContestPage.objects.get(pk=contest.pk).brief_en == "<p>Old brief</p>"

    def test_migrate_gives_pages_their_title_as_english(self, contest):
        Page.objects.rewrite(False).filter(pk=contest.pk).update(title="Old title", title_en=None)
        call_command("migrate", verbosity=0, stdout=StringIO())
        assert Page.objects.get(pk=contest.pk).title_en == "Old title"


class TestDemoData:
    def test_seed_demo_writes_every_cms_text_in_both_languages(self):
        call_command("seed_demo", "--force", stdout=StringIO(), stderr=StringIO())
        contests = list(ContestPage.objects.all())
        assert len(contests) == 7  # one in every phase
        for contest in contests:
            for field in ("title", "summary", "brief", "prize"):
                english, italian = getattr(contest, f"{field}_en"), getattr(contest, f"{field}_it")
                assert english and italian and english != italian, (contest.slug, field)
        board = IdeasBoardPage.objects.get()
        for field in ("title", "summary", "intro"):
            assert getattr(board, f"{field}_en") != getattr(board, f"{field}_it")
            assert getattr(board, f"{field}_it")
        names = list(board.categories.order_by("sort_order").values_list("name_en", "name_it"))
        assert names[:2] == [("Blends", "Miscele"), ("Cups and mugs", "Tazze e tazzoni")]
        brand = Brand.objects.get()
        assert brand.description_it and brand.description_it != brand.description_en
        home = factories.home_page().specific
        assert home.intro_en and home.intro_it and home.intro_en != home.intro_it
        cup = ContestPage.objects.get(slug="aurora-morning-cup")
        assert cup.title_en == "Design the Aurora Morning Cup"
        assert "Aurora" in cup.title_it and cup.title_it != cup.title_en
        assert cup.title_it in page_text(reader("it"), cup.url)


def test_the_brand_editor_shows_both_languages_of_the_description():
    brand = factories.default_brand()
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    url = reverse("wagtailsnippets_community_brand:edit", args=[brand.pk])
    html = client_for(admin).get(url).content.decode()
    assert 'name="description_en"' in html and 'name="description_it"' in html
    assert 'id="id_description"' not in html
