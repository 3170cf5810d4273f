"""/api/v1/canned-replies: the team's and one's own reply templates, and a template's text
for one ticket with its placeholders filled in."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from partnerdesk.core import policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.api import actor_of
from partnerdesk.core.errors import forbidden

from . import access, actions, selectors
from .canned_models import CannedReply
from .canned_text import PLACEHOLDERS, render_canned_reply

router = Router(tags=["canned replies"])
LIMIT = Query(50, ge=1, le=200)
_PLACEHOLDER_HELP = "Placeholders: " + ", ".join("{" + name + "}" for name in PLACEHOLDERS)


class CannedIn(Schema):
    title: str = Field(max_length=120)
    body: str = Field(max_length=20_000, description=_PLACEHOLDER_HELP)
    shared: bool = Field(False, description="The team's (needs tickets.manage), else your own")


class CannedPatch(Schema):
    title: str | None = Field(None, max_length=120)
    body: str | None = Field(None, max_length=20_000, description=_PLACEHOLDER_HELP)
    shared: bool | None = None


class CannedOut(Schema):
    id: str
    title: str
    body: str
    shared: bool
    mine: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def build(canned: CannedReply, *, membership_id: object) -> CannedOut:
        return CannedOut(
            id=str(canned.pk),
            title=canned.title,
            body=canned.body,
            shared=canned.is_shared,
            mine=canned.owner_id is not None and canned.owner_id == membership_id,
            created_at=canned.created_at,
            updated_at=canned.updated_at,
        )


class CannedPage(Schema):
    items: list[CannedOut]
    next_cursor: str | None


class CannedRendered(Schema):
    text: str


def _require_staff_who_reply(actor: Actor) -> None:
    """Canned replies are the staff's tool; customer people and sales get 403."""
    policies.require(actor, "tickets.reply")
    if not actor.is_staff:
        raise forbidden()


@router.get("/canned-replies", response=CannedPage, summary="The team's and your canned replies")
def list_canned(request: HttpRequest, cursor: str | None = None, limit: int = LIMIT) -> CannedPage:
    actor = actor_of(request)
    _require_staff_who_reply(actor)
    page = selectors.canned_reply_page(actor, cursor=cursor, limit=limit)
    return CannedPage(
        items=[CannedOut.build(c, membership_id=actor.membership_id) for c in page.items],
        next_cursor=page.next_cursor,
    )


@router.post("/canned-replies", response={201: CannedOut}, summary="Add a canned reply")
def create_canned(request: HttpRequest, payload: CannedIn) -> Status:
    actor = actor_of(request)
    canned = actions.create_canned_reply(
        actor, title=payload.title, body=payload.body, shared=payload.shared
    )
    return Status(201, CannedOut.build(canned, membership_id=actor.membership_id))


@router.get("/canned-replies/{canned_id}", response=CannedOut, summary="One canned reply")
def get_canned(request: HttpRequest, canned_id: str) -> CannedOut:
    actor = actor_of(request)
    canned = access.get_canned_reply_for(actor, canned_id)
    return CannedOut.build(canned, membership_id=actor.membership_id)


@router.patch("/canned-replies/{canned_id}", response=CannedOut, summary="Change a canned reply")
def patch_canned(request: HttpRequest, canned_id: str, payload: CannedPatch) -> CannedOut:
    actor = actor_of(request)
    canned = access.get_canned_reply_for(actor, canned_id)
    given = payload.dict(exclude_unset=True)
    changed = actions.update_canned_reply(
        actor,
        canned=canned,
        changes=actions.CannedChanges(
            title=given.get("title"), body=given.get("body"), shared=given.get("shared")
        ),
    )
    return CannedOut.build(changed, membership_id=actor.membership_id)


@router.delete("/canned-replies/{canned_id}", response={204: None}, summary="Delete a canned reply")
def delete_canned(request: HttpRequest, canned_id: str) -> Status:
    actor = actor_of(request)
    actions.delete_canned_reply(actor, canned=access.get_canned_reply_for(actor, canned_id))
    return Status(204, None)


@router.get(
    "/tickets/{ticket_id}/canned-replies/{canned_id}/render",
    response=CannedRendered,
    summary="A canned reply's text for a ticket, placeholders filled in (not sent)",
)
def render_canned(request: HttpRequest, ticket_id: str, canned_id: str) -> CannedRendered:
    actor = actor_of(request)
    ticket = access.get_ticket_for(actor, ticket_id)
    canned = access.get_canned_reply_for(actor, canned_id)
    return CannedRendered(text=render_canned_reply(actor, ticket=ticket, canned=canned))
