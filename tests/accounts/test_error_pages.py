"""Every error a person can reach on the accounts pages is a readable page with its status."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.accounts.helpers import Browser, location, sign_in, text_of
from tests.kit import PASSWORD, Workspace, session_client

pytestmark = pytest.mark.django_db

REACHABLE_ERRORS = [
    ("get", "/accounts/nothing-here/", 404, "not_found"),
    ("get", "/accounts/security/recovery-codes/", 405, "method_not_allowed"),
    ("get", "/accounts/security/disable-mfa/", 405, "method_not_allowed"),
    ("put", "/accounts/login/", 405, "method_not_allowed"),
    ("delete", "/accounts/mfa/", 405, "method_not_allowed"),
    ("patch", "/accounts/reset/", 405, "method_not_allowed"),
    ("get", "/accounts/invitation/inv_nope/", 404, "invitation_invalid"),
    ("post", "/accounts/invitation/inv_nope/", 404, "invitation_invalid"),
    ("get", "/accounts/reset/bm9wZQ/abc-def/", 400, "reset_link_invalid"),
    (
        "get",
        "/accounts/reset/MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw/x-y/",
        400,
        "reset_link_invalid",
    ),
]


def assert_readable(response: Any, status: int, code: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    text = text_of(response)
    assert "Traceback" not in text
    assert "Partnerdesk" in text  # the site's layout, not a bare server page
    assert f"Error code: {code} · {status}" in text


@pytest.mark.parametrize("who", ["anonymous", "contact", "helpdesk_agent"])
@pytest.mark.parametrize(("method", "path", "status", "code"), REACHABLE_ERRORS)
def test_errors_are_readable_pages(
    ws: Workspace, who: str, method: str, path: str, status: int, code: str
) -> None:
    client = Client() if who == "anonymous" else session_client(ws.member(who))
    response = getattr(client, method)(path)
    assert_readable(response, status, code)


def test_a_wrong_method_says_which_are_allowed(ws: Workspace) -> None:
    response = Client().get("/accounts/security/disable-mfa/")
    assert response["Allow"] == "POST"
    assert "This address is not meant to be opened like this." in text_of(response)


def test_a_typed_sign_out_address_asks_first(ws: Workspace) -> None:
    browser = Browser()
    sign_in(browser, ws.member("contact").user.email, PASSWORD)
    page = browser.get("/accounts/logout/")
    assert page.status_code == 200
    assert "Do you want to sign out of Partnerdesk?" in text_of(page)
    assert browser.open("/").status_code == 200  # a GET changed nothing
    assert location(Browser().get("/accounts/logout/")) == "/accounts/login/"


def test_the_security_page_asks_to_sign_in_and_comes_back(ws: Workspace) -> None:
    browser = Browser()
    to_login = location(browser.get("/accounts/security/"))
    assert to_login == "/accounts/login/?next=%2Faccounts%2Fsecurity%2F"
    page = browser.get(to_login)
    back = browser.submit(page, {"email": ws.member("contact").user.email, "password": PASSWORD})
    assert location(back) == "/accounts/security/"
    assert browser.get("/accounts/security/").status_code == 200


def test_a_form_without_its_csrf_token_is_refused_without_a_traceback(ws: Workspace) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/reset/", {"email": "x@example.test"})
    assert response.status_code == 403
    assert "Traceback" not in text_of(response)
