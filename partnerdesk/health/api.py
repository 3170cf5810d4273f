"""/api/v1/incidents, /api/v1/health/check and /api/v1/tickets/{id}/incidents."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from partnerdesk.catalog.selectors import service_by_code
from partnerdesk.core.actor import Actor
from partnerdesk.core.api import actor_of
from partnerdesk.core.errors import invalid, not_found
from partnerdesk.core.idempotency import HEADER
from partnerdesk.core.pagination import paginate
from partnerdesk.customers.access import get_customer_for
from partnerdesk.tickets.access import get_ticket_for

from . import access, actions, selectors
from .enums import Classification, HealthStatus
from .models import Incident, IncidentPost, TicketIncidentLink

router = Router(tags=["health"])


class PostOut(Schema):
    posted_at: datetime
    post_type: str
    body_html: str = Field(..., description="Cleaned HTML: p, br, b, strong, i, em, lists, a.")

    @staticmethod
    def build(post: IncidentPost) -> PostOut:
        return PostOut(posted_at=post.posted_at, post_type=post.post_type, body_html=post.body_html)


class IncidentOut(Schema):
    id: str
    vendor_id: str = Field(..., description="The vendor's id, e.g. EX226792.")
    source: str = Field(..., description="graph, partner_center or manual.")
    scope: str = Field(..., description="service_wide, or tenant (one customer's tenant).")
    customer_id: str | None
    service_code: str | None = Field(..., description="The catalog service; null if unmapped.")
    service_name: str = Field(..., description="The service as the vendor names it.")
    feature: str
    title: str
    classification: str = Field(..., description="incident, advisory or unknown.")
    status: str = Field(..., description="Graph's serviceHealthStatus, or unknown.")
    impact: str
    is_resolved: bool
    started_at: datetime | None
    ended_at: datetime | None
    last_seen_at: datetime
    posts: list[PostOut] | None = Field(None, description="Newest first; in one incident only.")

    @staticmethod
    def build(incident: Incident, posts: list[IncidentPost] | None = None) -> IncidentOut:
        return IncidentOut(
            id=str(incident.pk),
            vendor_id=incident.vendor_id,
            source=incident.source,
            scope=incident.scope,
            customer_id=str(incident.customer_id) if incident.customer_id else None,
            service_code=incident.service_id,
            service_name=incident.service_name,
            feature=incident.feature,
            title=incident.title,
            classification=incident.classification,
            status=incident.status,
            impact=incident.impact,
            is_resolved=incident.is_resolved,
            started_at=incident.started_at,
            ended_at=incident.ended_at,
            last_seen_at=incident.last_seen_at,
            posts=[PostOut.build(p) for p in posts] if posts is not None else None,
        )


class IncidentPage(Schema):
    items: list[IncidentOut]
    next_cursor: str | None


class IncidentList(Schema):
    items: list[IncidentOut]


class IncidentIn(Schema):
    service: str = Field(..., max_length=60, description="A catalog service code.")
    title: str = Field(..., max_length=500)
    status: str = Field("investigating", max_length=40)
    classification: str = Field("incident", max_length=20)
    impact: str = Field("", max_length=20_000)
    message: str = Field("", max_length=20_000, description="A first post (plain text).")
    started_at: datetime | None = None


class BroadcastIn(Schema):
    body: str = Field(..., max_length=20_000)
    resolve: bool = Field(False, description="Also set each linked open ticket resolved.")


class BroadcastOut(Schema):
    id: str
    sent: int
    resolved: int
    skipped: int = Field(..., description="Tickets this broadcast had already replied to.")
    failed: int


class TicketIncidentOut(Schema):
    state: str = Field(..., description="linked or suggested (staff only).")
    via: str
    incident: IncidentOut


class TicketIncidentList(Schema):
    items: list[TicketIncidentOut]


@router.get("/incidents", response=IncidentPage, summary="Service incidents and advisories")
def list_incidents(
    request: HttpRequest,
    resolved: bool | None = None,
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=200),
) -> IncidentPage:
    actor = actor_of(request)
    incidents = selectors.visible_incidents(actor)
    if resolved is not None:
        incidents = incidents.filter(is_resolved=resolved)
    page = paginate(incidents, order=["-first_seen_at", "-id"], cursor=cursor, limit=limit)
    return IncidentPage(
        items=[IncidentOut.build(i) for i in page.items], next_cursor=page.next_cursor
    )


@router.post("/incidents", response={201: IncidentOut}, summary="Record an incident by hand")
def create_incident(request: HttpRequest, payload: IncidentIn) -> Status:
    actor = actor_of(request)
    service = service_by_code(actor, payload.service)
    if service is None:
        raise invalid("service", _("Unknown service; see GET /api/v1/services."))
    if payload.status not in HealthStatus.values:
        raise invalid("status", _("Unknown status."))
    if payload.classification not in Classification.values:
        raise invalid("classification", _("Unknown classification."))
    incident = actions.record_incident(
        actor,
        service=service,
        title=payload.title,
        status=payload.status,
        classification=payload.classification,
        impact=payload.impact,
        started_at=payload.started_at,
        message=payload.message,
    )
    return Status(201, _one(actor, str(incident.pk)))


def _one(actor: Actor, incident_id: str) -> IncidentOut:
    incident = access.get_incident_for(actor, incident_id)
    posts = list(incident.posts.order_by("-posted_at", "-id"))
    return IncidentOut.build(incident, posts)


@router.get("/incidents/{incident_id}", response=IncidentOut, summary="One incident, with posts")
def get_incident(request: HttpRequest, incident_id: str) -> IncidentOut:
    return _one(actor_of(request), incident_id)


@router.post(
    "/incidents/{incident_id}/broadcasts",
    response={201: BroadcastOut},
    summary="Send an update to every open ticket linked to the incident",
)
def broadcast(request: HttpRequest, incident_id: str, payload: BroadcastIn) -> Status:
    actor = actor_of(request)
    if not actor.is_staff:
        raise not_found()
    incident = access.get_incident_for(actor, incident_id)
    result = actions.broadcast_update(
        actor,
        incident=incident,
        body=payload.body,
        resolve=payload.resolve,
        key=request.headers.get(HEADER, "")[:100],
    )
    return Status(
        201,
        BroadcastOut(
            id=str(result.broadcast.pk),
            sent=result.sent,
            resolved=result.resolved,
            skipped=result.skipped,
            failed=result.failed,
        ),
    )


@router.get(
    "/health/check",
    response=IncidentList,
    summary="The active incidents a ticket filed for this customer and service would link",
)
def check(request: HttpRequest, customer_id: str = "", service: str = "") -> IncidentList:
    """`customer_id` defaults to the organisation of customer people; staff name the customer.
    Without a customer or a service the list is empty."""
    actor = actor_of(request)
    if not customer_id and actor.is_customer and actor.customer_id is not None:
        customer_id = str(actor.customer_id)
    if not customer_id:
        return IncidentList(items=[])
    customer = get_customer_for(actor, customer_id)
    if not service:
        return IncidentList(items=[])
    found = service_by_code(actor, service)
    if found is None:
        raise invalid("service", _("Unknown service; see GET /api/v1/services."))
    incidents = selectors.incidents_for_filing(actor, customer, found)
    return IncidentList(items=[IncidentOut.build(i) for i in incidents])


@router.get(
    "/tickets/{ticket_id}/incidents",
    response=TicketIncidentList,
    summary="Incidents linked to a ticket (and, for staff, suggested)",
)
def ticket_incidents(request: HttpRequest, ticket_id: str) -> TicketIncidentList:
    actor = actor_of(request)
    ticket = get_ticket_for(actor, ticket_id)
    links: list[TicketIncidentLink] = list(selectors.links_for_ticket(actor, ticket.pk))
    return TicketIncidentList(
        items=[
            TicketIncidentOut(
                state=link.state, via=link.via, incident=IncidentOut.build(link.incident)
            )
            for link in links
        ]
    )
