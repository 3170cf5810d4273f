"""OAuth 2.0 for IMAP: an app-only access token (client-credentials grant) and the SASL XOAUTH2
string that carries it.

For Microsoft 365 the app is registered in Entra ID and given the "IMAP.AccessAsApp"
permission; its service principal is granted access to the mailbox in Exchange Online. The
token endpoint is https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token and the scope
https://outlook.office365.com/.default. Microsoft's "Authenticate an IMAP, POP or SMTP
connection using OAuth" gives the SASL format:

    base64("user=" + userName + "^Aauth=Bearer " + accessToken + "^A^A")   (^A is 0x01)

Tokens are cached in process memory until shortly before they expire: a cache, nothing that
must survive a restart (see DESIGN.md, background work).
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from dataclasses import dataclass

import httpx
from django.utils.translation import gettext as _

# Ask for a new token this long before the cached one expires.
EXPIRY_MARGIN_SECONDS = 60
DEFAULT_LIFETIME_SECONDS = 300
ATTEMPTS = 2


class OAuthError(Exception):
    """The token endpoint could not be reached or refused the client; the message is for
    people and holds no secret."""


@dataclass(frozen=True)
class _Cached:
    token: str
    expires_at: float  # time.monotonic()


_cache: dict[tuple[str, ...], _Cached] = {}
_lock = threading.Lock()


def _key(token_url: str, client_id: str, client_secret: str, scope: str) -> tuple[str, ...]:
    # The secret is part of the key (a changed secret must not reuse the old token), hashed so
    # the cache does not hold it a second time.
    return (token_url, client_id, scope, hashlib.sha256(client_secret.encode()).hexdigest())


def forget_tokens() -> None:
    """Drop every cached token (tests; after a mailbox's OAuth settings change)."""
    with _lock:
        _cache.clear()


def access_token(
    *, token_url: str, client_id: str, client_secret: str, scope: str, timeout: float = 15
) -> str:
    """A valid access token for the client, from the cache or the token endpoint."""
    key = _key(token_url, client_id, client_secret, scope)
    with _lock:
        cached = _cache.get(key)
    if cached is not None and cached.expires_at - EXPIRY_MARGIN_SECONDS > time.monotonic():
        return str(cached.token)
    token, lifetime = _request_token(
        token_url=token_url,
        client_id=client_id,
        client_secret=client_secret,
        scope=scope,
        timeout=timeout,
    )
    with _lock:
        _cache[key] = _Cached(token, time.monotonic() + lifetime)
    return token


def _request_token(
    *, token_url: str, client_id: str, client_secret: str, scope: str, timeout: float
) -> tuple[str, float]:
    data = {
        "grant_type": "client_credentials",
        "client_id": client_id,
        "client_secret": client_secret,
    }
    if scope:
        data["scope"] = scope
    response: httpx.Response | None = None
    for attempt in range(1, ATTEMPTS + 1):
        try:
            response = httpx.post(
                token_url,
                data=data,
                headers={"Accept": "application/json"},
                timeout=httpx.Timeout(timeout),
                follow_redirects=False,
            )
        except httpx.HTTPError as exc:
            if attempt == ATTEMPTS:
                raise OAuthError(
                    _("The OAuth token endpoint could not be reached: %(error)s")
                    % {"error": type(exc).__name__}
                ) from None
            time.sleep(random.uniform(0.5, 1.5))  # noqa: S311 (jitter, not a secret)
            continue
        if response.status_code in (429, 500, 502, 503, 504) and attempt < ATTEMPTS:
            time.sleep(_retry_after(response))
            continue
        break
    assert response is not None
    return _token_of(response)


def _retry_after(response: httpx.Response) -> float:
    try:
        return min(max(float(response.headers.get("Retry-After", "1")), 0.0), 5.0)
    except ValueError:
        return 1.0


def _token_of(response: httpx.Response) -> tuple[str, float]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        body = {}
    if response.status_code != 200 or not body.get("access_token"):
        # Entra ID answers {"error": "invalid_client", "error_description": "AADSTS7000215:
        # Invalid client secret provided. …"}: readable, and without the secret.
        error = str(body.get("error") or f"HTTP {response.status_code}")[:80]
        description = str(body.get("error_description") or "").splitlines()
        detail = f"{error}: {description[0][:200]}" if description else error
        raise OAuthError(
            _("The OAuth token endpoint refused the request (%(detail)s).") % {"detail": detail}
        )
    try:
        lifetime = float(body.get("expires_in") or DEFAULT_LIFETIME_SECONDS)
    except (TypeError, ValueError):
        lifetime = DEFAULT_LIFETIME_SECONDS
    return str(body["access_token"]), lifetime


def xoauth2_string(user: str, token: str) -> str:
    """The SASL XOAUTH2 initial response, before base64 (imaplib encodes it)."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"
