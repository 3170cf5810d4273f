"""The benchmark runner: `make bench` and `make bench-peer` (PERFORMANCE.md's targets).

    .venv/bin/python bench/run.py [--engine sqlite|postgresql|both] [--sizes 10k,100k,1m]
                                  [--peer] [--only scenario,...] [--quick]

Default: SQLite at 10k and 100k, then PostgreSQL at 10k, 100k and 1m (the 1M set is built only
on PostgreSQL). For each engine: the bare-insert floor once, then per size a fresh working copy
of the dataset (`generate.prepare`), Partnerdesk's servers, every scenario with bounded counts
and time, the servers stopped and their peak memory read; then mail ingestion and worker
memory (`bench/mail.py`) and, once per run, the SLA engine (`bench/sla.py`). Results:
bench/results/<date>-<engine>.json and .md (the Markdown also printed).

`--peer`: PostgreSQL at 10k and 100k, Partnerdesk and django-helpdesk (`bench/peer/`) size by
size, written to bench/results/<date>-peer-<engine>.json and .md.
`--quick`: small counts, results named <date>-<engine>-quick: a smoke run, not a measurement.
`--manifest FILE`: measure the working copy a manifest names, as it is (development).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from floor.side import FloorSide
from load import Scenario
from partnerdesk_side import Counts, PartnerdeskSide, stand_in
from report import engine_report, peer_report
from servers import ROOT
from sides import Side

RESULTS = ROOT / "bench" / "results"
ENGINES = ("sqlite", "postgresql")
DEFAULT_SIZES = {"sqlite": ["10k", "100k"], "postgresql": ["10k", "100k", "1m"]}
PEER_SIZES = ["10k", "100k"]
PG_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
SLA_COUNT = {False: 1_000_000, True: 100_000}  # due times per duration: full, quick
SIDE_SCENARIOS = {
    "create_api",
    "queue_first",
    "queue_deep",
    "ticket_page",
    "customer_list",
    "api_list",
    "home",
    "search_common",
    "search_rare",
    "search_none",
}
EXTRAS = {"floor_insert", "mail", "sla"}


def say(text: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {text}", flush=True)


# --- machine facts ----------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)  # noqa: S603 S607
        return done.stdout.strip()

    postgresql = ""
    try:
        import psycopg

        with psycopg.connect(PG_SERVER, connect_timeout=3) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            postgresql = str(row[0]) if row else ""
    except Exception as error:  # a fact for the report, not a failure
        postgresql = f"unavailable ({type(error).__name__})"
    memory_mb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_mb = int(line.split()[1]) // 1024
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "memory_mb": memory_mb,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgresql,
        "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
    }


# --- one side at one size ---------------------------------------------------------------------


def run_side(
    side: Side, engine: str, size: str, only: set[str]
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """prepare, start, every scenario, stop: the side's entry for this size, and its
    manifest (if it has one) for the mail bench."""
    entry: dict[str, Any] = {"scenarios": {}, "skipped": {}}
    say(f"{side.name} {engine} {size}: preparing the dataset")
    began = time.monotonic()
    try:
        entry["dataset"] = side.prepare(engine, size)
        entry["prepare_seconds"] = round(time.monotonic() - began, 1)
        say(f"{side.name} {engine} {size}: starting ({entry['prepare_seconds']} s to prepare)")
        try:  # stopped even if it fails half-way through starting
            base_url = side.start()
            scenarios: list[Scenario] = side.scenarios()
            entry["skipped"] = dict(getattr(side, "skipped", {}) or {})
            for name, why in entry["skipped"].items():
                say(f"  {name}: REFUSED, not measured: {why}")
            for scenario in scenarios:
                if only and scenario.name not in only:
                    continue
                stats = scenario.run(base_url).as_dict()
                stats["note"] = scenario.note
                entry["scenarios"][scenario.name] = stats
                say(
                    f"  {scenario.name:14} {stats['requests']:4} req {stats['per_second']:8.1f}/s "
                    f"p50 {stats['p50_ms']:8.1f} p95 {stats['p95_ms']:8.1f} "
                    f"p99 {stats['p99_ms']:8.1f} ms  errors {stats['errors']}"
                )
                if stats["errors"]:
                    say(f"    first error: {stats['first_error'][:300]}")
        finally:
            try:
                entry["memory"] = side.stop()
            except Exception as error:  # the first error is the one to report
                entry["memory"] = {}
                say(f"{side.name}: stopping failed: {error!r}")
            if hasattr(side, "mail_sent"):
                entry["mail_sent"] = side.mail_sent
            say(f"  memory: {entry['memory']}")
    except Exception as error:  # one broken size must not lose the others
        entry["error"] = f"{type(error).__name__}: {error}"
        say(f"{side.name} {engine} {size} FAILED: {entry['error']}")
        traceback.print_exc()
    manifest = getattr(side, "manifest", None)
    return entry, manifest if isinstance(manifest, dict) and manifest else None


def run_floor(engine: str, counts: Counts) -> dict[str, Any]:
    floor = FloorSide(requests=counts.writes, max_seconds=counts.write_seconds, warmup=3)
    entry, _ = run_side(floor, engine, "floor", set())
    entry.pop("skipped", None)
    return entry


# --- mail and SLA (other modules; guarded) ----------------------------------------------------


def run_mail(manifest: dict[str, Any] | None) -> dict[str, Any]:
    """bench/mail.py's run_mail and run_worker_memory (and its Markdown), guarded: a missing
    module or a failure is recorded with the reason, and the run goes on."""
    if manifest is None:
        reason = {"status": "not run", "reason": "no dataset was prepared for this engine"}
        return {"mail": reason, "worker_memory": reason}
    try:
        import mail  # bench/mail.py
    except ImportError as error:
        reason = {"status": "not run", "reason": f"bench/mail.py is missing ({error})"}
        return {"mail": reason, "worker_memory": reason}
    out: dict[str, Any] = {}
    for key, name in (("mail", "run_mail"), ("worker_memory", "run_worker_memory")):
        function: Callable[[dict[str, Any]], dict[str, Any]] | None = getattr(mail, name, None)
        if function is None:
            out[key] = {"status": "not run", "reason": f"bench/mail.py has no {name}()"}
            continue
        say(f"mail: {name} on {manifest.get('engine')} {manifest.get('size')}")
        try:
            out[key] = dict(function(manifest))
        except Exception as error:  # reported, the run goes on
            traceback.print_exc()
            out[key] = {"status": "failed", "reason": f"{type(error).__name__}: {error}"}
    render = getattr(mail, "markdown", None)
    if render is not None:
        ok = [out[key] if "status" not in out[key] else None for key in ("mail", "worker_memory")]
        try:
            out["mail_markdown"] = str(render(*ok)) if any(ok) else ""
        except Exception as error:  # the numbers are kept; only their table is lost
            out["mail_markdown"] = f"(bench/mail.py's markdown failed: {error!r})"
    return out


def run_sla(quick: bool) -> dict[str, Any]:
    """bench/sla.py's measure(), in a process of its own: it sets Django up for the engine's
    lazy translations, which the runner itself never does."""
    count = SLA_COUNT[quick]
    say(f"SLA engine: {count:,} due times per duration")
    code = f"import json, sla; print(json.dumps(sla.measure(count={count})))"
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", code],
        cwd=ROOT / "bench",
        env={**os.environ, "PARTNERDESK_ENV": "test"},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return {"status": "failed", "reason": done.stderr.strip()[-1000:]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# --- writing ----------------------------------------------------------------------------------


def write(results: dict[str, Any], stem: str, markdown: str) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{stem}.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / f"{stem}.md").write_text(markdown)
    print()
    print(markdown)
    say(f"written: bench/results/{stem}.json and .md")


def stem_for(kind: str, quick: bool, dev: bool) -> str:
    suffix = "-quick" if quick else ""
    suffix += "-dev" if dev else ""
    return f"{datetime.now(UTC):%Y-%m-%d}-{kind}{suffix}"


# --- the two targets --------------------------------------------------------------------------


def _header(
    bench: str, engine: str, sizes: list[str], counts: Counts, quick: bool, *, sides: list[str]
) -> dict[str, Any]:
    """What every results file starts with; each side's results go under its name, by size."""
    return {
        "bench": bench,
        "engine": engine,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": quick,
        "machine": machine(),
        "sizes": sizes,
        "counts": counts.__dict__,
        **{side: {} for side in sides},
    }


def bench_engine(
    engine: str,
    sizes: list[str],
    *,
    counts: Counts,
    only: set[str],
    quick: bool,
    sla: dict[str, Any] | None,
    manifest: Path | None,
) -> dict[str, Any]:
    results = _header("partnerdesk", engine, sizes, counts, quick, sides=["partnerdesk"])
    if not only or only & {"create_api", "floor_insert"}:
        say(f"floor on {engine}")
        results["floor"] = run_floor(engine, counts)
    side = PartnerdeskSide(counts=counts, prepare_dataset=stand_in(manifest) if manifest else None)
    last_manifest = None
    side_only = only & SIDE_SCENARIOS
    if not only or side_only:
        for size in sizes:
            entry, found = run_side(side, engine, size, side_only)
            results["partnerdesk"][size] = entry
            last_manifest = found or last_manifest
    if not only or "mail" in only:
        results.update(run_mail(last_manifest))
    if sla is not None:
        results["sla"] = sla
    write(results, stem_for(engine, quick, manifest is not None), engine_report(results))
    return results


def bench_peer(
    sizes: list[str], *, counts: Counts, only: set[str], quick: bool, manifest: Path | None
) -> dict[str, Any]:
    try:
        from peer.side import PeerSide  # bench/peer/, built beside this runner
    except ImportError as error:
        raise SystemExit(
            f"bench-peer: the django-helpdesk side is not there yet (bench/peer/side.py: {error})."
        ) from None
    engine = "postgresql"
    peer = PeerSide()
    if hasattr(peer, "counts"):
        peer.counts = counts
    if hasattr(peer, "quick"):
        peer.quick = quick
    ours = PartnerdeskSide(counts=counts, prepare_dataset=stand_in(manifest) if manifest else None)
    results = _header("peer", engine, sizes, counts, quick, sides=["partnerdesk", peer.name])
    if not only or only & {"create_api", "floor_insert"}:
        results["floor"] = run_floor(engine, counts)
    side_only = only & SIDE_SCENARIOS
    for size in sizes:
        for side in (ours, peer):
            entry, _ = run_side(side, engine, size, side_only)
            results[side.name][size] = entry
    version = getattr(peer, "version", None)
    if version:
        results["peer_version"] = version
    write(results, stem_for(f"peer-{engine}", quick, manifest is not None), peer_report(results))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=[*ENGINES, "both"], default=None)
    parser.add_argument("--sizes", default=None, help="comma-separated, e.g. 10k,100k")
    parser.add_argument("--peer", action="store_true", help="against django-helpdesk")
    parser.add_argument("--only", default="", help="scenario names, or mail, sla, floor_insert")
    parser.add_argument("--quick", action="store_true", help="small counts: a smoke run")
    parser.add_argument("--manifest", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    only = {name.strip() for name in args.only.split(",") if name.strip()}
    unknown = only - SIDE_SCENARIOS - EXTRAS
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    counts = Counts.quick() if args.quick else Counts()
    chosen = args.sizes.split(",") if args.sizes else None
    began = time.monotonic()

    if args.peer:
        if args.engine not in (None, "postgresql"):
            parser.error("bench-peer runs on PostgreSQL only")
        bench_peer(
            chosen or PEER_SIZES,
            counts=counts,
            only=only,
            quick=args.quick,
            manifest=args.manifest,
        )
    else:
        engines = ENGINES if args.engine in (None, "both") else (args.engine,)
        sla = run_sla(args.quick) if not only or "sla" in only else None
        for engine in engines:
            sizes = chosen or DEFAULT_SIZES[engine]
            if engine == "sqlite" and "1m" in sizes:
                say("sqlite: 1m left out (the 1M set is built only on PostgreSQL)")
                sizes = [size for size in sizes if size != "1m"]
            bench_engine(
                engine,
                sizes,
                counts=counts,
                only=only,
                quick=args.quick,
                sla=sla,
                manifest=args.manifest,
            )
    say(f"done in {(time.monotonic() - began) / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
