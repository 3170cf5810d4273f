"""Partnerdesk as the bench measures it: gunicorn and a worker started as production runs them.

`prepare` takes a fresh working copy of the dataset (`generate.prepare`), `start` runs
`partnerdesk serve --workers 2` and one `partnerdesk worker` with PARTNERDESK_ENV=production
(outgoing mail to a local SMTP sink), signs the agent in through the real pages (password,
then a TOTP code computed here) and the customer contact through the same sign-in, then checks
every page once. The bench client stands in for the TLS-terminating proxy production runs
behind (PARTNERDESK_BEHIND_PROXY): each request says `X-Forwarded-Proto: https`, so the
production security settings (secure cookies, HSTS, CSRF origin checks) stay on.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import os
import re
import struct
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import content
from load import Browser, Connection, Request, Scenario
from servers import ROOT, VAR, Process, free_port, start

BIN = ROOT / ".venv" / "bin"
SECRET_KEY = "bench-only-" + "k" * 50  # the bench's own servers on 127.0.0.1, never deployed
PROXY = {"X-Forwarded-Proto": "https"}
QUEUE_DEPTH = 1_000  # rows before the deep page of the open queue
CREATE_CONCURRENCY = 8


@dataclass(frozen=True)
class Counts:
    """How many requests and seconds each scenario may take."""

    reads: int = 100
    read_seconds: float = 20.0
    writes: int = 400
    write_seconds: float = 30.0
    warmup: int = 3

    @classmethod
    def quick(cls) -> Counts:
        return cls(reads=20, read_seconds=5.0, writes=60, write_seconds=10.0, warmup=2)


def totp(key_hex: str, at: float, *, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 (HMAC-SHA1), as an authenticator app computes it."""
    counter = struct.pack(">Q", int(at) // step)
    digest = hmac.new(bytes.fromhex(key_hex), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return str(code).zfill(digits)


class ProxiedBrowser(Browser):
    """A browser behind the TLS proxy: every request carries X-Forwarded-Proto."""

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return super().headers({**PROXY, **(extra or {})})


class SmtpSink:
    """Outgoing mail from the worker ends here, counted and dropped (aiosmtpd, a dev
    dependency of the venv the runner uses)."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.count = 0
        self._lock = threading.Lock()

        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                with sink._lock:
                    sink.count += 1
                return "250 2.0.0 OK"

        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()


def _location_path(headers: dict[str, str]) -> str:
    location = headers.get("location", "")
    return re.sub(r"^https?://[^/]+", "", location)


@dataclass
class PartnerdeskSide:
    counts: Counts = field(default_factory=Counts)
    # Builds the dataset (or finds it cached) and returns its manifest; `generate.prepare`
    # unless the runner was given a manifest to measure as it is.
    prepare_dataset: Callable[[str, str], dict[str, Any]] | None = None
    name: str = "partnerdesk"
    manifest: dict[str, Any] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    mail_sent: int = 0
    _web: Process | None = None
    _worker: Process | None = None
    _sink: SmtpSink | None = None
    _agent: ProxiedBrowser | None = None
    _contact: ProxiedBrowser | None = None
    _static_done: bool = False

    # --- Side -------------------------------------------------------------------------------

    def prepare(self, engine: str, size: str) -> dict[str, object]:
        if self.prepare_dataset is not None:
            manifest = self.prepare_dataset(engine, size)
        else:
            import generate  # bench/generate.py

            manifest = generate.prepare(engine, size)
            if not isinstance(manifest, dict) or "database_url" not in manifest:
                manifest = json.loads((VAR / f"{engine}-{size}.json").read_text())
        self.manifest = manifest
        return {
            key: manifest.get(key)
            for key in (
                *("engine", "size", "tickets", "seed", "generator", "schema"),
                *("built_seconds", "database_mb", "max_number"),
            )
        }

    def start(self) -> str:
        env = self._env()
        if not self._static_done:
            subprocess.run(  # noqa: S603 - our own command
                [str(BIN / "partnerdesk"), "collectstatic", "--noinput", "-v0"],
                env={**os.environ, **env},
                cwd=ROOT,
                check=True,
            )
            self._static_done = True
        self._sink = SmtpSink()
        env["EMAIL_PORT"] = str(self._sink.port)
        port = free_port()
        env["PARTNERDESK_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
        self._web = start(
            "partnerdesk-web",
            [str(BIN / "partnerdesk"), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            env=env,
            port=port,
            ready_path="/accounts/login/",
        )
        self._worker = start("partnerdesk-worker", [str(BIN / "partnerdesk"), "worker"], env=env)
        base = self._web.base_url
        self._agent = self._sign_in_agent(base)
        self._contact = self._sign_in_contact(base)
        return base

    def scenarios(self) -> list[Scenario]:
        assert self._web is not None and self._agent is not None and self._contact is not None
        base = self._web.base_url
        m = self.manifest
        agent = self._agent.headers()
        contact = self._contact.headers()
        api = {**PROXY, "Authorization": f"Bearer {m['api_token']}", "Accept": "application/json"}
        ids: list[str] = list(m["ticket_ids"])
        words: dict[str, str] = m["words"]
        reads = {
            "requests": self.counts.reads,
            "max_seconds": self.counts.read_seconds,
            "warmup": self.counts.warmup,
        }

        def get(path: str, headers: dict[str, str]) -> Callable[[int], Request]:
            request = Request("GET", path, headers)
            return lambda i: request

        deep_path, deep_rows = self._deep_queue_path(base, agent)
        planned: list[tuple[Scenario, Callable[[bytes], bool]]] = [
            (
                Scenario("queue_first", get("/desk/queues/open/", agent), **reads),
                lambda body: b'class="ref"' in body,
            ),
            (
                Scenario(
                    "queue_deep",
                    get(deep_path, agent),
                    note=f"the page after {deep_rows} rows of the open queue",
                    **reads,
                ),
                lambda body: b'class="ref"' in body,
            ),
            (
                Scenario(
                    "ticket_page",
                    lambda i: Request("GET", f"/desk/tickets/{ids[i % len(ids)]}/", agent),
                    note=f"{len(ids)} tickets in turn",
                    **reads,
                ),
                lambda body: f"/desk/tickets/{ids[0]}/".encode() in body,
            ),
            (
                Scenario(
                    "customer_list",
                    get("/portal/?state=closed", contact),
                    note="the portal's 'Solved and closed' tab of a contact of the busiest "
                    "customer (a full page at every size; the open tab holds a handful)",
                    **reads,
                ),
                lambda body: b'data-testid="requests"' in body,
            ),
            (
                Scenario("api_list", get("/api/v1/tickets", api), **reads),
                lambda body: bool(json.loads(body).get("items")),
            ),
            (
                Scenario("home", get("/desk/", agent), note="/desk/ (the open queue)", **reads),
                lambda body: b'class="ref"' in body,
            ),
            (
                Scenario(
                    "search_common", get(f"/desk/search/?q={words['common']}", agent), **reads
                ),
                lambda body: b'data-testid="ticket-hits"' in body,
            ),
            (
                Scenario("search_rare", get(f"/desk/search/?q={words['rare']}", agent), **reads),
                lambda body: b'data-testid="ticket-hits"' in body,
            ),
            (
                Scenario("search_none", get(f"/desk/search/?q={words['none']}", agent), **reads),
                lambda body: b'data-testid="no-tickets"' in body,
            ),
            (self._create_scenario(base, api), lambda body: b'"number"' in body),
        ]
        self.skipped = {}
        out = []
        check = Connection(base)
        try:
            for scenario, looks_right in planned:
                problem = self._check(check, scenario, looks_right)
                if problem:
                    self.skipped[scenario.name] = problem
                else:
                    out.append(scenario)
        finally:
            check.close()
        return out

    def stop(self) -> dict[str, float]:
        peaks: dict[str, float] = {}
        if self._web is not None:
            self._web.stop()
            peaks["web"] = self._web.peaks.get("worker", 0.0)  # a gunicorn worker
            peaks["web_master"] = self._web.peaks.get("master", 0.0)
            peaks["web_pss"] = self._web.peaks.get("worker_pss", 0.0)
        if self._worker is not None:
            self._worker.stop()
            peaks["worker"] = self._worker.peaks.get("master", 0.0)
            peaks["worker_pss"] = self._worker.peaks.get("master_pss", 0.0)
            children = max(
                self._worker.peaks.get("worker", 0.0), self._worker.peaks.get("helper", 0.0)
            )
            if children:
                peaks["worker_children"] = children
        if self._sink is not None:
            self.mail_sent = self._sink.count
            self._sink.stop()
        self._web = self._worker = self._sink = None
        return peaks

    # --- helpers ----------------------------------------------------------------------------

    def _env(self) -> dict[str, str]:
        var_dir = VAR / "partnerdesk-var"
        var_dir.mkdir(parents=True, exist_ok=True)
        return {
            "PARTNERDESK_ENV": "production",
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": str(self.manifest.get("database_url", "")),
            "ALLOWED_HOSTS": "127.0.0.1",
            "PARTNERDESK_PUBLIC_URL": "http://127.0.0.1:8000",
            "PARTNERDESK_BEHIND_PROXY": "true",
            "PARTNERDESK_ACCESS_LOG": "",  # off
            "PARTNERDESK_VAR_DIR": str(var_dir),
            "PARTNERDESK_LOG_LEVEL": "WARNING",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": "25",
            "WEB_CONCURRENCY": "2",
        }

    def _log_tails(self) -> str:
        return "\n".join(p.log_tail(20) for p in (self._web, self._worker) if p is not None)

    def _sign_in_agent(self, base: str) -> ProxiedBrowser:
        """Password, then the TOTP step. One try each (the product throttles failures); a code
        refused because it was already used in this 30 s step is retried once in the next."""
        agent = self.manifest["agent"]
        browser = ProxiedBrowser(base.replace("http://", "https://"))
        status, headers, body = browser.submit(
            "/accounts/login/", {"email": agent["email"], "password": self.manifest["password"]}
        )
        if status != 302 or not _location_path(headers).startswith("/accounts/mfa/"):
            raise RuntimeError(
                f"agent sign-in: {status} {_location_path(headers)!r} {body[:300]!r}\n"
                + self._log_tails()
            )
        for attempt in (1, 2):
            now = time.time()
            if 30 - now % 30 < 3:  # too close to the end of the step: wait for the next
                time.sleep(30 - now % 30 + 0.5)
                now = time.time()
            code = totp(agent["totp_key_hex"], now)
            status, headers, body = browser.submit("/accounts/mfa/", {"code": code})
            if status == 302:
                return browser
            if attempt == 1:
                time.sleep(30 - time.time() % 30 + 0.5)
        raise RuntimeError(f"agent TOTP step: {status} {body[:300]!r}")

    def _sign_in_contact(self, base: str) -> ProxiedBrowser:
        contact = self.manifest["contact"]
        browser = ProxiedBrowser(base.replace("http://", "https://"))
        status, headers, body = browser.submit(
            "/accounts/login/?next=/portal/",
            {"email": contact["email"], "password": self.manifest["password"]},
            form_path="/accounts/login/?next=/portal/",
        )
        if status != 302 or _location_path(headers).startswith("/accounts/"):
            raise RuntimeError(f"contact sign-in: {status} {body[:300]!r}")
        return browser

    def _deep_queue_path(self, base: str, agent: dict[str, str]) -> tuple[str, int]:
        """Follow the open queue's own "Next page" links until QUEUE_DEPTH rows lie before
        the page (or the queue ends: a small desk has fewer open tickets)."""
        conn = Connection(base)
        path, rows = "/desk/queues/open/", 0
        try:
            while rows < QUEUE_DEPTH:
                status, _headers, body = conn.send(Request("GET", path, agent))
                if status != 200:
                    raise RuntimeError(f"open queue {path}: {status} {body[:300]!r}")
                found = re.search(rb'href="([^"]+)" data-testid="next-page"', body)
                if not found:
                    break  # the last page: measure it
                rows += body.count(b'<td class="ref">')
                path = html.unescape(found.group(1).decode())
        finally:
            conn.close()
        return path, rows

    def _create_scenario(self, base: str, api: dict[str, str]) -> Scenario:
        """POST /api/v1/tickets at concurrency 8: realistic bodies from the content stream,
        spread over the workspace's customers, each with its own Idempotency-Key."""
        conn = Connection(base)
        try:
            status, _h, body = conn.send(Request("GET", "/api/v1/customers?limit=200", api))
        finally:
            conn.close()
        if status != 200:
            raise RuntimeError(f"customer list for create_api: {status} {body[:300]!r}")
        customers = [item["id"] for item in json.loads(body)["items"]]
        size = int(self.manifest.get("tickets") or 10_000)
        run = uuid.uuid4().hex[:12]
        headers = {**api, "Content-Type": "application/json"}

        def make(i: int) -> Request:
            spec = content.ticket(size + 10 + abs(i), size)
            payload = {
                "customer_id": customers[abs(i) % len(customers)],
                "subject": spec.subject,
                "description": spec.description,
                "category": spec.category,
                "severity": spec.severity,
                "channel": "api",
            }
            key = {"Idempotency-Key": f"bench-{run}-{i}"}
            return Request(
                "POST", "/api/v1/tickets", {**headers, **key}, json.dumps(payload).encode()
            )

        return Scenario(
            "create_api",
            make,
            concurrency=CREATE_CONCURRENCY,
            requests=self.counts.writes,
            max_seconds=self.counts.write_seconds,
            warmup=self.counts.warmup,
            expect=(201,),
            note="POST /api/v1/tickets, 8 at once",
        )

    @staticmethod
    def _check(conn: Connection, scenario: Scenario, looks_right: Callable[[bytes], bool]) -> str:
        """One request (a warm-up number, so no measured one is spent), its body checked: a
        sign-in redirect or an error page must never be measured as a fast page."""
        request = scenario.make_request(-1000)
        status, headers, body = conn.send(request)
        if status not in scenario.expect:
            where = headers.get("location", "")
            return f"{request.method} {request.path}: {status} {where} {body[:200]!r}"
        try:
            ok = looks_right(body)
        except ValueError as error:
            return f"{request.method} {request.path}: unreadable body ({error})"
        return "" if ok else f"{request.method} {request.path}: unexpected body {body[:200]!r}"


def stand_in(path: Path) -> Callable[[str, str], dict[str, Any]]:
    """A manifest measured as it is (its working copy already fresh): for development."""

    def prepare(engine: str, size: str) -> dict[str, Any]:
        return dict(json.loads(path.read_text()))

    return prepare
