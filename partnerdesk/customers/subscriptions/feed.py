"""What the partner_center connector (and the CSV import) hands the customer and subscription
actions: rows already mapped from the vendor's wire shape into our vocabulary."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CustomerData:
    """Partner Center's Customer (reference §4.1): companyProfile.tenantId, domain, name."""

    tenant_id: uuid.UUID
    name: str
    default_domain: str = ""
    country: str = ""  # ISO 3166-1 alpha-2, from billingProfile.defaultAddress.country
    # allowDelegatedAccess (get-by-id only): True means a legacy DAP grant exists.
    allow_delegated_access: bool | None = None


@dataclass(frozen=True)
class SubscriptionData:
    """Partner Center's Subscription (reference §4.2)."""

    vendor_id: str
    offer_name: str
    status: str  # customers.enums.SubscriptionStatus value, or "unknown"
    raw_status: str = ""
    offer_id: str = ""
    friendly_name: str = ""
    quantity: int = 1
    term_duration: str = ""
    billing_cycle: str = ""
    auto_renew: bool = False
    starts_on: date | None = None
    ends_on: date | None = None
    service_code: str = ""  # the catalog service it gives, when the connector could tell
