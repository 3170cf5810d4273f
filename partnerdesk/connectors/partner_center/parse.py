"""Partner Center's wire shapes (reference §2.1, §4.1-§4.3) → the contract dataclasses."""

from __future__ import annotations

import uuid
from typing import Any

from partnerdesk.customers.enums import SUBSCRIPTION_STATUS_BY_INT, SubscriptionStatus
from partnerdesk.customers.subscriptions.feed import CustomerData, SubscriptionData
from partnerdesk.health.enums import Classification, HealthStatus, Source
from partnerdesk.health.feed import IncidentData, PostData

from .. import wire

# ServiceIncidentStatus: 0 normal, 1 information, 2 warning, 3 critical. "normal" means the
# service runs; we call it operational.
INCIDENT_STATUS_BY_INT = {
    0: HealthStatus.SERVICE_OPERATIONAL,
    1: HealthStatus.INFORMATION,
    2: HealthStatus.WARNING,
    3: HealthStatus.CRITICAL,
}
_INCIDENT_STATUSES = [
    HealthStatus.INFORMATION,
    HealthStatus.WARNING,
    HealthStatus.CRITICAL,
]
_INCIDENT_ALIASES = {"normal": HealthStatus.SERVICE_OPERATIONAL}
# MessageType: 0 none, 1 incident, 2 message_center, 3 all.
_MESSAGE_TYPE_BY_INT = {0: "none", 1: "incident", 2: "message_center", 3: "all"}


def _uuid(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except (ValueError, TypeError, AttributeError):
        return None


def customer(obj: Any) -> CustomerData | None:
    """A Customer; None when it has no readable tenant id (logged)."""
    tenant = _uuid(wire.text(obj, "companyProfile.tenantId")) or _uuid(wire.text(obj, "id"))
    if tenant is None:
        wire.log_unknown("customer without tenant id", wire.text(obj, "id"))
        return None
    delegated = wire.get(obj, "allowDelegatedAccess")
    return CustomerData(
        tenant_id=tenant,
        name=wire.text(obj, "companyProfile.companyName", "billingProfile.companyName")
        or str(tenant),
        default_domain=wire.text(obj, "companyProfile.domain"),
        country=wire.text(obj, "billingProfile.defaultAddress.country")[:2].upper(),
        allow_delegated_access=wire.flag(obj, "allowDelegatedAccess")
        if delegated is not None
        else None,
    )


def customers(page: Any) -> list[CustomerData]:
    return [c for c in (customer(item) for item in wire.items(page, "items")) if c is not None]


def subscription(obj: Any) -> SubscriptionData | None:
    vendor_id = wire.text(obj, "id")
    if not vendor_id:
        return None
    status, raw = wire.enum(
        wire.get(obj, "status"),
        [s.value for s in SubscriptionStatus if s != SubscriptionStatus.UNKNOWN],
        kind="subscription status",
        by_int={k: v.value for k, v in SUBSCRIPTION_STATUS_BY_INT.items()},
    )
    return SubscriptionData(
        vendor_id=vendor_id,
        offer_name=wire.text(obj, "offerName") or wire.text(obj, "friendlyName") or vendor_id,
        status=status,
        raw_status=raw if status == wire.UNKNOWN else "",
        offer_id=wire.text(obj, "offerId"),
        friendly_name=wire.text(obj, "friendlyName"),
        quantity=wire.number(obj, "quantity", default=1),
        term_duration=wire.text(obj, "termDuration"),
        billing_cycle=wire.text(obj, "billingCycle"),
        auto_renew=wire.flag(obj, "autoRenewEnabled"),
        starts_on=wire.day(wire.get(obj, "effectiveStartDate", "creationDate")),
        ends_on=wire.day(wire.get(obj, "commitmentEndDate")),
    )


def subscriptions(page: Any) -> list[SubscriptionData]:
    return [s for s in (subscription(i) for i in wire.items(page, "items")) if s is not None]


def managed_services(page: Any) -> dict[str, dict[str, str]]:
    """{service id: {name, group, admin, health, ticket}} for core.feeds' data."""
    result: dict[str, dict[str, str]] = {}
    for item in wire.items(page, "items"):
        service_id = wire.text(item, "id")
        if not service_id:
            continue
        result[service_id] = {
            "name": wire.text(item, "name") or service_id,
            "group": wire.text(item, "groupName"),
            "admin": wire.text(item, "links.adminService.uri"),
            "health": wire.text(item, "links.serviceHealth.uri"),
            "ticket": wire.text(item, "links.serviceTicket.uri"),
        }
    return result


def incident(obj: Any, *, workload: str = "") -> IncidentData | None:
    """A ServiceIncidentDetail; None without an id."""
    vendor_id = wire.text(obj, "id")
    if not vendor_id:
        return None
    status, raw = wire.enum(
        wire.get(obj, "status", "severity"),
        _INCIDENT_STATUSES,
        kind="service incident status",
        by_int=INCIDENT_STATUS_BY_INT,
        aliases=_INCIDENT_ALIASES,
    )
    message_type, _raw_type = wire.enum(
        wire.get(obj, "messageType"),
        ["none", "incident", "message_center", "all"],
        kind="service incident message type",
        by_int=_MESSAGE_TYPE_BY_INT,
    )
    classification = (
        Classification.ADVISORY if message_type == "message_center" else Classification.INCIDENT
    )
    posts = []
    for message in wire.items(obj, "messages"):
        posted = wire.when(wire.get(message, "publishedTime"))
        body = wire.text(message, "messageText")
        if posted is not None and body:
            posts.append(PostData(posted_at=posted, body_html=body))
    service = (
        wire.text(obj, "workload")
        or workload
        or next((str(w) for w in wire.items(obj, "affectedWorkloadNames")), "")
    )
    title = wire.text(obj, "title") or wire.text(obj, "impactedArea")
    if not title and posts:
        title = posts[0].body_html[:200]
    return IncidentData(
        vendor_id=vendor_id,
        source=Source.PARTNER_CENTER,
        service_name=service,
        title=title or vendor_id,
        classification=classification,
        status=status,
        raw_status=raw if status == wire.UNKNOWN else "",
        feature=wire.text(obj, "impactedArea"),
        is_resolved=wire.flag(obj, "resolved"),
        started_at=wire.when(wire.get(obj, "startTime")),
        ended_at=wire.when(wire.get(obj, "endTime")),
        posts=tuple(sorted(posts, key=lambda p: p.posted_at)),
    )


def incidents(page: Any) -> list[IncidentData]:
    """Both documented shapes: grouped `ResourceCollection<ServiceIncidents>` (items with
    `incidents[]` and `messageCenterMessages[]` per workload) and the swagger's flat
    `ResourceCollection<ServiceIncidentDetail>`."""
    result: list[IncidentData] = []
    for item in wire.items(page, "items"):
        grouped = wire.get(item, "incidents")
        center = wire.get(item, "messageCenterMessages")
        if isinstance(grouped, list) or isinstance(center, list):
            workload = wire.text(item, "workload")
            for detail in [
                *wire.items(item, "incidents"),
                *wire.items(item, "messageCenterMessages"),
            ]:
                parsed = incident(detail, workload=workload)
                if parsed is not None:
                    result.append(parsed)
            continue
        parsed = incident(item)
        if parsed is not None:
            result.append(parsed)
    return result
