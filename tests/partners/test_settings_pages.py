"""The workspace and support-profile settings pages: who sees and changes what, and what a
bad input gets."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from partnerdesk.partners.enums import Instance, PartnerType
from partnerdesk.partners.models import Partner
from tests.accounts.helpers import Browser, audit_actions, field_errors, location, text_of
from tests.kit import CUSTOMER_PEOPLE, STAFF, Workspace, make_workspace, max_queries, session_client

pytestmark = pytest.mark.django_db

READ_ONLY_STAFF = [p for p in STAFF if p != "global_admin"]


def admin_browser(ws: Workspace) -> Browser:
    """A CSRF-enforcing browser signed in as the global admin, past the second factor."""
    browser = Browser()
    browser.client.cookies = session_client(ws.member("global_admin")).cookies
    return browser


def workspace_form(ws: Workspace, **changes: Any) -> dict[str, str]:
    p = ws.partner
    data = {
        "name": p.name,
        "time_zone": p.time_zone,
        "default_language": p.default_language,
        "instance": p.instance,
        "partner_type": p.partner_type,
        "provider": "",
        "provider_name": "",
        "provider_mpn_id": "",
        "mpn_id": p.mpn_id,
        "tenant_id": str(p.tenant_id or ""),
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("url", ["/settings/", "/settings/support/"])
def test_anonymous_visitors_are_sent_to_sign_in(url: str) -> None:
    response = Client().get(url)
    assert location(response) == "/accounts/login/?" + urlencode({"next": url})


@pytest.mark.parametrize("person", CUSTOMER_PEOPLE)
@pytest.mark.parametrize("url", ["/settings/", "/settings/support/"])
def test_customer_people_are_told_nothing_is_there(ws: Workspace, person: str, url: str) -> None:
    client = session_client(ws.member(person))
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Hijacked"}).status_code == 404
    ws.partner.refresh_from_db()
    assert ws.partner.name != "Hijacked"


def test_a_global_admin_gets_the_forms_and_the_whole_menu(ws: Workspace) -> None:
    client = session_client(ws.member("global_admin"))
    page = client.get("/settings/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="workspace-form"' in body
    for link in ("/settings/support/", "/settings/staff/", "/settings/tokens/"):
        assert f'href="{link}"' in body
    # Germany closed in 2021: not offered to a workspace that does not have it already.
    assert 'value="germany"' not in body
    assert 'value="Europe/Berlin"' in body
    assert 'data-testid="support-form"' in client.get("/settings/support/").content.decode()


@pytest.mark.parametrize("person", READ_ONLY_STAFF)
def test_other_staff_see_the_workspace_read_only(ws: Workspace, person: str) -> None:
    client = session_client(ws.member(person))
    for url in ("/settings/", "/settings/support/"):
        page = client.get(url)
        assert page.status_code == 200
        body = page.content.decode()
        assert '<form method="post" action="/settings/' not in body
        assert ws.partner.name in text_of(page)
        assert 'href="/settings/staff/"' not in body  # no staff section in the menu
        assert 'href="/settings/tokens/"' in body
    response = client.post("/settings/", workspace_form(ws, name="Hijacked"))
    assert response.status_code == 403
    response = client.post("/settings/support/", {"support_phone": "+1 555 0100"})
    assert response.status_code == 403
    ws.partner.refresh_from_db()
    assert ws.partner.name != "Hijacked"
    assert ws.partner.support_phone != "+1 555 0100"


def test_the_admin_changes_the_workspace(ws: Workspace) -> None:
    browser = admin_browser(ws)
    page = browser.get("/settings/")
    response = browser.submit(
        page,
        workspace_form(
            ws,
            name="Nordwind IT GmbH",
            time_zone="Europe/Berlin",
            default_language="de",
            mpn_id="1234567",
            tenant_id="3f2b7c1e-8d4a-4b6e-9f0a-1c2d3e4f5a6b",
        ),
    )
    assert location(response) == "/settings/"
    ws.partner.refresh_from_db()
    assert ws.partner.name == "Nordwind IT GmbH"
    assert ws.partner.time_zone == "Europe/Berlin"
    assert ws.partner.default_language == "de"
    assert ws.partner.mpn_id == "1234567"
    assert str(ws.partner.tenant_id) == "3f2b7c1e-8d4a-4b6e-9f0a-1c2d3e4f5a6b"
    assert "workspace.updated" in audit_actions(ws.partner.pk)
    after = browser.get("/settings/")
    assert "The workspace settings are saved." in text_of(after)


def test_the_admin_empties_the_tenant_id(ws: Workspace) -> None:
    Partner.objects.filter(pk=ws.partner.pk).update(
        tenant_id="3f2b7c1e-8d4a-4b6e-9f0a-1c2d3e4f5a6b"
    )
    browser = admin_browser(ws)
    page = browser.get("/settings/")
    response = browser.submit(page, workspace_form(ws, tenant_id=""))
    assert location(response) == "/settings/"
    ws.partner.refresh_from_db()
    assert ws.partner.tenant_id is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "   "}, "name", "This field is required."),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Select a valid choice."),
        ({"default_language": "xx"}, "default_language", "Select a valid choice."),
        ({"instance": "germany"}, "instance", "Select a valid choice."),
        ({"tenant_id": "not-a-uuid"}, "tenant_id", "Enter a valid UUID."),
        ({"partner_type": "indirect_reseller"}, "provider", "names its provider"),
        ({"provider": "3f2b7c1e-8d4a-4b6e-9f0a-1c2d3e4f5a6b"}, "provider", "valid choice"),
        ({"name": "x" * 201}, "name", "at most 200 characters"),
        ({"name": "bad\x00name"}, "name", "Null characters are not allowed."),
    ],
)
def test_bad_workspace_input_is_shown_next_to_the_field(
    ws: Workspace, changes: dict[str, str], field: str, message: str
) -> None:
    before = Partner.objects.values().get(pk=ws.partner.pk)
    browser = admin_browser(ws)
    response = browser.submit(browser.get("/settings/"), workspace_form(ws, **changes))
    assert response.status_code == 422
    errors = field_errors(response)
    assert any(message in e for e in errors.get(field, [])), errors
    assert Partner.objects.values().get(pk=ws.partner.pk) == before


def test_a_germany_workspace_keeps_its_closed_instance(db: Any) -> None:
    ws = make_workspace("Altbestand", instance=Instance.GERMANY)
    client = session_client(ws.member("global_admin"))
    assert 'value="germany"' in client.get("/settings/").content.decode()
    response = client.post("/settings/", workspace_form(ws, name="Altbestand GmbH"))
    assert location(response) == "/settings/"
    ws.partner.refresh_from_db()
    assert (ws.partner.name, ws.partner.instance) == ("Altbestand GmbH", Instance.GERMANY)


def test_a_reseller_names_its_provider_on_this_server_or_elsewhere(ws: Workspace) -> None:
    distri = make_workspace("Distri AG", partner_type=PartnerType.INDIRECT_PROVIDER)
    make_workspace("Direct Only")  # a direct-bill workspace is no provider
    client = session_client(ws.member("global_admin"))
    page = client.get("/settings/").content.decode()
    assert f'value="{distri.partner.pk}"' in page
    assert "Direct Only" not in page

    reseller = workspace_form(ws, partner_type=PartnerType.INDIRECT_RESELLER)
    response = client.post("/settings/", {**reseller, "provider": str(distri.partner.pk)})
    assert location(response) == "/settings/"
    ws.partner.refresh_from_db()
    assert ws.partner.provider_id == distri.partner.pk

    # The provider moves off this server: the name replaces the workspace.
    response = client.post(
        "/settings/", {**reseller, "provider_name": "Ingram", "provider_mpn_id": "998877"}
    )
    assert location(response) == "/settings/"
    ws.partner.refresh_from_db()
    assert (ws.partner.provider_id, ws.partner.provider_name) == (None, "Ingram")

    both = {**reseller, "provider": str(distri.partner.pk), "provider_name": "Ingram"}
    response = client.post("/settings/", both)
    assert response.status_code == 422
    assert "not both" in " ".join(field_errors(response)["provider_name"])


def test_the_read_only_page_shows_the_values(ws: Workspace) -> None:
    Partner.objects.filter(pk=ws.partner.pk).update(mpn_id="7654321", time_zone="Europe/Vienna")
    text = text_of(session_client(ws.member("sales_agent")).get("/settings/"))
    assert "7654321" in text and "Europe/Vienna" in text
    assert "Global (commercial)" in text


def test_the_admin_changes_the_support_profile_and_sees_the_preview(ws: Workspace) -> None:
    browser = admin_browser(ws)
    response = browser.submit(
        browser.get("/settings/support/"),
        {
            "support_email": "hilfe@nordwind.example",
            "support_phone": "+49 89 1234 5678",
            "support_website": "https://nordwind.example/support",
        },
    )
    assert location(response) == "/settings/support/"
    ws.partner.refresh_from_db()
    assert ws.partner.support_email == "hilfe@nordwind.example"
    assert ws.partner.support_phone == "+49 89 1234 5678"
    assert ws.partner.support_website == "https://nordwind.example/support"
    page = browser.get("/settings/support/").content.decode()
    preview = page[page.index('data-testid="support-preview"') :]
    assert 'href="tel:+498912345678"' in preview
    assert "hilfe@nordwind.example" in preview
    # Clearing a detail clears it.
    browser.submit(browser.get("/settings/support/"), {"support_phone": ""})
    ws.partner.refresh_from_db()
    assert ws.partner.support_phone == ""


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"support_email": "not-an-address"}, "support_email"),
        ({"support_phone": "call me maybe"}, "support_phone"),
        ({"support_phone": "+49 " + "1" * 40}, "support_phone"),
        ({"support_website": "javascript:alert(1)"}, "support_website"),
    ],
)
def test_bad_support_details_are_refused_next_to_the_field(
    ws: Workspace, data: dict[str, str], field: str
) -> None:
    before = Partner.objects.values().get(pk=ws.partner.pk)
    response = session_client(ws.member("global_admin")).post("/settings/support/", data)
    assert response.status_code == 422
    assert field_errors(response).get(field)
    assert Partner.objects.values().get(pk=ws.partner.pk) == before


def test_the_pages_cost_the_same_queries_however_many_providers(ws: Workspace) -> None:
    client = session_client(ws.member("global_admin"))
    client.get("/settings/")
    with max_queries(12) as few:
        client.get("/settings/")
    for n in range(5):
        make_workspace(f"Provider {n}", partner_type=PartnerType.INDIRECT_PROVIDER)
    with max_queries(len(few.captured_queries)):
        assert client.get("/settings/").status_code == 200
