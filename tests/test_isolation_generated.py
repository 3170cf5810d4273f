"""The tenant isolation suite, generated from the API's own URL configuration.

For every operation in the OpenAPI document and every kind of actor in the test kit, ids
that belong to another workspace (or, for customer people, another customer) are put in
the path, the body and the filters. The answer is always 401, 403 or 404, and no row of
any table changes. A new endpoint is covered the moment it exists; a new kind of path
parameter fails here until it gets a resolver below.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from partnerdesk.config.api import api
from partnerdesk.offering import actions as offering_actions
from partnerdesk.tickets import actions as ticket_actions
from partnerdesk.tickets.models import Attachment, Ticket
from tests.kit import CUSTOMER_PEOPLE, STAFF, Workspace, api_client, contacts_for, make_workspace
from tests.test_isolation_health import incident_of
from tests.test_isolation_relationships import relationship_of
from tests.test_isolation_subscriptions import service_of, subscription_of

pytestmark = pytest.mark.django_db

ACTORS = [*STAFF, *CUSTOMER_PEOPLE, "anonymous"]
# Rows that may change on any request without changing data: sign-in bookkeeping.
IGNORED_MODELS = {"IdempotencyRecord", "LoginFailure", "ApiToken", "Session"}


@dataclass
class World:
    """Two workspaces with a ticket (with thread and file) for each of customers a and b."""

    ws: Workspace
    other: Workspace
    tickets: dict[str, Ticket]  # "mine_a", "mine_b", "other_a"
    attachments: dict[str, Attachment]
    canned: dict[str, Any] = field(default_factory=dict)  # "mine", "other": shared replies
    # "mine", "other": a calendar with a closure and a plan; "mine_b": customer b's own plan.
    offering: dict[str, dict[str, Any]] = field(default_factory=dict)

    def foreign(self, param: str, *, other_customer_than: str | None = None) -> str:
        """An id for `param` the actor must not reach.

        For customer people, the other customer of their own workspace is foreign too:
        `other_customer_than` names the actor's own customer ("a" or "b").
        """
        if other_customer_than is not None:
            key = "b" if other_customer_than == "a" else "a"
            contact = "contact_b" if key == "b" else "contact"
            local = {
                "ticket_id": self.tickets[f"mine_{key}"].pk,
                "into_ticket_id": self.tickets[f"mine_{key}"].pk,
                "customer_id": self.ws.customers[key].pk,
                "contact_id": contacts_for(self.ws)[contact].pk,
                "attachment_id": self.attachments[f"mine_{key}"].pk,
                "membership_id": self.other.member("helpdesk_agent").pk,
                "assignee_id": self.other.member("helpdesk_agent").pk,
                "requester_id": contacts_for(self.ws)[contact].pk,
                "token_id": _token_of(self.other),
                # Canned replies are staff's: customer people reach none, not even their own
                # workspace's.
                "canned_id": self.canned["mine"].pk,
                # Calendars and plans are staff's: customer people reach them only as their
                # own plan (/my-plan), never by id.
                "calendar_id": self.offering["mine"]["calendar"].pk,
                "exception_id": self.offering["mine"]["exception"].pk,
                "plan_id": self.offering["mine"]["plan"].pk,
                "support_plan_id": self.offering["mine"]["plan"].pk,
                "relationship_id": relationship_of(self.ws, key).pk,
                "subscription_id": subscription_of(self.ws, key).pk,
                "incident_id": incident_of(self.ws, key).pk,
                # Services are not per customer: another workspace's own service.
                "code": service_of(self.other).code,
            }
            return str(local[param])
        other = {
            "ticket_id": self.tickets["other_a"].pk,
            "into_ticket_id": self.tickets["other_a"].pk,
            "customer_id": self.other.customers["a"].pk,
            "contact_id": contacts_for(self.other)["contact"].pk,
            "attachment_id": self.attachments["other_a"].pk,
            "membership_id": self.other.member("helpdesk_agent").pk,
            "assignee_id": self.other.member("helpdesk_agent").pk,
            "requester_id": contacts_for(self.other)["contact"].pk,
            "token_id": _token_of(self.other),
            "canned_id": self.canned["other"].pk,
            "calendar_id": self.offering["other"]["calendar"].pk,
            "exception_id": self.offering["other"]["exception"].pk,
            "plan_id": self.offering["other"]["plan"].pk,
            "support_plan_id": self.offering["other"]["plan"].pk,
            "relationship_id": relationship_of(self.other, "a").pk,
            "subscription_id": subscription_of(self.other, "a").pk,
            "incident_id": incident_of(self.other, "a").pk,
            "code": service_of(self.other).code,
        }
        return str(other[param])


def _token_of(ws: Workspace) -> Any:
    from partnerdesk.accounts.models import ApiToken

    token = ApiToken.objects.filter(membership=ws.member("global_admin")).first()
    assert token is not None
    return token.pk


def _ticket(ws: Workspace, customer: str) -> tuple[Ticket, Attachment]:
    contacts = contacts_for(ws)
    actor = ws.actor("admin_agent")
    filed = ticket_actions.file_ticket(
        actor,
        customer=ws.customers[customer],
        requester=contacts["contact" if customer == "a" else "contact_b"],
        subject=f"Secret {ws.partner.name} {customer}",
        description="confidential",
        category="how_to",
        severity="B",
        channel="agent",
        tags=["secret"],
        files=[SimpleUploadedFile("secret.txt", b"secret", "text/plain")],
    )
    ticket_actions.reply(actor, ticket=filed.ticket, body="internal secret", internal=True)
    return filed.ticket, filed.attachments[0]


@pytest.fixture
def world(settings: Any, tmp_path: Any) -> World:
    settings.MEDIA_ROOT = tmp_path
    ws, other = make_workspace("Nordwind"), make_workspace("Alpen")
    api_client(other.member("global_admin"))  # gives the other workspace a token
    tickets, files = {}, {}
    tickets["mine_a"], files["mine_a"] = _ticket(ws, "a")
    tickets["mine_b"], files["mine_b"] = _ticket(ws, "b")
    tickets["other_a"], files["other_a"] = _ticket(other, "a")
    canned = {
        key: ticket_actions.create_canned_reply(
            where.actor("admin_agent"),
            title=f"Secret canned {key}",
            body=f"canned secret of {where.partner.name}",
            shared=True,
        )
        for key, where in (("mine", ws), ("other", other))
    }
    offering = {"mine": _offering(ws), "other": _offering(other)}
    offering["mine_b"] = {
        "plan": offering_actions.create_plan(
            ws.actor("global_admin"),
            changes=offering_actions.PlanChanges(
                name=f"Secret plan of b {ws.partner.name}",
                calendar=offering["mine"]["calendar"],
            ),
        )
    }
    offering_actions.assign_plan(
        ws.actor("global_admin"), customer=ws.customers["b"], plan=offering["mine_b"]["plan"]
    )
    return World(
        ws=ws,
        other=other,
        tickets=tickets,
        attachments=files,
        canned=canned,
        offering=offering,
    )


def _offering(ws: Workspace) -> dict[str, Any]:
    """A calendar with a closure, and the workspace's default plan on it."""
    admin = ws.actor("global_admin")
    calendar = offering_actions.create_calendar(
        admin,
        changes=offering_actions.CalendarChanges(
            name=f"Secret calendar {ws.partner.name}",
            time_zone="Europe/Berlin",
            weekly={"mon": [["08:00", "17:00"]]},
        ),
    )
    exception = offering_actions.add_calendar_exception(
        admin, calendar=calendar, date=datetime.date(2026, 5, 4), kind="closed"
    )
    plan = offering_actions.create_plan(
        admin,
        changes=offering_actions.PlanChanges(
            name=f"Secret plan {ws.partner.name}", calendar=calendar
        ),
    )
    offering_actions.set_default_plan(admin, plan=plan)
    return {"calendar": calendar, "exception": exception, "plan": plan}


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    document = api.get_openapi_schema()
    found = []
    for path, methods in document["paths"].items():
        for method, spec in methods.items():
            found.append((method.upper(), path, spec))
    return sorted(found, key=lambda op: (op[1], op[0]))


def _body_fields(spec: dict[str, Any]) -> dict[str, Any]:
    content = spec.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    if not schema:
        return {}
    ref = schema.get("$ref", "")
    document = api.get_openapi_schema()
    resolved = document["components"]["schemas"].get(ref.rsplit("/", 1)[-1], schema)
    return dict(resolved.get("properties", {}))


def _is_multipart(spec: dict[str, Any]) -> bool:
    return "multipart/form-data" in spec.get("requestBody", {}).get("content", {})


# Parameters that name an object some actor must not reach; others (tenant_id, partner_id:
# Microsoft's identifiers, not ours) are plain values.
ID_PARAMS = {
    "ticket_id",
    "into_ticket_id",
    "customer_id",
    "contact_id",
    "attachment_id",
    "membership_id",
    "assignee_id",
    "requester_id",
    "token_id",
    "canned_id",
    "calendar_id",
    "exception_id",
    "plan_id",
    "support_plan_id",
    "relationship_id",
    "subscription_id",
    "incident_id",
    "code",
}


def _id_fields(names: Any) -> list[str]:
    return [n for n in names if n in ID_PARAMS or n.removesuffix("s") in ID_PARAMS]


def _snapshot() -> dict[str, int]:
    counts = {}
    for model in apps.get_models():
        if model.__module__.startswith("partnerdesk.") and model.__name__ not in IGNORED_MODELS:
            counts[model._meta.label] = model._default_manager.count()
    return counts


def _fingerprint(world: World) -> list[Any]:
    """The state of the objects under attack, beyond row counts."""
    return [
        (t.status, t.severity, t.assignee_id, t.subject, t.merged_into_id)
        for t in Ticket.objects.order_by("pk")
    ]


def _client(world: World, actor: str) -> Client:
    return Client() if actor == "anonymous" else api_client(world.ws.member(actor))


def _request(
    client: Client,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    query: dict[str, str],
    *,
    multipart: bool = False,
) -> Any:
    call: Callable[..., Any] = getattr(client, method.lower())
    if method == "GET":
        return call(path, query)
    if multipart:
        upload = SimpleUploadedFile("probe.txt", b"probe", "text/plain")
        return call(path, {**(body or {}), "files": [upload]})
    suffix = ("?" + "&".join(f"{k}={v}" for k, v in query.items())) if query else ""
    return call(path + suffix, body or {}, content_type="application/json")


OPERATIONS = operations()


def _takes_ids(path: str, spec: dict[str, Any]) -> bool:
    params = [p for p in re.findall(r"{(\w+)}", path) if p in ID_PARAMS]
    queries = _id_fields(p["name"] for p in spec.get("parameters", []) if p["in"] == "query")
    return bool(params or queries or _id_fields(_body_fields(spec)))


# Operations that take no id at all are covered by test_lists_hold_no_foreign_rows.
WITH_IDS = [op for op in OPERATIONS if _takes_ids(op[1], op[2])]


@pytest.mark.parametrize(
    ("method", "path", "spec"), WITH_IDS, ids=[f"{m} {p}" for m, p, _ in WITH_IDS]
)
def test_foreign_ids_are_refused_everywhere(
    world: World, method: str, path: str, spec: dict[str, Any]
) -> None:
    params = re.findall(r"{(\w+)}", path)
    query_ids = _id_fields(p["name"] for p in spec.get("parameters", []) if p["in"] == "query")
    body_fields = _body_fields(spec)
    body_ids = _id_fields(body_fields)
    path_ids = [p for p in params if p in ID_PARAMS]
    for actor in ACTORS:
        client = _client(world, actor)
        own_customer = "b" if actor == "contact_b" else "a"
        for other_customer in [None, own_customer] if actor in CUSTOMER_PEOPLE else [None]:
            for where in ("path", "query", "body"):
                targets = {"path": path_ids, "query": query_ids, "body": body_ids}[where]
                if not targets:
                    continue
                concrete = path
                for param in params:
                    own = (
                        _own_value(world, param, own_customer)
                        if where != "path" or param not in ID_PARAMS
                        else None
                    )
                    value = own or world.foreign(param, other_customer_than=other_customer)
                    concrete = concrete.replace("{" + param + "}", value)
                query = (
                    {q: world.foreign(q, other_customer_than=other_customer) for q in query_ids}
                    if where == "query"
                    else {}
                )
                body = _body_for(
                    world, body_fields, foreign_ids=where == "body", other_customer=other_customer
                )
                before, state = _snapshot(), _fingerprint(world)
                response = _request(
                    client, method, concrete, body, query, multipart=_is_multipart(spec)
                )
                expected = {401} if actor == "anonymous" else {403, 404}
                assert response.status_code in expected, (
                    f"{actor} {method} {concrete} ({where}) -> {response.status_code}: "
                    f"{response.content[:300]!r}"
                )
                assert _snapshot() == before, f"{actor} {method} {concrete} changed rows"
                assert _fingerprint(world) == state, f"{actor} {method} {concrete} changed data"


def _own_value(world: World, param: str, customer: str = "a") -> str | None:
    """A value of the actor's own workspace, so only the part under test is foreign."""
    own = {
        "ticket_id": world.tickets[f"mine_{customer}"].pk,
        "into_ticket_id": world.tickets[f"mine_{customer}"].pk,
        "requester_id": contacts_for(world.ws)["contact_b" if customer == "b" else "contact"].pk,
        "assignee_id": world.ws.member("helpdesk_agent").pk,
        "customer_id": world.ws.customers[customer].pk,
        "contact_id": contacts_for(world.ws)["contact"].pk,
        "membership_id": world.ws.member("helpdesk_agent").pk,
        "attachment_id": world.attachments[f"mine_{customer}"].pk,
        "tag": "secret",
        "name": "customer",
        "token_id": None,
        "canned_id": world.canned["mine"].pk,
        "calendar_id": world.offering["mine"]["calendar"].pk,
        "exception_id": world.offering["mine"]["exception"].pk,
        "plan_id": world.offering["mine"]["plan"].pk,
        "support_plan_id": world.offering["mine"]["plan"].pk,
    }
    value = own.get(param)
    return str(value) if value else None


def _body_for(
    world: World, fields: dict[str, Any], *, foreign_ids: bool, other_customer: bool
) -> dict[str, Any]:
    """A plausible body: own values everywhere, foreign ids where the test puts them."""
    plain: dict[str, Any] = {
        "subject": "x",
        "category": "how_to",
        "severity": "C",
        "body": "x",
        "tags": ["x"],
        "name": "x",
        "email": "intruder@example.test",
        "role": "contact",
        "status": "open",
        "date": "2026-06-01",
        "kind": "closed",
    }
    body = {k: v for k, v in plain.items() if k in fields}
    for name in _id_fields(fields):
        base = name.removesuffix("s") if name.endswith("_ids") else name
        value = (
            world.foreign(base, other_customer_than=other_customer)
            if foreign_ids
            else _own_value(world, base)
        )
        if value is not None:
            body[name] = [value] if name.endswith("_ids") else value
    return body


LISTS = [(m, p) for m, p, spec in OPERATIONS if m == "GET" and "{" not in p]


@pytest.mark.parametrize(("method", "path"), LISTS, ids=[p for _, p in LISTS])
def test_lists_hold_no_foreign_rows(world: World, method: str, path: str) -> None:
    secrets = {
        str(world.tickets["other_a"].pk),
        world.tickets["other_a"].subject,
        str(world.other.customers["a"].pk),
        world.other.customers["a"].name,
        str(world.other.member("helpdesk_agent").pk),
        world.canned["other"].body,
        world.offering["other"]["plan"].name,
        world.offering["other"]["calendar"].name,
        service_of(world.other).code,
        subscription_of(world.other, "a").offer_name,
        incident_of(world.other, "a").title,
    }

    def customer_secrets(actor: str) -> set[str]:
        key = "a" if actor == "contact_b" else "b"
        return {
            str(world.tickets[f"mine_{key}"].pk),
            world.tickets[f"mine_{key}"].subject,
            str(world.ws.customers[key].pk),
            *([world.offering["mine_b"]["plan"].name] if key == "b" else []),
        }

    for actor in ACTORS:
        response = _request(
            _client(world, actor),
            method,
            path,
            None,
            {"q": "secret"} if path.endswith("/search") else {},
        )
        if actor == "anonymous":
            assert response.status_code in (200, 401)
            continue
        assert response.status_code in (200, 403), (actor, path, response.content[:200])
        text = response.content.decode()
        leaked = {s for s in secrets if s in text}
        if actor in CUSTOMER_PEOPLE:
            leaked |= {s for s in customer_secrets(actor) if s in text}
            assert "internal secret" not in text, (actor, path)
        assert not leaked, f"{actor} GET {path} shows {leaked}"


def test_every_path_parameter_has_a_resolver(world: World) -> None:
    known = {
        "ticket_id",
        "customer_id",
        "contact_id",
        "membership_id",
        "attachment_id",
        "token_id",
        "tag",
        "name",
        "canned_id",
        "calendar_id",
        "exception_id",
        "plan_id",
        "relationship_id",
        "subscription_id",
        "incident_id",
        "code",
        # /vendor-targets/{instance}/{language}/{severity}/{kind}: plain values, not ids; the
        # workspace is always the caller's (tests/sla/test_vendor_api.py covers isolation).
        "instance",
        "language",
        "severity",
        "kind",
    }
    params = {p for _, path, _ in OPERATIONS for p in re.findall(r"{(\w+)}", path)}
    assert params <= known, f"add resolvers for {params - known}"
