"""The audit log: append-only, hash-chained per workspace, personal data erasable."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from partnerdesk.core import audit
from partnerdesk.core.models import AuditEntry
from tests.kit import Workspace, api_client

pytestmark = pytest.mark.django_db


def _record(ws: Workspace, n: int, **extra: object) -> list[AuditEntry]:
    actor = ws.actor("global_admin")
    entries = []
    for i in range(n):
        with transaction.atomic():
            entries.append(audit.record(actor, "test.event", data={"i": i}, **extra))  # type: ignore[arg-type]
    return entries


def _verify() -> tuple[str, bool]:
    out = StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError:
        return out.getvalue(), False
    return out.getvalue(), True


def test_entries_chain_per_workspace(ws: Workspace, other_ws: Workspace) -> None:
    mine = _record(ws, 3)
    theirs = _record(other_ws, 2)
    assert [e.seq for e in mine][-3:] == [mine[0].seq, mine[0].seq + 1, mine[0].seq + 2]
    assert mine[1].prev_hash == mine[0].hash
    assert theirs[1].prev_hash == theirs[0].hash
    assert audit.verify_chain(ws.partner.pk) is None
    assert audit.verify_chain(other_ws.partner.pk) is None
    output, ok = _verify()
    assert ok, output
    assert "intact" in output


def test_verify_finds_an_edited_row(ws: Workspace, other_ws: Workspace) -> None:
    entries = _record(ws, 4)
    _record(other_ws, 2)
    target = entries[1]
    with connection.cursor() as cursor:
        table = AuditEntry._meta.db_table
        cursor.execute(f"UPDATE {table} SET action = %s WHERE id = %s", ["test.forged", target.pk])
    link = audit.verify_chain(ws.partner.pk)
    assert link is not None
    assert link.seq == target.seq
    assert "changed" in link.reason
    output, ok = _verify()
    assert not ok
    assert f"first broken link at entry #{target.seq}" in output
    assert f"ok      workspace {other_ws.partner.pk}" in output


def test_verify_finds_a_deleted_row(ws: Workspace) -> None:
    entries = _record(ws, 4)
    AuditEntry.objects.filter(pk=entries[2].pk)._raw_delete(AuditEntry.objects.db)
    link = audit.verify_chain(ws.partner.pk)
    assert link is not None and link.seq == entries[2].seq


def test_verify_finds_a_cut_tail(ws: Workspace) -> None:
    entries = _record(ws, 3)
    AuditEntry.objects.filter(pk=entries[-1].pk)._raw_delete(AuditEntry.objects.db)
    link = audit.verify_chain(ws.partner.pk)
    assert link is not None and "end of the chain" in link.reason


def test_verify_finds_a_recomputed_forgery(ws: Workspace) -> None:
    """Rewriting a row and its own hash still breaks the next row's link."""
    entries = _record(ws, 3)
    forged = AuditEntry.objects.get(pk=entries[1].pk)
    forged.data = {"i": 99}
    new_hash = audit.compute_hash(forged)
    AuditEntry.objects.filter(pk=forged.pk).update(data={"i": 99}, hash=new_hash)
    link = audit.verify_chain(ws.partner.pk)
    assert link is not None and link.seq == entries[2].seq


def test_rows_cannot_be_changed_or_deleted_through_the_orm(ws: Workspace) -> None:
    entry = _record(ws, 1)[0]
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused(ws: Workspace) -> None:
    with pytest.raises(RuntimeError):
        audit.record(ws.actor("global_admin"), "test.event")


def test_personal_data_is_kept_out_of_the_chain_and_erasable(ws: Workspace) -> None:
    admin = ws.actor("global_admin")
    entries = _record(ws, 2, personal={"email": "someone@example.test"})
    assert entries[0].personal["actor_email"] == admin.email
    assert "someone@example.test" not in str(entries[0].data)
    erased = audit.erase_personal_data(actor_id=admin.audit_id)
    assert erased >= 2
    assert all(e.personal == {} for e in AuditEntry.objects.filter(actor_id=admin.audit_id))
    assert audit.verify_chain(ws.partner.pk) is None


def test_actions_write_audit_rows(ws: Workspace) -> None:
    client = api_client(ws.member("global_admin"))
    client.patch("/api/v1/workspace", {"support_phone": "+49 1"}, content_type="application/json")
    entry = AuditEntry.objects.filter(partner_id=ws.partner.pk, action="workspace.updated").get()
    assert entry.actor_id == str(ws.member("global_admin").user_id)
    assert entry.data == {"fields": ["support_phone"]}
    assert AuditEntry.objects.filter(action="token.created", partner_id=ws.partner.pk).exists()
