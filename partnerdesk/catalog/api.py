"""/api/v1/services: the service catalog tickets are filed against; staff also read each
service's effective profile, and the owner (catalog.manage) changes, resets and adds."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from partnerdesk.core.actor import Actor
from partnerdesk.core.api import actor_of

from . import access, actions, selectors
from .models import Service
from .profiles import PORTAL_KINDS, EffectiveProfile

router = Router(tags=["catalog"])


class PortalOut(Schema):
    admin: str
    health: str
    ticket: str


class ProfileOut(Schema):
    portals: dict[str, PortalOut] = Field(
        ...,
        description="Link templates per instance (global, us_government, germany, "
        "china_21vianet); {tenant_id} and {domain} are filled in per customer.",
    )
    admin_roles: list[str] = Field(..., description="Entra role template ids; any one suffices.")
    escalation: str
    escalation_by_instance: dict[str, str]
    vendor_fee: str
    health_names: list[str]
    notes: str
    is_default: bool
    source: str = Field(..., description="Where the defaults came from, or 'edited'.")

    @staticmethod
    def build(profile: EffectiveProfile) -> ProfileOut:
        return ProfileOut(
            portals={
                instance: PortalOut(admin=p.admin, health=p.health, ticket=p.ticket)
                for instance, p in profile.portals.items()
            },
            admin_roles=list(profile.admin_roles),
            escalation=profile.escalation,
            escalation_by_instance=dict(profile.escalation_by_instance),
            vendor_fee=profile.vendor_fee,
            health_names=list(profile.health_names),
            notes=profile.notes,
            is_default=profile.is_default,
            source=profile.source,
        )


class ServiceOut(Schema):
    code: str = Field(..., description="Stable identifier, e.g. exchange-online.")
    name: str
    parent_code: str | None = Field(..., description="The family it belongs to, e.g. m365.")
    is_own: bool = Field(False, description="Added by this workspace (seen by it alone).")
    profile: ProfileOut | None = Field(None, description="Staff only; null for others.")

    @staticmethod
    def build(service: Service, profile: EffectiveProfile | None = None) -> ServiceOut:
        return ServiceOut(
            code=service.code,
            name=service.name,
            parent_code=service.parent_id,
            is_own=service.partner_id is not None,
            profile=ProfileOut.build(profile) if profile is not None else None,
        )


class ServicePage(Schema):
    items: list[ServiceOut]
    next_cursor: str | None


class PortalIn(Schema):
    admin: str = Field("", max_length=500)
    health: str = Field("", max_length=500)
    ticket: str = Field("", max_length=500)


class ProfilePatch(Schema):
    portals: dict[str, PortalIn] | None = Field(None, description="Replaces the whole set.")
    admin_roles: list[str] | None = Field(None, max_length=30)
    escalation: str | None = Field(None, max_length=20)
    escalation_by_instance: dict[str, str] | None = None
    vendor_fee: str | None = Field(None, max_length=10)
    health_names: list[str] | None = Field(None, max_length=30)
    notes: str | None = Field(None, max_length=5000)


class ServiceIn(Schema):
    name: str = Field("", max_length=120, description="Required.")
    parent_code: str | None = Field(None, max_length=60)
    profile: ProfilePatch | None = None


def _profiles(actor: Actor, services: list[Service]) -> dict[str, EffectiveProfile]:
    return selectors.profiles_for(actor, services) if actor.is_staff else {}


def _merged(base: actions.ProfileValues, patch: ProfilePatch) -> actions.ProfileValues:
    given = patch.dict(exclude_unset=True)
    if given.get("portals") is not None:
        base.portals = {
            instance: {kind: str(portal.get(kind, "")) for kind in PORTAL_KINDS}
            for instance, portal in given["portals"].items()
        }
    for name in ("admin_roles", "escalation", "escalation_by_instance", "vendor_fee"):
        if given.get(name) is not None:
            setattr(base, name, given[name])
    if given.get("health_names") is not None:
        base.health_names = given["health_names"]
    if given.get("notes") is not None:
        base.notes = given["notes"]
    return base


@router.get("/services", response=ServicePage, summary="The service catalog")
def list_services(
    request: HttpRequest, cursor: str | None = None, limit: int = Query(200, ge=1, le=200)
) -> ServicePage:
    actor = actor_of(request)
    page = selectors.service_page(actor, cursor=cursor, limit=limit)
    profiles = _profiles(actor, list(page.items))
    return ServicePage(
        items=[ServiceOut.build(s, profiles.get(s.code)) for s in page.items],
        next_cursor=page.next_cursor,
    )


@router.post("/services", response={201: ServiceOut}, summary="Add a workspace-own service")
def create_service(request: HttpRequest, payload: ServiceIn) -> Status:
    actor = actor_of(request)
    parent = access.get_service_for(actor, payload.parent_code) if payload.parent_code else None
    values = None
    if payload.profile is not None:
        values = _merged(
            actions.ProfileValues(escalation="none", vendor_fee="none"), payload.profile
        )
    service = actions.add_service(actor, name=payload.name, parent=parent, values=values)
    return Status(201, ServiceOut.build(service, selectors.profile_for(actor, service)))


@router.patch(
    "/services/{code}/profile",
    response=ServiceOut,
    summary="Change the workspace's settings for a service (the owner)",
)
def patch_profile(request: HttpRequest, code: str, payload: ProfilePatch) -> ServiceOut:
    actor = actor_of(request)
    service = access.get_service_for(actor, code)
    base = actions.ProfileValues.of(selectors.profile_for(actor, service))
    actions.save_profile(actor, service=service, values=_merged(base, payload))
    return ServiceOut.build(service, selectors.profile_for(actor, service))


@router.delete(
    "/services/{code}/profile",
    response={204: None},
    summary="Reset a service to the defaults (the owner)",
)
def reset_profile(request: HttpRequest, code: str) -> Status:
    actor = actor_of(request)
    actions.reset_profile(actor, service=access.get_service_for(actor, code))
    return Status(204, None)
