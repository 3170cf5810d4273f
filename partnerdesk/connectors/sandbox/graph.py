"""The sandbox's Microsoft Graph router (reference §2.2, §4.4): answers for the token's tenant."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from . import shapes
from .state import State
from .web import Request, Response, _graph_error, _json

# Roles whose holders may read a customer tenant's service health under GDAP.
HEALTH_ROLES = {
    "f023fd81-a637-4b56-95fd-791ac0226033",  # Service Support Administrator
    "f2ef992c-3afb-46b9-b7cf-a126ee74c451",  # Global Reader
    "62e90394-69f5-4237-9190-012177145e10",  # Global Administrator
    "729827e3-9c14-49f7-bb1b-9608f156bbb8",  # Helpdesk Administrator
}


class GraphRoutes:
    """Graph's /v1.0/ routes, mixed into SandboxApp."""

    state: State

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
