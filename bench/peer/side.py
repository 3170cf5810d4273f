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
  rows (the page, then its DataTables or API JSON), both are timed as one (a scenario's
  `make_request` gives both: `load.measure` sends them in turn).

By hand (any python3.11; SQLite needs nothing else, PostgreSQL needs psycopg):
    python bench/peer/side.py --smoke                 # 2,000 tickets on SQLite, tiny counts
    python bench/peer/side.py --build postgresql 100k # only build the dataset
    python bench/peer/side.py --run postgresql 10k    # build if needed, run every scenario
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

BENCH = Path(__file__).resolve().parent.parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import content  # noqa: E402
import servers  # noqa: E402
from load import Browser, Connection, Request, Scenario  # noqa: E402

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
QUEUE_DEPTH = 1_000  # rows before the deep page of the open queue
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


def _content_fingerprint() -> str:
    """What the content stream yields (people and a sample of tickets), so a change to
    content.py that changes the data rebuilds the datasets and a cosmetic one does not."""
    sample = [content.ticket(n, 1_000) for n in range(0, 1_000, 7)]
    text = repr((content.customers(), content.agents(), sample, content.SEED, content.PASSWORD))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _generator_version() -> int:
    """generate.py's GENERATOR (read, not imported: it needs the peer venv's Django)."""
    found = re.search(r"^GENERATOR = (\d+)", (HERE / "generate.py").read_text(), re.MULTILINE)
    return int(found.group(1)) if found else 0


def _pinned(package: str) -> str:
    """ "django-helpdesk 2.6.1": the version requirements.txt pins."""
    for line in REQUIREMENTS.read_text().splitlines():
        if line.lower().startswith(f"{package}=="):
            return f"{package} {line.split('==', 1)[1].strip()}"
    return package


def _log(message: str) -> None:
    print(f"[peer] {message}", file=sys.stderr, flush=True)


def _tickets_in(size: str) -> int:
    return content.SIZES.get(size) or int(size)


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
    counts: Any = None  # the runner's Counts; None: the defaults below
    version: str = field(default_factory=lambda: _pinned("django-helpdesk"))
    skipped: dict[str, str] = field(default_factory=dict)
    _as_agent: dict[str, str] = field(default_factory=dict)
    _as_contact: dict[str, str] = field(default_factory=dict)
    _csrf: str = ""

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

    def _fingerprint(self) -> dict[str, Any]:
        return {
            "schema": _sha256(REQUIREMENTS),  # the peer's version, hence its migrations
            "content": _content_fingerprint(),
            "generator": _generator_version(),
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
        """Every scenario, each checked once first (status, no login form, rows where rows are
        due); one that fails its check is left out and named in `skipped` with the reason."""
        m = self.manifest
        agent = self._sign_in(m["agent"]["username"])
        contact = self._sign_in(m["contact"]["username"])
        self._as_agent, self._as_contact = agent.headers(), contact.headers()
        self._csrf = agent.cookies.get("csrftoken", "")
        self.skipped = {}
        out: list[Scenario] = []
        for build, names in (
            (self._queues, "queue_first, queue_deep"),
            (self._ticket_page, "ticket_page"),
            (self._customer_list, "customer_list"),
            (self._api_list, "api_list"),
            (self._home, "home"),
            (self._searches, "search_common, search_rare, search_none"),
            (self._create_api, "create_api"),  # writes last
        ):
            try:
                out += build()
            except RuntimeError as error:
                for name in names.split(", "):
                    self.skipped[name] = str(error)
                _log(f"{names}: not measured: {error}")
        return out

    # The counts: the runner's `counts` (reads, read_seconds, writes, write_seconds, warmup),
    # else Partnerdesk's defaults, else tiny ones for the smoke run.

    def _reads(self) -> dict[str, Any]:
        c = self.counts
        if c is not None:
            return {"requests": c.reads, "max_seconds": c.read_seconds, "warmup": c.warmup}
        if self.quick:
            return {"requests": 3, "max_seconds": 10.0, "warmup": 1}
        return {"requests": 100, "max_seconds": 20.0, "warmup": 3}

    def _writes(self) -> dict[str, Any]:
        c = self.counts
        if c is not None:
            return {"requests": c.writes, "max_seconds": c.write_seconds, "warmup": c.warmup}
        if self.quick:
            return {"requests": 16, "max_seconds": 10.0, "warmup": 1}
        return {"requests": 400, "max_seconds": 30.0, "warmup": 3}

    def _get(self, path: str, *, as_contact: bool = False) -> Request:
        return Request("GET", path, self._as_contact if as_contact else self._as_agent)

    def _rows(self, query_path: str, start: int = 0) -> Request:
        return self._get(f"{query_path}?{urlencode({**DATATABLES_PARAMS, 'start': str(start)})}")

    def _rows_of(self, page_path: str, name: str) -> tuple[str, dict[str, Any]]:
        """The ticket list page's own DataTables URL, and its first 25 rows (checked)."""
        (page,) = self._check(name, [self._get(page_path)])
        found = _DATATABLES_URL.search(page)
        if not found:
            raise RuntimeError(f"no DataTables URL in {page_path}")
        query_path = found.group(1).decode()
        first = json.loads(self._check(name, [self._rows(query_path)])[0])
        return query_path, first

    def _queues(self) -> list[Scenario]:
        queue_page = "/tickets/?status=1&status=2"  # Open and Reopened, as the list offers
        query_path, first = self._rows_of(queue_page, "queue_first")
        if not first["data"]:
            raise RuntimeError("the open queue is empty")
        open_count = int(first["recordsFiltered"])
        deep = max(0, min(QUEUE_DEPTH, open_count - 25))
        if not json.loads(self._check("queue_deep", [self._rows(query_path, deep)])[0])["data"]:
            raise RuntimeError(f"no rows at {deep}")
        shell, rows, deep_rows = (
            self._get(queue_page),
            self._rows(query_path),
            self._rows(query_path, deep),
        )
        return [
            Scenario(
                "queue_first",
                lambda i: [shell, rows],
                note=(
                    "2 requests timed as one: the list page /tickets/?status=1&status=2, then "
                    "its DataTables JSON (25 rows, DataTables' default order: id ascending)"
                ),
                **self._reads(),
            ),
            Scenario(
                "queue_deep",
                lambda i: deep_rows,
                note=(
                    f"the DataTables JSON alone (paging fetches no page), start={deep}"
                    + ("" if deep == QUEUE_DEPTH else f": the last page of {open_count} open")
                ),
                **self._reads(),
            ),
        ]

    def _ticket_page(self) -> list[Scenario]:
        ids: list[int] = self.manifest["ticket_ids"]
        (body,) = self._check("ticket_page", [self._get(f"/tickets/{ids[0]}/")])
        if f"/tickets/{ids[0]}/update/".encode() not in body:
            raise RuntimeError("the ticket page has no update form")
        return [
            Scenario(
                "ticket_page",
                lambda i: self._get(f"/tickets/{ids[i % len(ids)]}/"),
                note=f"/tickets/<id>/, {len(ids)} tickets with 2+ messages in turn",
                **self._reads(),
            )
        ]

    def _customer_list(self) -> list[Scenario]:
        steps = [
            self._get("/tickets/my-tickets/", as_contact=True),
            self._get("/api/user_tickets/?page=1", as_contact=True),
        ]
        _page, listing = self._check("customer_list", steps)
        if not json.loads(listing)["results"]:
            raise RuntimeError("the contact has no tickets")
        return [
            Scenario(
                "customer_list",
                lambda i: steps,
                note=(
                    "2 requests timed as one: /tickets/my-tickets/ then /api/user_tickets/ "
                    "(25 rows, newest first, closed ones too: the page hides them in the "
                    "browser), signed in as the contact; the peer has no customers, so a "
                    "person sees the tickets filed with their own address only"
                ),
                **self._reads(),
            )
        ]

    def _api_list(self) -> list[Scenario]:
        # Session cookie as for the pages: DRF's other default, HTTP basic, would hash the
        # password (PBKDF2) on every request. The follow-up list checks the agent's access to
        # the API: /api/tickets/ is too slow to spend a request on (and so is a ticket's
        # detail, which runs the same queryset); each measured request must answer 200.
        (body,) = self._check("api_list", [self._get("/api/followups/?page_size=1")])
        if not json.loads(body).get("results"):
            raise RuntimeError("the API lists no follow-ups")
        listing = self._get("/api/tickets/")
        return [
            Scenario(
                "api_list",
                lambda i: listing,
                requests=2,
                warmup=0,
                max_seconds=150,
                timeout=150,
                note=(
                    "/api/tickets/ (25 rows a page): 2 requests, no warm-up, 150 s timeout; "
                    "its queryset loads every ticket (custom fields) before it pages"
                ),
            )
        ]

    def _home(self) -> list[Scenario]:
        (body,) = self._check("home", [self._get("/dashboard/")])
        if b'id="unassigned-table"' not in body:
            raise RuntimeError("the dashboard has no unassigned tickets table")
        home = self._get("/dashboard/")
        return [
            Scenario(
                "home",
                lambda i: home,
                note="/dashboard/ (own, unassigned and resolved tickets; age statistics)",
                **self._reads(),
            )
        ]

    def _searches(self) -> list[Scenario]:
        out: list[Scenario] = []
        words: dict[str, str] = self.manifest["words"]
        for key in ("common", "rare", "none"):
            name, word = f"search_{key}", words[key]
            page_path = f"/tickets/?q={quote(word)}"
            query_path, first = self._rows_of(page_path, name)
            hits = int(first["recordsFiltered"])
            rare_expected = self.manifest["tickets"] > content.RARE_EVERY // 2
            if (key == "none" and hits) or (key == "common" and not hits):
                raise RuntimeError(f"{hits} tickets found for {word!r}")
            if key == "rare" and rare_expected and not hits:
                raise RuntimeError(f"no ticket found for {word!r}")
            shell, rows = self._get(page_path), self._rows(query_path)
            out.append(
                Scenario(
                    name,
                    lambda i, shell=shell, rows=rows: [shell, rows],
                    note=(
                        f"2 requests timed as one: /tickets/?q={word}, then its DataTables "
                        f"JSON (25 of {hits} tickets; icontains on ten columns)"
                    ),
                    **self._reads(),
                )
            )
        return out

    def _create_api(self) -> list[Scenario]:
        size = int(self.manifest["tickets"])
        queues: dict[str, int] = self.manifest["queues"]
        customers = content.customers()
        headers = {
            **self._as_agent,
            "Content-Type": "application/json",
            "X-CSRFToken": self._csrf,
        }

        def create(i: int) -> Request:
            # The bodies Partnerdesk's side posts: tickets past the end of the stream.
            spec = content.ticket(size + 10 + abs(i), size)
            requester = content.contacts(customers[spec.customer])[spec.requester]
            payload = {
                "queue": queues[spec.category],
                "title": spec.subject[:200],
                "description": spec.description,
                "submitter_email": requester.email,
                "priority": {"A": 1, "B": 2, "C": 4}[spec.severity],
            }
            return Request("POST", "/api/tickets/", headers, json.dumps(payload).encode())

        (body,) = self._check("create_api", [create(-1000)], expect=201)
        if "id" not in json.loads(body):
            raise RuntimeError("no id in the created ticket")
        return [
            Scenario(
                "create_api",
                create,
                concurrency=8,
                expect=(201,),
                note=(
                    "POST /api/tickets/ (session cookie + CSRF header), 8 at once: the ticket, "
                    "its 'Ticket Opened' follow-up, its notification mails rendered inside the "
                    "request (dummy backend: none sent)"
                ),
                **self._writes(),
            )
        ]


# --- by hand ----------------------------------------------------------------------------------


def run_all(side: PeerSide, engine: str, size: str) -> dict[str, Any]:
    facts = side.prepare(engine, size)
    _log(f"prepared: {facts}")
    base_url = side.start()
    results: dict[str, Any] = {}
    try:
        scenarios = side.scenarios()
        for name, why in side.skipped.items():
            print(f"{name:14} NOT MEASURED: {why}", flush=True)
        for scenario in scenarios:
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
    return {
        "engine": engine,
        "size": size,
        "version": side.version,
        "dataset": facts,
        "memory": memory,
        "results": results,
        "skipped": side.skipped,
    }


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
    failed += list(report["skipped"])
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
