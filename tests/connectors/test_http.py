"""VendorHttp: retries with backoff on 429/5xx/connection errors, Retry-After honoured (seconds
or HTTP date, capped), MS-RequestId reused on a retry, typed errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from partnerdesk.connectors.http import (
    BadPayload,
    Refused,
    RetryPolicy,
    Throttled,
    VendorHttp,
    VendorUnavailable,
    retry_after_seconds,
)


def client(
    answers: list[httpx.Response | Exception],
    seen: list[httpx.Request],
    waits: list[float],
    **policy: float,
) -> VendorHttp:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return VendorHttp(
        transport=httpx.MockTransport(handler),
        sleep=waits.append,
        policy=RetryPolicy(**policy),  # type: ignore[arg-type]
        jitter=lambda: 1.0,
    )


def test_429_retry_after_is_honoured_and_request_id_reused() -> None:
    seen: list[httpx.Request] = []
    waits: list[float] = []
    http = client(
        [httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, json={"ok": 1})],
        seen,
        waits,
    )
    assert http.json("GET", "https://pc.example/v1/customers", partner_center=True) == {"ok": 1}
    assert waits == [7.0]
    assert seen[0].headers["MS-RequestId"] == seen[1].headers["MS-RequestId"]
    assert seen[0].headers["MS-CorrelationId"]


def test_retry_after_as_http_date_and_capped() -> None:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert retry_after_seconds(later, now=now) == pytest.approx(30)
    assert retry_after_seconds("garbage") is None
    seen: list[httpx.Request] = []
    waits: list[float] = []
    http = client(
        [httpx.Response(503, headers={"Retry-After": "100000"}), httpx.Response(200, json={})],
        seen,
        waits,
        max_retry_after=60,
    )
    http.json("GET", "https://graph.example/v1.0/x")
    assert waits == [60]


def test_exponential_backoff_then_failure() -> None:
    seen: list[httpx.Request] = []
    waits: list[float] = []
    http = client(
        [
            httpx.Response(500),
            httpx.ConnectError("refused"),
            httpx.ReadTimeout("slow"),
            httpx.Response(502),
        ],
        seen,
        waits,
        attempts=4,
        base_delay=0.5,
    )
    with pytest.raises(VendorUnavailable) as caught:
        http.json("GET", "https://graph.example/v1.0/x")
    assert waits == [0.5, 1.0, 2.0]
    assert len(seen) == 4
    assert caught.value.code == "vendor_error"


def test_still_throttled_is_throttled() -> None:
    waits: list[float] = []
    http = client([httpx.Response(429)] * 3, [], waits, attempts=3)
    with pytest.raises(Throttled) as caught:
        http.json("GET", "https://graph.example/v1.0/x")
    assert caught.value.code == "throttled"
    assert len(waits) == 2


def test_4xx_is_refused_at_once_and_bad_json_is_bad_payload() -> None:
    waits: list[float] = []
    http = client(
        [
            httpx.Response(403, json={"code": 900211, "description": "App+User only"}),
            httpx.Response(200, text="<html>"),
        ],
        [],
        waits,
    )
    with pytest.raises(Refused, match="App\\+User only"):
        http.json("GET", "https://pc.example/v1/x")
    with pytest.raises(BadPayload):
        http.json("GET", "https://pc.example/v1/x")
    assert waits == []
