"""The test kit itself: the guards and actors other tests rely on."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import pytest

from partnerdesk.core import clock
from partnerdesk.core.actor import Actor, ActorKind
from tests.kit import CUSTOMER_PEOPLE, PEOPLE, STAFF, Workspace, max_queries


@pytest.mark.parametrize("address", [("10.255.255.1", 80), ("192.0.2.1", 443), ("8.8.8.8", 53)])
def test_the_network_beyond_loopback_is_refused(address: tuple[str, int]) -> None:
    with pytest.raises(RuntimeError, match=r"beyond 127\.0\.0\.1"):
        socket.create_connection(address, timeout=0.5)


def test_loopback_is_allowed() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    with socket.create_connection(server.getsockname(), timeout=2):
        pass
    server.close()


def test_the_frozen_clock_stands_still_until_moved(frozen_clock) -> None:  # type: ignore[no-untyped-def]
    assert clock.now() == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    frozen_clock.shift(timedelta(hours=2))
    assert clock.now() == datetime(2026, 3, 2, 11, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_two_workspaces_with_every_kind_of_person(ws: Workspace, other_ws: Workspace) -> None:
    assert ws.partner.pk != other_ws.partner.pk
    for name in PEOPLE:
        actor = ws.actor(name)
        assert actor.partner_id == ws.partner.pk
        assert other_ws.actor(name).partner_id == other_ws.partner.pk
    assert {ws.actor(n).kind for n in STAFF} == {ActorKind.STAFF}
    assert {ws.actor(n).kind for n in CUSTOMER_PEOPLE} == {ActorKind.CONTACT, ActorKind.MANAGER}
    assert ws.actor("limited_agent").limited_customer_ids == frozenset({ws.customers["a"].pk})
    assert ws.actor("helpdesk_agent").limited_customer_ids is None
    assert not Actor.anonymous().is_authenticated
    assert ws.system().has("anything.at.all")


@pytest.mark.django_db
def test_max_queries_fails_when_exceeded(ws: Workspace) -> None:
    from partnerdesk.customers.models import Customer

    with pytest.raises(AssertionError, match="2 queries, at most 1"):  # noqa: SIM117
        with max_queries(1):
            list(Customer.objects.all())
            list(Customer.objects.all())
