"""Fixtures every test may use: workspaces with every kind of actor, a frozen clock, no network."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine

from tests.kit import Workspace, make_workspace

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address: Any) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback


def _guarded(real: Any) -> Any:
    def connect(self: socket.socket, address: Any) -> Any:
        if not _is_local(address):
            raise RuntimeError(f"Tests may not reach the network beyond 127.0.0.1: {address!r}")
        return real(self, address)

    return connect


@pytest.fixture(autouse=True, scope="session")
def no_network() -> Iterator[None]:
    """Fail any test that reaches beyond this machine's loopback."""
    socket.socket.connect = _guarded(_real_connect)  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded(_real_connect_ex)  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _mail_locmem(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def ws(db: None) -> Workspace:
    """A workspace with customers a, b and own, and one member of every kind."""
    return make_workspace("Nordwind IT")


@pytest.fixture
def other_ws(db: None) -> Workspace:
    """A second, unrelated workspace: nothing of it may ever be visible from `ws`."""
    return make_workspace("Alpen Cloud")


@pytest.fixture
def frozen_clock() -> Iterator[time_machine.Coordinates]:
    """The clock stands at Monday 2026-03-02 09:00 UTC until the test moves it."""
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller
