"""The partner_center connector: Partner Center REST over `VendorHttp` with app+user tokens."""

from __future__ import annotations

import uuid
from typing import Any

from partnerdesk.customers.subscriptions.feed import CustomerData, SubscriptionData
from partnerdesk.health.feed import IncidentData

from .. import wire
from ..auth import TokenSource
from ..http import BadPayload, VendorHttp
from . import parse

MAX_PAGES = 200


class PartnerCenterClient:
    def __init__(self, http: VendorHttp, tokens: TokenSource, base_url: str) -> None:
        self.http = http
        self.tokens = tokens
        self.base = base_url.rstrip("/")

    def _get(
        self,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        sent = {"Authorization": f"Bearer {self.tokens.partner_center()}", **(headers or {})}
        url = path if path.startswith("http") else f"{self.base}{path}"
        body = self.http.json("GET", url, params=params, headers=sent, partner_center=True)
        if not isinstance(body, dict):
            raise BadPayload(f"GET {url}: expected an object")
        return body

    def customers(self, *, size: int = 100) -> list[CustomerData]:
        """Every customer, following MS-ContinuationToken (links.next with seekOperation)."""
        result: list[CustomerData] = []
        page = self._get("/v1/customers", params={"size": size})
        for _ in range(MAX_PAGES):
            result.extend(parse.customers(page))
            following = wire.get(page, "links.next")
            if not isinstance(following, dict):
                break
            headers = {
                wire.text(h, "key"): wire.text(h, "value") for h in wire.items(following, "headers")
            }
            token = headers.get("MS-ContinuationToken") or wire.text(page, "continuationToken")
            if not token:
                break
            uri = wire.text(following, "uri") or f"/customers?size={size}&seekOperation=Next"
            path = (
                uri
                if uri.startswith(("http", "/v1/"))
                else f"/v1{uri if uri.startswith('/') else '/' + uri}"
            )
            page = self._get(path, headers={"MS-ContinuationToken": token})
        return result

    def customer(self, tenant_id: uuid.UUID) -> CustomerData | None:
        return parse.customer(self._get(f"/v1/customers/{tenant_id}"))

    def subscriptions(self, tenant_id: uuid.UUID) -> list[SubscriptionData]:
        return parse.subscriptions(self._get(f"/v1/customers/{tenant_id}/subscriptions"))

    def managed_services(self, tenant_id: uuid.UUID) -> dict[str, dict[str, str]]:
        return parse.managed_services(self._get(f"/v1/customers/{tenant_id}/managedservices"))

    def service_incidents(self) -> list[IncidentData]:
        return parse.incidents(self._get("/v1/serviceincidents/office"))
