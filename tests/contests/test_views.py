import struct
import zlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from contests.models import ContestPage, Entry, Vote
from moderation.models import ModerationItem
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def submit_url(contest):
    return f"{contest.url}submit/"


def post_entry(client, contest, image, title="Aurora cup", description="Gold rim, blue glaze."):
    return client.post(
        submit_url(contest), {"title": title, "description": description, "image": image}
    )


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims huge dimensions (a decompression bomb's signature)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 16))
        + chunk(b"IEND", b"")
    )


class TestSubmitForm:
    def test_visitor_is_sent_to_sign_in(self):
        contest = factories.make_contest("submissions")
        response = Client().get(submit_url(contest))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_member_submits_and_sees_pending_status(self, member_client, member):
        contest = factories.make_contest("submissions")
        response = post_entry(member_client, contest, factories.image_upload())
        entry = Entry.objects.get()
        assert response.status_code == 302
        assert response["Location"] == entry.get_absolute_url()
        page = member_client.get(entry.get_absolute_url(), follow=True).content.decode()
        assert "Pending review" in page
        assert "waiting for a moderator" in page
        assert ModerationItem.objects.filter(object_id=entry.pk, author=member).exists()
        gallery = member_client.get(contest.url).content.decode()
        assert "Your submissions awaiting publication" in gallery

    @pytest.mark.parametrize(
        ("upload", "message"),
        [
            (
                SimpleUploadedFile("cup.png", b"%PDF-1.4 not an image", content_type="image/png"),
                "not an image we can read",
            ),
            (
                SimpleUploadedFile(
                    "cup.gif", factories.image_bytes("GIF"), content_type="image/gif"
                ),
                "Upload a JPEG, PNG or WebP image",
            ),
            (
                SimpleUploadedFile(
                    "bomb.png", png_claiming_size(60000, 60000), content_type="image/png"
                ),
                "megapixels",
            ),
            (
                SimpleUploadedFile(
                    "cut.png",
                    factories.image_bytes("PNG", size=(400, 400))[:200],
                    content_type="image/png",
                ),
                "not an image we can read",
            ),
        ],
        ids=["not-an-image", "gif", "decompression-bomb", "truncated"],
    )
    def test_bad_uploads_are_refused_and_the_form_keeps_what_was_typed(
        self, member_client, upload, message, settings
    ):
        contest = factories.make_contest("submissions")
        response = post_entry(
            member_client,
            contest,
            upload,
            title="Keep this title",
            description="Keep this description",
        )
        html = response.content.decode()
        assert response.status_code == 400
        assert message in html
        assert 'value="Keep this title"' in html
        assert "Keep this description" in html
        assert not Entry.objects.exists()
        assert not ModerationItem.objects.exists()

    def test_too_large_a_file_is_refused_with_the_limit(self, member_client, settings):
        settings.COCREO_UPLOAD_MAX_BYTES = 1000
        contest = factories.make_contest("submissions")
        big = factories.image_upload(size=(300, 300), color=(1, 2, 3))
        big = SimpleUploadedFile(
            "big.png",
            factories.image_bytes("PNG", size=(300, 300)) + b"\0" * 2000,
            content_type="image/png",
        )
        response = post_entry(member_client, contest, big)
        assert response.status_code == 400
        assert "images may be at most 1000" in response.content.decode()
        assert not Entry.objects.exists()

    def test_missing_image_and_title(self, member_client):
        contest = factories.make_contest("submissions")
        response = member_client.post(submit_url(contest), {"title": "", "description": "typed"})
        assert response.status_code == 400
        assert response.content.decode().count('role="alert"') >= 2
        assert "typed" in response.content.decode()

    def test_closed_submissions_refused_with_message_and_nothing_lost(self, member_client):
        contest = factories.make_contest("voting")
        response = post_entry(member_client, contest, factories.image_upload(), title="Late idea")
        html = response.content.decode()
        assert response.status_code == 409
        assert "Submissions for this contest are closed." in html
        assert 'value="Late idea"' in html
        assert not Entry.objects.exists()

    def test_unverified_member_is_told_to_verify(self, unverified_member):
        contest = factories.make_contest("submissions")
        response = post_entry(client_for(unverified_member), contest, factories.image_upload())
        assert response.status_code == 403
        assert "Verify your email address" in response.content.decode()
        assert not Entry.objects.exists()


class TestVotingPages:
    @pytest.fixture
    def entry(self):
        return factories.make_entry(factories.make_contest("voting"), title="Votable cup")

    def vote_url(self, entry):
        return f"{entry.get_absolute_url()}vote/"

    def test_member_votes_and_withdraws_through_the_page(self, entry, member_client, member):
        response = member_client.post(self.vote_url(entry), {"action": "vote"}, follow=True)
        assert "Thank you for voting!" in response.content.decode()
        assert Vote.objects.filter(entry=entry, voter=member).count() == 1
        member_client.post(self.vote_url(entry), {"action": "vote"})
        assert Vote.objects.filter(entry=entry, voter=member).count() == 1
        gallery = member_client.get(entry.contest.url).content.decode()
        assert "Voted ✓ — withdraw vote" in gallery
        member_client.post(self.vote_url(entry), {"action": "withdraw"})
        assert not Vote.objects.exists()

    def test_vote_needs_post_and_a_signed_in_member(self, entry):
        assert Client().get(self.vote_url(entry)).status_code == 405
        response = Client().post(self.vote_url(entry), {"action": "vote"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert not Vote.objects.exists()

    def test_own_entry_vote_refused_with_message(self, entry):
        client = client_for(entry.author)
        response = client.post(self.vote_url(entry), {"action": "vote"}, follow=True)
        assert "You cannot vote for your own entry." in response.content.decode()
        assert not Vote.objects.exists()

    def test_closed_voting_refused_with_message(self, entry, member_client):
        factories.update_page(
            ContestPage, entry.contest_id, voting_close_at=timezone.now() - timedelta(seconds=1)
        )
        response = member_client.post(self.vote_url(entry), {"action": "vote"}, follow=True)
        assert "Voting for this contest is closed." in response.content.decode()
        assert not Vote.objects.exists()

    def test_next_parameter_cannot_redirect_off_site(self, entry, member_client):
        response = member_client.post(
            self.vote_url(entry), {"action": "vote", "next": "https://evil.example/"}
        )
        assert response["Location"] == f"{entry.get_absolute_url()}#vote-box-{entry.pk}"

    def test_votes_for_pending_entries_404(self, member_client):
        pending = factories.make_entry(factories.make_contest("voting"), approved=False)
        response = member_client.post(f"{pending.get_absolute_url()}vote/", {"action": "vote"})
        assert response.status_code == 404


@pytest.mark.parametrize(
    ("phase", "text"),
    [
        ("draft", "Submissions open in"),
        ("submissions", "Submissions close in"),
        ("review", "Voting opens in"),
        ("voting", "Voting closes in"),
    ],
)
def test_contest_page_shows_phase_and_countdown(phase, text):
    contest = factories.make_contest(phase)
    html = Client().get(contest.url).content.decode()
    assert f">{contest.phase.label}<" in html
    assert text in html


class TestResults:
    def test_results_section_lists_ranked_winners(self, staff):
        from contests import services

        contest = factories.make_contest("judging")
        gold = factories.make_entry(contest, title="Gold cup")
        silver = factories.make_entry(contest, title="Silver cup")
        html = Client().get(contest.url).content.decode()
        assert 'id="results-title"' not in html  # no winners section before they are picked
        services.pick_winners(contest, staff=staff, entry_ids=[gold.pk, silver.pk])
        html = Client().get(contest.url).content.decode()
        assert html.index("Gold cup") < html.index("Silver cup")
        assert 'data-rank="1"' in html


class TestQueryCounts:
    """Gallery and entry pages cost the same number of queries with 3 or 30 entries."""

    def count(self, django_assert_max_num_queries, client, url, limit):
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200

    @pytest.mark.parametrize("n", [3, 30])
    def test_gallery(self, n, member_client, django_assert_max_num_queries):
        contest = factories.make_contest("voting")
        for _ in range(n):
            factories.make_entry(contest)
        # Constant: the brand's page is one more level to route through (two queries), the
        # follow button asks whether the member follows the brand, the crisis-pause banner, and
        # the votes of the page's entries (counted for the page only), the idea the contest was
        # opened from.
        self.count(django_assert_max_num_queries, member_client, contest.url, 26)

    @pytest.mark.parametrize("votes", [0, 20])
    def test_entry_page(self, votes, member_client, django_assert_max_num_queries):
        contest = factories.make_contest("voting")
        entry = factories.make_entry(contest)
        Vote.objects.bulk_create(
            Vote(entry=entry, contest=contest, voter=factories.UserFactory()) for _ in range(votes)
        )
        # Constant: two queries route through the brand's page, two prefetch images and tags,
        # the crisis-pause banner, the comments (approved, and the member's own waiting ones)
        # and the brand (its theme's stylesheet).
        self.count(django_assert_max_num_queries, member_client, entry.get_absolute_url(), 23)
