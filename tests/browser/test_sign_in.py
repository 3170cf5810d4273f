"""Signing in, in a real browser: password, authenticator enrolment, recovery codes, home,
sign out, and signing in again with a code. Screenshots of every step land under
test-output/screenshots/<test name>/."""

from __future__ import annotations

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import Console, Shot
from tests.kit import PASSWORD, make_workspace

# Transactional: the live server's thread must see the test's rows. The serialized rollback
# keeps what migrations load (the default services) for each browser test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WRONG = "The e-mail address or the password is wrong."
BACKGROUND = "rgb(244, 246, 249)"  # desk.css --bg: the stylesheet is applied


def wait_for_a_fresh_step(margin: float = 10.0) -> None:
    """Sleep past the end of the current 30 s TOTP step when less than `margin` seconds of it
    are left: a code typed at a step's very end is checked in the next one, where the server
    accepts it as drift and then expects later codes shifted (a flaky sign-in)."""
    left = 30 - time.time() % 30
    if left < margin:
        time.sleep(left + 0.5)


def code_for(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app given `secret` shows now (or `steps_ahead` 30 s steps on:
    the server accepts one step of drift, and never the same step twice)."""
    key = b32decode(secret + "=" * (-len(secret) % 8))
    return f"{TOTP(key, drift=steps_ahead).token():06d}"


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_an_agent_enrols_an_authenticator_and_signs_in_again_with_a_code(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    ws = make_workspace("Nordwind IT")
    agent = ws.member("helpdesk_agent").user

    page.goto(live_server.url + "/accounts/login/")
    expect(page).to_have_title(re.compile("Sign in"))
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == BACKGROUND
    shot("sign-in")

    sign_in(page, live_server.url, agent.email, PASSWORD)
    expect(page).to_have_url(live_server.url + "/accounts/mfa/")
    expect(page.get_by_role("heading", name="Set up your authenticator")).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]+", secret), secret
    shot("enrol")

    wait_for_a_fresh_step()
    page.get_by_role("textbox", name=re.compile("code", re.I)).fill(code_for(secret))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.get_by_test_id("recovery-codes").locator("li")
    expect(codes).to_have_count(10)
    shot("recovery-codes")

    page.get_by_role("link", name="I have stored them").click()
    expect(page).to_have_url(live_server.url + "/desk/")  # staff start in the agent console
    expect(page.locator("header .who")).to_have_text(agent.full_name)
    shot("home")

    page.locator("header").get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(live_server.url + "/accounts/login/")
    shot("signed-out")

    sign_in(page, live_server.url, agent.email, PASSWORD)
    expect(page).to_have_url(live_server.url + "/accounts/mfa/")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    shot("second-step")
    page.get_by_role("textbox", name=re.compile("code", re.I)).fill(code_for(secret, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(live_server.url + "/desk/")  # staff start in the agent console
    expect(page.locator("header .who")).to_have_text(agent.full_name)
    shot("home-again")

    assert console.problems() == []


def test_a_wrong_password_shows_the_error(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    ws = make_workspace("Nordwind IT")

    sign_in(page, live_server.url, ws.member("helpdesk_agent").user.email, "not the password")

    expect(page.get_by_role("alert")).to_have_text(WRONG)
    expect(page).to_have_url(live_server.url + "/accounts/login/")
    assert page.get_by_label("Password").input_value() == ""
    shot("wrong-password")
    # The refusal itself is a 4xx page; nothing else may fail.
    assert [p for p in console.problems() if "/accounts/login/" not in p] == []


def test_the_sign_in_page_loads_cleanly(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.wait_for_load_state("networkidle")

    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == BACKGROUND
    shot("sign-in")
    assert console.problems() == []
