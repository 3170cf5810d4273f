"""Input and output schemas of the tickets API."""

from __future__ import annotations

import uuid
from datetime import datetime

from ninja import Schema
from pydantic import Field

from .enums import SEVERITY_IMPACT
from .models import Attachment, Message, Ticket, TicketEvent
from .schemas_sla import TicketSlaOut
from .sla_models import NO_DUE


class Ref(Schema):
    id: str
    name: str


class PersonRef(Schema):
    id: str
    name: str
    email: str


def reference(ticket: Ticket) -> str:
    return f"{ticket.partner.ticket_prefix}-{ticket.number}"


class RelatedOut(Schema):
    kind: str = Field(..., description="incident")
    id: str
    reference: str = Field(..., description="e.g. EX226792")
    title: str
    status: str
    state: str = Field(..., description="linked, or suggested (staff only)")


class TicketOut(Schema):
    id: str
    reference: str
    number: int
    subject: str
    description: str
    status: str
    severity: str
    category: str
    channel: str
    service: str | None
    customer: Ref
    requester: PersonRef | None
    assignee: Ref | None
    tags: list[str]
    merged_into_id: str | None
    created_at: datetime
    last_activity_at: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    sla_state: str = Field(..., description="ok, warning, breached, paused, met or none")
    sla_due_at: datetime | None = Field(
        ..., description="The earliest due time of a running clock; null when none runs."
    )
    sla: TicketSlaOut | None = Field(
        None, description="The SLA clocks in detail: on a single ticket only, null in lists."
    )
    related: list[RelatedOut] | None = Field(
        None,
        description=(
            "What the ticket is linked to (service incidents, with their vendor reference and "
            "status): on a single ticket only, null in lists. Filing for a service with an "
            "active incident links it at once."
        ),
    )

    @staticmethod
    def build(t: Ticket) -> TicketOut:
        return TicketOut(
            id=str(t.pk),
            reference=reference(t),
            number=t.number,
            subject=t.subject,
            description=t.description,
            status=t.status,
            severity=t.severity,
            category=t.category,
            channel=t.channel,
            service=t.service_id,
            customer=Ref(id=str(t.customer_id), name=t.customer.name),
            requester=PersonRef(
                id=str(t.requester.pk), name=t.requester.name, email=t.requester.email
            )
            if t.requester
            else None,
            assignee=Ref(id=str(t.assignee.pk), name=t.assignee.user.full_name)
            if t.assignee
            else None,
            tags=sorted(tag.name for tag in t.tags.all()),
            merged_into_id=str(t.merged_into_id) if t.merged_into_id else None,
            created_at=t.created_at,
            last_activity_at=t.last_activity_at,
            resolved_at=t.resolved_at,
            closed_at=t.closed_at,
            sla_state=t.sla_state,
            sla_due_at=None if t.sla_due_at >= NO_DUE else t.sla_due_at,
            sla=None,
            related=None,
        )


class TicketPage(Schema):
    items: list[TicketOut]
    next_cursor: str | None


SEVERITY_HELP = "Business impact: " + "; ".join(
    f"{code}: {text}" for code, text in SEVERITY_IMPACT.items()
)


class TicketIn(Schema):
    customer_id: uuid.UUID
    requester_id: uuid.UUID | None = None
    subject: str = Field(..., min_length=1, max_length=250)
    description: str = Field("", max_length=100_000)
    category: str
    severity: str = Field(..., description=SEVERITY_HELP)
    service: str | None = Field(None, max_length=60)
    channel: str = "api"
    tags: list[str] = Field(default_factory=list, max_length=20)


class TicketPatch(Schema):
    status: str | None = None
    severity: str | None = Field(None, description=SEVERITY_HELP)
    category: str | None = None
    subject: str | None = Field(None, min_length=1, max_length=250)
    service: str | None = Field(None, max_length=60)
    assignee_id: uuid.UUID | None = None


class AttachmentOut(Schema):
    id: str
    filename: str
    content_type: str
    size: int
    internal: bool
    download_url: str
    created_at: datetime

    @staticmethod
    def build(a: Attachment) -> AttachmentOut:
        return AttachmentOut(
            id=str(a.pk),
            filename=a.filename,
            content_type=a.content_type,
            size=a.size,
            internal=a.internal,
            download_url=f"/api/v1/attachments/{a.pk}/download",
            created_at=a.created_at,
        )


class RejectedFile(Schema):
    filename: str
    reason: str


class AttachmentsCreated(Schema):
    attachments: list[AttachmentOut]
    rejected: list[RejectedFile]


class Author(Schema):
    kind: str
    id: str | None
    name: str


class MessageOut(Schema):
    id: str
    body: str
    internal: bool
    channel: str
    author: Author
    attachments: list[AttachmentOut]
    created_at: datetime

    @staticmethod
    def build(m: Message, *, show_internal_files: bool) -> MessageOut:
        if m.author is not None:
            author = Author(kind="staff", id=str(m.author.pk), name=m.author.user.full_name)
        elif m.author_contact is not None:
            author = Author(kind="contact", id=str(m.author_contact.pk), name=m.author_contact.name)
        else:
            author = Author(kind="system", id=None, name="")
        files = [a for a in m.attachments.all() if show_internal_files or not a.internal]
        return MessageOut(
            id=str(m.pk),
            body=m.body,
            internal=m.internal,
            channel=m.channel,
            author=author,
            attachments=[AttachmentOut.build(a) for a in files],
            created_at=m.created_at,
        )


class MessagePage(Schema):
    items: list[MessageOut]
    next_cursor: str | None


class MessageIn(Schema):
    body: str = Field(..., min_length=1, max_length=100_000)
    internal: bool = False


class MessageCreated(MessageOut):
    ticket_status: str


class EventOut(Schema):
    id: int
    kind: str
    actor: str | None
    data: dict[str, object]
    at: datetime

    @staticmethod
    def build(e: TicketEvent) -> EventOut:
        return EventOut(
            id=e.pk,
            kind=e.kind,
            actor=e.actor.user.full_name if e.actor else None,
            data=e.data,
            at=e.at,
        )


class EventPage(Schema):
    items: list[EventOut]
    next_cursor: str | None


class TagsIn(Schema):
    tags: list[str] = Field(..., min_length=1, max_length=20)


class TagsOut(Schema):
    tags: list[str]


class WatcherIn(Schema):
    membership_id: uuid.UUID


class WatchersOut(Schema):
    membership_ids: list[str]


class MergeIn(Schema):
    into_ticket_id: uuid.UUID


class QueueOut(Schema):
    name: str
    label: str
    count: str = Field(..., description='Capped: "99+" means more than 99.')


class Choice(Schema):
    code: str
    label: str
    impact: str | None = None
