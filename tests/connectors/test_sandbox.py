"""Connectors against the sandbox vendor over real HTTP: the auth model, the syncs, retries,
failures that keep the last good data, and an expired consent."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

from partnerdesk.connectors import sync
from partnerdesk.connectors.models import ConnectionStatus, VendorConnection
from partnerdesk.connectors.sandbox.scenarios import morning_outage as scenario
from partnerdesk.core import feeds
from partnerdesk.core.models import FeedState
from partnerdesk.customers.models import Customer
from partnerdesk.customers.models_services import Subscription
from partnerdesk.health.models import Incident
from tests.kit import Workspace

from .conftest import Sandbox

PC_SCOPE = "https://api.partnercenter.microsoft.com/user_impersonation"


def token(
    sandbox: Sandbox, *, grant: str, scope: str, tenant: str = scenario.PARTNER_TENANT
) -> str:
    form = {
        "grant_type": grant,
        "client_id": "partnerdesk-demo",
        "client_secret": "s",
        "scope": scope,
    }
    if grant == "refresh_token":
        form["refresh_token"] = "sandbox-demo-refresh-token"
    answer = httpx.post(f"{sandbox.url}/login/{tenant}/oauth2/v2.0/token", data=form)
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def test_partner_center_refuses_app_only_tokens(sandbox: Sandbox) -> None:
    app_only = token(sandbox, grant="client_credentials", scope=PC_SCOPE)
    refused = httpx.get(
        f"{sandbox.url}/partner_center/v1/customers?size=10",
        headers={"Authorization": f"Bearer {app_only}"},
    )
    assert refused.status_code == 403
    assert "App+User" in refused.json()["description"]
    app_user = token(sandbox, grant="refresh_token", scope=PC_SCOPE)
    listed = httpx.get(
        f"{sandbox.url}/partner_center/v1/customers?size=2",
        headers={"Authorization": f"Bearer {app_user}"},
    )
    assert listed.status_code == 200 and len(listed.json()["items"]) == 2
    assert listed.json()["links"]["next"]["headers"][0]["key"] == "MS-ContinuationToken"


def test_graph_answers_for_the_token_tenant(sandbox: Sandbox) -> None:
    graph = "https://graph.microsoft.com/.default"
    issues = f"{sandbox.url}/graph/v1.0/admin/serviceAnnouncement/issues"
    partner = token(sandbox, grant="refresh_token", scope=graph)
    ids = {
        i["id"]
        for i in httpx.get(issues, headers={"Authorization": f"Bearer {partner}"}).json()["value"]
    }
    assert "EX226792" in ids and "EX226815" not in ids
    stadtwerke = token(sandbox, grant="refresh_token", scope=graph, tenant=scenario.STADTWERKE)
    own = httpx.get(issues, headers={"Authorization": f"Bearer {stadtwerke}"}).json()["value"]
    assert [i["id"] for i in own] == ["EX226815"]
    kanzlei = token(sandbox, grant="refresh_token", scope=graph, tenant=scenario.KANZLEI)
    assert httpx.get(issues, headers={"Authorization": f"Bearer {kanzlei}"}).status_code == 403


def test_sync_partner_center_then_health(connected: Workspace, sandbox: Sandbox) -> None:
    partner_id = connected.partner.pk
    report = sync.sync_partner_center(partner_id)
    assert report.failed == [], report
    huber = Customer.objects.get(partner_id=partner_id, tenant_id=uuid.UUID(scenario.HUBER))
    assert Subscription.objects.filter(customer=huber).count() == 2
    services = feeds.state_for(connected.system(), feeds.MANAGED_SERVICES, customer_id=huber.pk)
    assert services is not None and "CSDEST=Exchange" in services.data["Exchange"]["admin"]

    report = sync.sync_health(partner_id)
    assert report.failed == [], report
    ex = Incident.objects.get(partner_id=partner_id, vendor_id="EX226792")
    assert ex.status == "investigating" and not ex.is_resolved and ex.scope == "service_wide"
    # The customer tenant's own issue: only where an active relationship reads health.
    tenant_ids = set(
        Incident.objects.filter(partner_id=partner_id, scope="tenant").values_list(
            "vendor_id", flat=True
        )
    )
    assert tenant_ids == {"EX226815"}

    sandbox.knob("advance", minutes=200)  # to 11:40 and beyond: restored
    sync.sync_health(partner_id)
    ex.refresh_from_db()
    assert ex.status == "serviceRestored" and ex.is_resolved
    assert ex.posts.count() == 4
    assert "restored" in ex.posts.order_by("-posted_at").first().body_html  # type: ignore[union-attr]


def test_429_is_retried_honouring_retry_after(connected: Workspace, sandbox: Sandbox) -> None:
    sandbox.knob("throttle", count=1, retry_after="3")
    report = sync.sync_health(connected.partner.pk)
    assert feeds.PARTNER_HEALTH in report.ok
    assert sandbox.waits == [3.0]
    assert Incident.objects.filter(partner_id=connected.partner.pk, vendor_id="EX226792").exists()


def test_500s_fail_the_feed_and_keep_the_last_good_data(
    connected: Workspace, sandbox: Sandbox
) -> None:
    partner_id = connected.partner.pk
    sync.sync_health(partner_id)
    good = feeds.state_for(connected.system(), feeds.PARTNER_HEALTH)
    assert good is not None and good.last_success_at is not None
    sandbox.knob("fail", count=6)  # Graph's three attempts, then Partner Center's three
    report = sync.sync_health(partner_id)
    assert feeds.PARTNER_HEALTH in report.failed
    assert feeds.PARTNER_CENTER_INCIDENTS in report.failed
    state = feeds.state_for(connected.system(), feeds.PARTNER_HEALTH)
    assert state is not None and state.error_code == feeds.VENDOR_ERROR
    assert state.last_success_at == good.last_success_at
    assert Incident.objects.filter(partner_id=partner_id, vendor_id="EX226792").exists()
    assert len(sandbox.waits) == 4  # two waits per feed


def test_graph_down_falls_back_to_partner_center(connected: Workspace, sandbox: Sandbox) -> None:
    sandbox.knob("fail", count=3)
    report = sync.sync_health(connected.partner.pk)
    assert report.ok[0] == feeds.PARTNER_CENTER_INCIDENTS
    found = Incident.objects.get(partner_id=connected.partner.pk, vendor_id="EX226792")
    assert found.source == "partner_center"


def test_consent_expired_marks_the_connection_and_every_feed(
    connected: Workspace, sandbox: Sandbox
) -> None:
    partner_id = connected.partner.pk
    sync.sync_health(partner_id)
    sandbox.knob("expire")
    from partnerdesk.connectors import auth

    auth.clear_cache()
    report = sync.sync_health(partner_id)
    assert feeds.CONSENT_EXPIRED in report.failed
    connection = VendorConnection.objects.get(partner_id=partner_id)
    assert connection.status == ConnectionStatus.CONSENT_EXPIRED
    assert "AADSTS700082" in connection.status_detail
    state = feeds.state_for(connected.system(), feeds.PARTNER_HEALTH)
    assert state is not None and state.error_code == feeds.CONSENT_EXPIRED
    assert state.last_success_at is not None
    # Later runs skip the workspace instead of failing again.
    assert sync.sync_health(partner_id).skipped
    assert Incident.objects.filter(partner_id=partner_id, vendor_id="EX226792").exists()


def test_a_workspace_sync_writes_only_its_own_rows(
    connected: Workspace, other_ws: Workspace, sandbox: Sandbox
) -> None:
    before = (
        Customer.objects.filter(partner=other_ws.partner).count(),
        FeedState.objects.filter(partner_id=other_ws.partner.pk).count(),
    )
    sync.sync_partner_center(connected.partner.pk)
    sync.sync_health(connected.partner.pk)
    assert sync.sync_health(other_ws.partner.pk).skipped == "not connected"
    assert Incident.objects.filter(partner_id=other_ws.partner.pk).count() == 0
    assert Subscription.objects.filter(partner_id=other_ws.partner.pk).count() == 0
    after = (
        Customer.objects.filter(partner=other_ws.partner).count(),
        FeedState.objects.filter(partner_id=other_ws.partner.pk).count(),
    )
    assert before == after


def test_tasks_fan_out_per_workspace_and_run_twice(
    connected: Workspace, other_ws: Workspace, sandbox: Sandbox
) -> None:
    from partnerdesk.connectors import tasks

    assert tasks.sync_health.call() == 1  # only the connected workspace
    assert tasks.sync_partner_center.call() == 1
    partner_id = str(connected.partner.pk)
    first = tasks.sync_health_for.call(partner_id=partner_id)
    second = tasks.sync_health_for.call(partner_id=partner_id)
    assert first == second and "failed: -" in first
    assert (
        Incident.objects.filter(partner_id=connected.partner.pk, vendor_id="EX226792").count() == 1
    )
    assert tasks.sync_health_for.call(partner_id=str(other_ws.partner.pk)) == "not connected"


def test_clients_follow_continuation_tokens_and_next_links(
    connected: Workspace, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from partnerdesk.connectors.graph import client as graph_client

    monkeypatch.setattr(graph_client, "PAGE_SIZE", 1)
    with sync._session(connected.partner.pk, "test") as session:
        assert not isinstance(session, str)
        customers = session.partner_center.customers(size=2)
        assert {str(c.tenant_id) for c in customers} == {
            scenario.HUBER,
            scenario.STADTWERKE,
            scenario.KANZLEI,
        }
        issues = session.graph.issues()
        assert {"EX226792", "TM226801"} <= {i.vendor_id for i in issues}
        groups = session.graph.groups()
        assert len(groups) == 2 and all(g.member_emails for g in groups)
    paths = [r["path"] for r in sandbox.state.requests]
    assert paths.count("/partner_center/v1/customers") == 2
    assert paths.count("/graph/v1.0/admin/serviceAnnouncement/issues") == len(issues)


def test_a_restarted_sandbox_keeps_the_vendors_history_and_consents(tmp_path: Path) -> None:
    """The vendor's past never moves: after a restart (make run again) an incident started
    when it did, its posts keep their times, and consents given before still work."""
    from partnerdesk.connectors.sandbox.server import build_state

    path = tmp_path / "sandbox.json"
    first = build_state(state_file=str(path))
    token = first.issue_refresh(client_id="app", tenant="t")
    again = build_state(state_file=str(path))
    assert again.started_at == first.started_at
    assert abs(again.minute() - first.minute()) < 0.1
    assert again.grant_for(token) is not None
