"""The graph connector: service health and GDAP over `VendorHttp`, paging by @odata.nextLink."""

from __future__ import annotations

from typing import Any

from partnerdesk.customers.relationships.feed import GroupData, RelationshipData
from partnerdesk.health.feed import IncidentData

from .. import wire
from ..auth import TokenSource
from ..http import BadPayload, VendorHttp
from . import parse

MAX_PAGES = 100
PAGE_SIZE = 100


class GraphClient:
    def __init__(self, http: VendorHttp, tokens: TokenSource, base_url: str) -> None:
        self.http = http
        self.tokens = tokens
        self.base = base_url.rstrip("/") + "/v1.0"

    def _values(
        self, path: str, *, params: dict[str, Any] | None = None, tenant: str | None = None
    ) -> list[Any]:
        """Every `value` item across the pages."""
        headers = {
            "Authorization": f"Bearer {self.tokens.graph(tenant=tenant)}",
            "Prefer": f"odata.maxpagesize={PAGE_SIZE}",
        }
        url: str | None = f"{self.base}{path}"
        values: list[Any] = []
        first = True
        for _ in range(MAX_PAGES):
            if url is None:
                break
            body = self.http.json("GET", url, params=params if first else None, headers=headers)
            first = False
            if not isinstance(body, dict) or not isinstance(wire.get(body, "value"), list):
                raise BadPayload(f"GET {url}: expected an OData collection")
            values.extend(wire.items(body, "value"))
            url = wire.text(body, "@odata.nextLink") or None
        return values

    def issues(self, *, tenant: str | None = None) -> list[IncidentData]:
        """Service health issues of `tenant` (the partner's own when None)."""
        return parse.issues(self._values("/admin/serviceAnnouncement/issues", tenant=tenant))

    def relationships(self) -> list[RelationshipData]:
        groups_seen: dict[str, str] = {}
        result = []
        for item in self._values(
            "/tenantRelationships/delegatedAdminRelationships", params={"$top": 300}
        ):
            rel_id = wire.text(item, "id")
            assignments = []
            if rel_id:
                for raw in self._values(
                    f"/tenantRelationships/delegatedAdminRelationships/{rel_id}/accessAssignments"
                ):
                    parsed = parse.assignment(raw, groups_seen)
                    if parsed is not None:
                        assignments.append(parsed)
            rel = parse.relationship(item, tuple(assignments))
            if rel is not None:
                result.append(rel)
        return result

    def groups(self) -> list[GroupData]:
        result = []
        for item in self._values(
            "/groups", params={"$filter": "securityEnabled eq true", "$select": "id,displayName"}
        ):
            group_id = wire.text(item, "id")
            if not group_id:
                continue
            members = self._values(
                f"/groups/{group_id}/members", params={"$select": "id,mail,userPrincipalName"}
            )
            parsed = parse.group(item, members)
            if parsed is not None:
                result.append(parsed)
        return result
