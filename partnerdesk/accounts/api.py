"""/api/v1/me, /staff, /invitations, /tokens."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from partnerdesk.core.api import actor_of
from partnerdesk.customers.access import get_customer_for

from . import access, actions, selectors
from .models import ApiToken, Membership

router = Router(tags=["people"])


class MeOut(Schema):
    user_id: str
    membership_id: str
    name: str
    email: str
    role: str
    workspace_id: str
    customer_id: str | None
    permissions: list[str]


class StaffOut(Schema):
    id: str
    name: str
    email: str
    role: str
    is_active: bool
    is_customer_limited: bool
    limited_customer_ids: list[str]
    created_at: datetime

    @staticmethod
    def build(m: Membership) -> StaffOut:
        return StaffOut(
            id=str(m.pk),
            name=m.user.full_name,
            email=m.user.email,
            role=m.role,
            is_active=m.is_active,
            is_customer_limited=m.is_customer_limited,
            limited_customer_ids=sorted(str(c.pk) for c in m.limited_customers.all()),
            created_at=m.created_at,
        )


class StaffPage(Schema):
    items: list[StaffOut]
    next_cursor: str | None


class StaffPatch(Schema):
    role: str | None = None
    is_customer_limited: bool | None = None
    limited_customer_ids: list[uuid.UUID] | None = None
    is_active: bool | None = None


class InvitationIn(Schema):
    email: str = Field(..., max_length=254)
    role: str
    full_name: str = Field("", max_length=200)
    customer_id: uuid.UUID | None = None
    language: str = Field("", max_length=10)


class InvitationOut(Schema):
    id: str
    email: str
    role: str
    customer_id: str | None
    expires_at: datetime


class TokenIn(Schema):
    name: str = Field(..., max_length=100)


class TokenOut(Schema):
    id: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @staticmethod
    def build(t: ApiToken) -> TokenOut:
        return TokenOut(
            id=str(t.pk),
            name=t.name,
            prefix=t.prefix,
            created_at=t.created_at,
            last_used_at=t.last_used_at,
            revoked_at=t.revoked_at,
        )


class TokenCreated(TokenOut):
    token: str = Field(..., description="The secret. Shown once; store it now.")


@router.get("/me", response=MeOut, summary="Who the caller is")
def me(request: HttpRequest) -> MeOut:
    actor = actor_of(request)
    return MeOut(
        user_id=str(actor.user_id),
        membership_id=str(actor.membership_id),
        name=actor.display_name,
        email=actor.email,
        role=actor.role or "",
        workspace_id=str(actor.partner_id),
        customer_id=str(actor.customer_id) if actor.customer_id else None,
        permissions=sorted(actor.permissions),
    )


@router.get("/staff", response=StaffPage, summary="The workspace's staff")
def list_staff(
    request: HttpRequest, cursor: str | None = None, limit: int = Query(50, ge=1, le=200)
) -> StaffPage:
    page = selectors.staff_page(actor_of(request), cursor=cursor, limit=limit)
    return StaffPage(items=[StaffOut.build(m) for m in page.items], next_cursor=page.next_cursor)


@router.get("/staff/{membership_id}", response=StaffOut, summary="One staff member")
def get_staff(request: HttpRequest, membership_id: str) -> StaffOut:
    return StaffOut.build(access.get_staff_membership_for(actor_of(request), membership_id))


@router.patch("/staff/{membership_id}", response=StaffOut, summary="Change a staff member's access")
def patch_staff(request: HttpRequest, membership_id: str, payload: StaffPatch) -> StaffOut:
    actor = actor_of(request)
    membership = actions.change_staff_access(
        actor,
        membership=access.get_staff_membership_for(actor, membership_id),
        role=payload.role,
        is_customer_limited=payload.is_customer_limited,
        limited_customer_ids=payload.limited_customer_ids,
        is_active=payload.is_active,
    )
    return StaffOut.build(access.get_staff_membership_for(actor, membership.pk))


@router.post("/staff/{membership_id}/mfa-reset", response={204: None}, summary="Reset MFA")
def reset_staff_mfa(request: HttpRequest, membership_id: str) -> Status:
    actor = actor_of(request)
    actions.reset_member_mfa(
        actor, membership=access.get_staff_membership_for(actor, membership_id)
    )
    return Status(204, None)


@router.post("/invitations", response={201: InvitationOut}, summary="Invite staff or a contact")
def invite(request: HttpRequest, payload: InvitationIn) -> Status:
    actor = actor_of(request)
    customer = get_customer_for(actor, payload.customer_id) if payload.customer_id else None
    invitation = actions.invite_person(
        actor,
        email=str(payload.email),
        role=payload.role,
        full_name=payload.full_name,
        customer=customer,
        language=payload.language,
    )
    return Status(
        201,
        InvitationOut(
            id=str(invitation.pk),
            email=invitation.email,
            role=invitation.role,
            customer_id=str(invitation.customer_id) if invitation.customer_id else None,
            expires_at=invitation.expires_at,
        ),
    )


@router.get("/tokens", response=list[TokenOut], summary="The caller's API tokens")
def list_tokens(request: HttpRequest) -> list[TokenOut]:
    return [TokenOut.build(t) for t in selectors.own_tokens(actor_of(request))[:200]]


@router.post("/tokens", response={201: TokenCreated}, summary="Create an API token")
def create_token(request: HttpRequest, payload: TokenIn) -> Status:
    token, secret = actions.create_api_token(actor_of(request), name=payload.name)
    return Status(201, TokenCreated(**TokenOut.build(token).dict(), token=secret))


@router.delete("/tokens/{token_id}", response=TokenOut, summary="Revoke an API token")
def revoke_token(request: HttpRequest, token_id: str) -> TokenOut:
    actor = actor_of(request)
    token = actions.revoke_api_token(actor, token=access.get_own_token_for(actor, token_id))
    return TokenOut.build(token)
