"""The sandbox vendor as a WSGI app: the `login` (Entra) router and the `/_sandbox/` admin knobs
here, the `partner_center` and `graph` routers in their modules (mixed in), what they share in
`web.py`. Standard library only (no Django inside)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from . import shapes
from .graph import GraphRoutes
from .partner_center import PartnerCenterRoutes
from .state import State, pkce_ok
from .web import _STATUS_TEXT, Handler, Request, Response, Start, _aad_error, _json


class SandboxApp(PartnerCenterRoutes, GraphRoutes):
    def __init__(self, state: State) -> None:
        self.state = state
        self.routes: list[tuple[str, re.Pattern[str], Handler, bool]] = []
        add = self._add
        # login
        add("GET", r"/login/(?P<tenant>[^/]+)/oauth2/v2\.0/authorize", self.authorize)
        add("POST", r"/login/(?P<tenant>[^/]+)/oauth2/v2\.0/token", self.token)
        # partner_center
        pc = r"/partner_center/v1"
        add("GET", pc + r"/customers", self.pc_customers, True)
        add("GET", pc + r"/customers/(?P<id>[^/]+)", self.pc_customer, True)
        add("GET", pc + r"/customers/(?P<id>[^/]+)/subscriptions", self.pc_subscriptions, True)
        add("GET", pc + r"/customers/(?P<id>[^/]+)/managedservices", self.pc_managed, True)
        add("GET", pc + r"/serviceincidents/office", self.pc_incidents, True)
        add("GET", pc + r"/servicerequests", self.pc_requests, True)
        add("GET", pc + r"/servicerequests/(?P<id>[^/]+)", self.pc_request, True)
        add("PATCH", pc + r"/servicerequests/(?P<id>[^/]+)", self.pc_request_patch, True)
        # graph
        g = r"/graph/v1\.0"
        add("GET", g + r"/admin/serviceAnnouncement/issues", self.graph_issues, True)
        add("GET", g + r"/admin/serviceAnnouncement/issues/(?P<id>[^/]+)", self.graph_issue, True)
        add("GET", g + r"/admin/serviceAnnouncement/healthOverviews", self.graph_overviews, True)
        rel = g + r"/tenantRelationships/delegatedAdminRelationships"
        add("GET", rel, self.graph_relationships, True)
        add("GET", rel + r"/(?P<id>[^/]+)", self.graph_relationship, True)
        add("GET", rel + r"/(?P<id>[^/]+)/accessAssignments", self.graph_assignments, True)
        add("GET", g + r"/groups", self.graph_groups, True)
        add("GET", g + r"/groups/(?P<id>[^/]+)/members", self.graph_members, True)
        # admin knobs
        add("GET", r"/_sandbox/state", self.admin_state)
        add("POST", r"/_sandbox/(?P<knob>[a-z_]+)", self.admin_knob)

    def _add(self, method: str, pattern: str, handler: Handler, vendor: bool = False) -> None:
        self.routes.append((method, re.compile(pattern + r"/?$"), handler, vendor))

    # --- WSGI ---------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Start) -> Iterable[bytes]:
        request = Request(environ)
        status, headers, body = self.dispatch(request)
        headers.setdefault("Content-Length", str(len(body)))
        for name in ("ms-requestid", "ms-correlationid"):
            if name in request.headers:
                headers["MS-RequestId" if name == "ms-requestid" else "MS-CorrelationId"] = (
                    request.headers[name]
                )
        start_response(f"{status} {_STATUS_TEXT.get(status, 'Status')}", list(headers.items()))
        return [body]

    def dispatch(self, request: Request) -> Response:
        allowed = False
        for method, pattern, handler, vendor in self.routes:
            match = pattern.match(request.path)
            if match is None:
                continue
            allowed = True
            if method != request.method:
                continue
            if vendor:
                with self.state.lock:
                    self.state.requests.append(
                        {
                            "method": request.method,
                            "path": request.path,
                            "request_id": request.headers.get("ms-requestid", ""),
                        }
                    )
                knob = self.state.take_knob()
                if knob is not None and knob[0] == "throttle":
                    return _json(
                        429,
                        {"error": {"code": "TooManyRequests", "message": "Too many requests"}},
                        {"Retry-After": knob[1]},
                    )
                if knob is not None:
                    return _json(500, {"error": {"code": "InternalError", "message": "boom"}})
            return handler(request, match)
        if allowed:
            return _json(405, {"error": "method not allowed"})
        return _json(404, {"error": {"code": "NotFound", "message": request.path}})

    # --- login --------------------------------------------------------------------------

    def authorize(self, request: Request, match: re.Match[str]) -> Response:
        """Auto-consent as the sandbox's partner admin; back to the app with a code."""
        redirect_uri = request.query.get("redirect_uri", "")
        if not redirect_uri or not request.query.get("client_id"):
            return _json(400, {"error": "invalid_request"})
        code = self.state.issue_code(
            tenant=match["tenant"],
            client_id=request.query["client_id"],
            redirect_uri=redirect_uri,
            challenge=request.query.get("code_challenge", ""),
            method=request.query.get("code_challenge_method", "plain"),
        )
        target = redirect_uri + ("&" if "?" in redirect_uri else "?")
        target += urlencode({"code": code, "state": request.query.get("state", "")})
        return 302, {"Location": target, "Content-Type": "text/plain"}, b""

    def _audience(self, scope: str) -> str:
        return "partner_center" if "partnercenter" in scope.lower() else "graph"

    def _tokens(self, *, tenant: str, scope: str, client_id: str, family: str | None) -> Response:
        access = self.state.issue_access(
            tenant=tenant, audience=self._audience(scope), app_only=False
        )
        refresh = self.state.issue_refresh(client_id=client_id, tenant=tenant, family=family)
        return _json(
            200,
            {
                "token_type": "Bearer",
                "scope": scope,
                "expires_in": 3600,
                "ext_expires_in": 3600,
                "access_token": access,
                "refresh_token": refresh,
            },
        )

    def token(self, request: Request, match: re.Match[str]) -> Response:
        form = request.form()
        grant = form.get("grant_type", "")
        tenant = match["tenant"]
        if tenant in {"common", "organizations"}:
            tenant = str(self.state.scenario.get("partner_tenant", tenant))
        client_id = form.get("client_id", "")
        if not client_id or not form.get("client_secret"):
            return _aad_error("invalid_client", "AADSTS7000215: Invalid client secret.", [7000215])
        scope = form.get("scope", "")
        if grant == "client_credentials":
            access = self.state.issue_access(
                tenant=tenant, audience=self._audience(scope), app_only=True
            )
            return _json(200, {"token_type": "Bearer", "expires_in": 3600, "access_token": access})
        if grant == "authorization_code":
            details = self.state.take_code(form.get("code", ""))
            if (
                details is None
                or details["client_id"] != client_id
                or details["redirect_uri"] != form.get("redirect_uri", "")
                or not pkce_ok(
                    form.get("code_verifier", ""), details["challenge"], details["method"]
                )
            ):
                return _aad_error(
                    "invalid_grant",
                    "AADSTS70008: The provided authorization code or refresh token has expired "
                    "or was already used.",
                    [70008],
                )
            return self._tokens(tenant=tenant, scope=scope, client_id=client_id, family=None)
        if grant == "refresh_token":
            found = self.state.grant_for(form.get("refresh_token", ""))
            if found is None or found.expired:
                return _aad_error(
                    "invalid_grant",
                    "AADSTS700082: The refresh token has expired due to inactivity. The token "
                    "was issued on 2026-01-01T00:00:00Z and was inactive for 90.00:00:00.",
                    [700082],
                )
            if found.revoked:
                return _aad_error(
                    "invalid_grant",
                    "AADSTS50173: The provided grant has expired due to it being revoked, a "
                    "fresh auth token is needed.",
                    [50173],
                )
            if found.client_id != client_id:
                return _aad_error(
                    "invalid_grant",
                    "AADSTS700024: The refresh token was issued to a different client.",
                    [700024],
                )
            return self._tokens(
                tenant=tenant, scope=scope, client_id=client_id, family=found.family
            )
        return _aad_error("unsupported_grant_type", "AADSTS70003: unsupported grant", [70003])

    # --- admin knobs ----------------------------------------------------------------------

    def admin_state(self, request: Request, match: re.Match[str]) -> Response:
        state = self.state
        return _json(
            200,
            {
                "minute": state.minute(),
                "now": shapes.iso(state.now()),
                "throttle": state.throttle,
                "fail": state.fail,
                "requests": state.requests[-50:],
            },
        )

    def admin_knob(self, request: Request, match: re.Match[str]) -> Response:
        body = request.json() if request.body else {}
        if not isinstance(body, dict):
            body = {}
        knob = match["knob"]
        state = self.state
        with state.lock:
            if knob == "throttle":
                state.throttle = int(body.get("count", 1))
                state.retry_after = str(body.get("retry_after", "1"))
            elif knob == "fail":
                state.fail = int(body.get("count", 1))
            elif knob == "advance":
                state.advanced_minutes += float(body.get("minutes", 0))
            elif knob == "relationship":
                state.relationship_status[str(body.get("id", ""))] = str(body.get("status", ""))
            elif knob == "reset":
                state.throttle = state.fail = 0
                state.requests.clear()
            elif knob == "restart":
                # Play the scenario again from its start (the demo's outage, live once more).
                state.started = time.monotonic()
                state.started_at = datetime.now(UTC)
                state.advanced_minutes = 0.0
            elif knob not in {"revoke", "expire", "seed", "restart"}:
                return _json(404, {"error": f"no knob {knob}"})
        if knob == "revoke":
            state.revoke_all()
        elif knob == "expire":
            state.revoke_all(expire=True)
        elif knob == "seed":
            state.seed(str(body.get("refresh_token", "")), client_id=str(body.get("client_id")))
        elif knob == "restart":
            state.save()
        return _json(200, {"ok": True, "minute": state.minute()})
