"""/api/v1/vendor-targets: the table, a change, a reset, what bad input gets, who may."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from partnerdesk.core.models import AuditEntry
from partnerdesk.sla.models import VendorResponseTarget
from tests.kit import CUSTOMER_PEOPLE, STAFF, Workspace, api_client, max_queries, problem

pytestmark = pytest.mark.django_db

URL = "/api/v1/vendor-targets"


def cell(rows: list[dict[str, Any]], language: str, kind: str, severity: str) -> dict[str, Any]:
    [found] = [
        r for r in rows if (r["language"], r["kind"], r["severity"]) == (language, kind, severity)
    ]
    return found


def put(client: Client, path: str, **body: Any) -> Any:
    return client.put(f"{URL}/{path}", body, content_type="application/json")


@pytest.mark.parametrize("person", STAFF)
def test_staff_read_the_programme_figures(ws: Workspace, person: str) -> None:
    client = api_client(ws.member(person))
    with max_queries(8):
        response = client.get(URL)
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 12
    assert {r["instance"] for r in rows} == {ws.partner.instance}
    english_a = cell(rows, "english", "break-fix", "A")
    assert (english_a["minutes"], english_a["business_hours"]) == (120, False)
    local_b = cell(rows, "local", "break-fix", "B")
    assert (local_b["minutes"], local_b["business_hours"]) == (240, True)
    advice = cell(rows, "english", "advice", "C")
    assert (advice["minutes"], advice["business_hours"], advice["break_fix"]) == (480, True, False)
    assert all(r["is_default"] for r in rows)
    assert "Microsoft CSP programme figure" in english_a["source"]


def test_the_owner_changes_a_target_and_puts_it_back(ws: Workspace) -> None:
    client = api_client(ws.member("global_admin"))
    path = f"{ws.partner.instance}/english/B/break-fix"
    response = put(client, path, minutes=300, business_hours=True)
    assert response.status_code == 200, response.content
    changed = response.json()
    assert (changed["minutes"], changed["business_hours"], changed["is_default"]) == (
        300,
        True,
        False,
    )
    assert (changed["default_minutes"], changed["default_business_hours"]) == (240, False)
    listed = cell(client.get(URL).json(), "english", "break-fix", "B")
    assert listed == changed
    assert list(
        AuditEntry.objects.filter(
            partner_id=ws.partner.pk, action__startswith="vendor_target"
        ).values_list("action", flat=True)
    ) == ["vendor_target.set"]

    entry = AuditEntry.objects.get(partner_id=ws.partner.pk, action="vendor_target.set")
    assert entry.data["before"] == {"minutes": 240, "business_hours": False}
    assert (entry.data["minutes"], entry.data["business_hours"]) == (300, True)

    response = client.delete(f"{URL}/{path}")
    assert response.status_code == 200
    assert (response.json()["minutes"], response.json()["is_default"]) == (240, True)
    assert cell(client.get(URL).json(), "english", "break-fix", "B")["is_default"]
    assert not VendorResponseTarget.objects.filter(partner=ws.partner).exists()
    assert AuditEntry.objects.filter(
        partner_id=ws.partner.pk, action="vendor_target.reset"
    ).exists()


def test_setting_the_default_again_leaves_no_override(ws: Workspace) -> None:
    client = api_client(ws.member("global_admin"))
    path = f"{ws.partner.instance}/local/C/advice"
    put(client, path, minutes=240, business_hours=True)
    assert VendorResponseTarget.objects.filter(partner=ws.partner).count() == 1
    response = put(client, path, minutes=480, business_hours=True)
    assert response.json()["is_default"] is True
    assert not VendorResponseTarget.objects.filter(partner=ws.partner).exists()


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("{instance}/english/A/break-fix", {"minutes": 0, "business_hours": False}, "minutes"),
        ("{instance}/english/A/break-fix", {"minutes": -30, "business_hours": False}, "minutes"),
        ("{instance}/english/A/break-fix", {"minutes": 10**7, "business_hours": False}, "minutes"),
        ("{instance}/english/A/break-fix", {"minutes": "soon", "business_hours": False}, "minutes"),
        ("{instance}/english/A/break-fix", {"minutes": 60}, "business_hours"),
        ("{instance}/klingon/A/break-fix", {"minutes": 60, "business_hours": False}, "language"),
        ("{instance}/english/D/break-fix", {"minutes": 60, "business_hours": False}, "severity"),
        ("{instance}/english/A/repair", {"minutes": 60, "business_hours": False}, "kind"),
        ("moon/english/A/break-fix", {"minutes": 60, "business_hours": False}, "instance"),
        # The workspace is on the global instance: another instance's table is not its own.
        ("us_government/english/A/break-fix", {"minutes": 60, "business_hours": False}, "instance"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    ws: Workspace, path: str, body: dict[str, Any], field: str
) -> None:
    assert ws.partner.instance == "global"
    client = api_client(ws.member("global_admin"))
    response = client.put(
        f"{URL}/{path.format(instance=ws.partner.instance)}", body, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert field in {e["field"] for e in problem(response)["errors"]}
    assert not VendorResponseTarget.objects.exists()


def test_reset_with_an_unknown_kind_is_a_422(ws: Workspace) -> None:
    response = api_client(ws.member("global_admin")).delete(f"{URL}/global/english/A/whatever")
    assert response.status_code == 422
    assert [e["field"] for e in problem(response)["errors"]] == ["kind"]


@pytest.mark.parametrize("person", [p for p in STAFF if p != "global_admin"])
def test_other_staff_may_not_change_targets(ws: Workspace, person: str) -> None:
    client = api_client(ws.member(person))
    path = f"{ws.partner.instance}/english/A/break-fix"
    assert put(client, path, minutes=60, business_hours=False).status_code == 403
    assert put(client, "x/y/z/nonsense", minutes=0, business_hours=False).status_code == 403
    assert client.delete(f"{URL}/{path}").status_code == 403
    assert not VendorResponseTarget.objects.exists()


@pytest.mark.parametrize("person", CUSTOMER_PEOPLE)
def test_customer_people_get_nothing(ws: Workspace, person: str) -> None:
    client = api_client(ws.member(person))
    assert client.get(URL).status_code in (403, 404)
    path = f"{ws.partner.instance}/english/A/break-fix"
    assert put(client, path, minutes=60, business_hours=False).status_code in (403, 404)
    assert client.delete(f"{URL}/{path}").status_code in (403, 404)
    assert not VendorResponseTarget.objects.exists()


def test_anonymous_callers_are_asked_to_authenticate() -> None:
    assert Client().get(URL).status_code == 401
    response = Client().put(
        f"{URL}/global/english/A/break-fix",
        {"minutes": 1, "business_hours": False},
        content_type="application/json",
    )
    assert response.status_code == 401


def test_another_workspaces_changes_never_show_nor_move(ws: Workspace, other_ws: Workspace) -> None:
    theirs = api_client(other_ws.member("global_admin"))
    path = f"{other_ws.partner.instance}/english/A/break-fix"
    assert put(theirs, path, minutes=777, business_hours=True).status_code == 200

    for person in STAFF:
        rows = api_client(ws.member(person)).get(URL).json()
        assert all(r["is_default"] for r in rows), person
        assert 777 not in {r["minutes"] for r in rows}

    mine = api_client(ws.member("global_admin"))
    assert put(mine, path, minutes=30, business_hours=False).status_code == 200
    assert mine.delete(f"{URL}/{path}").status_code == 200
    row = VendorResponseTarget.objects.get(partner=other_ws.partner)
    assert (row.minutes, row.business_hours) == (777, True)
    assert cell(theirs.get(URL).json(), "english", "break-fix", "A")["minutes"] == 777
