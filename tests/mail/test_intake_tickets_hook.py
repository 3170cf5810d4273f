"""The tickets actions' `same_transaction` hook and system-written notes, which mail intake
relies on for exactly-once filing."""

from __future__ import annotations

from typing import Any

import pytest

from partnerdesk.tickets import actions
from partnerdesk.tickets.actions import Filed
from partnerdesk.tickets.models import Message, Ticket
from tests.kit import Workspace

pytestmark = pytest.mark.django_db


class Refuse(Exception):
    pass


def _file(ws: Workspace, **kwargs: Any) -> Filed:
    return actions.file_ticket(
        ws.actor("helpdesk_agent"),
        customer=ws.customers["a"],
        subject="Printer",
        description="offline",
        category="how_to",
        severity="B",
        channel="email",
        **kwargs,
    )


def test_the_hook_sees_the_result_inside_the_transaction(ws: Workspace) -> None:
    seen: list[Filed] = []

    def hook(filed: Filed) -> None:
        from django.db import connection

        assert connection.in_atomic_block
        seen.append(filed)

    filed = _file(ws, same_transaction=hook)
    assert seen == [filed]
    reply = actions.reply(
        ws.actor("helpdesk_agent"), ticket=filed.ticket, body="hi", same_transaction=seen.append
    )
    assert seen[-1].message == reply.message


def test_an_exception_in_the_hook_undoes_the_filing_and_the_reply(ws: Workspace) -> None:
    def refuse(filed: Filed) -> None:
        raise Refuse

    with pytest.raises(Refuse):
        _file(ws, same_transaction=refuse)
    assert Ticket.objects.filter(partner=ws.partner).count() == 0
    ticket = _file(ws).ticket
    with pytest.raises(Refuse):
        actions.reply(ws.actor("helpdesk_agent"), ticket=ticket, body="hi", same_transaction=refuse)
    assert Message.objects.filter(ticket=ticket).count() == 0


def test_the_system_actor_writes_internal_notes(ws: Workspace) -> None:
    ticket = _file(ws).ticket
    note = actions.reply(ws.system(), ticket=ticket, body="auto-reply kept", internal=True)
    assert note.message is not None and note.message.internal
    assert note.message.author_id is None
