"""/api/v1/customers/{id}/subscriptions and /api/v1/subscriptions/{id}."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from partnerdesk.core.api import actor_of

from ..access import get_customer_for
from ..models import Subscription
from . import access, actions, selectors

router = Router(tags=["subscriptions"])


class SubscriptionOut(Schema):
    id: str
    customer_id: str
    offer_name: str
    offer_id: str
    friendly_name: str
    service_code: str | None = Field(..., description="The catalog service it gives.")
    quantity: int
    status: str = Field(
        ..., description="none, active, pending, suspended, deleted, expired, disabled, unknown."
    )
    raw_status: str = Field(..., description="The vendor's value when status is unknown.")
    term_duration: str = Field(..., description="ISO 8601 duration: P1M, P1Y, P3Y.")
    billing_cycle: str
    auto_renew: bool
    vendor_subscription_id: str = Field(..., description="Partner Center's subscription id.")
    starts_on: date | None
    ends_on: date | None
    source: str = Field(..., description="manual, import or partner_center.")
    synced_at: datetime | None = Field(..., description="When the vendor last confirmed it.")
    updated_at: datetime

    @staticmethod
    def build(s: Subscription) -> SubscriptionOut:
        return SubscriptionOut(
            id=str(s.pk),
            customer_id=str(s.customer_id),
            offer_name=s.offer_name,
            offer_id=s.offer_id,
            friendly_name=s.friendly_name,
            service_code=s.service_id,
            quantity=s.quantity,
            status=s.status,
            raw_status=s.raw_status,
            term_duration=s.term_duration,
            billing_cycle=s.billing_cycle,
            auto_renew=s.auto_renew,
            vendor_subscription_id=s.vendor_id,
            starts_on=s.starts_on,
            ends_on=s.ends_on,
            source=s.source,
            synced_at=s.synced_at,
            updated_at=s.updated_at,
        )


class SubscriptionPage(Schema):
    items: list[SubscriptionOut]
    next_cursor: str | None


class SubscriptionIn(Schema):
    offer_name: str = Field("", max_length=200, description="Required.")
    service_code: str = Field("", max_length=60, description="Empty: guessed from the offer name.")
    quantity: int = Field(1, ge=0, le=actions.QUANTITY_MAX)
    status: str = Field("active", max_length=20)
    term_duration: str = Field("", max_length=10)
    vendor_subscription_id: str = Field("", max_length=100)
    offer_id: str = Field("", max_length=100)
    friendly_name: str = Field("", max_length=200)
    billing_cycle: str = Field("", max_length=30)
    auto_renew: bool = False
    starts_on: date | None = None
    ends_on: date | None = None


class SubscriptionPatch(Schema):
    offer_name: str | None = Field(None, max_length=200)
    service_code: str | None = Field(None, max_length=60)
    quantity: int | None = Field(None, ge=0, le=actions.QUANTITY_MAX)
    status: str | None = Field(None, max_length=20)
    term_duration: str | None = Field(None, max_length=10)
    vendor_subscription_id: str | None = Field(None, max_length=100)
    offer_id: str | None = Field(None, max_length=100)
    friendly_name: str | None = Field(None, max_length=200)
    billing_cycle: str | None = Field(None, max_length=30)
    auto_renew: bool | None = None
    starts_on: date | None = None
    ends_on: date | None = None


def _fields(given: dict[str, object]) -> actions.SubscriptionFields:
    if "vendor_subscription_id" in given:
        given["vendor_id"] = given.pop("vendor_subscription_id")
    return actions.SubscriptionFields(**{k: v for k, v in given.items() if v is not None})  # type: ignore[arg-type]


@router.get(
    "/customers/{customer_id}/subscriptions",
    response=SubscriptionPage,
    summary="A customer's subscriptions (staff, and the customer's own people, read-only)",
)
def list_subscriptions(
    request: HttpRequest,
    customer_id: str,
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=200),
) -> SubscriptionPage:
    actor = actor_of(request)
    page = selectors.subscription_page(
        actor, customer=get_customer_for(actor, customer_id), cursor=cursor, limit=limit
    )
    return SubscriptionPage(
        items=[SubscriptionOut.build(s) for s in page.items], next_cursor=page.next_cursor
    )


@router.post(
    "/customers/{customer_id}/subscriptions",
    response={201: SubscriptionOut},
    summary="Record a subscription by hand",
)
def create_subscription(request: HttpRequest, customer_id: str, payload: SubscriptionIn) -> Status:
    actor = actor_of(request)
    subscription = actions.add_subscription(
        actor,
        customer=get_customer_for(actor, customer_id),
        values=_fields(payload.dict()),
    )
    return Status(201, SubscriptionOut.build(subscription))


@router.get(
    "/subscriptions/{subscription_id}", response=SubscriptionOut, summary="One subscription"
)
def get_subscription(request: HttpRequest, subscription_id: str) -> SubscriptionOut:
    return SubscriptionOut.build(access.get_subscription_for(actor_of(request), subscription_id))


@router.patch(
    "/subscriptions/{subscription_id}", response=SubscriptionOut, summary="Change a subscription"
)
def patch_subscription(
    request: HttpRequest, subscription_id: str, payload: SubscriptionPatch
) -> SubscriptionOut:
    actor = actor_of(request)
    subscription = actions.change_subscription(
        actor,
        subscription=access.get_subscription_for(actor, subscription_id),
        values=_fields(payload.dict(exclude_unset=True)),
    )
    return SubscriptionOut.build(subscription)


@router.delete(
    "/subscriptions/{subscription_id}",
    response={204: None},
    summary="Remove a subscription recorded by mistake",
)
def delete_subscription(request: HttpRequest, subscription_id: str) -> Status:
    actor = actor_of(request)
    actions.remove_subscription(
        actor, subscription=access.get_subscription_for(actor, subscription_id)
    )
    return Status(204, None)
