"""The sandbox vendor's memory: the scenario clock, issued codes and tokens, and the knobs
tests turn (throttle, fail, revoke). Thread-safe; optionally kept in a JSON file."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

DEFAULT_REFRESH_TOKEN = "sandbox-demo-refresh-token"  # noqa: S105 (a fixture of the sandbox)
DEMO_CLIENT_ID = "partnerdesk-demo"
ACCESS_TOKEN_SECONDS = 3600


@dataclass
class AccessToken:
    tenant: str
    audience: str  # "partner_center" or "graph"
    app_only: bool
    expires: float


@dataclass
class Grant:
    """A refresh token family (one consent): every rotated token of it revokes together."""

    family: str
    client_id: str
    tenant: str
    revoked: bool = False
    expired: bool = False


@dataclass
class State:
    scenario: dict[str, Any]
    scale: float = 1.0
    path: Path | None = None
    started: float = field(default_factory=time.monotonic)
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    advanced_minutes: float = 0.0
    throttle: int = 0
    retry_after: str = "1"
    fail: int = 0
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    access: dict[str, AccessToken] = field(default_factory=dict)
    refresh: dict[str, Grant] = field(default_factory=dict)
    relationship_status: dict[str, str] = field(default_factory=dict)
    requests: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    # --- clock --------------------------------------------------------------------------

    def minute(self) -> float:
        """Scenario minutes since the origin (the server starts at `starts_at_minute`)."""
        elapsed = (time.monotonic() - self.started) * self.scale / 60.0
        return float(self.scenario.get("starts_at_minute", 0)) + elapsed + self.advanced_minutes

    def origin(self) -> datetime:
        start = float(self.scenario.get("starts_at_minute", 0))
        return self.started_at - timedelta(minutes=start)

    def at(self, minute: float) -> datetime:
        return self.origin() + timedelta(minutes=minute)

    def now(self) -> datetime:
        return self.at(self.minute())

    # --- knobs --------------------------------------------------------------------------

    def take_knob(self) -> tuple[str, str] | None:
        """("throttle", retry-after) or ("fail", "") when the next call should misbehave."""
        with self.lock:
            if self.throttle > 0:
                self.throttle -= 1
                return "throttle", self.retry_after
            if self.fail > 0:
                self.fail -= 1
                return "fail", ""
        return None

    # --- tokens -------------------------------------------------------------------------

    def seed(self, refresh_token: str, *, client_id: str = DEMO_CLIENT_ID) -> None:
        tenant = str(self.scenario.get("partner_tenant", ""))
        with self.lock:
            self.refresh.setdefault(
                refresh_token, Grant(family="seed", client_id=client_id, tenant=tenant)
            )

    def issue_code(self, **details: str) -> str:
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = details
        return code

    def take_code(self, code: str) -> dict[str, str] | None:
        with self.lock:
            return self.codes.pop(code, None)

    def issue_access(self, *, tenant: str, audience: str, app_only: bool) -> str:
        token = "sbx-at-" + secrets.token_urlsafe(24)
        with self.lock:
            self.access[token] = AccessToken(
                tenant=tenant,
                audience=audience,
                app_only=app_only,
                expires=time.monotonic() + ACCESS_TOKEN_SECONDS,
            )
        return token

    def issue_refresh(self, *, client_id: str, tenant: str, family: str | None = None) -> str:
        token = "sbx-rt-" + secrets.token_urlsafe(32)
        with self.lock:
            self.refresh[token] = Grant(
                family=family or secrets.token_hex(8), client_id=client_id, tenant=tenant
            )
        self.save()
        return token

    def grant_for(self, refresh_token: str) -> Grant | None:
        with self.lock:
            return self.refresh.get(refresh_token)

    def access_for(self, token: str) -> AccessToken | None:
        with self.lock:
            found = self.access.get(token)
        if found is None or found.expires < time.monotonic():
            return None
        return found

    def revoke_all(self, *, expire: bool = False) -> None:
        with self.lock:
            for grant in self.refresh.values():
                if expire:
                    grant.expired = True
                else:
                    grant.revoked = True
            self.access.clear()
        self.save()

    # --- persistence --------------------------------------------------------------------

    def save(self) -> None:
        if self.path is None:
            return
        with self.lock:
            data = {
                "refresh": {
                    token: {
                        "family": g.family,
                        "client_id": g.client_id,
                        "tenant": g.tenant,
                        "revoked": g.revoked,
                        "expired": g.expired,
                    }
                    for token, g in self.refresh.items()
                },
                "relationship_status": self.relationship_status,
                # The scenario's clock keeps running across restarts: the vendor's history
                # (when an incident started, when each post was made) never moves.
                "started_at": self.started_at.isoformat(),
            }
        self.path.write_text(json.dumps(data, indent=1))

    def load(self) -> None:
        if self.path is None or not self.path.exists():
            return
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return
        with self.lock:
            for token, grant in (data.get("refresh") or {}).items():
                self.refresh[token] = Grant(**grant)
            self.relationship_status.update(data.get("relationship_status") or {})
            started_at = data.get("started_at")
        if isinstance(started_at, str):
            try:
                then = datetime.fromisoformat(started_at)
            except ValueError:
                return
            self.started_at = then
            self.started = time.monotonic() - (datetime.now(UTC) - then).total_seconds()


def pkce_ok(verifier: str, challenge: str, method: str) -> bool:
    if not challenge:
        return True
    if method.upper() == "S256":
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii") == challenge
    return verifier == challenge
