"""Every write to subscriptions: by hand (customers.manage), from a CSV import, and the
partner_center connector's synchronisation of customers and subscriptions (system actor)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partnerdesk.catalog import selectors as catalog
from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import invalid, not_found

from ... import checks
from ...enums import SubscriptionSource, SubscriptionStatus
from ...models import Customer, Subscription
from ..feed import CustomerData, SubscriptionData
from ..offers import service_for_offer

logger = logging.getLogger(__name__)

OFFER_MAX = 200
ID_MAX = 100
QUANTITY_MAX = 1_000_000
TERM = re.compile(r"^P[1-9][0-9]{0,2}[DWMY]$")
# Statuses a person may set (unknown is the connector's, for values it could not map).
SETTABLE_STATUSES = [s for s in SubscriptionStatus.values if s != SubscriptionStatus.UNKNOWN]


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Subscriptions missing from a complete listing, marked deleted (never removed).
    marked_deleted: int = 0
    skipped: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


# --- validation ----------------------------------------------------------------------------------


def clean_status(value: str, *, field_name: str = "status") -> str:
    status = value.strip().lower()
    if status not in SETTABLE_STATUSES:
        raise invalid(
            field_name,
            _("Status '%(value)s' is not one of %(allowed)s.")
            % {"value": value, "allowed": ", ".join(SETTABLE_STATUSES)},
            "choice",
        )
    return status


def clean_term(value: str, *, field_name: str = "term_duration") -> str:
    term = value.strip().upper()
    if term and not TERM.match(term):
        raise invalid(
            field_name,
            _("Term '%(value)s' is not an ISO 8601 duration such as P1M, P1Y or P3Y.")
            % {"value": value},
            "format",
        )
    return term


def clean_quantity(value: int, *, field_name: str = "quantity") -> int:
    if not 0 <= value <= QUANTITY_MAX:
        raise invalid(
            field_name,
            _("Quantity must be between 0 and %(max)s.") % {"max": QUANTITY_MAX},
            "range",
        )
    return value


def _clean_dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise invalid("ends_on", _("The end date is before the start date."), "range")


def _service_id(actor: Actor, code: str, offer_name: str) -> str | None:
    """The catalog service: the one named, else the one the offer name suggests, else none."""
    if code:
        service = catalog.service_by_code(actor, code.strip())
        if service is None:
            raise invalid(
                "service", _("'%(code)s' is not a service in the catalog.") % {"code": code}
            )
        return service.code
    known = frozenset(catalog.all_services(actor).values_list("code", flat=True))
    return service_for_offer(offer_name, known=known) or None


def _check_writable(actor: Actor, customer: Customer) -> None:
    policies.require(actor, "customers.manage")
    if customer.partner_id != actor.partner_id or not actor.sees_customer(customer.pk):
        raise not_found()


def _taken() -> Any:
    return invalid(
        "vendor_id", _("Another subscription already has this vendor subscription id."), "taken"
    )


# --- by hand -------------------------------------------------------------------------------------


@dataclass
class SubscriptionFields:
    """What a person (or a CSV row) gives for a subscription; None means unchanged."""

    offer_name: str | None = None
    service_code: str | None = None
    quantity: int | None = None
    status: str | None = None
    term_duration: str | None = None
    vendor_id: str | None = None
    offer_id: str | None = None
    friendly_name: str | None = None
    billing_cycle: str | None = None
    auto_renew: bool | None = None
    starts_on: date | None = None
    ends_on: date | None = None

    def given(self) -> list[str]:
        return sorted(f.name for f in fields(self) if getattr(self, f.name) is not None)


def _apply(actor: Actor, subscription: Subscription, values: SubscriptionFields) -> None:
    if values.offer_name is not None:
        subscription.offer_name = checks.clean_line(
            "offer_name", values.offer_name, max_length=OFFER_MAX, required=True
        )
    if values.quantity is not None:
        subscription.quantity = clean_quantity(values.quantity)
    if values.status is not None:
        subscription.status = clean_status(values.status)
        subscription.raw_status = ""
    if values.term_duration is not None:
        subscription.term_duration = clean_term(values.term_duration)
    for name, max_length in (
        ("vendor_id", ID_MAX),
        ("offer_id", ID_MAX),
        ("friendly_name", OFFER_MAX),
        ("billing_cycle", 30),
    ):
        value = getattr(values, name)
        if value is not None:
            setattr(subscription, name, checks.clean_line(name, value, max_length=max_length))
    if values.auto_renew is not None:
        subscription.auto_renew = values.auto_renew
    if values.starts_on is not None:
        subscription.starts_on = values.starts_on
    if values.ends_on is not None:
        subscription.ends_on = values.ends_on
    _clean_dates(subscription.starts_on, subscription.ends_on)
    if values.service_code is not None or subscription.service_id is None:
        subscription.service_id = _service_id(
            actor, values.service_code or "", subscription.offer_name
        )


def add_subscription(
    actor: Actor,
    *,
    customer: Customer,
    values: SubscriptionFields,
    source: str = SubscriptionSource.MANUAL,
) -> Subscription:
    """Record a subscription of the customer by hand (or from an import)."""
    _check_writable(actor, customer)
    now = clock.now()
    subscription = Subscription(
        partner_id=customer.partner_id,
        customer=customer,
        status=SubscriptionStatus.ACTIVE,
        source=source,
        created_at=now,
        updated_at=now,
    )
    if values.offer_name is None:
        raise invalid("offer_name", _("This field is required."), "required")
    _apply(actor, subscription, values)
    try:
        with transaction.atomic(durable=True):
            if subscription.vendor_id and _vendor_id_taken(subscription):
                raise _taken()
            subscription.save(force_insert=True)
            audit.record(
                actor,
                "subscription.created",
                subscription,
                customer_id=customer.pk,
                data={"fields": values.given(), "source": source},
            )
    except IntegrityError as exc:
        raise _taken() from exc
    return subscription


def _vendor_id_taken(subscription: Subscription) -> bool:
    return (
        Subscription.objects.filter(
            partner_id=subscription.partner_id, vendor_id=subscription.vendor_id
        )
        .exclude(pk=subscription.pk)
        .exists()
    )


def change_subscription(
    actor: Actor, *, subscription: Subscription, values: SubscriptionFields
) -> Subscription:
    _check_writable(actor, subscription.customer)
    _apply(actor, subscription, values)
    subscription.updated_at = clock.now()
    try:
        with transaction.atomic(durable=True):
            if subscription.vendor_id and _vendor_id_taken(subscription):
                raise _taken()
            subscription.save()
            audit.record(
                actor,
                "subscription.updated",
                subscription,
                customer_id=subscription.customer_id,
                data={"fields": values.given()},
            )
    except IntegrityError as exc:
        raise _taken() from exc
    return subscription


def remove_subscription(actor: Actor, *, subscription: Subscription) -> None:
    """Delete a subscription recorded by mistake (the vendor's end one by status instead)."""
    _check_writable(actor, subscription.customer)
    with transaction.atomic(durable=True):
        audit.record(
            actor,
            "subscription.removed",
            subscription,
            customer_id=subscription.customer_id,
            data={"offer_name": subscription.offer_name, "vendor_id": subscription.vendor_id},
        )
        subscription.delete()


def import_subscription(
    actor: Actor, *, customer: Customer, values: SubscriptionFields
) -> tuple[Subscription, bool]:
    """A CSV row: updates the subscription with the same vendor id (or, without one, the same
    customer and offer), else adds one. Returns it and whether it was created."""
    _check_writable(actor, customer)
    match = Subscription.objects.filter(partner_id=customer.partner_id)
    if values.vendor_id:
        match = match.filter(vendor_id=values.vendor_id.strip())
    else:
        match = match.filter(
            customer=customer,
            vendor_id="",
            offer_name=(values.offer_name or "").strip(),
            offer_id=(values.offer_id or "").strip(),
        )
    existing = match.select_related("customer").first()
    if existing is None:
        return add_subscription(
            actor, customer=customer, values=values, source=SubscriptionSource.IMPORT
        ), True
    if existing.customer_id != customer.pk:
        raise invalid(
            "vendor_subscription_id",
            _("This vendor subscription id belongs to another customer."),
            "taken",
        )
    return change_subscription(actor, subscription=existing, values=values), False


# --- the connector's synchronisation -------------------------------------------------------------


def _customer_changes(customer: Customer, data: CustomerData) -> list[str]:
    changed = []
    name = data.name.strip()[:200]
    if name and customer.name != name:
        customer.name = name
        changed.append("name")
    domain = data.default_domain.strip().lower()[:253]
    if domain and customer.default_domain != domain:
        customer.default_domain = domain
        changed.append("default_domain")
    country = data.country.strip().upper()[:2]
    if country and not customer.country:
        customer.country = country
        changed.append("country")
    return changed


def sync_customers(actor: Actor, *, customers: list[CustomerData]) -> SyncResult:
    """Upsert the vendor's customers by tenant id; a customer is never deleted here."""
    policies.require(actor, "customers.manage")
    partner_id = actor.workspace_id
    result = SyncResult()
    now = clock.now()
    with transaction.atomic(durable=True):
        existing = {
            c.tenant_id: c
            for c in Customer.objects.filter(
                partner_id=partner_id, tenant_id__in=[d.tenant_id for d in customers]
            )
        }
        for data in customers:
            if not data.name.strip():
                result.skipped.append(str(data.tenant_id))
                logger.warning("vendor customer %s has no name; skipped", data.tenant_id)
                continue
            customer = existing.get(data.tenant_id)
            if customer is None:
                customer = Customer(partner_id=partner_id, tenant_id=data.tenant_id, created_at=now)
                _customer_changes(customer, data)
                customer.save(force_insert=True)
                existing[data.tenant_id] = customer
                result.created += 1
            elif changed := _customer_changes(customer, data):
                customer.save(update_fields=changed)
                result.updated += 1
            else:
                result.unchanged += 1
        audit.record(
            actor,
            "customers.synced",
            partner_id=partner_id,
            data={
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "skipped": len(result.skipped),
            },
        )
    return result


_SYNCED_FIELDS = (
    "offer_name",
    "offer_id",
    "friendly_name",
    "quantity",
    "status",
    "raw_status",
    "term_duration",
    "billing_cycle",
    "auto_renew",
    "starts_on",
    "ends_on",
    "service_id",
)


def _from_data(subscription: Subscription, data: SubscriptionData, service_id: str | None) -> bool:
    status = data.status if data.status in SubscriptionStatus.values else "unknown"
    raw = data.raw_status if status == SubscriptionStatus.UNKNOWN else ""
    if status == SubscriptionStatus.UNKNOWN and not raw:
        raw = data.status[:60]
    wanted: dict[str, Any] = {
        "offer_name": data.offer_name.strip()[:OFFER_MAX] or data.vendor_id,
        "offer_id": data.offer_id[:ID_MAX],
        "friendly_name": data.friendly_name[:OFFER_MAX],
        "quantity": max(0, min(int(data.quantity), QUANTITY_MAX)),
        "status": status,
        "raw_status": raw[:60],
        "term_duration": data.term_duration[:10],
        "billing_cycle": data.billing_cycle[:30],
        "auto_renew": bool(data.auto_renew),
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "service_id": service_id,
    }
    changed = False
    for name in _SYNCED_FIELDS:
        if getattr(subscription, name) != wanted[name]:
            setattr(subscription, name, wanted[name])
            changed = True
    return changed


def sync_subscriptions(
    actor: Actor,
    *,
    customer: Customer,
    subscriptions: list[SubscriptionData],
    complete: bool = True,
) -> SyncResult:
    """Upsert the customer's subscriptions by vendor id. With a `complete` listing, one the
    vendor no longer lists is marked deleted (its history stays)."""
    policies.require(actor, "customers.manage")
    if customer.partner_id != actor.partner_id:
        raise not_found()
    result = SyncResult()
    now = clock.now()
    known = frozenset(catalog.all_services(actor).values_list("code", flat=True))
    with transaction.atomic(durable=True):
        existing = {
            s.vendor_id: s
            for s in Subscription.objects.filter(partner_id=customer.partner_id).filter(
                Q(customer=customer) | Q(vendor_id__in=[d.vendor_id for d in subscriptions])
            )
            if s.vendor_id
        }
        seen: set[str] = set()
        for data in subscriptions:
            if not data.vendor_id or data.vendor_id in seen:
                result.skipped.append(data.vendor_id)
                continue
            seen.add(data.vendor_id)
            code = data.service_code if data.service_code in known else ""
            service_id = code or service_for_offer(data.offer_name, known=known) or None
            subscription = existing.get(data.vendor_id)
            if subscription is not None and subscription.customer_id != customer.pk:
                logger.warning("subscription %s moved between customers", data.vendor_id)
                subscription.customer = customer
            if subscription is None:
                subscription = Subscription(
                    partner_id=customer.partner_id,
                    customer=customer,
                    vendor_id=data.vendor_id[:ID_MAX],
                    source=SubscriptionSource.PARTNER_CENTER,
                    created_at=now,
                )
                _from_data(subscription, data, service_id)
                subscription.updated_at = now
                subscription.synced_at = now
                subscription.save(force_insert=True)
                result.created += 1
                continue
            if _from_data(subscription, data, service_id):
                subscription.updated_at = now
                result.updated += 1
            else:
                result.unchanged += 1
            subscription.synced_at = now
            subscription.save()
        if complete:
            gone = [
                s
                for vendor_id, s in existing.items()
                if vendor_id not in seen
                and s.customer_id == customer.pk
                and s.status != SubscriptionStatus.DELETED
            ]
            for subscription in gone:
                subscription.status = SubscriptionStatus.DELETED
                subscription.raw_status = ""
                subscription.updated_at = now
                subscription.synced_at = now
                subscription.save(update_fields=["status", "raw_status", "updated_at", "synced_at"])
            result.marked_deleted = len(gone)
        audit.record(
            actor,
            "subscriptions.synced",
            customer,
            customer_id=customer.pk,
            data={
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "marked_deleted": result.marked_deleted,
            },
        )
    return result
