"""A sandbox vendor on a free port (real HTTP, in a thread) and a workspace connected to it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from partnerdesk.connectors import actions, auth, sync
from partnerdesk.connectors.http import RetryPolicy, VendorHttp
from partnerdesk.connectors.sandbox.scenarios import morning_outage
from partnerdesk.connectors.sandbox.server import build_state, start_in_thread
from partnerdesk.connectors.sandbox.state import DEFAULT_REFRESH_TOKEN, State
from tests.kit import Workspace, make_workspace


@dataclass
class Sandbox:
    url: str
    state: State
    waits: list[float] = field(default_factory=list)

    def knob(self, name: str, **body: Any) -> None:
        httpx.post(f"{self.url}/_sandbox/{name}", json=body).raise_for_status()


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    state = build_state(scale=0.0)  # the scenario clock moves only when a test advances it
    server, url = start_in_thread(state)
    box = Sandbox(url=url, state=state)
    monkeypatch.setattr(
        sync,
        "http_factory",
        lambda: VendorHttp(sleep=box.waits.append, policy=RetryPolicy(attempts=3), timeout=5),
    )
    auth.clear_cache()
    yield box
    auth.clear_cache()
    server.shutdown()
    server.server_close()


@pytest.fixture
def connected(db: None, sandbox: Sandbox) -> Workspace:
    """The demo's partner tenant, connected to the sandbox with the seeded consent."""
    ws = make_workspace("Nordwind IT", tenant_id=uuid.UUID(morning_outage.PARTNER_TENANT))
    actions.connect_sandbox(
        ws.actor("global_admin"), base_url=sandbox.url, refresh_token=DEFAULT_REFRESH_TOKEN
    )
    return ws
