"""Reads of the service catalog (shared by every workspace, nothing tenant-owned)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Service


def all_services() -> QuerySet[Service]:
    return Service.objects.select_related("parent").order_by("position", "code")


def service_by_code(code: str) -> Service | None:
    return Service.objects.filter(code=code).first()
