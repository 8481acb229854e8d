"""Member names are screened against the blocked terms: at sign-up, and when an admin changes
them in the Wagtail or Django admin (the only places a name changes)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from community.models import User
from moderation.models import BlockedTerm
from moderation.prescreen import blocked_terms_in_name
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def terms(db):
    BlockedTerm.objects.create(term="acmesucks")
    BlockedTerm.objects.create(term="scam")
    BlockedTerm.objects.create(term="ass")


def sign_up(username: str, email: str = "new@example.com"):
    from django.test import Client

    return Client().post(
        reverse("account_signup"),
        {
            "email": email,
            "username": username,
            "password1": "a long pass phrase 42",
            "password2": "a long pass phrase 42",
        },
    )


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("AcmeSucks", ["acmesucks"]),
        ("i_love_acme.sucks", ["acmesucks"]),
        ("acme-sucks-99", ["acmesucks"]),
        ("big_scam_co", ["scam"]),
        ("ScamBot", ["scam"]),  # four letters or more match inside the name
        ("scam2024", ["scam"]),
        ("bass_player", []),  # shorter terms match only as words: "ass" is not in "bass" …
        ("classic_cups", []),
        ("my_ass_cups", ["ass"]),  # … but is one here
        ("designer", []),
    ],
)
def test_name_matching(name, found):
    assert blocked_terms_in_name(name) == found


def test_sign_up_with_a_blocked_name_is_refused_with_a_clear_message():
    response = sign_up("AcmeSucks")
    assert response.status_code == 200  # the form again, with the error
    assert "not allowed here" in response.content.decode()
    assert "acmesucks" in response.content.decode()
    assert not User.objects.filter(username__iexact="acmesucks").exists()


def test_sign_up_with_a_clean_name_works():
    assert sign_up("cup_designer").status_code == 302
    assert User.objects.filter(username="cup_designer").exists()


def test_model_validation_refuses_blocked_names_in_every_name_field():
    user = factories.UserFactory()
    user.username, user.first_name = "scam_central", "Big Scam"
    with pytest.raises(ValidationError) as refused:
        user.full_clean()
    assert set(refused.value.message_dict) == {"username", "first_name"}


def test_wagtail_admin_refuses_renaming_a_member_to_a_blocked_name():
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    member = factories.UserFactory(username="painter")
    url = reverse("wagtailusers_users:edit", args=[member.pk])
    client = client_for(admin)
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "username": "acme_sucks",
            "email": member.email,
            "first_name": "",
            "last_name": "",
            "password1": "",
            "password2": "",
            "is_active": "on",
            "groups": [],
        },
    )
    assert response.status_code == 200
    assert "not allowed here" in response.content.decode()
    member.refresh_from_db()
    assert member.username == "painter"


def test_django_admin_refuses_renaming_a_member_to_a_blocked_name():
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    member = factories.UserFactory(username="sculptor")
    url = reverse("admin:community_user_change", args=[member.pk])
    client = client_for(admin)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "username": "scam-artist",
            "email": member.email,
            "date_joined_0": "2025-01-01",
            "date_joined_1": "10:00:00",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "not allowed here" in response.content.decode()
    member.refresh_from_db()
    assert member.username == "sculptor"
