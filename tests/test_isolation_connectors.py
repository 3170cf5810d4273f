"""Isolation of the vendor connection: a workspace's page, consent message and syncs touch
its own connection only."""

from __future__ import annotations

from partnerdesk.connectors import actions, selectors
from partnerdesk.connectors.models import VendorConnection
from tests.kit import Workspace, session_client


def _app(client_id: str) -> actions.AppSettings:
    return actions.AppSettings(
        client_id=client_id,
        client_secret="secret",
        login_url="https://login.microsoftonline.com",
        partner_center_url="https://api.partnercenter.microsoft.com",
        graph_url="https://graph.microsoft.com",
    )


def test_the_page_shows_only_the_workspaces_connection(ws: Workspace, other_ws: Workspace) -> None:
    actions.save_app(other_ws.actor("global_admin"), app=_app("alpen-secret-app-id"))
    page = session_client(ws.member("global_admin")).get("/settings/connectors/")
    assert page.status_code == 200
    assert "alpen-secret-app-id" not in page.content.decode()
    actions.save_app(ws.actor("global_admin"), app=_app("nordwind-app-id"))
    assert selectors.connection_for(ws.actor("global_admin")).client_id == "nordwind-app-id"  # type: ignore[union-attr]
    assert VendorConnection.objects.get(partner=other_ws.partner).client_id == "alpen-secret-app-id"


def test_consent_problem_and_marks_stay_in_their_workspace(
    ws: Workspace, other_ws: Workspace
) -> None:
    actions.save_app(ws.actor("global_admin"), app=_app("a"))
    actions.save_app(other_ws.actor("global_admin"), app=_app("b"))
    actions.mark_consent_expired(other_ws.system(), message="AADSTS700082")
    assert selectors.consent_problem(other_ws.actor("global_admin")) is not None
    assert selectors.consent_problem(ws.actor("global_admin")) is None
    assert VendorConnection.objects.get(partner=ws.partner).status == "not_connected"


def test_connected_workspaces_for_a_member_is_their_own(ws: Workspace, other_ws: Workspace) -> None:
    actions.connect_sandbox(
        other_ws.actor("global_admin"), base_url="http://127.0.0.1:1", refresh_token="t"
    )
    assert selectors.connected_workspaces(ws.actor("global_admin")) == []
    assert selectors.connected_workspaces(other_ws.system()) == [other_ws.partner.pk]
