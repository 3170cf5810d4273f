"""The state of vendor feeds: when each last succeeded, and what went wrong since.

Connectors record every attempt (`succeeded`, `failed`); pages read `state_for` and show the
last good data with its age ("as of 12 minutes ago; the last attempt failed: …"). Nothing is
deleted on a failure: what was read last stays where it is.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from . import clock
from .actor import Actor
from .models import FeedState

# The feeds (FeedState.feed).
PARTNER_HEALTH = "partner_health"  # Graph service health in the partner tenant (service-wide)
CUSTOMER_HEALTH = "customer_health"  # Graph service health in one customer tenant
PARTNER_CENTER_INCIDENTS = "pc_incidents"  # Partner Center /v1/serviceincidents/office
CUSTOMERS = "customers"  # Partner Center customers
SUBSCRIPTIONS = "subscriptions"  # Partner Center subscriptions of one customer
MANAGED_SERVICES = "managed_services"  # Partner Center managed-service links of one customer
RELATIONSHIPS = "relationships"  # Graph GDAP relationships

FEED_NAMES = {
    PARTNER_HEALTH: _("Service health"),
    CUSTOMER_HEALTH: _("Service health in the customer's tenant"),
    PARTNER_CENTER_INCIDENTS: _("Partner Center service incidents"),
    CUSTOMERS: _("Customers"),
    SUBSCRIPTIONS: _("Subscriptions"),
    MANAGED_SERVICES: _("Service management links"),
    RELATIONSHIPS: _("Admin relationships"),
}

# Error codes (FeedState.error_code) pages phrase for people.
CONSENT_EXPIRED = "consent_expired"
NOT_CONNECTED = "not_connected"
VENDOR_ERROR = "vendor_error"
TIMEOUT = "timeout"
THROTTLED = "throttled"
BAD_PAYLOAD = "bad_payload"


@dataclass(frozen=True)
class Feed:
    """What a page needs to say about one feed."""

    feed: str
    last_success_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str
    error_code: str
    data: dict[str, Any]

    @property
    def is_failing(self) -> bool:
        return bool(self.error_code)

    @property
    def never_succeeded(self) -> bool:
        return self.last_success_at is None


def _row(partner_id: uuid.UUID, feed: str, customer_id: uuid.UUID | None) -> FeedState:
    row, _created = FeedState.objects.get_or_create(
        partner_id=partner_id, feed=feed, customer_id=customer_id
    )
    return row


def succeeded(
    partner_id: uuid.UUID,
    feed: str,
    *,
    customer_id: uuid.UUID | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Record a successful read (and, if given, replace the feed's small result)."""
    now = clock.now()
    row = _row(partner_id, feed, customer_id)
    row.last_success_at = now
    row.last_attempt_at = now
    row.last_error = ""
    row.error_code = ""
    fields = ["last_success_at", "last_attempt_at", "last_error", "error_code"]
    if data is not None:
        row.data = data
        fields.append("data")
    row.save(update_fields=fields)


def failed(
    partner_id: uuid.UUID,
    feed: str,
    *,
    error_code: str,
    message: str,
    customer_id: uuid.UUID | None = None,
) -> None:
    """Record a failed read; the last good data and its time are kept."""
    row = _row(partner_id, feed, customer_id)
    row.last_attempt_at = clock.now()
    row.last_error = message[:2000]
    row.error_code = error_code[:40]
    row.save(update_fields=["last_attempt_at", "last_error", "error_code"])


def state_for(actor: Actor, feed: str, *, customer_id: uuid.UUID | None = None) -> Feed | None:
    """The feed's state in the actor's workspace (None if it was never read). Callers check
    that the actor sees `customer_id` (they fetched the customer through access)."""
    if actor.partner_id is None:
        return None
    row = FeedState.objects.filter(
        partner_id=actor.partner_id, feed=feed, customer_id=customer_id
    ).first()
    if row is None:
        return None
    return Feed(
        feed=row.feed,
        last_success_at=row.last_success_at,
        last_attempt_at=row.last_attempt_at,
        last_error=row.last_error,
        error_code=row.error_code,
        data=dict(row.data or {}),
    )
