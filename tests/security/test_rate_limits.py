"""Rate limits: a clear 429 with Retry-After for every limited action, on the HTML side and
in the API, counted in the shared cache; spoofed X-Forwarded-For hops do not dodge them."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client, override_settings
from django.urls import reverse

from community.models import User
from community.ratelimits import RateLimited, check_rate, parse_rates
from contests.models import Entry
from tests import factories
from tests.conftest import client_for
from tests.security.conftest import password_login

pytestmark = pytest.mark.django_db

ONE_PER_HOUR = dict.fromkeys(("submit", "edit", "upload", "vote", "comment", "report"), "1/h")
API = "/api/v1"


def assert_429(response, *, api: bool):
    assert response.status_code == 429, response.content[:300]
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= 3600
    if api:
        body = response.json()
        assert body["retry_after"] == retry_after and "Too many attempts" in body["detail"]
    else:
        assert "Too many attempts" in response.content.decode()


def assert_form_kept(response, *typed: str, files: bool = False):
    """A form refused by a rate limit comes back with what the member typed and says so."""
    assert_429(response, api=False)
    page = response.content.decode()
    assert "What you wrote is kept below" in page
    assert ("choose your files again" in page) is files
    for text in typed:
        assert text in page, text


def test_rates_are_parsed():
    assert [(r.amount, r.seconds) for r in parse_rates("5/m, 30/2h,100/d")] == [
        (5, 60),
        (30, 7200),
        (100, 86400),
    ]
    assert parse_rates("") == []


@override_settings(COCREO_RATE_LIMITS={"support": "2/m"})
def test_check_rate_counts_per_key_and_says_when_to_retry(member):
    other = factories.UserFactory()
    check_rate(member, "support")
    check_rate(member, "support")
    with pytest.raises(RateLimited) as limited:
        check_rate(member, "support")
    assert 1 <= limited.value.retry_after <= 60
    check_rate(other, "support")  # per member
    check_rate("203.0.113.9", "support")  # or per address
    check_rate(member, "not-limited")  # an action without rates is not limited


class TestMemberActions:
    @pytest.fixture(autouse=True)
    def one_per_hour(self, settings):
        settings.COCREO_RATE_LIMITS = ONE_PER_HOUR

    @pytest.fixture
    def contest(self):
        return factories.make_contest("submissions")

    def test_submit_html(self, contest, member):
        client = client_for(member)
        url = f"{contest.url}submit/"
        first = client.post(url, {"title": "One", "image": factories.image_upload()})
        assert first.status_code == 302
        again = client.post(
            url,
            {"title": "Two", "description": "My second design", "image": factories.image_upload()},
        )
        assert_form_kept(again, 'value="Two"', "My second design", files=True)
        assert Entry.objects.filter(author=member).count() == 1

    def test_submit_api(self, contest, member):
        client = client_for(member)
        url = f"{API}/contests/{contest.slug}/entries"
        assert (
            client.post(url, {"title": "One", "image": factories.image_upload()}).status_code == 201
        )
        assert_429(client.post(url, {"title": "Two", "image": factories.image_upload()}), api=True)

    def test_upload_counts_every_image(self, contest, member):
        images = [factories.image_upload(), factories.image_upload()]
        response = client_for(member).post(
            f"{API}/contests/{contest.slug}/entries",
            {"title": "Two images", "image": factories.image_upload(), "images": images},
        )
        assert_429(response, api=True)

    def test_edit_html_and_api(self, contest, member):
        entry = factories.make_entry(contest, author=member)
        client = client_for(member)
        html = f"{contest.url}entries/{entry.pk}/edit/"
        assert client.post(html, {"title": "New", "description": ""}).status_code == 302
        response = client.post(html, {"title": "Newer", "description": "Kept words"})
        assert_form_kept(response, 'value="Newer"', "Kept words", files=True)
        assert_429(client.post(f"{API}/entries/{entry.pk}/edit", {"title": "Api"}), api=True)

    def test_vote_html_and_api(self, member):
        contest = factories.make_contest("voting")
        first, second = factories.make_entry(contest), factories.make_entry(contest)
        client = client_for(member)
        assert (
            client.post(f"{first.get_absolute_url()}vote/", {"action": "vote"}).status_code == 302
        )
        assert_429(client.post(f"{second.get_absolute_url()}vote/", {"action": "vote"}), api=False)
        assert_429(client.post(f"{API}/entries/{second.pk}/vote"), api=True)
        assert second.votes.count() == 0

    def test_comment_html(self, member):
        entry = factories.make_entry(factories.make_contest("voting"))
        client = client_for(member)
        data = {
            "target_type": ContentType.objects.get_for_model(entry).pk,
            "target_id": entry.pk,
            "body": "Lovely",
        }
        url = reverse("comments:post")
        assert client.post(url, data).status_code == 302
        response = client.post(url, {**data, "body": "A second thought"})
        assert_form_kept(response, "A second thought")
        assert f'name="target_id" value="{entry.pk}"' in response.content.decode()

    def test_comment_edit_html(self, member):
        entry = factories.make_entry(factories.make_contest("voting"))
        comment = factories.make_comment(entry, author=member)
        client = client_for(member)
        url = reverse("comments:edit", args=[comment.pk])
        assert client.post(url, {"body": "First edit"}).status_code == 302
        assert_form_kept(client.post(url, {"body": "Second edit"}), "Second edit")

    def test_report_html(self, member):
        contest = factories.make_contest("voting")
        client = client_for(member)
        ct = ContentType.objects.get_for_model(contest.entries.model)
        url = reverse("moderation_public:report")
        for n, expected in ((1, 302), (2, 429)):
            entry = factories.make_entry(contest)
            data = {
                "content_type": ct.pk,
                "object_id": entry.pk,
                "reason": "spam",
                "text": f"Details {n}",
                "next": entry.get_absolute_url(),
            }
            response = client.post(url, data)
            assert response.status_code == expected, n
        assert_form_kept(response, "Details 2", 'value="spam" selected')
        page = response.content.decode()
        assert f'name="object_id" value="{entry.pk}"' in page
        assert f'name="next" value="{entry.get_absolute_url()}"' in page

    def test_profile_avatar_upload(self, member):
        client = client_for(member)
        url = reverse("profiles:settings")
        assert client.post(url, {"bio": "Hi"}).status_code == 302  # no upload, but an edit
        assert_form_kept(
            client.post(url, {"bio": "Again and again"}), "Again and again", files=True
        )


# sign-up, sign-in and password reset: allauth's limits, per client address and per email.


def signup(client, n, **extra):
    return client.post(
        "/accounts/signup/",
        {
            "email": f"new{n}@example.com",
            "username": f"new{n}",
            "password1": "a long enough pass phrase",
            "password2": "a long enough pass phrase",
        },
        **extra,
    )


@override_settings(ACCOUNT_RATE_LIMITS={"signup": "2/m/ip"})
def test_signup_is_limited_with_retry_after():
    client = Client()
    assert signup(client, 1).status_code == 302
    assert signup(client, 2).status_code == 302
    assert_429(signup(client, 3), api=False)
    assert int(signup(client, 4)["Retry-After"]) == 60


@override_settings(ACCOUNT_RATE_LIMITS={"login": "2/m/ip"})
def test_login_is_limited_with_retry_after(member):
    client = Client()
    for _ in range(2):
        assert password_login(client, member.email, password="wrong").status_code == 200
    assert_429(password_login(client, member.email), api=False)


@override_settings(ACCOUNT_RATE_LIMITS={"signup": "1/m/ip"})
def test_a_limited_signup_keeps_what_was_typed_but_not_the_passwords():
    client = Client()
    assert signup(client, 1).status_code == 302
    client = Client()  # the same address, not signed in
    response = signup(client, 2)
    assert_form_kept(response, "new2@example.com", 'value="new2"')
    assert "a long enough pass phrase" not in response.content.decode()
    assert User.objects.filter(username="new2").count() == 0


@override_settings(ACCOUNT_RATE_LIMITS={"login": "1/m/ip"})
def test_a_limited_sign_in_keeps_the_email_but_not_the_password(member):
    client = Client()
    assert password_login(client, member.email, password="wrong").status_code == 200
    response = password_login(client, member.email, password="a-typed-secret")
    assert_form_kept(response, member.email)
    assert "a-typed-secret" not in response.content.decode()
    assert "_auth_user_id" not in client.session  # the refused POST signed nobody in


@override_settings(ACCOUNT_RATE_LIMITS={"reset_password": "20/m/ip,1/m/key"})
def test_a_limited_password_reset_keeps_the_email(member, mailoutbox):
    client = Client()
    assert client.post("/accounts/password/reset/", {"email": member.email}).status_code == 302
    response = client.post("/accounts/password/reset/", {"email": member.email})
    assert_form_kept(response, member.email)
    assert len(mailoutbox) == 1


@override_settings(ACCOUNT_RATE_LIMITS={"reset_password": "20/m/ip,2/m/key"})
def test_password_reset_is_limited_with_retry_after(member):
    client = Client()
    for _ in range(2):
        response = client.post("/accounts/password/reset/", {"email": member.email})
        assert response.status_code == 302
    assert_429(client.post("/accounts/password/reset/", {"email": member.email}), api=False)


# The client address: spoofed X-Forwarded-For hops do not dodge per-address limits.


@pytest.mark.parametrize("proxies", [0, 1])
def test_spoofed_forwarded_for_does_not_dodge_limits(proxies):
    with override_settings(
        ACCOUNT_RATE_LIMITS={"signup": "2/m/ip"}, ALLAUTH_TRUSTED_PROXY_COUNT=proxies
    ):
        client = Client(REMOTE_ADDR="10.0.0.1")  # our proxy, or the client with no proxy
        codes = []
        for n in range(4):
            # The client writes whatever it likes on the left; with one trusted proxy, the
            # proxy appends the address it saw (always the same client here).
            xff = f"198.51.100.{n}" if proxies == 0 else f"198.51.100.{n}, 203.0.113.7"
            codes.append(signup(client, n, HTTP_X_FORWARDED_FOR=xff).status_code)
        assert codes == [302, 302, 429, 429]
    assert User.objects.count() == 2


@override_settings(ACCOUNT_RATE_LIMITS={"signup": "1/m/ip"}, ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_different_clients_are_counted_apart():
    client = Client(REMOTE_ADDR="10.0.0.1")
    assert signup(client, 1, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 302
    assert signup(client, 2, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 302
    assert signup(client, 3, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 429


@override_settings(ACCOUNT_RATE_LIMITS={"signup": "1/m/ip"}, ALLAUTH_TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_the_header_is_ignored():
    client = Client(REMOTE_ADDR="10.0.0.1")
    assert signup(client, 1, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 302
    assert signup(client, 2, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 429


class TestIdeaActions:
    """Ideas share the member limits: posting, editing, uploading, supporting."""

    @pytest.fixture(autouse=True)
    def one_per_hour(self, settings):
        settings.COCREO_RATE_LIMITS = {**ONE_PER_HOUR, "support": "1/h"}

    @pytest.fixture
    def board(self):
        return factories.make_board()

    def test_post_and_edit_ideas_html(self, board, member):
        idea = factories.make_idea(board, author=member)  # the hour's one submission
        client = client_for(member)
        response = client.post(
            f"{board.url}new/", {"title": "Another idea", "description": "Said twice"}
        )
        assert_form_kept(response, 'value="Another idea"', "Said twice", files=True)
        edit = f"{idea.get_absolute_url()}edit/"
        assert client.post(edit, {"title": "Edited idea", "description": "E"}).status_code == 302
        response = client.post(edit, {"title": "Edited again", "description": "Edited words"})
        assert_form_kept(response, 'value="Edited again"', "Edited words", files=True)

    def test_post_ideas_api(self, board, member):
        client = client_for(member)
        url = f"{API}/boards/{board.slug}/ideas"
        assert client.post(url, {"title": "One", "description": "D"}).status_code == 201
        assert_429(client.post(url, {"title": "Two", "description": "D"}), api=True)

    def test_support_api(self, board, member):
        first, second = factories.make_idea(board), factories.make_idea(board)
        client = client_for(member)
        assert client.post(f"{API}/ideas/{first.pk}/support").status_code == 200
        assert_429(client.post(f"{API}/ideas/{second.pk}/support"), api=True)
        assert not second.supports.exists()


@override_settings(ACCOUNT_RATE_LIMITS={"signup": "1/m/ip"}, ALLAUTH_TRUSTED_PROXY_COUNT=2)
def test_fewer_forwarded_hops_than_trusted_proxies_is_not_a_500():
    """A request that bypassed one of the proxies: counted by the address that connected."""
    client = Client()
    assert signup(client, 1, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 302
    assert signup(client, 2, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 429
