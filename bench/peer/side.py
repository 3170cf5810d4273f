"""The peer side of the bench: django-helpdesk 2.6.1, from PyPI, in its own virtual environment.

The runner (`bench/run.py --peer`) imports `PeerSide` from here and drives it like every side
(see sides.py). This module runs in OUR venv and only starts programs from the peer's:
django-helpdesk's code is installed into bench/var/peer-venv (git-ignored), never imported here.

- `ensure_venv()`: bench/var/peer-venv from the machine's python3 with requirements.txt,
  reinstalled when that file changes (a stamp in the venv).
- `prepare(engine, size)`: the pristine dataset (peer/generate.py, after `migrate`), rebuilt
  when missing or stale (its manifest bench/var/peer-<engine>-<size>.json names the
  requirements and generator it was built with), then a fresh working copy.
- `start()`: `collectstatic`, then gunicorn from the peer venv as Partnerdesk runs (2 workers,
  1 thread, no access log, DEBUG off, max-requests 2000), on a free port of 127.0.0.1. Its
  timeout is 180 s instead of Partnerdesk's 60 s: the peer's API list needs over a minute at
  100k tickets. There is no worker process: django-helpdesk sends its mail inside the request
  (to the dummy backend here) and polls mailboxes from cron, which the bench does not run.
- `scenarios()`: the common scenario names; where a browser needs two requests to show the
  rows (the page, then its DataTables or API JSON), both are timed as one (`PageLoad`).

By hand (any python3.11; SQLite needs nothing else, PostgreSQL needs psycopg):
    python bench/peer/side.py --smoke                 # 2,000 tickets on SQLite, tiny counts
    python bench/peer/side.py --build postgresql 100k # only build the dataset
    python bench/peer/side.py --run postgresql 10k    # build if needed, run every scenario
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

BENCH = Path(__file__).resolve().parent.parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import content  # noqa: E402
import servers  # noqa: E402
from load import Browser, Connection, Request, Scenario, Stats, percentile  # noqa: E402

HERE = Path(__file__).resolve().parent
VAR = BENCH / "var"
VENV = VAR / "peer-venv"
PYTHON = VENV / "bin" / "python"
REQUIREMENTS = HERE / "requirements.txt"
STAMP = VENV / ".bench-requirements.sha256"
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")

# The DataTables request ticket_list.html makes for its first page: 25 rows in the library's
# default order (the first column, the id, ascending); draw/search as DataTables sends them.
DATATABLES_PARAMS = {
    "draw": "1",
    "order[0][column]": "0",
    "order[0][dir]": "asc",
    "start": "0",
    "length": "25",
    "search[value]": "",
    "search[regex]": "false",
}
_DATATABLES_URL = re.compile(rb'"url": "(/datatables_ticket_list/[A-Za-z0-9+/=]*)"')


def _sha256(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _db_name(name: str) -> str:
    """A database name this side may touch (it goes into SQL as is)."""
    if not re.fullmatch(r"helpdesk_bench_[a-z0-9]+(_pristine)?", name):
        raise ValueError(f"not a peer bench database: {name!r}")
    return name


def _log(message: str) -> None:
    print(f"[peer] {message}", file=sys.stderr, flush=True)


def _tickets_in(size: str) -> int:
    return content.SIZES.get(size) or int(size)


# --- measuring a page that needs more than one request ----------------------------------------


@dataclass(frozen=True)
class PageLoad(Scenario):
    """A page a browser shows only after several requests (the HTML, then the JSON its script
    fetches for the rows): `steps(i)` gives them, sent one after the other on one keep-alive
    connection and timed as one. Statistics as `load.measure` keeps them; a step answering
    other than `expect` makes the whole load an error."""

    steps: Callable[[int], list[Request]] = field(default=lambda i: [])

    def run(self, base_url: str) -> Stats:
        return measure_steps(
            base_url,
            self.steps,
            concurrency=self.concurrency,
            requests=self.requests,
            max_seconds=self.max_seconds,
            warmup=self.warmup,
            expect=self.expect,
        )


def measure_steps(
    base_url: str,
    steps: Callable[[int], list[Request]],
    *,
    concurrency: int,
    requests: int,
    max_seconds: float,
    warmup: int,
    expect: tuple[int, ...],
) -> Stats:
    warm = Connection(base_url)
    for i in range(warmup):
        for request in steps(-1 - i):
            warm.send(request)
    warm.close()

    counter = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    errors: list[str] = []
    deadline = time.perf_counter() + max_seconds

    def worker() -> None:
        conn = Connection(base_url)
        try:
            while time.perf_counter() < deadline:
                with lock:
                    i = next(counter)
                if i >= requests:
                    return
                began = time.perf_counter()
                failure = ""
                for request in steps(i):
                    try:
                        status, _headers, body = conn.send(request)
                    except Exception as error:  # counted, reported, not raised
                        failure = f"{request.method} {request.path}: {error!r}"
                        status = 0
                    else:
                        if status not in expect:
                            failure = f"{request.method} {request.path}: {status} {body[:300]!r}"
                    with lock:
                        statuses[str(status) if status else "exception"] += 1
                    if failure:
                        break
                took = (time.perf_counter() - began) * 1000
                with lock:
                    if failure:
                        errors.append(failure)
                    else:
                        latencies.append(took)
        finally:
            conn.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    latencies.sort()
    return Stats(
        requests=len(latencies),
        errors=len(errors),
        seconds=round(seconds, 3),
        per_second=round(len(latencies) / seconds, 2) if seconds else 0.0,
        p50_ms=round(percentile(latencies, 0.50), 2),
        p95_ms=round(percentile(latencies, 0.95), 2),
        p99_ms=round(percentile(latencies, 0.99), 2),
        max_ms=round(latencies[-1], 2) if latencies else 0.0,
        concurrency=concurrency,
        statuses=dict(statuses),
        first_error=errors[0] if errors else "",
    )


# --- the side -------------------------------------------------------------------------------


@dataclass
class PeerSide:
    """django-helpdesk as the runner drives it. `quick` shrinks every count (the smoke run)."""

    quick: bool = False
    name: str = "django-helpdesk"
    engine: str = ""
    size: str = ""
    manifest: dict[str, Any] = field(default_factory=dict)
    database_url: str = ""
    process: servers.Process | None = None
    base_url: str = ""

    # -- the virtual environment --

    def ensure_venv(self) -> None:
        wanted = _sha256(REQUIREMENTS)
        if STAMP.exists() and STAMP.read_text().strip() == wanted and PYTHON.exists():
            return
        base = os.environ.get("PEER_PYTHON") or getattr(sys, "_base_executable", sys.executable)
        _log(f"creating {VENV.relative_to(BENCH.parent)} with {base}")
        if VENV.exists():
            shutil.rmtree(VENV)
        subprocess.run([base, "-m", "venv", str(VENV)], check=True)  # noqa: S603
        pip = subprocess.run(  # noqa: S603
            [str(PYTHON), "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS)],
            capture_output=True,
            text=True,
        )
        if pip.returncode:  # pip's output only when it failed (it warns a lot here)
            raise RuntimeError(f"pip install failed:\n{pip.stdout}\n{pip.stderr}")
        STAMP.write_text(wanted + "\n")

    def _env(self, database_url: str) -> dict[str, str]:
        return {
            "DJANGO_SETTINGS_MODULE": "peer.settings",
            "DATABASE_URL": database_url,
            "PYTHONPATH": str(BENCH),
            "VIRTUAL_ENV": str(VENV),
            "PATH": f"{VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        }

    def _peer(self, argv: list[str], database_url: str) -> None:
        """Run a command with the peer venv's python; its output goes to our stderr."""
        subprocess.run(  # noqa: S603
            [str(PYTHON), *argv],
            cwd=BENCH,
            env={**os.environ, **self._env(database_url)},
            check=True,
            stdout=sys.stderr,
        )

    # -- datasets --

    @staticmethod
    def _names(engine: str, size: str) -> tuple[str, str]:
        """(pristine, working copy): database names on PostgreSQL, file paths on SQLite."""
        if engine == "postgresql":
            return f"helpdesk_bench_{size}_pristine", f"helpdesk_bench_{size}"
        if engine == "sqlite":
            base = VAR / f"peer-sqlite-{size}"
            return f"{base}.sqlite3", f"{base}-run.sqlite3"
        raise ValueError(f"unknown engine {engine!r}")

    @staticmethod
    def _url(engine: str, name: str) -> str:
        return f"{PG_SERVER}/{name}" if engine == "postgresql" else f"sqlite:///{name}"

    @staticmethod
    def _admin(*statements: str) -> list[tuple[Any, ...]]:
        import psycopg  # only PostgreSQL needs it; our venv has it

        rows: list[tuple[Any, ...]] = []
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            for statement in statements:
                cursor = conn.execute(statement)  # type: ignore[arg-type]
                if cursor.description:
                    rows += cursor.fetchall()
        return rows

    @staticmethod
    def _drop(engine: str, name: str) -> None:
        if engine == "postgresql":
            PeerSide._admin(f'DROP DATABASE IF EXISTS "{_db_name(name)}" WITH (FORCE)')
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(name + suffix).unlink(missing_ok=True)

    def _exists(self, engine: str, name: str) -> bool:
        if engine == "postgresql":
            sql = f"SELECT 1 FROM pg_database WHERE datname = '{_db_name(name)}'"  # noqa: S608
            return bool(self._admin(sql))
        return Path(name).exists()

    def _fingerprint(self) -> dict[str, str]:
        return {
            "schema": _sha256(REQUIREMENTS),  # the peer's version, hence its migrations
            "content": _sha256(BENCH / "content.py", HERE / "generate.py", HERE / "settings.py"),
        }

    def build(self, engine: str, size: str) -> dict[str, Any]:
        """Build the pristine dataset from nothing; returns its manifest (also written)."""
        pristine, working = self._names(engine, size)
        url = self._url(engine, pristine)
        _log(f"building {engine} {size} into {pristine}")
        began = time.perf_counter()
        self._drop(engine, pristine)
        if engine == "postgresql":
            self._admin(f'CREATE DATABASE "{pristine}"')
        else:
            VAR.mkdir(parents=True, exist_ok=True)
        self._peer(["-m", "django", "migrate", "--noinput", "-v0"], url)
        facts_path = VAR / f"peer-{engine}-{size}.facts.tmp"
        self._peer([str(HERE / "generate.py"), "--size", size, "--out", str(facts_path)], url)
        facts = json.loads(facts_path.read_text())
        facts_path.unlink()
        if engine == "postgresql":
            mb = self._admin(f"SELECT pg_database_size('{pristine}')")[0][0] / 2**20
        else:
            with sqlite3.connect(pristine) as db:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            mb = Path(pristine).stat().st_size / 2**20
        manifest = {
            "engine": engine,
            "size": size,
            **facts,
            **self._fingerprint(),
            "database_url": self._url(engine, working),
            "pristine": pristine,
            "built_seconds": round(time.perf_counter() - began, 1),
            "database_mb": round(mb, 1),
        }
        path = VAR / f"peer-{engine}-{size}.json"
        path.write_text(json.dumps(manifest, indent=1) + "\n")
        _log(f"built {engine} {size} in {manifest['built_seconds']}s, {manifest['database_mb']} MB")
        return manifest

    def cached(self, engine: str, size: str) -> dict[str, Any] | None:
        path = VAR / f"peer-{engine}-{size}.json"
        if not path.exists():
            return None
        manifest = json.loads(path.read_text())
        fresh = all(manifest.get(k) == v for k, v in self._fingerprint().items())
        if not fresh or not self._exists(engine, manifest["pristine"]):
            return None
        return manifest

    def prepare(self, engine: str, size: str) -> dict[str, object]:
        self.ensure_venv()
        manifest = self.cached(engine, size)
        reused = manifest is not None
        if manifest is None:
            manifest = self.build(engine, size)
        pristine, working = self._names(engine, size)
        self._drop(engine, working)
        if engine == "postgresql":
            self._admin(f'CREATE DATABASE "{working}" TEMPLATE "{pristine}" STRATEGY FILE_COPY')
        else:
            shutil.copyfile(pristine, working)
        self.engine, self.size, self.manifest = engine, size, manifest
        self.database_url = self._url(engine, working)
        return {
            "tickets": manifest["tickets"],
            "open_tickets": manifest["open_tickets"],
            "followups": manifest["followups"],
            "built_seconds": manifest["built_seconds"],
            "database_mb": manifest["database_mb"],
            "reused": reused,
        }

    # -- the server --

    def start(self) -> str:
        self._peer(["-m", "django", "collectstatic", "--noinput", "-v0"], self.database_url)
        port = servers.free_port()
        argv = [
            str(VENV / "bin" / "gunicorn"),
            "peer.wsgi:application",
            "--chdir", str(BENCH),
            "--bind", f"127.0.0.1:{port}",
            "--workers", "2",
            "--threads", "1",
            "--timeout", "180",
            "--graceful-timeout", "20",
            "--max-requests", "2000",
            "--max-requests-jitter", "200",
            "--name", "helpdesk-web",
        ]  # fmt: skip
        self.process = servers.start(
            f"peer-web-{self.engine}-{self.size}",
            argv,
            env=self._env(self.database_url),
            cwd=BENCH,
            port=port,
            ready_path="/login/",
        )
        self.base_url = self.process.base_url
        return self.base_url

    def stop(self) -> dict[str, float]:
        if self.process is None:
            return {}
        self.process.stop()
        peaks = self.process.peaks
        self.process = None
        # One role: gunicorn's workers (the master only forks them); no worker process.
        return {"web": max(peaks.get("worker", 0.0), peaks.get("master", 0.0))}

    # -- the scenarios --

    def _sign_in(self, username: str) -> Browser:
        browser = Browser(self.base_url)
        status, headers, _body = browser.submit(
            "/login/", {"username": username, "password": self.manifest["password"]}
        )
        if status != 302 or "sessionid" not in browser.cookies:
            raise RuntimeError(f"signing in {username} failed: {status} {headers}")
        return browser

    def _check(self, name: str, requests: list[Request], *, expect: int = 200) -> list[bytes]:
        """Send each request once; fail unless it answers `expect` with no login form."""
        conn = Connection(self.base_url, timeout=200)
        bodies = []
        try:
            for request in requests:
                status, _headers, body = conn.send(request)
                if status != expect or b'name="password"' in body:
                    raise RuntimeError(
                        f"{name}: {request.method} {request.path} answered {status}: {body[:300]!r}"
                    )
                bodies.append(body)
        finally:
            conn.close()
        return bodies

    def scenarios(self) -> list[Scenario]:
        m = self.manifest
        agent = self._sign_in(m["agent"]["username"])
        contact = self._sign_in(m["contact"]["username"])
        as_agent = agent.headers()
        as_contact = contact.headers()
        quick = self.quick

        def n(normal: int, small: int = 3) -> int:
            return small if quick else normal

        def get(path: str, headers: dict[str, str] = as_agent) -> Request:
            return Request("GET", path, headers)

        def rows(query_path: str, start: int = 0) -> Request:
            params = {**DATATABLES_PARAMS, "start": str(start)}
            return get(f"{query_path}?{urlencode(params)}")

        def datatables_path(page: bytes, label: str) -> str:
            found = _DATATABLES_URL.search(page)
            if not found:
                raise RuntimeError(f"{label}: no DataTables URL in the ticket list page")
            return found.group(1).decode()

        out: list[Scenario] = []

        # The open queue: ticket_list.html with the Open and Reopened filter, then its rows.
        queue_path = "/tickets/?status=1&status=2"
        (shell,) = self._check("queue_first", [get(queue_path)])
        queue_rows = datatables_path(shell, "queue_first")
        first = json.loads(self._check("queue_first", [rows(queue_rows)])[0])
        if not first["data"]:
            raise RuntimeError("queue_first: the open queue is empty")
        open_count = int(first["recordsFiltered"])
        out.append(
            PageLoad(
                "queue_first",
                lambda i: get(queue_path),
                steps=lambda i: [get(queue_path), rows(queue_rows)],
                requests=n(100),
                max_seconds=30,
                note=(
                    "2 requests timed as one: GET /tickets/?status=1&status=2 (the list page) "
                    "then GET /datatables_ticket_list/<query> (its 25 rows, in the default "
                    "DataTables order: id ascending)"
                ),
            )
        )
        deep = max(0, min(1000, open_count - 25))
        deep_rows = json.loads(self._check("queue_deep", [rows(queue_rows, deep)])[0])
        if not deep_rows["data"]:
            raise RuntimeError("queue_deep: no rows")
        out.append(
            Scenario(
                "queue_deep",
                lambda i: rows(queue_rows, deep),
                requests=n(100),
                max_seconds=30,
                note=(
                    f"GET /datatables_ticket_list/<query>?start={deep}&length=25 only: paging "
                    "re-fetches the JSON, not the page"
                    + (
                        f" ({open_count} open tickets: the last page, not 1,000 deep)"
                        if deep < 1000
                        else ""
                    )
                ),
            )
        )

        ticket_ids: list[int] = m["ticket_ids"]
        self._check("ticket_page", [get(f"/tickets/{ticket_ids[0]}/")])
        out.append(
            Scenario(
                "ticket_page",
                lambda i: get(f"/tickets/{ticket_ids[i % len(ticket_ids)]}/"),
                requests=n(200),
                max_seconds=30,
                note=f"GET /tickets/<id>/ over {len(ticket_ids)} tickets with 2+ messages",
            )
        )

        mine = [
            get("/tickets/my-tickets/", as_contact),
            get("/api/user_tickets/?page=1", as_contact),
        ]
        _page, listing = self._check("customer_list", mine)
        if not json.loads(listing)["results"]:
            raise RuntimeError("customer_list: the contact has no tickets")
        out.append(
            PageLoad(
                "customer_list",
                lambda i: mine[0],
                steps=lambda i: mine,
                requests=n(100),
                max_seconds=30,
                note=(
                    "2 requests timed as one: GET /tickets/my-tickets/ then "
                    "GET /api/user_tickets/?page=1 (25 rows), signed in as the contact; "
                    "the peer has no customers: a person sees only tickets filed with their "
                    "own e-mail address, not their company's"
                ),
            )
        )

        # The API client: session cookie (and CSRF header for writes); DRF also offers HTTP
        # basic auth, which would hash the password (PBKDF2) on every request.
        self._check("api_list", [get(f"/api/tickets/{ticket_ids[0]}/")])
        out.append(
            Scenario(
                "api_list",
                lambda i: get("/api/tickets/"),
                requests=2,
                warmup=0,
                max_seconds=150,
                note=(
                    "GET /api/tickets/ (DRF, 25 rows a page, session auth): 2 requests, no "
                    "warm-up; its queryset runs over every ticket before paging"
                ),
            )
        )

        self._check("home", [get("/dashboard/")])
        out.append(
            Scenario(
                "home",
                lambda i: get("/dashboard/"),
                requests=n(100),
                max_seconds=30,
                note="GET /dashboard/ (the agent's, unassigned and resolved tickets, stats)",
            )
        )

        for scenario, key in (
            ("search_common", "common"),
            ("search_rare", "rare"),
            ("search_none", "none"),
        ):
            word = m["words"][key]
            page = f"/tickets/?q={quote(word)}"
            (shell,) = self._check(scenario, [get(page)])
            found_rows = datatables_path(shell, scenario)
            hits = json.loads(self._check(scenario, [rows(found_rows)])[0])["recordsFiltered"]
            if (key == "none") != (hits == 0) and not (key == "rare" and m["tickets"] < 10_000):
                raise RuntimeError(f"{scenario}: {hits} tickets found for {word!r}")
            out.append(
                PageLoad(
                    scenario,
                    lambda i, page=page: get(page),
                    steps=lambda i, page=page, found_rows=found_rows: [
                        get(page),
                        rows(found_rows),
                    ],
                    requests=n(50),
                    max_seconds=30,
                    note=(
                        f"2 requests timed as one: GET /tickets/?q={word} then its DataTables "
                        f"JSON (25 rows of {hits}; icontains over title, description, "
                        "resolution, e-mails, custom fields…)"
                    ),
                )
            )

        # Writes last: POST a ticket through the REST API, 8 at once.
        csrf = agent.cookies.get("csrftoken", "")
        write_headers = agent.headers({"Content-Type": "application/json", "X-CSRFToken": csrf})
        queue_id = next(iter(m["queues"].values()))
        submitter = m["contact"]["email"]

        def create(i: int) -> Request:
            payload = {
                "queue": queue_id,
                "title": f"Outlook asks for the password again ({i})",
                "description": "Since this morning Outlook keeps asking for the password.",
                "submitter_email": submitter,
                "priority": 3,
            }
            return Request("POST", "/api/tickets/", write_headers, json.dumps(payload).encode())

        self._check("create_api", [create(-100)], expect=201)
        out.append(
            Scenario(
                "create_api",
                create,
                concurrency=8,
                requests=n(400, 16),
                max_seconds=30,
                expect=(201,),
                note=(
                    "POST /api/tickets/ (JSON, session auth + CSRF header), 8 at once; writes "
                    "the ticket and its 'Ticket Opened' follow-up and renders the "
                    "notification e-mails (dummy backend: none sent)"
                ),
            )
        )
        return out


# --- by hand ----------------------------------------------------------------------------------


def run_all(side: PeerSide, engine: str, size: str) -> dict[str, Any]:
    facts = side.prepare(engine, size)
    _log(f"prepared: {facts}")
    base_url = side.start()
    results: dict[str, Any] = {}
    try:
        for scenario in side.scenarios():
            _log(f"{scenario.name} …")
            stats = scenario.run(base_url)
            results[scenario.name] = {**stats.as_dict(), "note": scenario.note}
            print(
                f"{scenario.name:14} {stats.requests:5} ok {stats.errors:3} err "
                f"p50 {stats.p50_ms:9.1f} ms  p95 {stats.p95_ms:9.1f} ms  "
                f"{stats.per_second:7.1f}/s",
                flush=True,
            )
            if stats.first_error:
                print(f"    first error: {stats.first_error[:300]}", flush=True)
    finally:
        memory = side.stop()
    print(f"peak memory: {memory}")
    return {"engine": engine, "size": size, "dataset": facts, "memory": memory, "results": results}


def main() -> None:
    parser = argparse.ArgumentParser(description="django-helpdesk, the bench's peer")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--smoke", action="store_true", help="2,000 tickets on SQLite, tiny counts")
    group.add_argument("--build", nargs=2, metavar=("ENGINE", "SIZE"), help="build a dataset")
    group.add_argument("--run", nargs=2, metavar=("ENGINE", "SIZE"), help="run every scenario")
    parser.add_argument("--rebuild", action="store_true", help="rebuild even if cached")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    args = parser.parse_args()

    if args.build:
        side = PeerSide()
        side.ensure_venv()
        engine, size = args.build
        if args.rebuild or side.cached(engine, size) is None:
            side.build(engine, size)
        else:
            _log(f"{engine} {size} is cached and fresh")
        return
    side = PeerSide(quick=args.smoke)
    engine, size = ("sqlite", "2000") if args.smoke else args.run
    if args.rebuild:
        side.ensure_venv()
        side.build(engine, size)
    report = run_all(side, engine, size)
    if args.out:
        args.out.write_text(json.dumps(report, indent=1) + "\n")
    failed = [k for k, v in report["results"].items() if v["errors"] or not v["requests"]]
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
