"""The tenant isolation suite for the pages, generated from the URL configuration.

The API has its own generated suite (test_isolation_generated.py); this one covers every page
of the console, the portal and the settings. For each page that takes an id, and every kind of
person in the test kit, an id of another workspace (and, for customer people, of the other
customer of their own workspace) is put in the URL: GET and POST answer 403 or 404 (anonymous
visitors are sent to sign in; 405 where the page never takes the method), and no row of any
table changes. Pages without ids never show
another workspace's rows. A new page is covered the moment it exists; a new kind of id in a
URL fails here until it gets a resolver below.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from partnerdesk.accounts.actions import invite_person
from partnerdesk.accounts.models import Invitation
from tests.kit import CUSTOMER_PEOPLE, STAFF, Workspace, session_client
from tests.test_isolation_generated import World, _fingerprint, _snapshot, world  # noqa: F401
from tests.test_isolation_health import incident_of
from tests.test_isolation_relationships import group_of, relationship_of
from tests.test_isolation_subscriptions import import_of

pytestmark = pytest.mark.django_db

PAGE_PREFIXES = ("desk/", "portal/", "settings/")
ACTORS = [*STAFF, *CUSTOMER_PEOPLE, "anonymous"]
# URL parameters that are not object ids (a queue's name); everything ending in _id must be
# listed in EXTRA_FOREIGN or World.foreign, or this suite fails.
PLAIN_PARAMS = {"name": "open", "code": "exchange-online"}


def _walk(resolvers: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolvers:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def pages() -> list[str]:
    routes = {route for route, _ in _walk(get_resolver().url_patterns)}
    return sorted(r for r in routes if r.startswith(PAGE_PREFIXES))


PAGES = pages()
WITH_IDS = [p for p in PAGES if re.search(r"<(?:\w+:)?\w+_id>", p)]
WITHOUT_PARAMS = [p for p in PAGES if "<" not in p]


def _params(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route)


def _other_invitation(ws: Workspace) -> Invitation:
    return invite_person(
        ws.actor("global_admin"), email="newcomer@example.test", role="sales_agent"
    )


def _other_canned(ws: Workspace) -> Any:
    from partnerdesk.tickets.actions import create_canned_reply

    return create_canned_reply(
        ws.actor("global_admin"), title="Secret canned", body="confidential", shared=True
    )


def _other_mailbox(ws: Workspace) -> Any:
    from partnerdesk.mail.actions.mailboxes import MailboxSettings, create_mailbox

    config = MailboxSettings(
        name="Secret mailbox",
        address="secret@alpen.example",
        host="imap.alpen.example",
        port=993,
        security="ssl",
        username="secret@alpen.example",
        auth_method="password",
        secret="not to be used",
    )
    return create_mailbox(ws.actor("global_admin"), config=config)


def _other_inbound(ws: Workspace) -> Any:
    """A message of the other workspace waiting in triage (intake's pages take inbound ids)."""
    from partnerdesk.mail.actions.intake import ingest
    from partnerdesk.mail.models import InboundMessage

    raw = b"From: stranger@example.test\r\nSubject: Secret mail\r\n\r\nconfidential\r\n"
    inbound = ingest(workspace_id=ws.partner.pk, raw=raw, source="pipe", process_later=False)
    InboundMessage.objects.filter(pk=inbound.pk).update(state="triage", reason="unknown_sender")
    return inbound


def _other_notice(ws: Workspace) -> Any:
    """An SLA notice of the other workspace's helpdesk agent (written as the SLA sweep would)."""
    from partnerdesk.core import clock
    from partnerdesk.tickets.models import AgentNotice, Ticket

    ticket = Ticket.objects.filter(partner=ws.partner).first()
    assert ticket is not None, "the World files tickets in the other workspace"
    return AgentNotice.objects.create(
        partner=ws.partner,
        membership=ws.member("helpdesk_agent"),
        ticket=ticket,
        kind="sla_breached",
        data={"clock": "first_response"},
        created_at=clock.now(),
    )


_made = itertools.count(1)


def _other_calendar(ws: Workspace) -> Any:
    from partnerdesk.offering.actions import CalendarChanges, create_calendar

    week = {day: [["08:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
    name = f"Secret hours {next(_made)}"
    changes = CalendarChanges(name=name, time_zone="Europe/Vienna", weekly=week)
    return create_calendar(ws.actor("global_admin"), changes=changes)


def _other_plan(ws: Workspace) -> Any:
    from partnerdesk.offering.actions import PlanChanges, create_plan

    changes = PlanChanges(name="Secret plan", calendar=_other_calendar(ws))
    return create_plan(ws.actor("global_admin"), changes=changes)


def _other_calendar_exception(ws: Workspace) -> Any:
    import datetime as dt

    from partnerdesk.offering.actions import add_calendar_exception

    return add_calendar_exception(
        ws.actor("global_admin"),
        calendar=_other_calendar(ws),
        date=dt.date(2026, 12, 24),
        kind="closed",
    )


# Ids the World of the API suite does not hold: made on demand, in the other workspace.
EXTRA_FOREIGN: dict[str, Callable[[World], Any]] = {
    "invitation_id": lambda w: _other_invitation(w.other).pk,
    "canned_id": lambda w: _other_canned(w.other).pk,
    "inbound_id": lambda w: _other_inbound(w.other).pk,
    "mailbox_id": lambda w: _other_mailbox(w.other).pk,
    "calendar_id": lambda w: _other_calendar(w.other).pk,
    "plan_id": lambda w: _other_plan(w.other).pk,
    "exception_id": lambda w: _other_calendar_exception(w.other).pk,
    "notice_id": lambda w: _other_notice(w.other).pk,
    "relationship_id": lambda w: relationship_of(w.other, "a").pk,
    "group_id": lambda w: group_of(w.other).pk,
    "job_id": lambda w: import_of(w.other).pk,
    "incident_id": lambda w: incident_of(w.other, "a").pk,
}


def _foreign(w: World, param: str, other_customer: str | None, made: dict[str, str]) -> str:
    if param in PLAIN_PARAMS:
        return PLAIN_PARAMS[param]
    if param in EXTRA_FOREIGN:
        if param not in made:
            made[param] = str(EXTRA_FOREIGN[param](w))
        return made[param]
    try:
        return w.foreign(param, other_customer_than=other_customer)
    except KeyError:
        pytest.fail(f"no resolver for the URL parameter {param!r}: add one to this suite")


def _client(w: World, actor: str) -> Client:
    return Client() if actor == "anonymous" else session_client(w.ws.member(actor))


def test_the_suite_sees_the_pages() -> None:
    """Guards the walk itself: the console's ticket page is one of the pages it attacks."""
    assert "desk/tickets/<str:ticket_id>/" in WITH_IDS
    assert "desk/queues/<slug:name>/" not in WITH_IDS


@pytest.mark.parametrize("route", WITH_IDS)
def test_foreign_ids_in_page_urls_are_refused(world: World, route: str) -> None:  # noqa: F811
    made: dict[str, str] = {}
    for actor in ACTORS:
        client = _client(world, actor)
        own_customer = "b" if actor == "contact_b" else "a"
        for other_customer in [None, own_customer] if actor in CUSTOMER_PEOPLE else [None]:
            url = "/" + route
            for param in _params(route):
                value = _foreign(world, param, other_customer, made)
                url = re.sub(rf"<(?:\w+:)?{param}>", value, url)
            for method in ("get", "post"):
                before, state = _snapshot(), _fingerprint(world)
                response = getattr(client, method)(url, {"body": "x", "name": "x"})
                if response.status_code == 405:
                    continue  # the page does not take this method at all, whatever the id
                if actor == "anonymous":
                    assert response.status_code in {302, 403, 404}, (actor, method, url)
                    if response.status_code == 302:
                        assert response["Location"].startswith("/accounts/login/"), url
                else:
                    assert response.status_code in {403, 404}, (
                        f"{actor} {method.upper()} {url} -> {response.status_code}: "
                        f"{response.content[:300]!r}"
                    )
                assert _snapshot() == before, f"{actor} {method.upper()} {url} changed rows"
                assert _fingerprint(world) == state, f"{actor} {method.upper()} {url} changed data"


@pytest.mark.parametrize("route", WITHOUT_PARAMS)
def test_pages_show_no_foreign_rows(world: World, route: str) -> None:  # noqa: F811
    foreign = {
        world.tickets["other_a"].subject,
        world.other.customers["a"].name,
        world.other.member("helpdesk_agent").user.email,
        str(world.tickets["other_a"].pk),
    }
    for actor in ACTORS:
        if actor == "anonymous":
            continue
        # Customer people never see the other customer of their own workspace either.
        hidden = set(foreign)
        if actor in CUSTOMER_PEOPLE:
            key = "a" if actor == "contact_b" else "b"
            hidden |= {world.tickets[f"mine_{key}"].subject, str(world.tickets[f"mine_{key}"].pk)}
        response = _client(world, actor).get("/" + route, {"q": "Secret"})
        if response.status_code != 200:
            continue
        text = response.content.decode()
        for secret in hidden:
            assert secret not in text, f"{actor} sees {secret!r} on /{route}"
