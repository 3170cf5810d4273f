"""The sandbox vendor as a WSGI app: `login` (Entra), `partner_center` and `graph` routers and
the `/_sandbox/` admin knobs. Standard library only (no Django inside)."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode

from . import shapes
from .state import State, pkce_ok

Start = Callable[..., Any]
Response = tuple[int, dict[str, str], bytes]
Handler = Callable[["Request", re.Match[str]], Response]

# Roles whose holders may read a customer tenant's service health under GDAP.
HEALTH_ROLES = {
    "f023fd81-a637-4b56-95fd-791ac0226033",  # Service Support Administrator
    "f2ef992c-3afb-46b9-b7cf-a126ee74c451",  # Global Reader
    "62e90394-69f5-4237-9190-012177145e10",  # Global Administrator
    "729827e3-9c14-49f7-bb1b-9608f156bbb8",  # Helpdesk Administrator
}
_STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "No Content",
    302: "Found",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class Request:
    def __init__(self, environ: dict[str, Any]) -> None:
        self.method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        self.path = str(environ.get("PATH_INFO", "/"))
        self.query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        self.headers = {
            key[5:].replace("_", "-").lower(): str(value)
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            self.headers["content-type"] = str(environ["CONTENT_TYPE"])
        length = int(environ.get("CONTENT_LENGTH") or 0)
        self.body = environ["wsgi.input"].read(length) if length else b""
        scheme = environ.get("wsgi.url_scheme", "http")
        self.origin = f"{scheme}://{environ.get('HTTP_HOST') or environ.get('SERVER_NAME')}"

    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8", "replace")).items()}

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"{}")
        except ValueError:
            return {}

    def bearer(self) -> str:
        value = self.headers.get("authorization", "")
        return value[7:].strip() if value.lower().startswith("bearer ") else ""


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return (
        status,
        {"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        json.dumps(body, ensure_ascii=False).encode("utf-8"),
    )


def _pc_error(status: int, code: int, description: str) -> Response:
    return _json(
        status,
        {"code": code, "description": description, "data": [], "source": "PartnerFD"},
    )


def _graph_error(status: int, code: str, message: str) -> Response:
    return _json(status, {"error": {"code": code, "message": message, "innerError": {}}})


def _aad_error(error: str, description: str, codes: list[int]) -> Response:
    return _json(
        400,
        {
            "error": error,
            "error_description": description,
            "error_codes": codes,
            "timestamp": "",
            "trace_id": "",
            "correlation_id": "",
        },
    )


class SandboxApp:
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

    # --- partner_center -----------------------------------------------------------------

    def _pc_auth(self, request: Request) -> Response | None:
        token = self.state.access_for(request.bearer())
        if token is None or token.audience != "partner_center":
            return _pc_error(401, 900210, "Authentication failed: the access token is invalid.")
        if token.app_only:
            return _pc_error(
                403,
                900211,
                "This operation requires App+User credentials (app-only tokens are not supported).",
            )
        return None

    def _customer(self, tenant: str) -> dict[str, Any] | None:
        for entry in self.state.scenario["customers"]:
            if entry["tenant_id"].lower() == tenant.lower():
                return dict(entry)
        return None

    def pc_customers(self, request: Request, match: re.Match[str]) -> Response:
        if (refused := self._pc_auth(request)) is not None:
            return refused
        size = max(1, min(int(request.query.get("size", "100") or 100), 500))
        offset = 0
        token = request.headers.get("ms-continuationtoken", "")
        if request.query.get("seekOperation", "").lower() == "next" and token:
            try:
                offset = int(base64.urlsafe_b64decode(token.encode()).decode())
            except ValueError:
                return _pc_error(400, 400, "Bad continuation token")
        everyone = self.state.scenario["customers"]
        page = [shapes.customer(c, by_id=False) for c in everyone[offset : offset + size]]
        body = shapes.envelope(page)
        body["totalCount"] = len(page)
        if offset + size < len(everyone):
            following = base64.urlsafe_b64encode(str(offset + size).encode()).decode()
            body["continuationToken"] = following
            body["links"] = {
                "next": {
                    "uri": f"/customers?size={size}&seekOperation=Next",
                    "method": "GET",
                    "headers": [{"key": "MS-ContinuationToken", "value": following}],
                }
            }
        return _json(200, body)

    def pc_customer(self, request: Request, match: re.Match[str]) -> Response:
        if (refused := self._pc_auth(request)) is not None:
            return refused
        entry = self._customer(match["id"])
        if entry is None:
            return _pc_error(404, 600008, "The requested customer was not found.")
        return _json(200, shapes.customer(entry, by_id=True))

    def pc_subscriptions(self, request: Request, match: re.Match[str]) -> Response:
        if (refused := self._pc_auth(request)) is not None:
            return refused
        entry = self._customer(match["id"])
        if entry is None:
            return _pc_error(404, 600008, "The requested customer was not found.")
        items = [
            {**s, "attributes": {"objectType": "Subscription"}} for s in entry["subscriptions"]
        ]
        return _json(200, shapes.envelope(items))

    def pc_managed(self, request: Request, match: re.Match[str]) -> Response:
        if (refused := self._pc_auth(request)) is not None:
            return refused
        entry = self._customer(match["id"])
        if entry is None:
            return _pc_error(404, 600008, "The requested customer was not found.")
        return _json(200, shapes.managed_services(entry))

    def pc_incidents(self, request: Request, match: re.Match[str]) -> Response:
        if (refused := self._pc_auth(request)) is not None:
            return refused
        flat = request.query.get("shape") == "flat" or self.state.scenario.get("pc_shape") == "flat"
        return _json(200, shapes.pc_incidents(self.state, flat=flat))

    def pc_requests(self, request: Request, match: re.Match[str]) -> Response:
        if (refused := self._pc_auth(request)) is not None:
            return refused
        items = [
            {**r, "attributes": {"objectType": "ServiceRequest"}}
            for r in self.state.scenario.get("service_requests", [])
        ]
        return _json(200, shapes.envelope(items))

    def _request(self, sr_id: str) -> dict[str, Any] | None:
        for entry in self.state.scenario.get("service_requests", []):
            if entry["id"] == sr_id:
                return dict(entry)
        return None

    def pc_request(self, request: Request, match: re.Match[str]) -> Response:
        if (refused := self._pc_auth(request)) is not None:
            return refused
        found = self._request(match["id"])
        if found is None:
            return _pc_error(404, 404, "Service request not found.")
        return _json(200, {**found, "attributes": {"objectType": "ServiceRequest"}})

    def pc_request_patch(self, request: Request, match: re.Match[str]) -> Response:
        if (refused := self._pc_auth(request)) is not None:
            return refused
        with self.state.lock:
            for entry in self.state.scenario.get("service_requests", []):
                if entry["id"] == match["id"]:
                    change = request.json()
                    if isinstance(change, dict):
                        for key, value in change.items():
                            if key.lower() == "status":
                                entry["status"] = str(value).lower()
                            elif key.lower() == "newnote" and isinstance(value, dict):
                                entry.setdefault("notes", []).append(value)
                    return _json(200, {**entry, "attributes": {"objectType": "ServiceRequest"}})
        return _pc_error(404, 404, "Service request not found.")

    # --- graph --------------------------------------------------------------------------

    def _graph_token(self, request: Request) -> tuple[str, Response | None]:
        token = self.state.access_for(request.bearer())
        if token is None or token.audience != "graph":
            return "", _graph_error(401, "InvalidAuthenticationToken", "Access token is invalid.")
        return token.tenant.lower(), None

    def _partner_tenant(self) -> str:
        return str(self.state.scenario.get("partner_tenant", "")).lower()

    def _health_allowed(self, tenant: str) -> bool:
        if tenant == self._partner_tenant():
            return True
        for entry in self.state.scenario["relationships"]:
            status = self.state.relationship_status.get(entry["id"], entry["status"])
            if (
                entry["tenant_id"].lower() == tenant
                and status in {"active", "expiring"}
                and HEALTH_ROLES.intersection(entry["roles"])
            ):
                return True
        return False

    def _issues_for(self, tenant: str) -> list[dict[str, Any]]:
        minute = self.state.minute()
        partner = tenant == self._partner_tenant()
        result = []
        for incident in self.state.scenario["incidents"]:
            owner = (incident.get("tenant") or "").lower()
            if (partner and not owner) or (not partner and owner == tenant):
                issue = shapes.graph_issue(self.state, incident, minute)
                if issue is not None:
                    result.append(issue)
        return result

    def _odata(self, request: Request, values: list[Any], context: str) -> Response:
        prefer = request.headers.get("prefer", "")
        size = 100
        found = re.search(r"odata\.maxpagesize=(\d+)", prefer)
        if found:
            size = max(1, min(int(found.group(1)), 1000))
        if request.query.get("$top"):
            size = max(1, min(int(request.query["$top"]), 300))
        skip = int(request.query.get("$skiptoken", "0") or 0)
        body: dict[str, Any] = {
            "@odata.context": f"https://graph.microsoft.com/v1.0/$metadata#{context}",
            "value": values[skip : skip + size],
        }
        if skip + size < len(values):
            query = dict(request.query)
            query["$skiptoken"] = str(skip + size)
            body["@odata.nextLink"] = f"{request.origin}{request.path}?{urlencode(query)}"
        return _json(200, body)

    def graph_issues(self, request: Request, match: re.Match[str]) -> Response:
        tenant, refused = self._graph_token(request)
        if refused is not None:
            return refused
        if not self._health_allowed(tenant):
            return _graph_error(403, "Forbidden", "Insufficient privileges in this tenant.")
        return self._odata(request, self._issues_for(tenant), "admin/serviceAnnouncement/issues")

    def graph_issue(self, request: Request, match: re.Match[str]) -> Response:
        tenant, refused = self._graph_token(request)
        if refused is not None:
            return refused
        if not self._health_allowed(tenant):
            return _graph_error(403, "Forbidden", "Insufficient privileges in this tenant.")
        for issue in self._issues_for(tenant):
            if issue["id"].lower() == match["id"].lower():
                return _json(200, issue)
        return _graph_error(404, "NotFound", "Issue not found.")

    def graph_overviews(self, request: Request, match: re.Match[str]) -> Response:
        tenant, refused = self._graph_token(request)
        if refused is not None:
            return refused
        if not self._health_allowed(tenant):
            return _graph_error(403, "Forbidden", "Insufficient privileges in this tenant.")
        services: dict[str, str] = {}
        for issue in self._issues_for(tenant):
            if not issue["isResolved"]:
                services[issue["service"]] = issue["status"]
        for name in ("Exchange Online", "Microsoft Teams", "SharePoint Online", "Microsoft Entra"):
            services.setdefault(name, "ServiceOperational")
        values = [
            {"service": name, "id": name.replace(" ", ""), "status": status}
            for name, status in sorted(services.items())
        ]
        return self._odata(request, values, "admin/serviceAnnouncement/healthOverviews")

    def _partner_only(self, request: Request) -> Response | None:
        tenant, refused = self._graph_token(request)
        if refused is not None:
            return refused
        if tenant != self._partner_tenant():
            return _graph_error(403, "Forbidden", "Only the partner tenant may read this.")
        return None

    def graph_relationships(self, request: Request, match: re.Match[str]) -> Response:
        if (refused := self._partner_only(request)) is not None:
            return refused
        values = [shapes.relationship(self.state, r) for r in self.state.scenario["relationships"]]
        return self._odata(request, values, "tenantRelationships/delegatedAdminRelationships")

    def _relationship(self, rel_id: str) -> dict[str, Any] | None:
        for entry in self.state.scenario["relationships"]:
            if entry["id"] == rel_id:
                return dict(entry)
        return None

    def graph_relationship(self, request: Request, match: re.Match[str]) -> Response:
        if (refused := self._partner_only(request)) is not None:
            return refused
        entry = self._relationship(match["id"])
        if entry is None:
            return _graph_error(404, "NotFound", "Relationship not found.")
        return _json(200, shapes.relationship(self.state, entry))

    def graph_assignments(self, request: Request, match: re.Match[str]) -> Response:
        if (refused := self._partner_only(request)) is not None:
            return refused
        entry = self._relationship(match["id"])
        if entry is None:
            return _graph_error(404, "NotFound", "Relationship not found.")
        return self._odata(request, shapes.assignments(entry), "accessAssignments")

    def graph_groups(self, request: Request, match: re.Match[str]) -> Response:
        if (refused := self._partner_only(request)) is not None:
            return refused
        values = [
            {"id": g["id"], "displayName": g["displayName"], "securityEnabled": True}
            for g in self.state.scenario["groups"]
        ]
        return self._odata(request, values, "groups")

    def graph_members(self, request: Request, match: re.Match[str]) -> Response:
        if (refused := self._partner_only(request)) is not None:
            return refused
        for group in self.state.scenario["groups"]:
            if group["id"] == match["id"]:
                values = [
                    {
                        "@odata.type": "#microsoft.graph.user",
                        "id": f"user-{index}",
                        "mail": address,
                        "userPrincipalName": address,
                    }
                    for index, address in enumerate(group["members"])
                ]
                return self._odata(request, values, "directoryObjects")
        return _graph_error(404, "Request_ResourceNotFound", "Group not found.")

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
