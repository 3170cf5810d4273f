"""Stored once, processed once: duplicates, crashes between the steps and between filing and
marking, and two runs racing on one message."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from partnerdesk.customers.models import Contact
from partnerdesk.mail.actions import filing, intake
from partnerdesk.mail.models import InboundMessage
from partnerdesk.tickets.models import Message, Ticket
from tests.kit import Workspace
from tests.mail.intake_kit import a_ticket, mail, receive, token_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ann(ws: Workspace) -> Contact:
    return Contact.objects.create(
        partner=ws.partner,
        customer=ws.customers["a"],
        name="Ann Example",
        email="ann@contoso.example",
        created_at=ws.partner.created_at,
    )


class Crash(BaseException):
    """The process dying at this point (BaseException: nothing in intake catches it)."""


def test_the_same_bytes_twice_are_stored_once(ws: Workspace, ann: Contact, tmp_path: Any) -> None:
    raw = mail()
    first, second = receive(ws, raw), receive(ws, raw)
    assert first.pk == second.pk
    assert InboundMessage.objects.filter(partner=ws.partner).count() == 1
    assert Ticket.objects.filter(partner=ws.partner).count() == 1
    assert len(list((tmp_path / "mail").rglob("*.eml"))) == 1


def test_the_same_message_id_with_other_bytes_is_stored_once(ws: Workspace, ann: Contact) -> None:
    first = receive(ws, mail(message_id="<abc@contoso.example>", body="one"))
    # Relayed again with an extra Received header and a different body encoding: same message.
    again = receive(ws, b"Received: by relay\r\n" + mail(message_id="<abc@contoso.example>"))
    assert again.pk == first.pk
    assert InboundMessage.objects.filter(partner=ws.partner).count() == 1


def test_the_same_message_in_two_workspaces_is_two_messages(
    ws: Workspace, other_ws: Workspace, ann: Contact
) -> None:
    raw = mail()
    assert receive(ws, raw).pk != receive(other_ws, raw).pk


def test_a_message_id_race_lost_to_the_unique_constraint_returns_the_winner(
    ws: Workspace, ann: Contact, monkeypatch: pytest.MonkeyPatch
) -> None:
    winner = intake.ingest(workspace_id=ws.partner.pk, raw=mail(message_id="<m@x>"), source="pipe")
    # The loser looked before the winner committed: it saw nothing and inserts.
    real = intake.selectors.inbound_by_message_id
    looks: list[int] = []

    def looked_too_early(**kwargs: Any) -> Any:
        looks.append(1)
        return None if len(looks) == 1 else real(**kwargs)

    monkeypatch.setattr(intake.selectors, "inbound_by_message_id", looked_too_early)
    loser = intake.ingest(
        workspace_id=ws.partner.pk, raw=mail(message_id="<m@x>", body="other"), source="pipe"
    )
    assert loser.pk == winner.pk
    assert InboundMessage.objects.filter(partner=ws.partner).count() == 1


def test_a_crash_before_processing_is_picked_up_by_the_scheduled_retry(
    ws: Workspace, ann: Contact
) -> None:
    inbound = intake.ingest(workspace_id=ws.partner.pk, raw=mail(), source="pipe")
    assert inbound.state == "received"
    assert intake.process_left_behind() == 0  # younger than a minute: maybe still in flight
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert intake.process_left_behind() == 1
    inbound.refresh_from_db()
    assert (inbound.state, inbound.attempts) == ("ticket", 1)


def test_a_crash_inside_the_filing_transaction_files_nothing_and_the_retry_files_once(
    ws: Workspace, ann: Contact, monkeypatch: pytest.MonkeyPatch
) -> None:
    original_mark = intake.mark

    def dies_after_marking(*args: Any, **kwargs: Any) -> None:
        original_mark(*args, **kwargs)
        raise Crash  # ticket written, row marked, transaction not yet committed

    monkeypatch.setattr(filing, "mark", dies_after_marking)
    inbound = intake.ingest(workspace_id=ws.partner.pk, raw=mail(), source="pipe")
    with pytest.raises(Crash):
        intake.process(inbound)
    assert Ticket.objects.filter(partner=ws.partner).count() == 0
    assert InboundMessage.objects.get(pk=inbound.pk).state == "received"

    monkeypatch.setattr(filing, "mark", original_mark)
    after = intake.process(InboundMessage.objects.get(pk=inbound.pk))
    assert after.state == "ticket"
    assert Ticket.objects.filter(partner=ws.partner).count() == 1


def test_a_crash_after_the_filing_committed_is_not_filed_again(
    ws: Workspace, ann: Contact, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dies_after_commit(*args: Any, **kwargs: Any) -> None:
        raise Crash

    monkeypatch.setattr(filing, "_rejected_note", dies_after_commit)
    inbound = intake.ingest(workspace_id=ws.partner.pk, raw=mail(), source="pipe")
    with pytest.raises(Crash):
        intake.process(inbound)
    stale = InboundMessage.objects.get(pk=inbound.pk)
    assert stale.state == "ticket"

    # Every way of running it again finds it done.
    assert intake.process(inbound).state == "ticket"
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert intake.process_left_behind() == 0
    assert receive(ws, intake.read_raw(stale)).pk == stale.pk
    assert Ticket.objects.filter(partner=ws.partner).count() == 1


def test_a_run_that_loses_the_race_rolls_its_ticket_back(
    ws: Workspace, ann: Contact, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbound = intake.ingest(workspace_id=ws.partner.pk, raw=mail(), source="pipe")
    original_files_of = filing.files_of
    raced: list[int] = []

    def other_run_finishes_first(parsed: Any) -> Any:
        if not raced:
            raced.append(1)
            # While this run parses, another run files the same message to completion.
            monkeypatch.setattr(filing, "files_of", original_files_of)
            intake.process(InboundMessage.objects.get(pk=inbound.pk))
        return original_files_of(parsed)

    monkeypatch.setattr(filing, "files_of", other_run_finishes_first)
    # The other run can only start if the row is claimable; let both claims succeed.
    after = intake.process(inbound)
    assert after.state == "ticket"
    assert Ticket.objects.filter(partner=ws.partner).count() == 1
    assert after.ticket_id == Ticket.objects.get(partner=ws.partner).pk


def test_a_reply_is_added_once_even_when_the_retry_runs_it_again(
    ws: Workspace, ann: Contact, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = a_ticket(ws, ann)

    def dies_after_commit(*args: Any, **kwargs: Any) -> None:
        raise Crash

    monkeypatch.setattr(filing, "_rejected_note", dies_after_commit)
    inbound = intake.ingest(
        workspace_id=ws.partner.pk, raw=mail(subject=f"[{token_of(ticket)}] x"), source="pipe"
    )
    with pytest.raises(Crash):
        intake.process(inbound)
    intake.process(inbound)
    assert Message.objects.filter(ticket=ticket).count() == 1
    assert InboundMessage.objects.get(pk=inbound.pk).state == "reply"


def test_a_message_stored_by_the_poller_is_processed_by_a_task(
    ws: Workspace, ann: Contact, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    from partnerdesk.mail import intake_tasks

    with django_capture_on_commit_callbacks(execute=True):
        inbound = intake.ingest(workspace_id=ws.partner.pk, raw=mail(), source="imap")
    queued = DBTaskResult.objects.get(task_path="partnerdesk.mail.intake_tasks.process_inbound")
    assert queued.args_kwargs["kwargs"] == {"inbound_id": str(inbound.pk)}
    assert intake_tasks.process_inbound.call(inbound_id=str(inbound.pk)) == "ticket"
    assert intake_tasks.process_inbound.call(inbound_id=str(inbound.pk)) == "ticket"  # twice: once
    assert Ticket.objects.filter(partner=ws.partner).count() == 1
