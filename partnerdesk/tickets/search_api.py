"""/api/v1/search: tickets by words or number, as far as the caller may see them."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema

from partnerdesk.core.api import actor_of

from .models import Ticket
from .search_selectors import search_tickets

router = Router(tags=["search"])


class SearchCustomer(Schema):
    id: str
    name: str


class TicketHit(Schema):
    id: str
    reference: str
    number: int
    subject: str
    status: str
    severity: str
    customer: SearchCustomer
    last_activity_at: datetime

    @staticmethod
    def build(ticket: Ticket) -> TicketHit:
        return TicketHit(
            id=str(ticket.pk),
            reference=f"{ticket.partner.ticket_prefix}-{ticket.number}",
            number=ticket.number,
            subject=ticket.subject,
            status=ticket.status,
            severity=ticket.severity,
            customer=SearchCustomer(id=str(ticket.customer_id), name=ticket.customer.name),
            last_activity_at=ticket.last_activity_at,
        )


class SearchPage(Schema):
    items: list[TicketHit]
    next_cursor: str | None


@router.get(
    "/search",
    response=SearchPage,
    summary="Search tickets",
    description=(
        "Tickets the caller may see whose number, reference (PD-1042), subject, description, "
        "public messages, customer, requester or tags contain every word of `q`; the last "
        "word also matches as a prefix. Partner staff also search internal notes. Newest "
        "activity first."
    ),
)
def search(
    request: HttpRequest,
    q: str = "",
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=200),
) -> SearchPage:
    page = search_tickets(actor_of(request), query=q, cursor=cursor, limit=limit)
    return SearchPage(items=[TicketHit.build(t) for t in page.items], next_cursor=page.next_cursor)
