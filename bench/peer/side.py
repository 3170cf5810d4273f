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

BENCH = Path(__file__).resolve().parent.parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import content  # noqa: E402
import servers  # noqa: E402

from peer.scenarios import PeerScenarios, log  # noqa: E402

HERE = Path(__file__).resolve().parent
VAR = BENCH / "var"
VENV = VAR / "peer-venv"
PYTHON = VENV / "bin" / "python"
REQUIREMENTS = HERE / "requirements.txt"
STAMP = VENV / ".bench-requirements.sha256"
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")


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


def _tickets_in(size: str) -> int:
    return content.SIZES.get(size) or int(size)


# --- the side -------------------------------------------------------------------------------


@dataclass
class PeerSide(PeerScenarios):
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
        log(f"creating {VENV.relative_to(BENCH.parent)} with {base}")
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
        log(f"building {engine} {size} into {pristine}")
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
        log(f"built {engine} {size} in {manifest['built_seconds']}s, {manifest['database_mb']} MB")
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


# --- by hand ----------------------------------------------------------------------------------


def run_all(side: PeerSide, engine: str, size: str) -> dict[str, Any]:
    facts = side.prepare(engine, size)
    log(f"prepared: {facts}")
    base_url = side.start()
    results: dict[str, Any] = {}
    try:
        scenarios = side.scenarios()
        for name, why in side.skipped.items():
            print(f"{name:14} NOT MEASURED: {why}", flush=True)
        for scenario in scenarios:
            log(f"{scenario.name} …")
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
            log(f"{engine} {size} is cached and fresh")
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
