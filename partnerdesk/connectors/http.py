"""HTTP to the vendor: timeouts, retries with backoff and jitter, Retry-After, typed errors.

Retried: connection errors, timeouts, 429 and 5xx, at most `attempts` times in all. The wait
is exponential with full jitter, or what the vendor's `Retry-After` asks (seconds or an HTTP
date), capped. Partner Center calls carry `MS-RequestId` (the same on every retry, so the
vendor can tell a retry from a new request) and `MS-CorrelationId`. Waiting goes through an
injectable `sleep` so tests do not wait.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from .wire import logger

# Tests replace this (or pass sleep=) so nothing really waits.
SLEEP: Callable[[float], None] = time.sleep


class VendorError(Exception):
    """Something the vendor did or said; `code` is a core.feeds error code."""

    code = "vendor_error"

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class ConsentExpired(VendorError):
    """The token endpoint refused the stored refresh token (invalid_grant: AADSTS700082
    expired, AADSTS50173 revoked, …): a partner admin must consent again."""

    code = "consent_expired"


class VendorUnavailable(VendorError):
    """Timeouts, connection errors, 5xx: after the retries, still nothing."""

    code = "vendor_error"


class Throttled(VendorUnavailable):
    """Still 429 after the retries."""

    code = "throttled"


class BadPayload(VendorError):
    """An answer we cannot read (not JSON, not the documented shape)."""

    code = "bad_payload"


class Refused(VendorError):
    """A 4xx other than 429 (no access, not found, a token the API does not accept)."""

    code = "vendor_error"


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_delay: float = 0.5  # seconds; doubled per attempt
    max_delay: float = 30.0  # cap on the backoff
    max_retry_after: float = 120.0  # cap on what Retry-After may ask


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        at = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if at is None:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return max(0.0, (at - (now or datetime.now(UTC))).total_seconds())


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500


class VendorHttp:
    """One client per sync run; `request` retries, `json` also checks the answer."""

    def __init__(
        self,
        *,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] | None = None,
        timeout: float = 20.0,
        transport: httpx.BaseTransport | None = None,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        self._jitter = jitter
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            transport=transport,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> VendorHttp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sleep(self, seconds: float) -> None:
        (self._sleep or SLEEP)(seconds)

    def backoff(self, attempt: int, response: httpx.Response | None) -> float:
        if response is not None:
            asked = retry_after_seconds(response.headers.get("Retry-After"))
            if asked is not None:
                return min(asked, self.policy.max_retry_after)
        ceiling = min(self.policy.max_delay, self.policy.base_delay * (2**attempt))
        return ceiling * self._jitter()

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, str] | None = None,
        json_body: Any = None,
        partner_center: bool = False,
    ) -> httpx.Response:
        """The answer (any non-retryable status is returned for the caller to judge)."""
        sent = dict(headers or {})
        sent.setdefault("Accept", "application/json")
        if partner_center:
            sent.setdefault("MS-RequestId", str(uuid.uuid4()))
            sent.setdefault("MS-CorrelationId", str(uuid.uuid4()))
            sent.setdefault("MS-Contract-Version", "v1")
        last_error = ""
        response: httpx.Response | None = None
        for attempt in range(self.policy.attempts):
            response = None
            try:
                response = self._client.request(
                    method, url, headers=sent, params=params, data=data, json=json_body
                )
            except httpx.TimeoutException as error:
                last_error = f"timeout: {error}"
            except httpx.TransportError as error:
                last_error = f"connection failed: {error}"
            else:
                if not _retryable(response.status_code):
                    return response
                last_error = f"HTTP {response.status_code}"
            if attempt + 1 < self.policy.attempts:
                wait = self.backoff(attempt, response)
                logger.info("%s %s: %s; retrying in %.1fs", method, url, last_error, wait)
                self.sleep(wait)
        if response is not None and response.status_code == 429:
            raise Throttled(
                f"{method} {url}: still throttled after {self.policy.attempts} attempts",
                status=429,
            )
        raise VendorUnavailable(
            f"{method} {url}: {last_error} after {self.policy.attempts} attempts",
            status=response.status_code if response is not None else None,
        )

    def json(self, method: str, url: str, **kwargs: Any) -> Any:
        """The answer's JSON; Refused for 4xx, BadPayload when it is not JSON."""
        response = self.request(method, url, **kwargs)
        if response.status_code >= 400:
            raise Refused(
                f"{method} {url}: HTTP {response.status_code}: {describe_error(response)}",
                status=response.status_code,
            )
        try:
            return response.json()
        except ValueError:
            raise BadPayload(f"{method} {url}: the answer is not JSON") from None


def describe_error(response: httpx.Response) -> str:
    """The vendor's own words from an error body (Partner Center, Graph or Entra shapes)."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(body, dict):
        inner = body.get("error")
        if isinstance(inner, dict):
            return str(inner.get("message") or inner.get("code") or "")[:300]
        for key in ("error_description", "description", "message", "error"):
            if body.get(key):
                return str(body[key])[:300]
    return str(body)[:300]
