"""One door for staff: everyone signs in through allauth (lockout, email verification, second
factor); the admins and the staff API open only after a second factor in this session."""

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client, override_settings

from community.second_factor import StaffMFAAdapter
from tests import factories
from tests.factories import FACTORY_PASSWORD, give_totp, totp_code
from tests.security.conftest import password_login, signed_in_user_id

pytestmark = pytest.mark.django_db

ADMIN_LOGINS = ["/admin/login/", "/django-admin/login/"]


def superuser():
    return factories.UserFactory(is_superuser=True, is_staff=True)


def staff_api_calls(contest, entry_id: int = 1):
    """Every staff endpoint of the API: (method, path, JSON body)."""
    return [
        ("get", "/api/v1/moderation/queue", None),
        ("post", "/api/v1/moderation/items/1/approve", {}),
        ("post", "/api/v1/moderation/items/1/reject", {"reason": "no"}),
        ("put", f"/api/v1/contests/{contest.slug}/shortlist", {"entries": []}),
        ("put", f"/api/v1/entries/{entry_id}/jury-scores", {"scores": {}}),
        ("get", f"/api/v1/contests/{contest.slug}/jury", None),
        ("post", f"/api/v1/contests/{contest.slug}/winners", {"entries": []}),
    ]


def call(client: Client, method: str, path: str, body):
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, body, content_type="application/json")


@pytest.mark.parametrize("login_url", ADMIN_LOGINS)
@pytest.mark.parametrize("who", ["staff", "moderator", "superuser", "unverified"])
def test_a_password_posted_to_an_admin_login_signs_nobody_in(login_url, who):
    user = {
        "staff": factories.brand_staff,
        "moderator": factories.moderator,
        "superuser": superuser,
        "unverified": lambda: factories.UserFactory(verified=False),
    }[who]()
    client = Client()
    response = client.post(
        f"{login_url}?next=/admin/pages/",
        {"username": user.email, "password": FACTORY_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fpages%2F"
    assert signed_in_user_id(client) is None
    assert client.get("/admin/").status_code == 302
    assert client.get("/api/v1/moderation/queue").status_code == 401


@pytest.mark.parametrize(
    ("path", "login_next"),
    [("/admin/", "/admin/"), ("/django-admin/", "/django-admin/")],
)
def test_the_admins_send_visitors_to_allauth(path, login_next):
    client = Client()
    response = client.get(path, follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=")
    assert login_next.strip("/") in response.redirect_chain[-1][0]
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/admin/", "/django-admin/"])
def test_a_signed_in_member_in_an_admin_is_refused_without_a_redirect_loop(path):
    client = Client()
    password_login(client, factories.UserFactory().email)
    response = client.get(path, follow=True)
    assert response.status_code == 403


def test_an_admin_login_redirect_never_points_off_site():
    response = Client().get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_unverified_members_are_not_signed_in_by_allauth_either():
    user = factories.UserFactory(verified=False)
    client = Client()
    response = password_login(client, user.email)
    assert response.status_code == 302 and "confirm-email" in response["Location"]
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize("make", [factories.brand_staff, factories.moderator, superuser])
def test_staff_without_an_authenticator_are_sent_to_set_one_up(make):
    user = make()
    contest = factories.make_contest("judging")
    client = Client()
    assert password_login(client, user.email).status_code == 302
    assert signed_in_user_id(client) == str(user.pk)  # signed in as a member would be

    for path in ("/admin/", "/admin/pages/", "/admin/moderation/", "/django-admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/2fa/totp/activate/?next="), path

    for method, path, body in staff_api_calls(contest):
        response = call(client, method, path, body)
        assert response.status_code == 403, path
        assert "two-factor" in response.json()["detail"], path


def test_a_member_api_call_by_staff_without_mfa_is_not_refused_for_mfa():
    """Only staff endpoints ask for the second factor: staff may still use member features."""
    user = factories.brand_staff()
    client = Client()
    password_login(client, user.email)
    assert client.get("/api/v1/contests").status_code == 200
    assert client.get("/").status_code == 200


def test_staff_with_totp_must_pass_it_when_signing_in():
    user = factories.brand_staff()
    secret = give_totp(user)
    contest = factories.make_contest("judging")
    client = Client()

    response = password_login(client, user.email, next="/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    # Password alone: not signed in, neither admin nor staff API open.
    assert signed_in_user_id(client) is None
    assert client.get("/admin/", follow=True).redirect_chain[-1][0].startswith("/accounts/")
    assert client.get(f"/api/v1/contests/{contest.slug}/jury").status_code == 401

    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200 and signed_in_user_id(client) is None

    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)
    assert client.get("/admin/").status_code == 200
    assert client.get(f"/api/v1/contests/{contest.slug}/jury").status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # allauth signals on commit
def test_setting_up_totp_opens_the_admin_in_the_same_session():
    user = factories.moderator()
    client = Client()
    password_login(client, user.email)
    first = client.get("/admin/moderation/")
    assert first["Location"].startswith("/accounts/2fa/totp/activate/")
    # allauth asks for the password again before adding an authenticator.
    assert client.get(first["Location"])["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": FACTORY_PASSWORD})
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    assert client.get("/admin/moderation/").status_code == 200
    assert client.get("/api/v1/moderation/queue").status_code == 200


def test_a_session_that_never_used_the_authenticator_must_confirm_it():
    """Signed in before the authenticator existed (or any session without the MFA step)."""
    user = factories.brand_staff()
    client = Client()
    password_login(client, user.email)
    secret = give_totp(user)
    response = client.get("/admin/")
    assert response["Location"].startswith("/accounts/2fa/reauthenticate/?next=")
    assert client.get("/api/v1/moderation/queue").status_code == 403
    confirmed = client.post(
        "/accounts/2fa/reauthenticate/?next=/admin/", {"code": totp_code(secret)}
    )
    assert confirmed.status_code == 302
    assert client.get("/admin/").status_code == 200


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "10/m/ip,5/5m/key"})
def test_wrong_passwords_lock_the_account_out_for_every_door():
    user = factories.brand_staff()
    client = Client()
    for _ in range(5):
        response = password_login(client, user.email, password="wrong password")
        assert response.status_code == 200
    locked = password_login(client, user.email)
    assert locked.status_code == 200
    assert "Too many failed login attempts" in locked.content.decode()
    assert signed_in_user_id(client) is None
    # The admin login URL leads to the same locked form; it has none of its own.
    client.post("/admin/login/", {"username": user.email, "password": FACTORY_PASSWORD})
    assert signed_in_user_id(client) is None


def test_staff_cannot_remove_their_last_authenticator():
    adapter = StaffMFAAdapter()
    staff = factories.brand_staff()
    give_totp(staff)
    totp = Authenticator.objects.get(user=staff, type="totp")
    assert not adapter.can_delete_authenticator(totp)
    member = factories.UserFactory()
    give_totp(member)
    assert adapter.can_delete_authenticator(Authenticator.objects.get(user=member))


@pytest.mark.django_db
def test_a_code_typed_at_the_end_of_its_period_is_the_next_one(monkeypatch):
    """The test helper types a code the server will still accept: at the last second of a
    period it waits for the next code (the server accepts only the current period's)."""
    import time

    import time_machine

    user = factories.moderator()
    secret = give_totp(user)
    period_end = (int(time.time()) // 30 + 1) * 30
    with time_machine.travel(period_end - 1, tick=False) as clock:
        monkeypatch.setattr(time, "sleep", lambda seconds: clock.shift(seconds))
        code = totp_code(secret)
        assert time.time() >= period_end  # it waited for the next period
        client = Client()
        password_login(client, user.email, next="/admin/")
        response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302 and signed_in_user_id(client) == str(user.pk)
