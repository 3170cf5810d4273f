"""/api/v1/tickets and what hangs off a ticket; /queues; the severity and category lists."""

from __future__ import annotations

import uuid

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from partnerdesk.catalog.models import Service
from partnerdesk.catalog.selectors import service_by_code
from partnerdesk.core import clock
from partnerdesk.core.actor import Actor
from partnerdesk.core.api import actor_of
from partnerdesk.core.errors import DomainError, FieldError, invalid, not_found
from partnerdesk.customers.access import get_customer_for

from . import access, actions, related, selectors, selectors_sla
from .enums import SEVERITY_IMPACT, Category, Severity
from .models import Ticket
from .schemas import (
    AttachmentOut,
    AttachmentsCreated,
    Choice,
    EventOut,
    EventPage,
    MergeIn,
    MessageCreated,
    MessageIn,
    MessageOut,
    MessagePage,
    QueueOut,
    RejectedFile,
    RelatedOut,
    TagsIn,
    TagsOut,
    TicketIn,
    TicketOut,
    TicketPage,
    TicketPatch,
    WatcherIn,
    WatchersOut,
)
from .schemas_sla import TicketSlaOut

router = Router(tags=["tickets"])
LIMIT = Query(50, ge=1, le=200)
QUEUE_SORT = Query(None, description="Default: the queue's own (breaching: due; others: activity).")


def _service(actor: Actor, code: str | None) -> Service | None:
    if code is None:
        return None
    service = service_by_code(actor, code)
    if service is None:
        raise invalid("service", _("Unknown service; see GET /api/v1/services."))
    return service


@router.get("/severities", response=list[Choice], summary="Severities and their business impact")
def severities(request: HttpRequest) -> list[Choice]:
    return [
        Choice(code=s.value, label=str(s.label), impact=str(SEVERITY_IMPACT[s])) for s in Severity
    ]


@router.get("/categories", response=list[Choice], summary="Kinds of support (ticket categories)")
def categories(request: HttpRequest) -> list[Choice]:
    return [Choice(code=c.value, label=str(c.label)) for c in Category]


@router.get("/tickets", response=TicketPage, summary="Tickets the caller may see")
def list_tickets(
    request: HttpRequest,
    status: str | None = None,
    severity: str | None = None,
    category: str | None = None,
    customer_id: uuid.UUID | None = None,
    assignee_id: uuid.UUID | None = None,
    unassigned: bool = False,
    open: bool | None = None,
    tag: str | None = None,
    sla_state: str | None = None,
    sort: selectors.QueueSort = selectors.QueueSort.ACTIVITY,
    cursor: str | None = None,
    limit: int = LIMIT,
) -> TicketPage:
    actor = actor_of(request)
    where = _ticket_filter(
        actor,
        status=status,
        severity=severity,
        category=category,
        customer_id=customer_id,
        assignee_id=assignee_id,
        unassigned=unassigned,
        is_open=open,
        tag=tag,
        sla_state=sla_state,
    )
    page = selectors.ticket_page(actor, where=where, sort=sort, cursor=cursor, limit=limit)
    return TicketPage(items=[TicketOut.build(t) for t in page.items], next_cursor=page.next_cursor)


def _ticket_filter(
    actor: Actor,
    *,
    status: str | None,
    severity: str | None,
    category: str | None,
    customer_id: uuid.UUID | None,
    assignee_id: uuid.UUID | None,
    unassigned: bool,
    is_open: bool | None,
    tag: str | None,
    sla_state: str | None,
) -> selectors.TicketFilter:
    """The list filters, checked (422 for values no ticket has) and with ids resolved through
    access (404 for another workspace's or an unsupported customer's id, as for an unknown one)."""
    where = selectors.TicketFilter(
        status=status or None,
        severity=severity or None,
        category=category or None,
        customer_id=get_customer_for(actor, customer_id).pk if customer_id else None,
        assignee_id=access.get_assignable_staff_for(actor, assignee_id).pk if assignee_id else None,
        unassigned=unassigned,
        is_open=is_open,
        tag=tag or None,
        sla_state=sla_state or None,
    )
    selectors.check_filter(where)
    return where


def _detail(actor: Actor, ticket: Ticket) -> TicketOut:
    """One ticket with its SLA clocks (lists leave `sla` out: it costs a query per ticket)."""
    out = TicketOut.build(ticket)
    out.sla = TicketSlaOut.build(selectors_sla.ticket_sla(actor, ticket=ticket, now=clock.now()))
    out.related = [RelatedOut(**vars(r)) for r in related.related_to(actor, ticket)]
    return out


@router.post("/tickets", response={201: TicketOut}, summary="File a ticket")
def file_ticket(request: HttpRequest, payload: TicketIn) -> Status:
    actor = actor_of(request)
    customer = get_customer_for(actor, payload.customer_id)
    requester = (
        access.get_requester_for(actor, payload.requester_id, customer_id=customer.pk)
        if payload.requester_id and not actor.is_customer
        else None
    )
    filed = actions.file_ticket(
        actor,
        customer=customer,
        requester=requester,
        subject=payload.subject,
        description=payload.description,
        category=payload.category,
        severity=payload.severity,
        service=_service(actor, payload.service),
        channel=payload.channel,
        tags=payload.tags,
    )
    return Status(201, _detail(actor, access.get_ticket_for(actor, filed.ticket.pk)))


@router.get("/tickets/{ticket_id}", response=TicketOut, summary="One ticket")
def get_ticket(request: HttpRequest, ticket_id: str) -> TicketOut:
    actor = actor_of(request)
    return _detail(actor, access.get_ticket_for(actor, ticket_id))


@router.patch("/tickets/{ticket_id}", response=TicketOut, summary="Change a ticket")
def patch_ticket(request: HttpRequest, ticket_id: str, payload: TicketPatch) -> TicketOut:
    actor = actor_of(request)
    ticket = access.get_ticket_for(actor, ticket_id)
    given = payload.dict(exclude_unset=True)
    if actor.is_customer:
        # Customer people may only close their own request.
        if set(given) != {"status"} or given["status"] != "closed":
            raise DomainError(
                "forbidden", _("Customers may only close their own request."), status=403
            )
        actions.close_as_requester(actor, ticket=ticket)
        return _detail(actor, access.get_ticket_for(actor, ticket.pk))
    assignee_given = "assignee_id" in given
    changes = actions.TicketChanges(
        status=given.get("status"),
        severity=given.get("severity"),
        category=given.get("category"),
        subject=given.get("subject"),
        service=_service(actor, given["service"]) if given.get("service") else None,
        clear_service="service" in given and given["service"] is None,
        assignee=access.get_assignable_staff_for(actor, given["assignee_id"])
        if assignee_given and given["assignee_id"]
        else None,
        unassign=assignee_given and given["assignee_id"] is None,
    )
    actions.change_ticket(actor, ticket=ticket, changes=changes)
    return _detail(actor, access.get_ticket_for(actor, ticket.pk))


@router.get("/tickets/{ticket_id}/messages", response=MessagePage, summary="The thread")
def list_messages(
    request: HttpRequest, ticket_id: str, cursor: str | None = None, limit: int = LIMIT
) -> MessagePage:
    actor = actor_of(request)
    ticket = access.get_ticket_for(actor, ticket_id)
    page = selectors.message_page(actor, ticket, cursor=cursor, limit=limit)
    internal = selectors.sees_internal(actor)
    return MessagePage(
        items=[MessageOut.build(m, show_internal_files=internal) for m in page.items],
        next_cursor=page.next_cursor,
    )


@router.post(
    "/tickets/{ticket_id}/messages",
    response={201: MessageCreated},
    summary="Reply, or add an internal note (staff)",
)
def post_message(request: HttpRequest, ticket_id: str, payload: MessageIn) -> Status:
    actor = actor_of(request)
    filed = actions.reply(
        actor,
        ticket=access.get_ticket_for(actor, ticket_id),
        body=payload.body,
        internal=payload.internal,
        channel="api",
    )
    assert filed.message is not None
    out = MessageOut.build(filed.message, show_internal_files=selectors.sees_internal(actor))
    return Status(201, MessageCreated(**out.dict(), ticket_status=filed.ticket.status))


@router.get(
    "/tickets/{ticket_id}/attachments", response=list[AttachmentOut], summary="The ticket's files"
)
def list_attachments(request: HttpRequest, ticket_id: str) -> list[AttachmentOut]:
    actor = actor_of(request)
    ticket = access.get_ticket_for(actor, ticket_id)
    return [AttachmentOut.build(a) for a in selectors.attachments_of(actor, ticket)[:500]]


@router.post(
    "/tickets/{ticket_id}/attachments",
    response={201: AttachmentsCreated},
    summary="Upload files (multipart); refused files are listed with the reason",
)
def upload_attachments(
    request: HttpRequest,
    ticket_id: str,
    files: File[list[UploadedFile]],
    internal: Form[bool] = False,
) -> Status:
    actor = actor_of(request)
    filed = actions.attach_files(
        actor, ticket=access.get_ticket_for(actor, ticket_id), files=files, internal=internal
    )
    rejected = [RejectedFile(**r.as_dict()) for r in filed.rejected]
    if not filed.attachments:
        raise DomainError(
            "attachments_rejected",
            _("No file was accepted."),
            status=422,
            errors=[FieldError("files", f"{r.filename}: {r.reason}", "rejected") for r in rejected],
        )
    return Status(
        201,
        AttachmentsCreated(
            attachments=[AttachmentOut.build(a) for a in filed.attachments], rejected=rejected
        ),
    )


@router.get(
    "/attachments/{attachment_id}/download", summary="Download a file", response={200: None}
)
def download_attachment(request: HttpRequest, attachment_id: str) -> FileResponse:
    attachment = access.get_attachment_for(actor_of(request), attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise not_found() from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@router.get("/tickets/{ticket_id}/history", response=EventPage, summary="Who changed what")
def ticket_history(
    request: HttpRequest, ticket_id: str, cursor: str | None = None, limit: int = LIMIT
) -> EventPage:
    actor = actor_of(request)
    page = selectors.history_page(
        actor, access.get_ticket_for(actor, ticket_id), cursor=cursor, limit=limit
    )
    return EventPage(items=[EventOut.build(e) for e in page.items], next_cursor=page.next_cursor)


@router.post("/tickets/{ticket_id}/tags", response=TagsOut, summary="Add tags")
def add_tags(request: HttpRequest, ticket_id: str, payload: TagsIn) -> TagsOut:
    actor = actor_of(request)
    names = actions.tag_ticket(
        actor, ticket=access.get_ticket_for(actor, ticket_id), names=payload.tags
    )
    return TagsOut(tags=names)


@router.delete("/tickets/{ticket_id}/tags/{tag}", response=TagsOut, summary="Remove a tag")
def remove_tag(request: HttpRequest, ticket_id: str, tag: str) -> TagsOut:
    actor = actor_of(request)
    names = actions.untag_ticket(actor, ticket=access.get_ticket_for(actor, ticket_id), name=tag)
    return TagsOut(tags=names)


@router.get("/tickets/{ticket_id}/watchers", response=WatchersOut, summary="Who watches")
def list_watchers(request: HttpRequest, ticket_id: str) -> WatchersOut:
    actor = actor_of(request)
    if not actor.is_staff:
        raise not_found()
    ticket = access.get_ticket_for(actor, ticket_id)
    return WatchersOut(membership_ids=[str(i) for i in selectors.watcher_ids(ticket)])


@router.post("/tickets/{ticket_id}/watchers", response=WatchersOut, summary="Add a watcher")
def add_watcher(request: HttpRequest, ticket_id: str, payload: WatcherIn) -> WatchersOut:
    actor = actor_of(request)
    ticket = access.get_ticket_for(actor, ticket_id)
    member = access.get_assignable_staff_for(actor, payload.membership_id)
    actions.watch_ticket(actor, ticket=ticket, membership=member)
    return WatchersOut(membership_ids=[str(i) for i in selectors.watcher_ids(ticket)])


@router.delete(
    "/tickets/{ticket_id}/watchers/{membership_id}",
    response=WatchersOut,
    summary="Remove a watcher",
)
def remove_watcher(request: HttpRequest, ticket_id: str, membership_id: str) -> WatchersOut:
    actor = actor_of(request)
    ticket = access.get_ticket_for(actor, ticket_id)
    member = access.get_assignable_staff_for(actor, membership_id)
    actions.unwatch_ticket(actor, ticket=ticket, membership=member)
    return WatchersOut(membership_ids=[str(i) for i in selectors.watcher_ids(ticket)])


@router.post(
    "/tickets/{ticket_id}/merge",
    response=TicketOut,
    summary="Merge this duplicate into its original",
)
def merge(request: HttpRequest, ticket_id: str, payload: MergeIn) -> TicketOut:
    actor = actor_of(request)
    duplicate = access.get_ticket_for(actor, ticket_id)
    original = access.get_ticket_for(actor, payload.into_ticket_id)
    merged = actions.merge_tickets(actor, duplicate=duplicate, original=original)
    return _detail(actor, access.get_ticket_for(actor, merged.pk))


@router.get("/queues", response=list[QueueOut], summary="The caller's queues with capped counts")
def list_queues(request: HttpRequest) -> list[QueueOut]:
    return [
        QueueOut(name=q.name, label=q.label, count=count)
        for q, count in selectors.queue_counts(actor_of(request))
    ]


@router.get(
    "/queues/{name}",
    response=TicketPage,
    summary="One queue, narrowed by the same filters as GET /tickets",
)
def queue(
    request: HttpRequest,
    name: str,
    status: str | None = None,
    severity: str | None = None,
    category: str | None = None,
    customer_id: uuid.UUID | None = None,
    assignee_id: uuid.UUID | None = None,
    unassigned: bool = False,
    tag: str | None = None,
    sla_state: str | None = None,
    sort: selectors.QueueSort | None = QUEUE_SORT,
    cursor: str | None = None,
    limit: int = LIMIT,
) -> TicketPage:
    actor = actor_of(request)
    also = _ticket_filter(
        actor,
        status=status,
        severity=severity,
        category=category,
        customer_id=customer_id,
        assignee_id=assignee_id,
        unassigned=unassigned,
        is_open=None,
        tag=tag,
        sla_state=sla_state,
    )
    found = selectors.queue_named(actor, name, customer_id=also.customer_id)
    if found is None:
        raise not_found()
    page = selectors.ticket_page(
        actor, where=found.where, also=also, sort=sort or found.sort, cursor=cursor, limit=limit
    )
    return TicketPage(items=[TicketOut.build(t) for t in page.items], next_cursor=page.next_cursor)
