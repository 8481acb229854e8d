"""A security key (allauth's WebAuthn) as a second factor, in a real browser: Chromium's
virtual authenticator (DevTools protocol: WebAuthn.enable, WebAuthn.addVirtualAuthenticator)
stands in for the key. A moderator who signed in with TOTP adds a key, signs out, and signs in
again with the password and the key."""

import re

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests import factories
from tests.browser.test_journey import PASSWORD_LABEL, sign_in
from tests.factories import FACTORY_PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_moderator_adds_a_security_key_and_signs_in_with_it(live_server, new_context, settings):
    # The live server speaks plain HTTP on localhost: allowed for WebAuthn in tests only.
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    moderator = factories.moderator(email="mod@example.com")
    context = new_context()
    context.set_default_timeout(60_000)  # a busy machine: the first page may take a while
    page = context.new_page()
    devtools = context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )

    sign_in(page, moderator.email)  # with the TOTP authenticator staff must have
    page.goto("/accounts/2fa/webauthn/add/")
    if "/reauthenticate/" in page.url:  # adding a key asks for the password again
        page.get_by_label(PASSWORD_LABEL).fill(FACTORY_PASSWORD)
        page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/webauthn/add/"))
    page.get_by_label(re.compile(r"^Name:?$")).fill("Desk key")
    page.get_by_role("button", name="Add").click()
    # The browser's WebAuthn ceremony, then the form's post: more than expect's 5 s on a busy CI.
    expect(page).not_to_have_url(re.compile(r"/webauthn/add/"), timeout=60_000)
    keys = Authenticator.objects.filter(user=moderator, type=Authenticator.Type.WEBAUTHN)
    assert keys.count() == 1
    assert keys.get().wrap().name == "Desk key"

    context.clear_cookies()  # signed out
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(moderator.email)
    page.get_by_label(PASSWORD_LABEL).fill(FACTORY_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"), timeout=60_000)
    page.get_by_role("button", name=re.compile("security key", re.IGNORECASE)).click()
    # also behind the phone menu
    expect(page.locator("#site-nav")).to_contain_text("Signed in as", timeout=60_000)
    assert context.page_errors == []
    # The moderation desk opens: the key counts as the second factor staff need.
    page.goto("/admin/moderation/")
    expect(page).to_have_url(re.compile(r"/admin/moderation/"))
