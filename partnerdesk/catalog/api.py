"""/api/v1/services: the service catalog tickets are filed against (read-only)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from partnerdesk.core.api import actor_of

from . import selectors
from .models import Service

router = Router(tags=["catalog"])


class ServiceOut(Schema):
    code: str = Field(..., description="Stable identifier, e.g. exchange-online.")
    name: str
    parent_code: str | None = Field(..., description="The family it belongs to, e.g. m365.")

    @staticmethod
    def build(service: Service) -> ServiceOut:
        return ServiceOut(code=service.code, name=service.name, parent_code=service.parent_id)


class ServicePage(Schema):
    items: list[ServiceOut]
    next_cursor: str | None


@router.get("/services", response=ServicePage, summary="The service catalog")
def list_services(
    request: HttpRequest, cursor: str | None = None, limit: int = Query(200, ge=1, le=200)
) -> ServicePage:
    page = selectors.service_page(actor_of(request), cursor=cursor, limit=limit)
    return ServicePage(
        items=[ServiceOut.build(s) for s in page.items], next_cursor=page.next_cursor
    )
