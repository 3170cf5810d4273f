"""Every write to customers and contacts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext_lazy as _

from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, conflict, forbidden, invalid, not_found

from . import checks
from .models import Contact, Customer, CustomerDomain

if TYPE_CHECKING:
    from partnerdesk.accounts.models import Membership

NAME_MAX = 200
PHONE_MAX = 40


# --- uniqueness, checked inside the transaction ----------------------------------------------


def _check_domains_free(partner_id: uuid.UUID, domains: Sequence[str], customer_id: Any) -> None:
    taken = (
        CustomerDomain.objects.filter(partner_id=partner_id, domain__in=list(domains))
        .exclude(customer_id=customer_id)
        .order_by("domain")
        .values_list("domain", flat=True)
        .first()
    )
    if taken is not None:
        raise invalid(
            "domains",
            _("%(domain)s already belongs to another customer.") % {"domain": taken},
            "taken",
        )


def _check_tenant_free(
    partner_id: uuid.UUID, tenant_id: uuid.UUID | None, customer_id: Any
) -> None:
    if tenant_id is None:
        return
    if (
        Customer.objects.filter(partner_id=partner_id, tenant_id=tenant_id)
        .exclude(pk=customer_id)
        .exists()
    ):
        raise invalid("tenant_id", _("This tenant already belongs to another customer."), "taken")


def _check_email_free(partner_id: uuid.UUID, email: str, contact_id: Any) -> None:
    if Contact.objects.filter(partner_id=partner_id, email=email).exclude(pk=contact_id).exists():
        raise invalid("email", _("Another contact already has this e-mail address."), "taken")


def _lost_race() -> DomainError:
    """Two writers claimed the same domain, tenant or address at once; the other one won."""
    return conflict(
        "concurrent_change",
        _("Someone else saved the same domain, tenant or e-mail address just now. Try again."),
    )


def _check_writable(actor: Actor, *, partner_id: uuid.UUID, customer_id: uuid.UUID) -> None:
    policies.require(actor, "customers.manage")
    if partner_id != actor.partner_id or not actor.sees_customer(customer_id):
        raise not_found()


def _set_domains(customer: Customer, domains: Sequence[str]) -> None:
    existing = set(customer.domains.values_list("domain", flat=True))
    wanted = set(domains)
    if existing - wanted:
        CustomerDomain.objects.filter(customer=customer, domain__in=existing - wanted).delete()
    CustomerDomain.objects.bulk_create(
        [
            CustomerDomain(partner_id=customer.partner_id, customer=customer, domain=domain)
            for domain in domains
            if domain not in existing
        ]
    )


# --- customers ---------------------------------------------------------------------------------


def create_customer(
    actor: Actor,
    *,
    name: str,
    tenant_id: uuid.UUID | None = None,
    domains: Sequence[str] = (),
    country: str = "",
    language: str = "",
    time_zone: str = "",
    notes: str = "",
) -> Customer:
    """Add a customer organisation to the actor's workspace, with its mail domains."""
    policies.require(actor, "customers.manage")
    if actor.limited_customer_ids is not None and not actor.is_system:
        raise forbidden(_("Staff limited to some customers cannot add customers."))
    customer = Customer(
        partner_id=actor.workspace_id,
        name=checks.clean_line("name", name, max_length=NAME_MAX, required=True),
        tenant_id=tenant_id,
        country=checks.clean_country(country),
        language=checks.clean_language(language),
        time_zone=checks.clean_time_zone(time_zone),
        notes=checks.clean_text("notes", notes),
        created_at=clock.now(),
    )
    cleaned = checks.clean_domains(domains)
    try:
        with transaction.atomic(durable=True):
            _check_tenant_free(customer.partner_id, tenant_id, None)
            _check_domains_free(customer.partner_id, cleaned, None)
            customer.save(force_insert=True)
            _set_domains(customer, cleaned)
            audit.record(
                actor,
                "customer.created",
                customer,
                customer_id=customer.pk,
                data={"domains": len(cleaned)},
                personal={"name": customer.name},
            )
    except IntegrityError as exc:
        raise _lost_race() from exc
    return customer


def create_own_tenant(
    actor: Actor,
    *,
    name: str,
    tenant_id: uuid.UUID | None,
    language: str = "",
    time_zone: str = "",
) -> Customer:
    """The workspace's own organisation as a customer, so staff can file tickets about it.

    Runs inside the caller's transaction (creating the workspace), so a workspace never exists
    without it.
    """
    policies.require(actor, "customers.manage")
    if not connection.in_atomic_block:
        raise RuntimeError("create_own_tenant runs inside the workspace's creation")
    customer = Customer.objects.create(
        partner_id=actor.workspace_id,
        name=checks.clean_line("name", name, max_length=NAME_MAX, required=True),
        tenant_id=tenant_id,
        language=checks.clean_language(language),
        time_zone=checks.clean_time_zone(time_zone),
        is_partner_own=True,
        created_at=clock.now(),
    )
    audit.record(
        actor,
        "customer.created",
        customer,
        customer_id=customer.pk,
        data={"is_partner_own": True},
        personal={"name": customer.name},
    )
    return customer


@dataclass
class CustomerChanges:
    """Fields staff may change; None means unchanged. `domains` replaces the whole set."""

    name: str | None = None
    tenant_id: uuid.UUID | None = None
    clear_tenant_id: bool = False
    domains: list[str] | None = None
    country: str | None = None
    language: str | None = None
    time_zone: str | None = None
    notes: str | None = None

    def given(self) -> list[str]:
        names = [
            f.name
            for f in fields(self)
            if f.name != "clear_tenant_id" and getattr(self, f.name) is not None
        ]
        return sorted({*names, "tenant_id"} if self.clear_tenant_id else names)


def update_customer(actor: Actor, *, customer: Customer, changes: CustomerChanges) -> Customer:
    """Change a customer's details or mail domains. Whether it is the partner's own tenant
    is fixed when the workspace is created."""
    _check_writable(actor, partner_id=customer.partner_id, customer_id=customer.pk)
    if changes.name is not None:
        customer.name = checks.clean_line("name", changes.name, max_length=NAME_MAX, required=True)
    if changes.clear_tenant_id:
        customer.tenant_id = None
    elif changes.tenant_id is not None:
        customer.tenant_id = changes.tenant_id
    if changes.country is not None:
        customer.country = checks.clean_country(changes.country)
    if changes.language is not None:
        customer.language = checks.clean_language(changes.language)
    if changes.time_zone is not None:
        customer.time_zone = checks.clean_time_zone(changes.time_zone)
    if changes.notes is not None:
        customer.notes = checks.clean_text("notes", changes.notes)
    domains = checks.clean_domains(changes.domains) if changes.domains is not None else None
    try:
        with transaction.atomic(durable=True):
            _check_tenant_free(customer.partner_id, customer.tenant_id, customer.pk)
            if domains is not None:
                _check_domains_free(customer.partner_id, domains, customer.pk)
                _set_domains(customer, domains)
            customer.save()
            audit.record(
                actor,
                "customer.updated",
                customer,
                customer_id=customer.pk,
                data={"fields": changes.given()},
            )
    except IntegrityError as exc:
        raise _lost_race() from exc
    return customer


# --- contacts ----------------------------------------------------------------------------------


def _check_login(customer: Customer, membership: Membership) -> None:
    if membership.partner_id != customer.partner_id or membership.customer_id != customer.pk:
        raise invalid(
            "membership_id", _("The login belongs to someone outside this customer."), "invalid"
        )
    if Contact.objects.filter(membership=membership).exists():
        raise invalid("membership_id", _("This login belongs to another contact."), "taken")


def create_contact(
    actor: Actor,
    *,
    customer: Customer,
    name: str,
    email: str,
    phone: str = "",
    may_request_admin_changes: bool = False,
    is_active: bool = True,
    membership: Membership | None = None,
) -> Contact:
    """Add a person at a customer; `membership` links the portal login they already have."""
    _check_writable(actor, partner_id=customer.partner_id, customer_id=customer.pk)
    contact = Contact(
        partner_id=customer.partner_id,
        customer=customer,
        name=checks.clean_line("name", name, max_length=NAME_MAX, required=True),
        email=checks.clean_email(email),
        phone=checks.clean_line("phone", checks.clean_phone(phone), max_length=PHONE_MAX),
        may_request_admin_changes=may_request_admin_changes,
        is_active=is_active,
        membership=membership,
        created_at=clock.now(),
    )
    if membership is not None:
        _check_login(customer, membership)
    try:
        with transaction.atomic(durable=True):
            _check_email_free(contact.partner_id, contact.email, None)
            contact.save(force_insert=True)
            audit.record(
                actor,
                "contact.created",
                contact,
                customer_id=customer.pk,
                data={"portal_login": membership is not None},
                personal={"name": contact.name, "email": contact.email},
            )
    except IntegrityError as exc:
        raise _lost_race() from exc
    return contact


@dataclass
class ContactChanges:
    """Fields staff may change; None means unchanged."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    may_request_admin_changes: bool | None = None
    is_active: bool | None = None

    def given(self) -> list[str]:
        return sorted(f.name for f in fields(self) if getattr(self, f.name) is not None)


def update_contact(actor: Actor, *, contact: Contact, changes: ContactChanges) -> Contact:
    """Change a contact. Deactivating a contact also stops its portal login; reactivating it
    lets the login in again."""
    _check_writable(actor, partner_id=contact.partner_id, customer_id=contact.customer_id)
    if changes.name is not None:
        contact.name = checks.clean_line("name", changes.name, max_length=NAME_MAX, required=True)
    if changes.email is not None:
        contact.email = checks.clean_email(changes.email)
    if changes.phone is not None:
        contact.phone = checks.clean_line(
            "phone", checks.clean_phone(changes.phone), max_length=PHONE_MAX
        )
    if changes.may_request_admin_changes is not None:
        contact.may_request_admin_changes = changes.may_request_admin_changes
    if changes.is_active is not None:
        contact.is_active = changes.is_active
    try:
        with transaction.atomic(durable=True):
            _check_email_free(contact.partner_id, contact.email, contact.pk)
            contact.save()
            login = contact.membership
            if login is not None and login.is_active != contact.is_active:
                login.is_active = contact.is_active
                login.save(update_fields=["is_active"])
            audit.record(
                actor,
                "contact.updated",
                contact,
                customer_id=contact.customer_id,
                data={"fields": changes.given()},
            )
    except IntegrityError as exc:
        raise _lost_race() from exc
    return contact
