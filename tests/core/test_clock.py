"""The domain clock replays the past for the demo; the audit log keeps the real time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from partnerdesk.core import audit, clock
from partnerdesk.core.actor import Actor
from tests.kit import make_workspace

REAL = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
PAST = datetime(2026, 10, 2, 16, 45, tzinfo=UTC)


@time_machine.travel(REAL, tick=False)
def test_replaying_moves_the_domain_clock_only_inside_the_block() -> None:
    assert clock.now() == REAL
    with clock.replaying(PAST):
        assert clock.now() == PAST
        assert clock.real_now() == REAL
    assert clock.now() == REAL


def test_replaying_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError), clock.replaying(datetime(2026, 10, 2, 16, 45)):
        pass


@pytest.mark.django_db
@time_machine.travel(REAL, tick=False)
def test_the_audit_log_records_when_a_replayed_change_was_really_made() -> None:
    ws = make_workspace("Replay")
    system = Actor.system(partner_id=ws.partner.pk, reason="test")
    with clock.replaying(PAST):
        entry = audit.record(system, "demo.replayed", ws.partner)
    assert entry.at == REAL
