"""Reads of the service catalog: the shared services plus the ones the actor's workspace added."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from partnerdesk.core.actor import Actor
from partnerdesk.core.pagination import Page, paginate

from .defaults import DEFAULT_PROFILES
from .models import Escalation, Service, ServiceProfile, VendorFee
from .profiles import EffectiveProfile, Portal


def _visible(partner_id: uuid.UUID | None) -> QuerySet[Service]:
    """The shared catalog and the workspace's own services (another workspace's never)."""
    if partner_id is None:
        return Service.objects.filter(partner__isnull=True)
    return Service.objects.filter(Q(partner__isnull=True) | Q(partner_id=partner_id))


def all_services(actor: Actor) -> QuerySet[Service]:
    return _visible(actor.partner_id).select_related("parent").order_by("position", "code")


def service_by_code(actor: Actor, code: str) -> Service | None:
    return _visible(actor.partner_id).filter(code=code).first()


def service_page(actor: Actor, *, cursor: str | None, limit: int | None) -> Page[Service]:
    """The catalog in its display order; every signed-in person may read it."""
    return paginate(
        _visible(actor.partner_id), order=["position", "code"], cursor=cursor, limit=limit
    )


def _default_profile(code: str) -> EffectiveProfile:
    data = DEFAULT_PROFILES.get(code, {})
    return EffectiveProfile(
        service_code=code,
        portals={k: Portal(**v) for k, v in data.get("portals", {}).items()},
        admin_roles=tuple(data.get("admin_roles", ())),
        escalation=str(data.get("escalation", Escalation.ASSISTED)),
        vendor_fee=str(data.get("vendor_fee", VendorFee.INCLUDED)),
        health_names=tuple(data.get("health_names", ())),
        source=str(data.get("source", "")),
        is_default=True,
        escalation_by_instance=dict(data.get("escalation_by_instance", {})),
    )


def _from_row(row: ServiceProfile) -> EffectiveProfile:
    return EffectiveProfile(
        service_code=row.service_id,
        portals={k: Portal(**v) for k, v in (row.portals or {}).items()},
        admin_roles=tuple(row.admin_roles or ()),
        escalation=row.escalation,
        vendor_fee=row.vendor_fee,
        health_names=tuple(row.health_names or ()),
        notes=row.notes,
        source="edited",
        is_default=False,
        escalation_by_instance=dict(row.escalation_by_instance or {}),
    )


def profiles_for(actor: Actor, services: list[Service]) -> dict[str, EffectiveProfile]:
    """Each service's effective profile in the actor's workspace, in one query."""
    codes = [s.code for s in services]
    rows = (
        {
            row.service_id: row
            for row in ServiceProfile.objects.filter(
                partner_id=actor.partner_id, service_id__in=codes
            )
        }
        if actor.partner_id is not None
        else {}
    )
    return {
        code: _from_row(rows[code]) if code in rows else _default_profile(code) for code in codes
    }


def profile_for(actor: Actor, service: Service) -> EffectiveProfile:
    return profiles_for(actor, [service])[service.code]


def service_for_health_name(*, partner_id: uuid.UUID, name: str) -> Service | None:
    """The catalog service a vendor health feed means by `name` (Graph `service`, Partner Center
    `workload`), compared case-insensitively against each service's health names in the
    workspace's profile (or the defaults)."""
    wanted = name.strip().casefold()
    if not wanted:
        return None
    services = list(_visible(partner_id))
    actor = Actor.system(partner_id=partner_id, reason="catalog.service_for_health_name")
    profiles = profiles_for(actor, services)
    for service in services:
        names = {n.casefold() for n in profiles[service.code].health_names}
        if wanted in names or wanted == service.name.casefold():
            return service
    return None


def profile_rows(actor: Actor) -> dict[str, ServiceProfile]:
    """The workspace's own profiles by service code, with who changed each (settings page)."""
    if actor.partner_id is None:
        return {}
    return {
        row.service_id: row
        for row in ServiceProfile.objects.filter(partner_id=actor.partner_id).select_related(
            "updated_by__user"
        )
    }
