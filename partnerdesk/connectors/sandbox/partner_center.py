"""The sandbox's Partner Center router (reference §1, §2.1, §4): app+user tokens only."""

from __future__ import annotations

import base64
import re
from typing import Any

from . import shapes
from .state import State
from .web import Request, Response, _json, _pc_error


class PartnerCenterRoutes:
    """Partner Center's /v1/ routes, mixed into SandboxApp."""

    state: State

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
