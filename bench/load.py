"""The load driver: keep-alive HTTP from threads, latency percentiles, throughput.

Standard library only, so the same driver measures Partnerdesk, the floor and the peer.
Each thread holds one persistent connection (as a browser or API client would) and takes the
next request number from a shared counter until the count or the time runs out. A request
that answers with an unexpected status counts as an error and is kept out of the latencies.
"""

from __future__ import annotations

import http.client
import itertools
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass
class Stats:
    requests: int
    errors: int
    seconds: float
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    concurrency: int
    statuses: dict[str, int]
    first_error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def percentile(sorted_values: list[float], share: float) -> float:
    """Nearest-rank percentile of an already sorted list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, round(share * len(sorted_values) + 0.5) - 1))
    return sorted_values[rank]


class Connection:
    """One keep-alive connection; reconnects once if the server closed it."""

    def __init__(self, base_url: str, timeout: float = 120.0) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout = timeout
        self._conn: http.client.HTTPConnection | None = None

    def send(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        for attempt in (1, 2):
            if self._conn is None:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                headers = {"Host": f"{self.host}:{self.port}", **request.headers}
                self._conn.request(request.method, request.path, body=request.body, headers=headers)
                response = self._conn.getresponse()
                body = response.read()
                answer_headers = {k.lower(): v for k, v in response.getheaders()}
                if response.getheader("connection", "").lower() == "close":
                    self.close()
                return response.status, answer_headers, body
            except (http.client.HTTPException, ConnectionError, TimeoutError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _steps(made: Request | list[Request]) -> list[Request]:
    return [made] if isinstance(made, Request) else made


def measure(
    base_url: str,
    make_request: Callable[[int], Request | list[Request]],
    *,
    concurrency: int = 1,
    requests: int = 200,
    max_seconds: float = 30.0,
    warmup: int = 5,
    expect: tuple[int, ...] = (200,),
    timeout: float = 120.0,
) -> Stats:
    """Send up to `requests` requests (`make_request(i)` builds the i-th) from `concurrency`
    threads, stopping early after `max_seconds`. `warmup` requests go first, unmeasured.

    `make_request(i)` may give a list: a page a browser shows only after several requests (the
    HTML, then the JSON its script fetches), sent one after the other on the connection and
    timed as one; a step answering other than `expect` makes the whole load an error."""
    warm = Connection(base_url, timeout=timeout)
    for i in range(warmup):
        for request in _steps(make_request(-1 - i)):
            warm.send(request)
    warm.close()

    counter = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    errors: list[str] = []
    deadline = time.perf_counter() + max_seconds

    def worker() -> None:
        conn = Connection(base_url, timeout=timeout)
        try:
            while time.perf_counter() < deadline:
                with lock:
                    i = next(counter)
                if i >= requests:
                    return
                steps = _steps(make_request(i))
                began = time.perf_counter()
                failure = ""
                for request in steps:
                    try:
                        status, _headers, body = conn.send(request)
                    except Exception as error:  # counted and reported, not raised
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


_CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken"\s+value="([^"]+)"')


class Browser:
    """A signed-in person: cookies kept across requests, Django's CSRF token taken from forms.

    `headers()` gives what a request made on this person's behalf carries (the cookies), so
    `measure` can replay it from many threads."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies: dict[str, str] = {}
        self._conn = Connection(base_url)

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        out = dict(extra or {})
        if self.cookies:
            out["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return out

    def _keep_cookies(self, headers: dict[str, str], raw_headers: list[str]) -> None:
        for value in raw_headers:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    def request(
        self, method: str, path: str, *, body: bytes | None = None, headers: dict[str, str] | None
    ) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(self.base_url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=self.headers(headers))
            response = conn.getresponse()
            answer = response.read()
            self._keep_cookies({}, response.headers.get_all("Set-Cookie") or [])
            return response.status, {k.lower(): v for k, v in response.getheaders()}, answer
        finally:
            conn.close()

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", path, headers=None)

    def submit(
        self, path: str, data: dict[str, str], *, form_path: str | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """GET the form (at `form_path`, default `path`), then POST `data` with its CSRF token.
        Redirects are not followed: the status and Location tell what happened."""
        _status, _headers, page = self.get(form_path or path)
        found = _CSRF_INPUT.search(page)
        fields = dict(data)
        if found:
            fields["csrfmiddlewaretoken"] = found.group(1).decode()
        body = urlencode(fields).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": self.base_url + (form_path or path),
            "Origin": self.base_url,
        }
        return self.request("POST", path, body=body, headers=headers)


@dataclass(frozen=True)
class Scenario:
    """One measured thing. `name` is the key in the results (the same for Partnerdesk and the
    peer, so they line up); `make_request(i)` builds the i-th request (i < 0 for warm-up)."""

    name: str
    make_request: Callable[[int], Request | list[Request]]
    concurrency: int = 1
    requests: int = 100
    max_seconds: float = 20.0
    warmup: int = 3
    expect: tuple[int, ...] = (200,)
    note: str = ""
    timeout: float = 120.0  # seconds one request may take

    def run(self, base_url: str) -> Stats:
        return measure(
            base_url,
            self.make_request,
            concurrency=self.concurrency,
            requests=self.requests,
            max_seconds=self.max_seconds,
            warmup=self.warmup,
            expect=self.expect,
            timeout=self.timeout,
        )
