"""Serve the web app with gunicorn, as production does."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from partnerdesk.config.wsgi import application

        return application


class Command(BaseCommand):
    help = "Serve Partnerdesk with gunicorn (PARTNERDESK_BIND, WEB_CONCURRENCY)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("PARTNERDESK_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
        )
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "1")))

    def handle(self, *args: Any, bind: str, workers: int, threads: int, **options: Any) -> None:
        _Gunicorn(
            {
                "bind": bind,
                "workers": workers,
                "threads": threads,
                "timeout": 60,
                "graceful_timeout": 20,
                "max_requests": 2000,
                "max_requests_jitter": 200,
                # An empty PARTNERDESK_ACCESS_LOG turns the access log off.
                "accesslog": os.environ.get("PARTNERDESK_ACCESS_LOG", "-") or None,
                "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
                "proc_name": "partnerdesk-web",
            }
        ).run()
