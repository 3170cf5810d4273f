"""Expiry warnings 30, 7 and 1 days before the end: once each, safe to run twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from partnerdesk.core.models import OutboxItem
from partnerdesk.customers.models_services import AdminRelationship
from partnerdesk.customers.relationships import actions
from partnerdesk.customers.relationships.tasks import warn_expiring_relationships
from tests.customers.relationships_world import make_world
from tests.kit import session_client

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
END = START + timedelta(days=40)


def _run() -> int:
    return warn_expiring_relationships.call()


def _mails(world) -> list[dict]:  # type: ignore[no-untyped-def]
    return [
        i.payload
        for i in OutboxItem.objects.filter(
            partner_id=world.ws.partner.pk, kind="mail.send"
        ).order_by("created_at", "id")
        if "ends in" in i.payload["subject"]
    ]


def test_thirty_seven_one_once_each() -> None:
    with time_machine.travel(START, tick=False) as traveller:
        world = make_world()
        AdminRelationship.objects.filter(pk=world.rel.pk).update(ends_at=END)
        recipients = {
            world.ws.member("global_admin").user.email,
            world.ws.member("admin_agent").user.email,
        }
        assert _run() == 0  # 40 days left
        traveller.move_to(END - timedelta(days=30))
        assert _run() == 1
        assert _run() == 0  # twice: nothing more
        first = _mails(world)
        assert {m["to"][0] for m in first} == recipients
        assert "ends in 30 days" in first[0]["subject"]
        traveller.move_to(END - timedelta(days=20))
        assert _run() == 0
        traveller.move_to(END - timedelta(days=6, hours=23))
        assert _run() == 1
        traveller.move_to(END - timedelta(hours=12))
        assert _run() == 1
        assert _run() == 0
        assert len(_mails(world)) == 3 * len(recipients)
        assert AdminRelationship.objects.get(pk=world.rel.pk).warned_days == [30, 7, 1]
        traveller.move_to(END + timedelta(hours=1))
        assert _run() == 0


def test_late_start_sends_one_warning_for_the_closest_threshold() -> None:
    with time_machine.travel(START, tick=False):
        world = make_world()
        AdminRelationship.objects.filter(pk=world.rel.pk).update(ends_at=START + timedelta(days=5))
        assert _run() == 1
        assert len({m["subject"] for m in _mails(world)}) == 1
        assert AdminRelationship.objects.get(pk=world.rel.pk).warned_days == [30, 7]


def test_auto_extending_and_terminated_are_not_warned() -> None:
    with time_machine.travel(START, tick=False):
        world = make_world()
        AdminRelationship.objects.filter(pk=world.rel.pk).update(
            ends_at=START + timedelta(days=5), auto_extend="P180D"
        )
        assert _run() == 0
        AdminRelationship.objects.filter(pk=world.rel.pk).update(auto_extend="PT0S")
        actions.terminate_relationship(world.ws.actor("admin_agent"), relationship=world.rel)
        assert _run() == 0


def test_warning_shows_on_the_pages() -> None:
    world = make_world()
    rel = AdminRelationship.objects.get(pk=world.rel.pk)
    rel.ends_at = rel.ends_at - timedelta(days=700)  # type: ignore[operator]
    rel.save(update_fields=["ends_at"])
    client = session_client(world.ws.member("sales_agent"))
    for url in [f"/desk/customers/{world.customer.pk}/relationships/", "/desk/relationships/"]:
        body = client.get(url).content.decode()
        assert "does not extend itself" in body, url
    assert "Huber Exchange" in client.get("/desk/relationships/?only=expiring").content.decode()
