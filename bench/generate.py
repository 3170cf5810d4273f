"""The bench datasets: build once (cached), then a fresh working copy for every run.

    python bench/generate.py --engine sqlite|postgresql --size 10k|100k|1m|<tickets> [--force]

`prepare(engine, size)` (what bench/run.py calls) builds the pristine dataset when it is missing
or stale (another generator version or seed; new migrations are applied to it instead, as
an upgrade would, unless they cannot be), makes a fresh working copy of
it and writes the manifest `bench/var/<engine>-<size>.json`. The build itself runs in a child
process with DATABASE_URL pointing at the pristine database (`generate.py build …`): migrate,
then gen_load.load_desk (the workspace through the product's actions, everything else in bulk).

PostgreSQL: pristine `partnerdesk_bench_<size>_pristine`, working copy
`partnerdesk_bench_<size>` (CREATE DATABASE … TEMPLATE … STRATEGY FILE_COPY). SQLite: pristine
`bench/var/partnerdesk-sqlite-<size>.sqlite3`, working copy `…-run.sqlite3`.
This module itself needs only the standard library (and psql for PostgreSQL).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VAR = HERE / "var"
sys.path.insert(0, str(HERE))

import content  # noqa: E402

GENERATOR = 1  # bump when the rows written change: every cached dataset is then rebuilt
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PROTECTED = {"partnerdesk", "test", "postgres", "template0", "template1"}
ENGINES = ("sqlite", "postgresql")


def size_of(size: str) -> int:
    if size in content.SIZES:
        return content.SIZES[size]
    if size.isdigit() and int(size) > 0:
        return int(size)
    raise ValueError(f"size must be one of {sorted(content.SIZES)} or a number, not {size!r}")


def schema_hash() -> str:
    """The migrations the dataset was built with (ours, and Django's version for the rest)."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "partnerdesk").glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    try:
        from importlib.metadata import version

        for package in ("django", "django-otp", "django-tasks", "django-tasks-db"):
            try:
                digest.update(f"{package}={version(package)}".encode())
            except Exception:  # noqa: S112 - not installed: nothing to hash
                continue
    except ImportError:
        pass
    return digest.hexdigest()[:16]


def python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


# --- names -------------------------------------------------------------------------------------


def manifest_path(engine: str, size: str) -> Path:
    return VAR / f"{engine}-{size}.json"


def pristine_of(engine: str, size: str) -> str:
    if engine == "postgresql":
        return f"partnerdesk_bench_{size}_pristine"
    return str(VAR / f"partnerdesk-sqlite-{size}.sqlite3")


def working_of(engine: str, size: str) -> str:
    if engine == "postgresql":
        return f"partnerdesk_bench_{size}"
    return str(VAR / f"partnerdesk-sqlite-{size}-run.sqlite3")


def url_of(engine: str, database: str) -> str:
    return f"{PG_SERVER}/{database}" if engine == "postgresql" else f"sqlite:///{database}"


# --- PostgreSQL through psql (this module runs outside Django) ----------------------------------


def psql(sql: str, *, database: str = "postgres") -> str:
    out = subprocess.run(  # noqa: S603 - psql on PATH, our own statements
        ["psql", f"{PG_SERVER}/{database}", "-v", "ON_ERROR_STOP=1", "-tAq", "-c", sql],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def _guard(database: str) -> None:
    if database in PROTECTED or database.startswith("test_"):
        raise RuntimeError(f"refusing to touch the database {database}")


def pg_exists(database: str) -> bool:
    return psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'") == "1"  # noqa: S608


def pg_drop(database: str) -> None:
    _guard(database)
    psql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "  # noqa: S608
        f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
    )
    psql(f'DROP DATABASE IF EXISTS "{database}"')


def pg_size_mb(database: str) -> float:
    return int(psql(f"SELECT pg_database_size('{database}')")) / 1e6


# --- build and copy ----------------------------------------------------------------------------


def _fresh(manifest: dict[str, Any], engine: str, size: str, *, schema: bool = True) -> bool:
    """The cached pristine holds this generator's rows (and, with `schema`, was migrated to the
    current migrations)."""
    if (
        manifest.get("generator") != GENERATOR
        or manifest.get("seed") != content.SEED
        or (schema and manifest.get("schema") != schema_hash())
        or manifest.get("tickets") != size_of(size)
    ):
        return False
    pristine = pristine_of(engine, size)
    return pg_exists(pristine) if engine == "postgresql" else Path(pristine).exists()


def migrate_forward(engine: str, size: str, manifest: dict[str, Any]) -> bool:
    """Apply new migrations to a cached pristine, as an upgrade of a production desk would,
    instead of rebuilding it (the 1M set takes the better part of an hour to build). False
    when the migrations cannot be applied on top (then the caller rebuilds)."""
    env = {
        **os.environ,
        "DATABASE_URL": url_of(engine, pristine_of(engine, size)),
        "PARTNERDESK_ENV": "development",
    }
    print(f"== migrating the cached {engine} {size} dataset forward", flush=True)
    began = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own command
        [str(Path(python()).with_name("partnerdesk")), "migrate", "--noinput", "-v1"],
        env=env,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        print("== the migrations do not apply on top: rebuilding", flush=True)
        return False
    if engine == "postgresql":
        psql("ANALYZE", database=pristine_of(engine, size))  # as autovacuum would after it
    took = round(time.perf_counter() - began, 1)
    manifest["schema"] = schema_hash()
    manifest.setdefault("migrated_forward", []).append(took)
    print(f"== migrated forward in {took:.0f} s", flush=True)
    return True


def build(engine: str, size: str, *, jobs: int) -> dict[str, Any]:
    """Build the pristine dataset from nothing, in a child process; returns its facts."""
    VAR.mkdir(parents=True, exist_ok=True)
    pristine = pristine_of(engine, size)
    if engine == "postgresql":
        pg_drop(pristine)
        psql(f'CREATE DATABASE "{pristine}"')
        target = pristine
    else:
        target = pristine + ".building"
        for suffix in ("", "-wal", "-shm"):
            Path(target + suffix).unlink(missing_ok=True)
    facts_file = VAR / f"{engine}-{size}.facts.json"
    facts_file.unlink(missing_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": url_of(engine, target),
        "PARTNERDESK_ENV": "development",
        "DJANGO_SETTINGS_MODULE": "partnerdesk.config.settings",
    }
    began = time.perf_counter()
    print(f"== building {engine} {size} ({size_of(size):,} tickets) into {target}", flush=True)
    subprocess.run(  # noqa: S603 - this script, our arguments
        [python(), str(Path(__file__).resolve()), "build", "--engine", engine, "--size", size,
         "--jobs", str(jobs), "--facts", str(facts_file)],
        check=True,
        env=env,
        cwd=ROOT,
    )  # fmt: skip
    facts = json.loads(facts_file.read_text())
    facts_file.unlink()
    facts["built_seconds"] = round(time.perf_counter() - began, 1)
    if engine == "sqlite":
        for suffix in ("-wal", "-shm"):
            Path(pristine + suffix).unlink(missing_ok=True)
        os.replace(target, pristine)
    print(f"== built {engine} {size} in {facts['built_seconds']:.0f} s", flush=True)
    return facts


def working_copy(engine: str, size: str) -> str:
    """A fresh copy of the pristine dataset; returns its DATABASE_URL."""
    pristine, working = pristine_of(engine, size), working_of(engine, size)
    if engine == "postgresql":
        pg_drop(working)
        pg_drop_connections = (
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "  # noqa: S608
            f"WHERE datname = '{pristine}' AND pid <> pg_backend_pid()"
        )
        psql(pg_drop_connections)
        psql(f'CREATE DATABASE "{working}" TEMPLATE "{pristine}" STRATEGY FILE_COPY')
    else:
        with sqlite3.connect(pristine) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for suffix in ("", "-wal", "-shm"):
            Path(working + suffix).unlink(missing_ok=True)
        shutil.copyfile(pristine, working)
    return url_of(engine, working)


def refresh_passwords(engine: str, size: str) -> None:
    """Rehash the pristine's one password when the product's hasher changed its parameters,
    as the people's next sign-in would (a hash with old parameters would cost the bench's
    sign-in what the old hasher cost, not what the product costs now)."""
    env = {
        **os.environ,
        "DATABASE_URL": url_of(engine, pristine_of(engine, size)),
        "PARTNERDESK_ENV": "development",
        "DJANGO_SETTINGS_MODULE": "partnerdesk.config.settings",
    }
    subprocess.run(  # noqa: S603 - this script, our arguments
        [python(), str(Path(__file__).resolve()), "rehash", "--engine", engine, "--size", size],
        check=True,
        env=env,
        cwd=ROOT,
    )


def _rehash_here() -> None:
    import django

    django.setup()
    from django.contrib.auth.hashers import identify_hasher, make_password

    from partnerdesk.accounts.models import User

    stored = User.objects.values_list("password", flat=True).first()
    if stored and identify_hasher(stored).must_update(stored):
        count = User.objects.update(password=make_password(content.PASSWORD))
        print(f"== rehashed the password of {count} people", file=sys.stderr, flush=True)


def prepare(engine: str, size: str, *, force: bool = False, jobs: int = 2) -> dict[str, Any]:
    """Build the dataset if missing or stale (or `force`), make a fresh working copy and
    write the manifest (bench/var/<engine>-<size>.json); returns it."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}")
    size_of(size)
    path = manifest_path(engine, size)
    manifest = json.loads(path.read_text()) if path.exists() else {}
    current = not force and _fresh(manifest, engine, size)
    if not current and not force and _fresh(manifest, engine, size, schema=False):
        current = migrate_forward(engine, size, manifest)
    if not current:
        path.unlink(missing_ok=True)
        manifest = build(engine, size, jobs=jobs)
    refresh_passwords(engine, size)
    manifest["database_url"] = working_copy(engine, size)
    manifest["pristine"] = pristine_of(engine, size)
    manifest["database_mb"] = round(
        pg_size_mb(working_of(engine, size))
        if engine == "postgresql"
        else Path(working_of(engine, size)).stat().st_size / 1e6,
        1,
    )
    path.write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


# --- the child process: inside Django -----------------------------------------------------------


def _build_here(engine: str, size: str, *, jobs: int, facts_file: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    began = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter() - began
    print(f"  migrated in {migrated:.1f} s", file=sys.stderr, flush=True)
    import gen_load

    loaded = gen_load.load_desk(size=size_of(size), bulk=True, jobs=jobs)
    loaded.seconds["migrate"] = migrated
    facts = manifest_of(engine, size, loaded)
    facts_file.write_text(json.dumps(facts, indent=2) + "\n")
    print("  " + ", ".join(f"{k} {v:.1f} s" for k, v in loaded.seconds.items()), file=sys.stderr)


def manifest_of(engine: str, size: str, loaded: Any) -> dict[str, Any]:
    """The manifest's facts of a load (gen_load.Loaded), without the database's location."""
    import gen_load
    import gen_rows

    desk = loaded.desk
    busy = desk.contacts[content.BUSY_CUSTOMER][0]
    chosen = gen_rows.spread(desk.positions, 200, desk.size)
    return {
        "engine": engine,
        "size": size,
        "tickets": loaded.tickets,
        "seed": desk.seed,
        "generator": GENERATOR,
        "schema": schema_hash(),
        "database_url": "",
        "pristine": "",
        "built_seconds": 0.0,
        "database_mb": 0.0,
        "workspace_slug": gen_load.SLUG,
        "password": content.PASSWORD,
        "agent": {"email": desk.agents[0].email, "totp_key_hex": gen_load.totp_key_hex(desk.seed)},
        "api_token": loaded.api_token,
        "contact": {
            "email": busy.email,
            "customer_id": str(desk.customer_ids[content.BUSY_CUSTOMER]),
        },
        "customer_id": str(desk.customer_ids[content.BUSY_CUSTOMER]),
        "ticket_ids": [str(gen_rows.ticket_id(desk.seed, n)) for n in chosen],
        "words": {
            "common": content.COMMON_WORD,
            "rare": content.RARE_WORD,
            "none": content.NO_HIT_WORD,
        },
        "max_number": content.NUMBER_BASE + max(desk.positions),
        "rows": loaded.rows,
        "load_seconds": {k: round(v, 1) for k, v in loaded.seconds.items()},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "command", nargs="?", default="prepare", choices=["prepare", "build", "rehash"]
    )
    parser.add_argument("--engine", choices=ENGINES, required=True)
    parser.add_argument("--size", required=True, help="10k, 100k, 1m or a number of tickets")
    parser.add_argument("--force", action="store_true", help="rebuild even if cached and fresh")
    parser.add_argument("--jobs", type=int, default=2, help="processes building rows")
    parser.add_argument("--facts", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.command == "rehash":  # the child process of `refresh_passwords`
        _rehash_here()
        return
    if args.command == "build":  # the child process of `build`
        _build_here(args.engine, args.size, jobs=args.jobs, facts_file=args.facts)
        return
    manifest = prepare(args.engine, args.size, force=args.force, jobs=args.jobs)
    shown = {k: v for k, v in manifest.items() if k not in ("ticket_ids", "api_token")}
    print(json.dumps(shown, indent=2))


if __name__ == "__main__":
    main()
