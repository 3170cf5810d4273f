"""Microsoft's secure application model: an app registration plus a partner admin's consent.

The workspace's VendorConnection holds the app (client id and secret) and the refresh token the
consent gave. Every sync exchanges the refresh token at Entra's token endpoint for an access
token for one tenant (the partner's, or a customer's under GDAP) and one API (Partner Center's
`user_impersonation`, Graph's `.default`). Entra may rotate the refresh token: the new one is
stored. An `invalid_grant` (expired AADSTS700082, revoked AADSTS50173, …) is ConsentExpired.
Access tokens are cached in process memory until shortly before they expire.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings

from partnerdesk.core import secrets as core_secrets
from partnerdesk.partners.enums import Instance

from .http import BadPayload, ConsentExpired, Refused, VendorHttp, describe_error

SECRET_CONTEXT = "connectors vendor connection v1"  # noqa: S105 (an HKDF context)

PARTNER_CENTER_SCOPE = "https://api.partnercenter.microsoft.com/user_impersonation"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
GRAPH_SCOPE_CHINA = "https://microsoftgraph.chinacloudapi.cn/.default"

# The error codes in Entra's answers that mean "the consent is gone".
CONSENT_ERRORS = ("invalid_grant", "AADSTS700082", "AADSTS50173", "AADSTS70043", "AADSTS700084")


@dataclass(frozen=True)
class Endpoints:
    login_url: str
    partner_center_url: str
    graph_url: str


GLOBAL = Endpoints(
    "https://login.microsoftonline.com",
    "https://api.partnercenter.microsoft.com",
    "https://graph.microsoft.com",
)
CHINA = Endpoints(
    "https://login.chinacloudapi.cn",
    "https://partner.partnercenterapi.microsoftonline.cn",
    "https://microsoftgraph.chinacloudapi.cn",
)


def sandbox_endpoints(base_url: str) -> Endpoints:
    base = base_url.rstrip("/")
    return Endpoints(f"{base}/login", f"{base}/partner_center", f"{base}/graph")


def default_endpoints(instance: str) -> Endpoints:
    """Where a workspace of `instance` signs in and reads; the sandbox when it is configured."""
    sandbox = getattr(settings, "PARTNERDESK_SANDBOX_VENDOR_URL", None) or os.environ.get(
        "PARTNERDESK_SANDBOX_VENDOR_URL", ""
    )
    if sandbox:
        return sandbox_endpoints(sandbox)
    if instance == Instance.CHINA_21VIANET:
        return CHINA
    return GLOBAL


def graph_scope(graph_url: str) -> str:
    return GRAPH_SCOPE_CHINA if "chinacloudapi" in graph_url else GRAPH_SCOPE


def encrypt(plain: str) -> str:
    return core_secrets.encrypt(plain, context=SECRET_CONTEXT)


def decrypt(token: str) -> str:
    return core_secrets.decrypt(token, context=SECRET_CONTEXT)


# --- the authorization-code flow (the consent) ---------------------------------------------


def pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize_url(
    *,
    login_url: str,
    tenant: str,
    client_id: str,
    redirect_uri: str,
    state: str,
    code_challenge: str,
) -> str:
    query = urlencode(
        {
            "client_id": client_id,
            "response_type": "code",
            "redirect_uri": redirect_uri,
            "response_mode": "query",
            "scope": f"{PARTNER_CENTER_SCOPE} offline_access",
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
            "prompt": "consent",
        }
    )
    return f"{login_url.rstrip('/')}/{tenant}/oauth2/v2.0/authorize?{query}"


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_in: int


def _token_call(http: VendorHttp, login_url: str, tenant: str, form: dict[str, str]) -> Tokens:
    url = f"{login_url.rstrip('/')}/{tenant}/oauth2/v2.0/token"
    response = http.request("POST", url, data=form)
    if response.status_code >= 400:
        said = describe_error(response)
        try:
            body = response.json()
        except ValueError:
            body = {}
        error = str(body.get("error", "")) if isinstance(body, dict) else ""
        codes = " ".join(str(c) for c in (body.get("error_codes") or [])) if body else ""
        haystack = f"{error} {said} {codes}"
        if any(mark in haystack for mark in CONSENT_ERRORS):
            raise ConsentExpired(said or error, status=response.status_code)
        raise Refused(f"token endpoint: HTTP {response.status_code}: {said}")
    try:
        body = response.json()
        return Tokens(
            access_token=str(body["access_token"]),
            refresh_token=str(body.get("refresh_token") or ""),
            expires_in=int(body.get("expires_in") or 3600),
        )
    except (ValueError, KeyError, TypeError):
        raise BadPayload("token endpoint: unreadable answer") from None


def redeem_code(
    http: VendorHttp,
    *,
    login_url: str,
    tenant: str,
    client_id: str,
    client_secret: str,
    code: str,
    redirect_uri: str,
    code_verifier: str,
) -> Tokens:
    return _token_call(
        http,
        login_url,
        tenant,
        {
            "grant_type": "authorization_code",
            "client_id": client_id,
            "client_secret": client_secret,
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
            "scope": f"{PARTNER_CENTER_SCOPE} offline_access",
        },
    )


# --- access tokens for a sync ---------------------------------------------------------------

_cache: dict[tuple[str, str, str], tuple[str, float]] = {}
_cache_lock = threading.Lock()


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


@dataclass
class Credentials:
    """What a sync needs of a VendorConnection (secrets decrypted)."""

    connection_id: str
    partner_tenant: str
    login_url: str
    partner_center_url: str
    graph_url: str
    client_id: str
    client_secret: str
    refresh_token: str


class TokenSource:
    """Access tokens for one connection; `on_rotate(new_refresh_token)` stores a rotated one."""

    def __init__(
        self,
        http: VendorHttp,
        credentials: Credentials,
        *,
        on_rotate: Callable[[str], None] | None = None,
    ) -> None:
        self.http = http
        self.credentials = credentials
        self.on_rotate = on_rotate

    def token(self, scope: str, *, tenant: str | None = None) -> str:
        creds = self.credentials
        tenant = tenant or creds.partner_tenant
        key = (creds.connection_id, tenant, scope)
        with _cache_lock:
            cached = _cache.get(key)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        tokens = _token_call(
            self.http,
            creds.login_url,
            tenant,
            {
                "grant_type": "refresh_token",
                "client_id": creds.client_id,
                "client_secret": creds.client_secret,
                "refresh_token": creds.refresh_token,
                "scope": scope,
            },
        )
        if tokens.refresh_token and tokens.refresh_token != creds.refresh_token:
            creds.refresh_token = tokens.refresh_token
            if self.on_rotate is not None:
                self.on_rotate(tokens.refresh_token)
        with _cache_lock:
            _cache[key] = (tokens.access_token, time.monotonic() + max(tokens.expires_in - 120, 30))
        return tokens.access_token

    def partner_center(self) -> str:
        return self.token(PARTNER_CENTER_SCOPE)

    def graph(self, *, tenant: str | None = None) -> str:
        return self.token(graph_scope(self.credentials.graph_url), tenant=tenant)
