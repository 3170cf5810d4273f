"""Recorded payloads shaped like the documentation's examples (and variants) all parse:
unknown enum values become "unknown" and are logged, nothing raises."""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path
from typing import Any

import pytest

from partnerdesk.connectors import wire
from partnerdesk.connectors.graph import parse as graph
from partnerdesk.connectors.partner_center import parse as pc

PAYLOADS = Path(__file__).parent / "payloads"


def load(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text())


@pytest.fixture(autouse=True)
def _fresh_log() -> None:
    wire._logged.clear()


def test_every_payload_parses_without_raising() -> None:
    parsers = {
        "pc_customers": pc.customers,
        "pc_customer_by_id": lambda p: [pc.customer(p)],
        "pc_subscriptions": pc.subscriptions,
        "pc_subscriptions_snake": pc.subscriptions,
        "pc_managed_services": pc.managed_services,
        "pc_incidents": pc.incidents,
        "graph_issues": lambda p: graph.issues(p["value"]),
        "graph_relationships": lambda p: [graph.relationship(v) for v in p["value"]],
        "graph_assignments": lambda p: [graph.assignment(v) for v in p["value"]],
        "graph_groups": lambda p: [graph.group(v, []) for v in p["value"]],
        "graph_members": lambda p: [graph.group({"id": "g"}, p["value"])],
    }
    for path in sorted(PAYLOADS.glob("*.json")):
        parser = next(f for prefix, f in parsers.items() if path.stem.startswith(prefix))
        assert parser(load(path.name)) is not None, path.name


def test_customers() -> None:
    customers = pc.customers(load("pc_customers.json"))
    assert [c.name for c in customers] == ["Contoso", "Fabrikam"]  # no tenant id: skipped
    assert customers[0].tenant_id == uuid.UUID("2b7f8c1d-7b26-4e5f-9b8e-4a1f0e2a8a11")
    assert customers[0].default_domain == "contoso.onmicrosoft.com"
    assert customers[0].country == "US"
    assert customers[0].allow_delegated_access is None  # the list does not say
    one = pc.customer(load("pc_customer_by_id.json"))
    assert one is not None and one.allow_delegated_access is True


def test_subscriptions_in_every_casing(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="partnerdesk.connectors")
    subs = {s.vendor_id: s for s in pc.subscriptions(load("pc_subscriptions.json"))}
    assert subs["a4c1340b-6733-4b3c-a5a6-3e3bbb7f0aa1"].status == "active"
    assert subs["a4c1340b-6733-4b3c-a5a6-3e3bbb7f0aa1"].quantity == 45
    assert subs["a4c1340b-6733-4b3c-a5a6-3e3bbb7f0aa1"].auto_renew is True
    assert str(subs["a4c1340b-6733-4b3c-a5a6-3e3bbb7f0aa1"].starts_on) == "2019-01-04"
    assert subs["sub-2"].status == "suspended" and subs["sub-2"].quantity == 5
    assert subs["sub-3"].status == "expired"  # the SDK's integer 4
    assert (subs["sub-4"].status, subs["sub-4"].raw_status) == ("unknown", "on_hold")
    assert subs["sub-5"].status == "unknown" and subs["sub-5"].offer_name == "sub-5"
    assert subs["sub-6"].status == "pending" and subs["sub-6"].ends_on is None
    assert subs["sub-6"].auto_renew is False
    assert "on_hold" in caplog.text
    snake = pc.subscriptions(load("pc_subscriptions_snake.json"))[0]
    assert (snake.status, snake.offer_name, snake.auto_renew) == ("deleted", "Intune", True)
    assert str(snake.starts_on) == "2024-04-30"  # +02:00 midnight is the 30th in UTC


def test_managed_services() -> None:
    services = pc.managed_services(load("pc_managed_services.json"))
    assert set(services) == {"Exchange", "MicrosoftCommunicationsOnline"}
    assert "CSDEST=Exchange" in services["Exchange"]["admin"]
    assert services["Exchange"]["health"].endswith("CSDEST=ServiceStatus")
    assert services["MicrosoftCommunicationsOnline"]["admin"] == ""


def test_service_incidents_grouped_and_flat() -> None:
    grouped = {i.vendor_id: i for i in pc.incidents(load("pc_incidents_grouped.json"))}
    assert set(grouped) == {"EX226792", "MC123456"}
    assert grouped["EX226792"].status == "warning"
    assert grouped["EX226792"].classification == "incident"
    assert grouped["EX226792"].source == "partner_center"
    assert grouped["EX226792"].ended_at is None  # 0001-01-01 is unset
    assert grouped["EX226792"].posts[0].body_html.startswith("Title: Some users")
    assert grouped["MC123456"].classification == "advisory"
    flat = {i.vendor_id: i for i in pc.incidents(load("pc_incidents_flat.json"))}
    assert flat["EX226792"].status == "critical"
    assert flat["SP1000"].is_resolved and flat["SP1000"].status == "serviceOperational"
    assert flat["SP1000"].service_name == "SharePoint Online"


def test_service_incidents_with_integers_and_unknowns(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="partnerdesk.connectors")
    found = {i.vendor_id: i for i in pc.incidents(load("pc_incidents_ints.json"))}
    assert set(found) == {"TM1", "TM2", "TM3"}
    assert found["TM1"].status == "critical" and found["TM1"].service_name == "Microsoft Teams"
    assert found["TM1"].started_at is not None and found["TM1"].started_at.tzinfo is not None
    assert (found["TM2"].status, found["TM2"].raw_status) == ("unknown", "9")
    assert (found["TM3"].status, found["TM3"].raw_status) == ("unknown", "emergency")
    assert "emergency" in caplog.text


def test_graph_issues_as_documented() -> None:
    issues = {i.vendor_id: i for i in graph.issues(load("graph_issues.json")["value"])}
    ex = issues["EX226792"]
    assert (ex.status, ex.classification, ex.origin) == ("serviceRestored", "incident", "microsoft")
    assert ex.is_resolved and ex.service_name == "Exchange Online"
    assert [p.post_type for p in ex.posts] == ["quick", "regular"]  # oldest first
    assert ex.posts[1].body_html.startswith("Title: Some users")
    assert issues["MO226784"].classification == "advisory"
    assert issues["MO226784"].ended_at is None


def test_graph_issue_variants(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="partnerdesk.connectors")
    issues = {i.vendor_id: i for i in graph.issues(load("graph_issues_variants.json")["value"])}
    assert set(issues) == {"EX1", "EX2", "EX3", "EX4"}
    assert issues["EX1"].status == "serviceInterruption"
    assert issues["EX1"].started_at is not None and issues["EX1"].started_at.hour == 9
    assert (issues["EX2"].status, issues["EX2"].classification) == ("extendedRecovery", "advisory")
    ex3 = issues["EX3"]
    assert (ex3.status, ex3.raw_status, ex3.classification) == (
        "unknown",
        "newShinyStatus",
        "unknown",
    )
    assert ex3.origin == "partner" and ex3.posts[0].post_type == "brandNew"
    assert len(ex3.posts) == 1  # a post without a time is dropped
    assert issues["EX4"].title == "EX4" and issues["EX4"].status == "unknown"
    assert "newShinyStatus" in caplog.text and "unknownFutureValue" in caplog.text


def test_relationships_assignments_groups() -> None:
    rels = [graph.relationship(v) for v in load("graph_relationships.json")["value"]]
    by_id = {r.vendor_id: r for r in rels if r is not None}
    assert set(by_id) == {
        "5d027261-d21f-4aa9-b7db-7fa1f56fb163-8777b240-c6f0-4469-9e98-a3205431b836",
        "rel-2",
        "rel-3",
        "rel-5",
    }
    first = by_id["5d027261-d21f-4aa9-b7db-7fa1f56fb163-8777b240-c6f0-4469-9e98-a3205431b836"]
    assert first.status == "active" and first.auto_extend == "PT0S"
    assert first.role_definition_ids[0] == "f023fd81-a637-4b56-95fd-791ac0226033"
    assert first.ends_at is not None and first.ends_at.year == 2024
    assert by_id["rel-2"].status == "approvalPending" and by_id["rel-2"].auto_extend == "P180D"
    assert (by_id["rel-3"].status, by_id["rel-3"].raw_status) == ("unknown", "suspendedForever")
    assert by_id["rel-5"].display_name == "rel-5" and by_id["rel-5"].status == "unknown"
    assignments = [
        graph.assignment(v, {"g2": "Group two"}) for v in load("graph_assignments.json")["value"]
    ]
    assert assignments[2] is None
    assert assignments[0] is not None and assignments[0].status == "active"
    assert assignments[1] is not None and assignments[1].status == "unknown"
    assert assignments[1].group_name == "Group two"
    group = graph.group(load("graph_groups.json")["value"][0], load("graph_members.json")["value"])
    assert group is not None and group.name == "Helpdesk agents"
    assert group.member_emails == ("jonas@nordwind-it.example", "lena@nordwind-it.example")
