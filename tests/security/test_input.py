"""Bad input gets a 400 (or a clamped page), never a 500: control characters in text, paging
numbers out of range, and the moderation queue with every kind of content on it. These hold on
SQLite and on PostgreSQL (where a NUL byte or a huge offset used to reach the database)."""

import pytest
from django.urls import reverse

from comments.models import Comment
from community.errors import InvalidInput
from contests.models import Entry
from moderation import reports
from moderation.models import ModerationItem, Report
from tests import factories
from tests.api.conftest import api, post_json
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

NUL_TEXTS = ["a\x00b", "bell\x07", "escape\x1b[31m", "del\x7f", "c1\x85"]


@pytest.fixture
def contest():
    return factories.make_contest("submissions")


@pytest.fixture
def voting():
    return factories.make_contest("voting")


def submit(client, contest, **data):
    data.setdefault("title", "Blue cup")
    data.setdefault("image", factories.image_upload())
    return client.post(api(f"contests/{contest.slug}/entries"), data)


class TestControlCharacters:
    @pytest.mark.parametrize("text", NUL_TEXTS)
    def test_api_submit_refuses_them_in_the_title(self, contest, member, text):
        response = submit(client_for(member), contest, title=text)
        assert response.status_code == 400
        assert response.json()["field"] == "title"
        assert not Entry.objects.exists()

    @pytest.mark.parametrize("field", ["description", "tags"])
    def test_api_submit_refuses_them_in_every_text_field(self, contest, member, field):
        response = submit(client_for(member), contest, **{field: "x\x00y"})
        assert response.status_code == 400
        assert response.json()["field"] == field
        assert not Entry.objects.exists()

    def test_newlines_and_tabs_are_text(self, contest, member):
        response = submit(client_for(member), contest, description="line one\r\nline\ttwo")
        assert response.status_code == 201, response.content
        assert Entry.objects.get().description == "line one\r\nline\ttwo"

    @pytest.mark.parametrize("text", NUL_TEXTS[:2])
    def test_api_edit_refuses_them(self, contest, member, text):
        entry = factories.make_entry(contest, author=member)
        response = client_for(member).post(api(f"entries/{entry.pk}/edit"), {"title": text})
        assert response.status_code == 400
        assert response.json()["field"] == "title"
        assert not ModerationItem.objects.for_object(entry).pending().exists()

    @pytest.mark.parametrize("text", NUL_TEXTS[:2])
    def test_api_reject_reason_refuses_them(self, contest, moderator, text):
        entry = factories.make_entry(contest, approved=False)
        item = factories.pending_item(entry)
        response = post_json(
            client_for(moderator), f"moderation/items/{item.pk}/reject", {"reason": text}
        )
        assert response.status_code == 400
        assert response.json()["field"] == "reason"
        item.refresh_from_db()
        assert item.status == "pending"

    def test_json_keys_and_query_strings_are_checked_too(self, contest, member):
        client = client_for(member)
        assert client.get(api("contests"), {"phase": "a\x00"}).status_code == 400
        assert client.get(api(f"contests/{contest.slug}\x00")).status_code == 400
        response = client.get(api(f"contests/{contest.slug}/entries"), {"q": "cup\x00"})
        assert response.status_code == 400
        assert response.json()["field"] == "q"

    def test_the_services_refuse_them_for_every_other_caller(self, contest, member, moderator):
        entry = factories.make_entry(contest, approved=False)
        item = factories.pending_item(entry)
        from moderation import services

        with pytest.raises(InvalidInput) as refused:
            services.reject(item.pk, moderator=moderator, reason="no\x00")
        assert refused.value.field == "reason"
        with pytest.raises(InvalidInput):
            services.approve(item.pk, moderator=moderator, reason="ok\x01")

    def test_report_text_refused_on_the_site_and_in_the_service(self, voting, member):
        entry = factories.make_entry(voting)
        data = {
            "content_type": _content_type_id(entry),
            "object_id": entry.pk,
            "reason": "spam",
            "text": "look\x00here",
            "next": "/",
        }
        response = client_for(member).post(reverse("moderation_public:report"), data)
        assert response.status_code == 400
        with pytest.raises(InvalidInput) as refused:
            reports.report(entry, reporter=member, reason="spam", text="look\x07here")
        assert refused.value.field == "text"
        assert not Report.objects.exists()

    def test_comment_refused_on_the_site(self, voting, member):
        entry = factories.make_entry(voting)
        client = client_for(member)
        data = {"target_type": _content_type_id(entry), "target_id": entry.pk}
        response = client.post(reverse("comments:post"), {**data, "body": "hi\x00"})
        assert response.status_code == 400
        # Other control characters: the form refuses them and says why.
        client.post(reverse("comments:post"), {**data, "body": "hi\x1b"})
        assert not Comment.objects.exists()
        with pytest.raises(InvalidInput):
            from comments.services import post_comment

            post_comment(entry, author=member, body="hi\x1b")

    def test_profile_bio_refused_and_kept_in_the_form(self, member):
        response = client_for(member).post(reverse("profiles:settings"), {"bio": "I draw\x0b cups"})
        assert response.status_code == 400
        assert "I draw" in response.content.decode()
        assert "control characters" in response.content.decode()

    def test_entry_form_on_the_site_keeps_what_was_typed(self, contest, member):
        url = contest.url + contest.reverse_subpage("submit")
        response = client_for(member).post(
            url, {"title": "Blue\x01 cup", "description": "Kept text", "image": ""}
        )
        assert response.status_code == 400
        assert "Kept text" in response.content.decode()

    def test_urls_with_nul_are_a_400_page(self, client, member):
        assert client.get(f"/members/{member.username}%00/").status_code == 400
        assert client.get("/", {"q": "\x00"}).status_code == 400


def _content_type_id(obj) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


HUGE = ["2828724608423305728", "10000000000000000000", "-1", "-99999999999999999999", "x", "1e9"]


class TestPaging:
    @pytest.mark.parametrize("page", HUGE)
    def test_gallery_page_is_clamped(self, client, voting, page):
        factories.make_entry(voting)
        response = client.get(voting.url, {"page": page})
        assert response.status_code == 200

    @pytest.mark.parametrize("page", HUGE + ["0", "10001"])
    def test_api_entries_page_out_of_range_is_a_400(self, client, voting, page):
        response = client.get(api(f"contests/{voting.slug}/entries"), {"page": page})
        assert response.status_code == 400
        assert response.json()["field"] == "page"

    @pytest.mark.parametrize("size", ["0", "101", "10000000000000000000"])
    def test_api_page_size_is_bounded(self, client, voting, size):
        response = client.get(api(f"contests/{voting.slug}/entries"), {"page_size": size})
        assert response.status_code == 400

    def test_api_last_allowed_page_is_empty_not_an_error(self, client, voting):
        response = client.get(api(f"contests/{voting.slug}/entries"), {"page": 10000})
        assert response.status_code == 200
        assert response.json()["items"] == []

    @pytest.mark.parametrize(
        "params",
        [
            {"offset": "10000000000000000000"},
            {"offset": "-1"},
            {"offset": "x"},
            {"limit": "2828724608423305728"},
            {"limit": "0"},
            {"limit": "-5"},
        ],
    )
    def test_api_moderation_queue_offset_and_limit_are_bounded(self, moderator, params):
        response = client_for(moderator).get(api("moderation/queue"), params)
        assert response.status_code == 400

    @pytest.mark.parametrize("page", HUGE)
    def test_html_lists_clamp_the_page(self, moderator, page):
        client = client_for(moderator)
        assert client.get(reverse("community:notifications"), {"page": page}).status_code == 200
        assert client.get(reverse("moderation:queue"), {"page": page}).status_code == 200

    @pytest.mark.parametrize("value", ["10000000000000000000", "-1", "x"])
    def test_html_queue_filters_out_of_range_are_no_500(self, moderator, value):
        client = client_for(moderator)
        for name in ("container", "brand", "kind"):
            response = client.get(reverse("moderation:queue"), {name: value})
            assert response.status_code in (200, 400), (name, response.status_code)


class TestModerationQueueApi:
    def test_pending_profile_on_the_page_is_a_200(self, moderator, contest):
        factories.make_entry(contest, approved=False, title="Cup")
        profile = factories.make_profile(approved=False, bio="Hello")
        response = client_for(moderator).get(api("moderation/queue"))
        assert response.status_code == 200, response.content
        items = {i["object_id"]: i for i in response.json()["items"] if i["kind"] != "entry"}
        assert items[profile.pk]["context"] == "Member profile"
        assert items[profile.pk]["text"] == "Hello"
