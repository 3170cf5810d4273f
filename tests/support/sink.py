"""An HTTP receiver on 127.0.0.1 that outbox deliveries from worker processes are sent to.

It behaves like a vendor that honours `MS-RequestId`: every request is recorded, and the
effect of a request is applied once per idempotency key, however often it is retried.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


@dataclass(frozen=True)
class SinkRequest:
    key: str
    attempt: int
    worker_pid: int
    payload: dict[str, Any]
    received_at: float  # time.time() when the request arrived
    applied: bool  # True for the request whose effect was applied (the first with its key)


class Sink:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: list[SinkRequest] = []
        self._seen_keys: set[str] = set()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/deliveries"

    def __enter__(self) -> Sink:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def requests(self, key: str | None = None) -> list[SinkRequest]:
        """Every request received (for `key`, if given), in arrival order."""
        with self._lock:
            return [r for r in self._requests if key is None or r.key == key]

    def effects(self, ref: str) -> int:
        """How often the item with payload `ref` took effect here.

        A retry that reuses the idempotency key is acknowledged without effect; one that came
        with a fresh key would count again, which is what this is for.
        """
        with self._lock:
            return sum(1 for r in self._requests if r.applied and r.payload.get("ref") == ref)

    def _receive(self, key: str, body: dict[str, Any]) -> bool:
        with self._lock:
            applied = key not in self._seen_keys
            self._seen_keys.add(key)  # a retried key is acknowledged, not applied again
            self._requests.append(
                SinkRequest(
                    key=key,
                    attempt=int(body["attempt"]),
                    worker_pid=int(body["worker_pid"]),
                    payload=body["payload"],
                    received_at=time.time(),
                    applied=applied,
                )
            )
            return applied

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                key = self.headers.get("MS-RequestId", "")
                if not key or key != body.get("idempotency_key"):
                    self.send_response(400)
                    self.end_headers()
                    return
                applied = sink._receive(key, body)
                answer = json.dumps({"applied": applied}).encode()
                self.send_response(201 if applied else 200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
