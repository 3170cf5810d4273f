"""/api/v1/relationships, /api/v1/customers/{id}/relationships, /api/v1/security-groups and
/api/v1/customers/{id}/services (the service management view as data). Staff only: customer
people get 404."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from partnerdesk.catalog.entra_roles import role_name
from partnerdesk.core import clock
from partnerdesk.core.actor import Actor
from partnerdesk.core.api import actor_of

from ..access import get_customer_for
from ..enums import AutoExtend, RelationshipKind, RelationshipStatus
from ..models_services import AdminRelationship, SecurityGroup
from . import access, actions, selectors
from .services import services_view

router = Router(tags=["relationships"])


class RoleOut(Schema):
    id: str = Field(..., description="Entra role template id.")
    name: str


class AssignmentOut(Schema):
    group_id: str
    group_name: str
    roles: list[RoleOut]
    status: str
    members: list[str] = Field(..., description="Names of the staff in the group.")


class RelationshipOut(Schema):
    id: str
    customer_id: str
    vendor_id: str
    name: str
    kind: str
    status: str = Field(..., description="As shown: a granting one past its end is expired.")
    vendor_status: str = Field(..., description="As last recorded (or the vendor's raw value).")
    source: str
    roles: list[RoleOut]
    assignments: list[AssignmentOut]
    duration: str
    auto_extend: str
    activated_at: datetime | None
    ends_at: datetime | None
    days_left: int | None
    last_used_at: datetime | None
    flags: list[str] = Field(..., description="Legacy DAP flags.")
    warning: str = Field(..., description="The expiry warning, if it ends within 30 days.")

    @staticmethod
    def build(rel: AdminRelationship, now: datetime) -> RelationshipOut:
        return RelationshipOut(
            id=str(rel.pk),
            customer_id=str(rel.customer_id),
            vendor_id=rel.vendor_id,
            name=rel.display_name,
            kind=rel.kind,
            status=str(selectors.shown_status(rel, now)),
            vendor_status=rel.raw_status or rel.status,
            source=rel.source,
            roles=[
                RoleOut(id=r.role_definition_id, name=str(role_name(r.role_definition_id)))
                for r in rel.roles.all()
            ],
            assignments=[
                AssignmentOut(
                    group_id=str(a.group_id),
                    group_name=a.group.name,
                    roles=[RoleOut(id=r, name=str(role_name(r))) for r in a.role_definition_ids],
                    status=a.status,
                    members=[
                        m.membership.user.full_name or m.membership.user.email
                        for m in a.group.memberships.all()
                    ],
                )
                for a in rel.assignments.all()
            ],
            duration=rel.duration,
            auto_extend=rel.auto_extend,
            activated_at=rel.activated_at,
            ends_at=rel.ends_at,
            days_left=selectors.days_left(rel, now),
            last_used_at=rel.last_used_at,
            flags=[str(f) for f in selectors.dap_flags(rel, now)],
            warning=str(selectors.expiry_warning(rel, now)),
        )


class RelationshipPage(Schema):
    items: list[RelationshipOut]
    next_cursor: str | None


class AssignmentIn(Schema):
    group_id: uuid.UUID
    roles: list[str] = Field(..., max_length=100)


class RelationshipIn(Schema):
    customer_id: uuid.UUID
    name: str = Field(..., max_length=50)
    kind: str = Field(RelationshipKind.GDAP, max_length=10, description="gdap or dap.")
    status: str = Field(
        RelationshipStatus.ACTIVE, max_length=30, description="Graph's relationship status."
    )
    roles: list[str] = Field(default_factory=list, max_length=100)
    assignments: list[AssignmentIn] = Field(default_factory=list, max_length=100)
    activated_at: datetime | None = None
    duration: str = Field("", max_length=20, description="ISO 8601, P1D..P2Y; or give ends_at.")
    ends_at: datetime | None = None
    auto_extend: str = Field(AutoExtend.NONE, max_length=10, description="PT0S or P180D.")


class RelationshipPatch(Schema):
    name: str | None = Field(None, max_length=50)
    kind: str | None = Field(None, max_length=10)
    status: str | None = Field(None, max_length=30)
    roles: list[str] | None = Field(None, max_length=100)
    assignments: list[AssignmentIn] | None = Field(None, max_length=100)
    activated_at: datetime | None = None
    duration: str | None = Field(None, max_length=20)
    ends_at: datetime | None = None
    auto_extend: str | None = Field(None, max_length=10)


def _page(actor: Actor, page: selectors.Page[AdminRelationship]) -> RelationshipPage:
    now = clock.now()
    return RelationshipPage(
        items=[RelationshipOut.build(r, now) for r in page.items], next_cursor=page.next_cursor
    )


def _detailed(actor: Actor, rel: AdminRelationship) -> RelationshipOut:
    full = selectors.with_details(selectors.visible_relationships(actor).filter(pk=rel.pk)).get()
    return RelationshipOut.build(full, clock.now())


@router.get("/relationships", response=RelationshipPage, summary="Admin relationships (staff)")
def list_relationships(
    request: HttpRequest, cursor: str | None = None, limit: int = Query(50, ge=1, le=200)
) -> RelationshipPage:
    actor = actor_of(request)
    return _page(actor, selectors.relationship_page(actor, cursor=cursor, limit=limit))


@router.get(
    "/customers/{customer_id}/relationships",
    response=RelationshipPage,
    summary="A customer's admin relationships (staff)",
)
def customer_relationships(
    request: HttpRequest,
    customer_id: str,
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=200),
) -> RelationshipPage:
    actor = actor_of(request)
    selectors.require_staff(actor)
    customer = get_customer_for(actor, customer_id)
    return _page(
        actor, selectors.relationship_page(actor, cursor=cursor, limit=limit, customer=customer)
    )


@router.post(
    "/relationships", response={201: RelationshipOut}, summary="Record a relationship by hand"
)
def create_relationship(request: HttpRequest, payload: RelationshipIn) -> Status:
    actor = actor_of(request)
    selectors.require_staff(actor)
    customer = get_customer_for(actor, payload.customer_id)
    rel = actions.create_relationship(
        actor,
        data=actions.RelationshipInput(
            customer=customer,
            display_name=payload.name,
            kind=payload.kind,
            status=payload.status,
            role_ids=payload.roles,
            assignments={a.group_id: a.roles for a in payload.assignments},
            activated_at=payload.activated_at,
            duration=payload.duration,
            ends_at=payload.ends_at,
            auto_extend=payload.auto_extend,
        ),
    )
    return Status(201, _detailed(actor, rel))


@router.get(
    "/relationships/{relationship_id}", response=RelationshipOut, summary="One relationship"
)
def get_relationship(request: HttpRequest, relationship_id: str) -> RelationshipOut:
    actor = actor_of(request)
    return _detailed(actor, access.get_relationship_for(actor, relationship_id))


@router.patch(
    "/relationships/{relationship_id}",
    response=RelationshipOut,
    summary="Change a relationship recorded by hand",
)
def patch_relationship(
    request: HttpRequest, relationship_id: str, payload: RelationshipPatch
) -> RelationshipOut:
    actor = actor_of(request)
    rel = access.get_relationship_for(actor, relationship_id)
    current = selectors.with_details(selectors.visible_relationships(actor).filter(pk=rel.pk)).get()
    given = payload.dict(exclude_unset=True)
    assignments = (
        {a["group_id"]: a["roles"] for a in given["assignments"]}
        if given.get("assignments") is not None
        else {a.group_id: list(a.role_definition_ids) for a in current.assignments.all()}
    )
    changed_end = "ends_at" in given and "duration" not in given
    updated = actions.update_relationship(
        actor,
        relationship=rel,
        data=actions.RelationshipInput(
            customer=rel.customer,
            display_name=given.get("name") or current.display_name,
            kind=given.get("kind") or current.kind,
            status=given.get("status") or current.status,
            role_ids=given["roles"]
            if given.get("roles") is not None
            else [r.role_definition_id for r in current.roles.all()],
            assignments=assignments,
            activated_at=given.get("activated_at") or current.activated_at,
            duration="" if changed_end else (given.get("duration") or current.duration),
            ends_at=given.get("ends_at") if changed_end else None,
            auto_extend=given.get("auto_extend") or current.auto_extend,
        ),
    )
    return _detailed(actor, updated)


@router.delete(
    "/relationships/{relationship_id}",
    response={204: None},
    summary="Mark a relationship recorded by hand as terminated",
)
def delete_relationship(request: HttpRequest, relationship_id: str) -> Status:
    actor = actor_of(request)
    actions.terminate_relationship(
        actor, relationship=access.get_relationship_for(actor, relationship_id)
    )
    return Status(204, None)


# --- security groups -------------------------------------------------------------------------


class MemberOut(Schema):
    membership_id: str
    name: str


class GroupOut(Schema):
    id: str
    name: str
    vendor_id: str = Field(..., description="The Entra object id; empty for one made by hand.")
    members: list[MemberOut]

    @staticmethod
    def build(group: SecurityGroup) -> GroupOut:
        return GroupOut(
            id=str(group.pk),
            name=group.name,
            vendor_id=group.vendor_id,
            members=[
                MemberOut(
                    membership_id=str(m.membership_id),
                    name=m.membership.user.full_name or m.membership.user.email,
                )
                for m in group.memberships.all()
            ],
        )


class GroupPage(Schema):
    items: list[GroupOut]
    next_cursor: str | None


@router.get("/security-groups", response=GroupPage, summary="The partner's security groups")
def list_groups(
    request: HttpRequest, cursor: str | None = None, limit: int = Query(50, ge=1, le=200)
) -> GroupPage:
    actor = actor_of(request)
    page = selectors.group_page(actor, cursor=cursor, limit=limit)
    return GroupPage(items=[GroupOut.build(g) for g in page.items], next_cursor=page.next_cursor)


# --- service management ----------------------------------------------------------------------


class ReasonOut(Schema):
    code: str
    message: str


class AdministerOut(Schema):
    allowed: bool
    reasons: list[ReasonOut]


class IncidentRef(Schema):
    id: str
    vendor_id: str
    title: str
    classification: str
    status: str


class ServiceOut(Schema):
    code: str
    name: str
    incidents: list[IncidentRef]
    administer: AdministerOut


class ServicesOut(Schema):
    customer_id: str
    services: list[ServiceOut]


@router.get(
    "/customers/{customer_id}/services",
    response=ServicesOut,
    summary="A customer's subscribed services, their health and whether you may administer each",
)
def customer_services(request: HttpRequest, customer_id: str) -> ServicesOut:
    actor = actor_of(request)
    selectors.require_staff(actor)
    customer = get_customer_for(actor, customer_id)
    view = services_view(actor, customer)
    return ServicesOut(
        customer_id=str(customer.pk),
        services=[
            ServiceOut(
                code=row.code,
                name=row.name,
                incidents=[
                    IncidentRef(
                        id=str(i.pk),
                        vendor_id=i.vendor_id,
                        title=i.title,
                        classification=i.classification,
                        status=i.status,
                    )
                    for i in row.incidents
                ],
                administer=AdministerOut(
                    allowed=row.decision.allowed,
                    reasons=[
                        ReasonOut(code=r.code, message=r.message) for r in row.decision.reasons
                    ],
                ),
            )
            for row in view.rows
        ],
    )
