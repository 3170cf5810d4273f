"""Signing in and out through the real pages: passwords, redirects, throttling, hashers."""

from __future__ import annotations

import runpy
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth.hashers import identify_hasher
from django.test import override_settings

from partnerdesk.accounts import throttle
from partnerdesk.accounts.models import LoginFailure, User
from tests.accounts.helpers import Browser, Phone, location, sign_in, text_of
from tests.kit import PASSWORD, Workspace

pytestmark = pytest.mark.django_db

WRONG = "The e-mail address or the password is wrong."


def test_a_contact_signs_in_with_the_password_alone_and_out_again(ws: Workspace) -> None:
    contact = ws.member("contact")
    browser = Browser()

    response = sign_in(browser, contact.user.email, PASSWORD)

    assert location(response) == "/"
    home = browser.open("/")
    assert home.status_code == 200
    assert home.redirect_chain == [("/portal/", 302)]  # customer people start in the portal
    assert "My requests" in text_of(home) and "Contact" in text_of(home)

    signed_out = browser.submit(home, {}, action="/accounts/logout/")
    assert location(signed_out) == "/accounts/login/"
    login_page = browser.open("/accounts/login/")
    assert "You are signed out." in text_of(login_page)
    assert location(browser.get("/")) == "/accounts/login/"
    assert browser.get("/api/v1/me").status_code == 401


def test_the_address_is_not_case_sensitive(ws: Workspace) -> None:
    contact = ws.member("contact")
    response = sign_in(Browser(), contact.user.email.upper(), PASSWORD)
    assert location(response) == "/"


@pytest.mark.parametrize("who", ["wrong password", "unknown address"])
def test_a_wrong_password_or_address_is_refused_alike(ws: Workspace, who: str) -> None:
    email = ws.member("contact").user.email if who == "wrong password" else "nobody@example.test"
    browser = Browser()

    response = sign_in(browser, email, "not the password")

    assert response.status_code == 400
    assert WRONG in text_of(response)
    assert location(browser.get("/")) == "/accounts/login/"


def test_an_empty_form_names_the_fields(ws: Workspace) -> None:
    response = sign_in(Browser(), "", "")
    assert response.status_code == 400
    assert text_of(response).count("This field is required.") == 2


def test_a_deactivated_member_cannot_sign_in(ws: Workspace) -> None:
    contact = ws.member("contact")
    contact.is_active = False
    contact.save(update_fields=["is_active"])
    response = sign_in(Browser(), contact.user.email, PASSWORD)
    assert response.status_code == 400
    assert WRONG in text_of(response)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "https:evil.example",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
    ],
)
def test_next_never_leaves_the_site(ws: Workspace, target: str) -> None:
    response = sign_in(Browser(), ws.member("contact").user.email, PASSWORD, next_url=target)
    assert location(response) == "/"


def test_next_never_leaves_the_site_after_the_second_factor(
    ws: Workspace, frozen_clock: time_machine.Coordinates
) -> None:
    browser = Browser()
    response = sign_in(
        browser, ws.member("helpdesk_agent").user.email, PASSWORD, next_url="https://evil.example/"
    )
    assert location(response) == "/accounts/mfa/"
    enrol_page = browser.get("/accounts/mfa/")
    done = browser.submit(enrol_page, {"code": Phone.scan(enrol_page).code()})
    assert 'href="/"' in done.content.decode()
    assert "evil.example" not in done.content.decode()


def test_next_inside_the_site_is_followed(ws: Workspace) -> None:
    response = sign_in(
        Browser(), ws.member("contact").user.email, PASSWORD, next_url="/accounts/security/"
    )
    assert location(response) == "/accounts/security/"


def test_the_sign_in_form_needs_its_csrf_token(ws: Workspace) -> None:
    browser = Browser()
    response = browser.client.post(
        "/accounts/login/", {"email": ws.member("contact").user.email, "password": PASSWORD}
    )
    assert response.status_code == 403
    assert location(browser.get("/")) == "/accounts/login/"


# --- throttling --------------------------------------------------------------------------------


def test_five_failures_lock_the_account_for_fifteen_minutes(
    ws: Workspace, frozen_clock: time_machine.Coordinates
) -> None:
    email = ws.member("contact").user.email
    browser = Browser()
    for _ in range(throttle.MAX_PER_ACCOUNT):
        assert sign_in(browser, email, "guess").status_code == 400

    refused = sign_in(browser, email, PASSWORD)

    assert refused.status_code == 429
    assert "Too many failed sign-ins" in text_of(refused)
    assert location(browser.get("/")) == "/accounts/login/"

    frozen_clock.shift(throttle.WINDOW - timedelta(seconds=1))
    assert sign_in(Browser(), email, PASSWORD).status_code == 429

    frozen_clock.shift(timedelta(seconds=2))
    assert location(sign_in(browser, email, PASSWORD)) == "/"


def test_the_lock_is_per_account(ws: Workspace, frozen_clock: time_machine.Coordinates) -> None:
    for _ in range(throttle.MAX_PER_ACCOUNT):
        sign_in(Browser(), ws.member("contact").user.email, "guess")
    assert sign_in(Browser(), ws.member("contact").user.email, PASSWORD).status_code == 429
    assert location(sign_in(Browser(), ws.member("manager").user.email, PASSWORD)) == "/"


def test_many_failures_from_one_address_lock_that_address(
    ws: Workspace, frozen_clock: time_machine.Coordinates
) -> None:
    for n in range(throttle.MAX_PER_ADDRESS):
        sign_in(Browser(REMOTE_ADDR="192.0.2.7"), f"someone{n}@example.test", "guess")
    contact = ws.member("contact").user.email
    assert sign_in(Browser(REMOTE_ADDR="192.0.2.7"), contact, PASSWORD).status_code == 429
    assert location(sign_in(Browser(REMOTE_ADDR="192.0.2.8"), contact, PASSWORD)) == "/"


def test_a_success_forgets_earlier_failures(
    ws: Workspace, frozen_clock: time_machine.Coordinates
) -> None:
    email = ws.member("contact").user.email
    for _ in range(throttle.MAX_PER_ACCOUNT - 1):
        sign_in(Browser(), email, "guess")
    assert location(sign_in(Browser(), email, PASSWORD)) == "/"
    for _ in range(throttle.MAX_PER_ACCOUNT - 1):
        sign_in(Browser(), email, "guess")
    assert location(sign_in(Browser(), email, PASSWORD)) == "/"


def test_old_failures_are_pruned(ws: Workspace, frozen_clock: time_machine.Coordinates) -> None:
    sign_in(Browser(), ws.member("contact").user.email, "guess")
    assert LoginFailure.objects.count() == 2  # one per account, one per address
    frozen_clock.shift(throttle.WINDOW + timedelta(seconds=1))
    assert throttle.prune() == 2
    assert not LoginFailure.objects.exists()


# --- password hashing --------------------------------------------------------------------------


def test_production_hashes_with_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """The settings module, read as production reads it, prefers Argon2."""
    import partnerdesk.config.settings as test_settings

    monkeypatch.setenv("PARTNERDESK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-production-like-secret-" + "y" * 40)
    production: dict[str, Any] = runpy.run_path(str(Path(test_settings.__file__)))
    assert production["PASSWORD_HASHERS"][0] == (
        "partnerdesk.accounts.hashers.Argon2PasswordHasher"
    )
    # The test run uses a faster hasher, and still verifies Argon2 hashes.
    assert "partnerdesk.accounts.hashers.Argon2PasswordHasher" in test_settings.PASSWORD_HASHERS


def test_an_argon2_password_signs_in(ws: Workspace) -> None:
    import partnerdesk.config.settings as test_settings

    production_hashers = [h for h in test_settings.PASSWORD_HASHERS if "MD5" not in h]
    contact = ws.member("contact")
    with override_settings(PASSWORD_HASHERS=production_hashers):
        user = User.objects.get(pk=contact.user_id)
        user.set_password("a brand new passphrase")
        user.save(update_fields=["password"])
        assert identify_hasher(user.password).algorithm == "argon2"
        assert location(sign_in(Browser(), user.email, "a brand new passphrase")) == "/"
