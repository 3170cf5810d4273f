"""Reads of the service catalog (shared by every workspace, nothing tenant-owned)."""

from __future__ import annotations

from django.db.models import QuerySet

from partnerdesk.core.pagination import Page, paginate

from .models import Service


def all_services() -> QuerySet[Service]:
    return Service.objects.select_related("parent").order_by("position", "code")


def service_by_code(code: str) -> Service | None:
    return Service.objects.filter(code=code).first()


def service_page(*, cursor: str | None, limit: int | None) -> Page[Service]:
    """The catalog in its display order; every signed-in person may read it."""
    return paginate(Service.objects.all(), order=["position", "code"], cursor=cursor, limit=limit)
