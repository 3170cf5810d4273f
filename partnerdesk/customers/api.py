"""/api/v1/customers and /api/v1/contacts."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from partnerdesk.core.actor import Actor
from partnerdesk.core.api import actor_of

from . import access, actions, selectors
from .models import Contact, Customer

router = Router(tags=["customers"])


# --- customers -----------------------------------------------------------------------------------


class CustomerOut(Schema):
    id: str
    name: str
    tenant_id: str | None
    domains: list[str] = Field(..., description="Mail from these domains belongs to it.")
    country: str = Field(..., description="ISO 3166-1 alpha-2, or empty.")
    language: str
    time_zone: str
    notes: str | None = Field(..., description="Staff's notes; null for customer people.")
    is_partner_own: bool = Field(..., description="The workspace's own organisation.")
    created_at: datetime

    @staticmethod
    def build(customer: Customer, actor: Actor) -> CustomerOut:
        return CustomerOut(
            id=str(customer.pk),
            name=customer.name,
            tenant_id=str(customer.tenant_id) if customer.tenant_id else None,
            domains=sorted(d.domain for d in customer.domains.all()),
            country=customer.country,
            language=customer.language,
            time_zone=customer.time_zone,
            notes=customer.notes if selectors.sees_customer_notes(actor) else None,
            is_partner_own=customer.is_partner_own,
            created_at=customer.created_at,
        )


class CustomerPage(Schema):
    items: list[CustomerOut]
    next_cursor: str | None


class CustomerIn(Schema):
    name: str = Field(..., max_length=200)
    tenant_id: uuid.UUID | None = None
    domains: list[str] = Field(default_factory=list, max_length=50)
    country: str = Field("", max_length=2)
    language: str = Field("", max_length=10)
    time_zone: str = Field("", max_length=64)
    notes: str = Field("", max_length=20_000)


class CustomerPatch(Schema):
    name: str | None = Field(None, max_length=200)
    tenant_id: uuid.UUID | None = Field(None, description="null removes it.")
    domains: list[str] | None = Field(None, max_length=50, description="Replaces the set.")
    country: str | None = Field(None, max_length=2)
    language: str | None = Field(None, max_length=10)
    time_zone: str | None = Field(None, max_length=64)
    notes: str | None = Field(None, max_length=20_000)


@router.get("/customers", response=CustomerPage, summary="The customers, by name (staff)")
def list_customers(
    request: HttpRequest, cursor: str | None = None, limit: int = Query(50, ge=1, le=200)
) -> CustomerPage:
    actor = actor_of(request)
    page = selectors.customer_page(actor, cursor=cursor, limit=limit)
    return CustomerPage(
        items=[CustomerOut.build(c, actor) for c in page.items], next_cursor=page.next_cursor
    )


@router.post("/customers", response={201: CustomerOut}, summary="Add a customer")
def create_customer(request: HttpRequest, payload: CustomerIn) -> Status:
    actor = actor_of(request)
    customer = actions.create_customer(
        actor,
        name=payload.name,
        tenant_id=payload.tenant_id,
        domains=payload.domains,
        country=payload.country,
        language=payload.language,
        time_zone=payload.time_zone,
        notes=payload.notes,
    )
    return Status(201, CustomerOut.build(customer, actor))


@router.get("/customers/{customer_id}", response=CustomerOut, summary="One customer")
def get_customer(request: HttpRequest, customer_id: str) -> CustomerOut:
    actor = actor_of(request)
    return CustomerOut.build(access.get_customer_for(actor, customer_id), actor)


@router.patch("/customers/{customer_id}", response=CustomerOut, summary="Change a customer")
def patch_customer(request: HttpRequest, customer_id: str, payload: CustomerPatch) -> CustomerOut:
    actor = actor_of(request)
    given = payload.dict(exclude_unset=True)
    customer = actions.update_customer(
        actor,
        customer=access.get_customer_for(actor, customer_id),
        changes=actions.CustomerChanges(
            **{k: v for k, v in given.items() if v is not None},
            clear_tenant_id="tenant_id" in given and given["tenant_id"] is None,
        ),
    )
    return CustomerOut.build(customer, actor)


# --- contacts ------------------------------------------------------------------------------------


class ContactOut(Schema):
    id: str
    customer_id: str
    name: str
    email: str
    phone: str
    may_request_admin_changes: bool = Field(
        ..., description="May ask for password resets, licences, admin relationships."
    )
    is_active: bool
    has_portal_login: bool
    created_at: datetime

    @staticmethod
    def build(contact: Contact) -> ContactOut:
        return ContactOut(
            id=str(contact.pk),
            customer_id=str(contact.customer_id),
            name=contact.name,
            email=contact.email,
            phone=contact.phone,
            may_request_admin_changes=contact.may_request_admin_changes,
            is_active=contact.is_active,
            has_portal_login=contact.membership_id is not None,
            created_at=contact.created_at,
        )


class ContactPage(Schema):
    items: list[ContactOut]
    next_cursor: str | None


class ContactIn(Schema):
    name: str = Field(..., max_length=200)
    email: str = Field(..., max_length=254)
    phone: str = Field("", max_length=40)
    may_request_admin_changes: bool = False
    is_active: bool = True


class ContactPatch(Schema):
    name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    may_request_admin_changes: bool | None = None
    is_active: bool | None = None


@router.get(
    "/customers/{customer_id}/contacts",
    response=ContactPage,
    summary="A customer's contacts, by name (staff and the customer's managers)",
)
def list_contacts(
    request: HttpRequest,
    customer_id: str,
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=200),
) -> ContactPage:
    actor = actor_of(request)
    page = selectors.contact_page(
        actor,
        customer=access.get_customer_for(actor, customer_id),
        cursor=cursor,
        limit=limit,
    )
    return ContactPage(
        items=[ContactOut.build(c) for c in page.items], next_cursor=page.next_cursor
    )


@router.post(
    "/customers/{customer_id}/contacts", response={201: ContactOut}, summary="Add a contact"
)
def create_contact(request: HttpRequest, customer_id: str, payload: ContactIn) -> Status:
    actor = actor_of(request)
    contact = actions.create_contact(
        actor,
        customer=access.get_customer_for(actor, customer_id),
        name=payload.name,
        email=payload.email,
        phone=payload.phone,
        may_request_admin_changes=payload.may_request_admin_changes,
        is_active=payload.is_active,
    )
    return Status(201, ContactOut.build(contact))


@router.get("/contacts/{contact_id}", response=ContactOut, summary="One contact")
def get_contact(request: HttpRequest, contact_id: str) -> ContactOut:
    return ContactOut.build(access.get_contact_for(actor_of(request), contact_id))


@router.patch("/contacts/{contact_id}", response=ContactOut, summary="Change a contact")
def patch_contact(request: HttpRequest, contact_id: str, payload: ContactPatch) -> ContactOut:
    actor = actor_of(request)
    given = payload.dict(exclude_unset=True)
    contact = actions.update_contact(
        actor,
        contact=access.get_contact_for(actor, contact_id),
        changes=actions.ContactChanges(**{k: v for k, v in given.items() if v is not None}),
    )
    return ContactOut.build(contact)
