"""Deployment-dependent request facts: the client address, the CSRF failure page."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from partnerdesk.core.http import client_address


def test_without_a_proxy_the_socket_address_counts(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PARTNERDESK_BEHIND_PROXY = False
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "203.0.113.9"


def test_behind_a_proxy_the_hop_it_appended_counts(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PARTNERDESK_BEHIND_PROXY = True
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7"
    )
    # The client may forge the first entry, never the one our proxy appends.
    assert client_address(request) == "198.51.100.7"


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_gets_a_readable_page() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"email": "a@example.test", "password": "x"})
    assert response.status_code == 403
    assert b"reload the page" in response.content
    assert b"csrf_failed" in response.content
