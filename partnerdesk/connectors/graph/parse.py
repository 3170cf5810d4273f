"""Microsoft Graph's wire shapes (reference §2.2, §4.4) → the contract dataclasses."""

from __future__ import annotations

import uuid
from typing import Any

from partnerdesk.customers.enums import AssignmentStatus, RelationshipStatus
from partnerdesk.customers.relationships.feed import AssignmentData, GroupData, RelationshipData
from partnerdesk.health.enums import Classification, HealthStatus, Source
from partnerdesk.health.feed import IncidentData, PostData

from .. import wire

_STATUSES = [s.value for s in HealthStatus if s != HealthStatus.UNKNOWN]
_CLASSIFICATIONS = [Classification.INCIDENT.value, Classification.ADVISORY.value]
_ORIGINS = ["microsoft", "thirdParty", "customer"]
_POST_TYPES = ["regular", "quick", "strategic"]
_REL_STATUSES = [s.value for s in RelationshipStatus if s != RelationshipStatus.UNKNOWN]
_ASSIGN_STATUSES = [s.value for s in AssignmentStatus if s != AssignmentStatus.UNKNOWN]


def issue(obj: Any) -> IncidentData | None:
    """A serviceHealthIssue; None without an id."""
    vendor_id = wire.text(obj, "id")
    if not vendor_id:
        return None
    status, raw_status = wire.enum(wire.get(obj, "status"), _STATUSES, kind="health status")
    classification, _raw = wire.enum(
        wire.get(obj, "classification"), _CLASSIFICATIONS, kind="health classification"
    )
    origin, raw_origin = wire.enum(wire.get(obj, "origin"), _ORIGINS, kind="health origin")
    posts = []
    for post in wire.items(obj, "posts"):
        posted = wire.when(wire.get(post, "createdDateTime"))
        if posted is None:
            continue
        post_type, raw_type = wire.enum(
            wire.get(post, "postType"), _POST_TYPES, kind="health post type"
        )
        posts.append(
            PostData(
                posted_at=posted,
                body_html=wire.text(post, "description.content"),
                post_type=post_type if post_type != wire.UNKNOWN else raw_type,
            )
        )
    return IncidentData(
        vendor_id=vendor_id,
        source=Source.GRAPH,
        service_name=wire.text(obj, "service"),
        title=wire.text(obj, "title") or vendor_id,
        classification=classification,
        status=status,
        raw_status=raw_status if status == wire.UNKNOWN else "",
        feature=wire.text(obj, "feature"),
        feature_group=wire.text(obj, "featureGroup"),
        impact=wire.text(obj, "impactDescription"),
        origin=origin if origin != wire.UNKNOWN else raw_origin,
        is_resolved=wire.flag(obj, "isResolved"),
        started_at=wire.when(wire.get(obj, "startDateTime")),
        ended_at=wire.when(wire.get(obj, "endDateTime")),
        vendor_modified_at=wire.when(wire.get(obj, "lastModifiedDateTime")),
        posts=tuple(sorted(posts, key=lambda p: p.posted_at)),
    )


def issues(values: list[Any]) -> list[IncidentData]:
    return [i for i in (issue(v) for v in values) if i is not None]


def _roles(obj: Any) -> tuple[str, ...]:
    roles = []
    for role in wire.items(obj, "accessDetails.unifiedRoles"):
        role_id = wire.text(role, "roleDefinitionId").lower()
        if role_id:
            roles.append(role_id)
    return tuple(roles)


def assignment(obj: Any, group_names: dict[str, str] | None = None) -> AssignmentData | None:
    vendor_id = wire.text(obj, "id")
    group = wire.text(obj, "accessContainer.accessContainerId")
    if not vendor_id or not group:
        return None
    status, _raw = wire.enum(wire.get(obj, "status"), _ASSIGN_STATUSES, kind="assignment status")
    return AssignmentData(
        vendor_id=vendor_id,
        group_vendor_id=group,
        group_name=(group_names or {}).get(group, ""),
        role_definition_ids=_roles(obj),
        status=status,
    )


def relationship(obj: Any, assignments: tuple[AssignmentData, ...] = ()) -> RelationshipData | None:
    vendor_id = wire.text(obj, "id")
    try:
        tenant = uuid.UUID(wire.text(obj, "customer.tenantId"))
    except ValueError:
        wire.log_unknown("relationship without customer tenant", vendor_id)
        return None
    if not vendor_id:
        return None
    status, raw = wire.enum(wire.get(obj, "status"), _REL_STATUSES, kind="relationship status")
    auto_extend = wire.text(obj, "autoExtendDuration").upper() or "PT0S"
    if auto_extend in {"P0D", "PT0S", "PT0M", "P0M"}:
        auto_extend = "PT0S"
    return RelationshipData(
        vendor_id=vendor_id,
        display_name=wire.text(obj, "displayName") or vendor_id,
        customer_tenant_id=tenant,
        status=status,
        raw_status=raw if status == wire.UNKNOWN else "",
        duration=wire.text(obj, "duration"),
        auto_extend=auto_extend,
        role_definition_ids=_roles(obj),
        created_at=wire.when(wire.get(obj, "createdDateTime")),
        activated_at=wire.when(wire.get(obj, "activatedDateTime")),
        ends_at=wire.when(wire.get(obj, "endDateTime")),
        assignments=assignments,
    )


def group(obj: Any, members: list[Any]) -> GroupData | None:
    vendor_id = wire.text(obj, "id")
    if not vendor_id:
        return None
    emails = []
    for member in members:
        address = wire.text(member, "mail") or wire.text(member, "userPrincipalName")
        if address and "@" in address:
            emails.append(address.lower())
    return GroupData(
        vendor_id=vendor_id,
        name=wire.text(obj, "displayName") or vendor_id,
        member_emails=tuple(sorted(set(emails))),
    )
