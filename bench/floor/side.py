"""The floor as a side the runner drives: a fresh table, gunicorn as Partnerdesk's serve runs
it (2 sync workers, no access log), one scenario `floor_insert` at concurrency 8."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field

from load import Request, Scenario
from servers import ROOT, VAR, Process, free_port, start

BENCH = ROOT / "bench"
BIN = ROOT / ".venv" / "bin"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "partnerdesk_bench_floor"
CONCURRENCY = 8


@dataclass
class FloorSide:
    requests: int = 400
    max_seconds: float = 30.0
    warmup: int = 3
    name: str = "floor"
    database_url: str = ""
    _web: Process | None = None
    skipped: dict[str, str] = field(default_factory=dict)

    def _env(self) -> dict[str, str]:
        return {
            "FLOOR_DATABASE_URL": self.database_url,
            "DJANGO_SETTINGS_MODULE": "floor.settings",
            "PYTHONPATH": str(BENCH),
        }

    def prepare(self, engine: str, size: str) -> dict[str, object]:
        """An empty table on `engine` (the size does not matter to the floor)."""
        if engine == "sqlite":
            path = VAR / "floor-sqlite.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                (VAR / (path.name + suffix)).unlink(missing_ok=True)
            VAR.mkdir(parents=True, exist_ok=True)
            self.database_url = f"sqlite:///{path}"
        elif engine == "postgresql":
            import psycopg

            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
                conn.execute(f"CREATE DATABASE {PG_DATABASE}")
            self.database_url = f"{PG_SERVER}/{PG_DATABASE}"
        else:
            raise ValueError(f"unknown engine {engine!r}")
        subprocess.run(  # noqa: S603 - our own command
            [str(BIN / "django-admin"), "migrate", "--noinput", "-v0"],
            env={**os.environ, **self._env()},
            cwd=BENCH,
            check=True,
        )
        return {"engine": engine, "database_url": self.database_url}

    def start(self) -> str:
        port = free_port()
        self._web = start(
            "floor-web",
            [
                str(BIN / "gunicorn"),
                "floor.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "1",
                "--timeout",
                "60",
                "--graceful-timeout",
                "20",
                "--max-requests",
                "2000",
                "--max-requests-jitter",
                "200",
            ],
            env=self._env(),
            cwd=BENCH,
            port=port,
            ready_path="/insert/",  # a GET answers 405: ready
        )
        return self._web.base_url

    def scenarios(self) -> list[Scenario]:
        body = b"Several colleagues cannot send mail from Outlook; the web version works."
        request = Request("POST", "/insert/", {"Content-Type": "text/plain"}, body)
        return [
            Scenario(
                "floor_insert",
                lambda i: request,
                concurrency=CONCURRENCY,
                requests=self.requests,
                max_seconds=self.max_seconds,
                warmup=self.warmup,
                expect=(201,),
                note="bare Django view, one INSERT per POST, 8 at once",
            )
        ]

    def stop(self) -> dict[str, float]:
        if self._web is None:
            return {}
        self._web.stop()
        peaks = {"web": self._web.peaks.get("worker", 0.0)}
        self._web = None
        return peaks
