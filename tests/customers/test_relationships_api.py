"""The relationships API and pages: who sees what, manual writes, bounded queries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from partnerdesk.catalog.entra_roles import EXCHANGE_ADMINISTRATOR, GLOBAL_ADMINISTRATOR
from partnerdesk.core import clock, feeds
from partnerdesk.customers.relationships import actions
from tests.customers.relationships_world import make_world, subscribe
from tests.kit import api_client, max_queries, problem, session_client

pytestmark = pytest.mark.django_db


def test_list_shows_roles_groups_and_members() -> None:
    world = make_world()
    api = api_client(world.ws.member("sales_agent"))
    body = api.get("/api/v1/relationships").json()
    [item] = body["items"]
    assert item["name"] == "Huber Exchange"
    assert {r["name"] for r in item["roles"]} == {"Exchange Administrator", "Global Reader"}
    [assignment] = item["assignments"]
    assert assignment["group_name"] == "Exchange admins"
    assert assignment["members"] == ["Admin Agent"]
    one = api.get(f"/api/v1/customers/{world.customer.pk}/relationships").json()
    assert [i["id"] for i in one["items"]] == [item["id"]]
    groups = api.get("/api/v1/security-groups").json()
    assert [g["name"] for g in groups["items"]] == ["Exchange admins"]


def test_customer_people_get_404() -> None:
    world = make_world()
    api = api_client(world.ws.member("manager"))
    c = world.customer.pk
    for url in ["/api/v1/relationships", "/api/v1/security-groups"]:
        assert api.get(url).status_code == 403, url  # like every staff-only list
    for url in [
        f"/api/v1/customers/{c}/relationships",
        f"/api/v1/customers/{c}/services",
        f"/api/v1/relationships/{world.rel.pk}",
    ]:
        assert api.get(url).status_code == 404, url
    client = session_client(world.ws.member("manager"))
    for url in [
        "/desk/relationships/",
        f"/desk/customers/{c}/relationships/",
        f"/desk/customers/{c}/services/",
        "/settings/security-groups/",
    ]:
        assert client.get(url).status_code == 404, url


def test_limited_agent_sees_only_its_customers() -> None:
    world = make_world()
    b = world.ws.customers["b"]
    actions.create_relationship(
        world.ws.actor("admin_agent"),
        data=actions.RelationshipInput(
            customer=b, display_name="Rosenheim", role_ids=[EXCHANGE_ADMINISTRATOR], duration="P90D"
        ),
    )
    api = api_client(world.ws.member("limited_agent"))  # limited to customer a
    names = [i["name"] for i in api.get("/api/v1/relationships").json()["items"]]
    assert names == ["Huber Exchange"]
    assert api.get(f"/api/v1/customers/{b.pk}/relationships").status_code == 404
    assert api.get(f"/api/v1/customers/{b.pk}/services").status_code == 404


def test_manual_writes_need_the_permission_and_follow_the_rules() -> None:
    world = make_world()
    payload = {
        "customer_id": str(world.customer.pk),
        "name": "By hand",
        "roles": [GLOBAL_ADMINISTRATOR],
        "duration": "P180D",
        "auto_extend": "P180D",
        "assignments": [{"group_id": str(world.group.pk), "roles": [GLOBAL_ADMINISTRATOR]}],
    }
    helpdesk = api_client(world.ws.member("helpdesk_agent"))
    assert (
        helpdesk.post("/api/v1/relationships", payload, content_type="application/json").status_code
        == 403
    )
    api = api_client(world.ws.member("admin_agent"))
    refused = api.post("/api/v1/relationships", payload, content_type="application/json")
    assert refused.status_code == 422
    assert problem(refused)["errors"][0]["code"] == "global_admin_no_auto_extend"
    payload["auto_extend"] = "PT0S"
    created = api.post("/api/v1/relationships", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    rel_id = created.json()["id"]
    patched = api.patch(
        f"/api/v1/relationships/{rel_id}", {"name": "Renamed"}, content_type="application/json"
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["name"] == "Renamed"
    assert patched.json()["assignments"][0]["group_name"] == "Exchange admins"
    assert api.delete(f"/api/v1/relationships/{rel_id}").status_code == 204
    assert api.get(f"/api/v1/relationships/{rel_id}").json()["status"] == "terminated"


def test_services_api_says_what_is_missing() -> None:
    world = make_world()
    c = world.customer.pk
    mine = api_client(world.ws.member("admin_agent")).get(f"/api/v1/customers/{c}/services").json()
    exchange = next(s for s in mine["services"] if s["code"] == "exchange-online")
    assert exchange["administer"] == {"allowed": True, "reasons": []}
    theirs = (
        api_client(world.ws.member("global_admin")).get(f"/api/v1/customers/{c}/services").json()
    )
    exchange = next(s for s in theirs["services"] if s["code"] == "exchange-online")
    assert exchange["administer"]["allowed"] is False
    assert [r["code"] for r in exchange["administer"]["reasons"]] == ["not_in_group"]


def test_queries_bounded_on_lists_and_pages() -> None:
    world = make_world()
    admin = world.ws.actor("global_admin")
    for n in range(6):
        group = actions.create_group(admin, name=f"G{n}")
        actions.add_member(admin, group=group, membership=world.ws.member("helpdesk_agent"))
        actions.create_relationship(
            admin,
            data=actions.RelationshipInput(
                customer=world.ws.customers["b" if n % 2 else "a"],
                display_name=f"R{n}",
                role_ids=[EXCHANGE_ADMINISTRATOR],
                assignments={group.pk: [EXCHANGE_ADMINISTRATOR]},
                duration="P60D",
            ),
        )
    subscribe(world.ws, "a", "teams")
    api = api_client(world.ws.member("admin_agent"))
    client = session_client(world.ws.member("admin_agent"))
    c = world.customer.pk
    feeds.succeeded(world.ws.partner.pk, feeds.RELATIONSHIPS)
    for url, limit in [
        ("/api/v1/relationships", 14),
        ("/api/v1/security-groups", 12),
        (f"/api/v1/customers/{c}/services", 20),
    ]:
        with max_queries(limit):
            assert api.get(url).status_code == 200
    for url, limit in [
        ("/desk/relationships/", 16),
        (f"/desk/customers/{c}/relationships/", 22),
        (f"/desk/customers/{c}/services/", 24),
        ("/settings/security-groups/", 18),
    ]:
        with max_queries(limit):
            assert client.get(url).status_code == 200, url


def test_feed_age_and_error_shown() -> None:
    world = make_world()
    feeds.succeeded(world.ws.partner.pk, feeds.RELATIONSHIPS)
    feeds.failed(
        world.ws.partner.pk, feeds.RELATIONSHIPS, error_code="timeout", message="Graph timed out"
    )
    body = (
        session_client(world.ws.member("sales_agent")).get("/desk/relationships/").content.decode()
    )
    assert "As read from Microsoft" in body
    assert "The last attempt failed: Graph timed out" in body


def test_page_forms_record_and_groups() -> None:
    world = make_world()
    client = session_client(world.ws.member("admin_agent"))
    c = world.customer.pk
    refused = client.post(
        f"/desk/customers/{c}/relationships/",
        {
            "display_name": "Page",
            "kind": "gdap",
            "status": "active",
            "roles": [GLOBAL_ADMINISTRATOR],
            "duration": "P30D",
            "auto_extend": "P180D",
        },
    )
    assert refused.status_code == 422
    assert "cannot extend itself" in refused.content.decode()
    ok = client.post(
        f"/desk/customers/{c}/relationships/",
        {
            "display_name": "Page",
            "kind": "gdap",
            "status": "active",
            "roles": [EXCHANGE_ADMINISTRATOR],
            "duration": "P30D",
            "auto_extend": "PT0S",
            f"group_{world.group.pk}": [EXCHANGE_ADMINISTRATOR],
        },
    )
    assert ok.status_code == 302
    assert client.post("/settings/security-groups/", {"name": "Teams admins"}).status_code == 302
    sales = session_client(world.ws.member("sales_agent"))
    assert sales.post("/settings/security-groups/", {"name": "Nope"}).status_code == 403
    assert "Teams admins" in sales.get("/settings/security-groups/").content.decode()
    ends = clock.now() + timedelta(days=29)
    assert ends > clock.now()
