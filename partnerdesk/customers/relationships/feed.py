"""What the graph connector hands the relationship actions: GDAP relationships, their access
assignments and the partner's security groups, mapped from Graph's wire shape (§4.4)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class AssignmentData:
    vendor_id: str
    group_vendor_id: str  # accessContainer.accessContainerId (a security group's object id)
    group_name: str  # as known to the connector (the group's displayName), may be empty
    role_definition_ids: tuple[str, ...]
    status: str  # customers.enums.AssignmentStatus value, or "unknown"


@dataclass(frozen=True)
class RelationshipData:
    vendor_id: str
    display_name: str
    customer_tenant_id: uuid.UUID
    status: str  # customers.enums.RelationshipStatus value, or "unknown"
    raw_status: str = ""
    duration: str = ""
    auto_extend: str = "PT0S"  # PT0S or P180D (P0D is read as PT0S)
    role_definition_ids: tuple[str, ...] = ()
    created_at: datetime | None = None
    activated_at: datetime | None = None
    ends_at: datetime | None = None
    assignments: tuple[AssignmentData, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class GroupData:
    """A security group of the partner tenant and its members' e-mail addresses (matched to
    staff of the workspace by address; others are ignored)."""

    vendor_id: str
    name: str
    member_emails: tuple[str, ...] = ()
