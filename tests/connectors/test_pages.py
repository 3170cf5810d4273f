"""The Microsoft connection page: the consent flow through the pages against the sandbox
(authorize → callback → connected), who may see it, and the expired-consent message."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from partnerdesk.connectors import auth, selectors, sync
from partnerdesk.connectors.models import ConnectionStatus, VendorConnection
from partnerdesk.connectors.sandbox.scenarios import morning_outage as scenario
from partnerdesk.core import feeds
from tests.kit import Workspace, make_workspace, session_client

from .conftest import Sandbox

SETTINGS = "/settings/connectors/"


def _save_app(client: object, sandbox: Sandbox, **extra: str) -> object:
    endpoints = auth.sandbox_endpoints(sandbox.url)
    return client.post(  # type: ignore[attr-defined]
        SETTINGS,
        {
            "client_id": "nordwind-app",
            "client_secret": "s3cret",
            "login_url": endpoints.login_url,
            "partner_center_url": endpoints.partner_center_url,
            "graph_url": endpoints.graph_url,
            **extra,
        },
    )


def test_consent_flow_through_the_pages(db: None, sandbox: Sandbox) -> None:
    ws = make_workspace("Nordwind IT", tenant_id=uuid.UUID(scenario.PARTNER_TENANT))
    owner = session_client(ws.member("global_admin"))
    assert _save_app(owner, sandbox).status_code == 302
    stored = VendorConnection.objects.get(partner=ws.partner)
    assert stored.client_secret and "s3cret" not in stored.client_secret
    assert stored.status == ConnectionStatus.NOT_CONNECTED

    start = owner.post("/settings/connectors/connect/")
    assert start.status_code == 302
    authorize = start["Location"]
    assert authorize.startswith(
        f"{sandbox.url}/login/{scenario.PARTNER_TENANT}/oauth2/v2.0/authorize"
    )
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["state"]

    consent = httpx.get(authorize, follow_redirects=False)  # the sandbox auto-consents
    assert consent.status_code == 302
    back = urlsplit(consent.headers["Location"])
    assert back.path == "/settings/connectors/callback/"
    done = owner.get(back.path + "?" + back.query)
    assert done.status_code == 302 and done["Location"] == SETTINGS

    stored.refresh_from_db()
    assert stored.status == ConnectionStatus.CONNECTED
    assert stored.consented_by_id == ws.member("global_admin").pk
    assert auth.decrypt(stored.refresh_token).startswith("sbx-rt-")
    # The consent works: a sync reads the partner's health with it.
    assert feeds.PARTNER_HEALTH in sync.sync_health(ws.partner.pk).ok
    page = owner.get(SETTINGS)
    assert page.status_code == 200
    assert 'data-testid="sync-now"' in page.content.decode()


def test_a_callback_with_a_foreign_state_connects_nothing(db: None, sandbox: Sandbox) -> None:
    ws = make_workspace("Nordwind IT")
    owner = session_client(ws.member("global_admin"))
    _save_app(owner, sandbox)
    owner.post("/settings/connectors/connect/")
    response = owner.get("/settings/connectors/callback/?code=x&state=forged", follow=True)
    assert "did not start here" in response.content.decode()
    assert VendorConnection.objects.get(partner=ws.partner).status == "not_connected"


def test_who_sees_the_page(ws: Workspace) -> None:
    assert session_client(ws.member("global_admin")).get(SETTINGS).status_code == 200
    assert session_client(ws.member("helpdesk_agent")).get(SETTINGS).status_code == 403
    assert session_client(ws.member("contact")).get(SETTINGS).status_code == 404
    from django.test import Client

    assert Client().get(SETTINGS).status_code == 302


def test_defaults_follow_the_instance(db: None, settings: object) -> None:
    ws = make_workspace("Beijing Cloud", instance="china_21vianet")
    page = session_client(ws.member("global_admin")).get(SETTINGS).content.decode()
    assert "https://login.chinacloudapi.cn" in page
    assert "https://partner.partnercenterapi.microsoftonline.cn" in page
    settings.PARTNERDESK_SANDBOX_VENDOR_URL = "http://127.0.0.1:8765"  # type: ignore[attr-defined]
    page = session_client(ws.member("global_admin")).get(SETTINGS).content.decode()
    assert "http://127.0.0.1:8765/login" in page


def test_sync_now_enqueues(connected: Workspace) -> None:
    response = session_client(connected.member("global_admin")).post("/settings/connectors/sync/")
    assert response.status_code == 302


@pytest.mark.parametrize("person", ["global_admin"])
def test_expired_consent_tells_the_owner_and_nothing_else_breaks(
    connected: Workspace, sandbox: Sandbox, person: str
) -> None:
    sync.sync_health(connected.partner.pk)
    sandbox.knob("revoke")
    auth.clear_cache()
    sync.sync_partner_center(connected.partner.pk)
    owner = connected.actor(person)
    problem = selectors.consent_problem(owner)
    assert problem is not None
    assert "Microsoft refused the stored consent" in problem and "AADSTS50173" in problem
    assert selectors.consent_problem(connected.actor("helpdesk_agent")) is None
    client = session_client(connected.member(person))
    page = client.get(SETTINGS).content.decode()
    assert 'data-testid="consent-problem"' in page and "sign in again as a partner admin" in page
    assert "Consent expired" in page
    for other in ("/desk/", "/settings/"):
        assert client.get(other).status_code in (200, 302), other
    # Every console page loads the owner's banner after it; others get an empty fragment.
    desk = client.get("/desk/").content.decode()
    assert 'hx-get="/settings/connectors/banner/"' in desk
    banner = client.get("/settings/connectors/banner/").content.decode()
    assert 'data-testid="consent-banner"' in banner and "AADSTS50173" in banner
    agent = session_client(connected.member("helpdesk_agent"))
    assert "/settings/connectors/banner/" not in agent.get("/desk/").content.decode()
    assert "consent-banner" not in agent.get("/settings/connectors/banner/").content.decode()
