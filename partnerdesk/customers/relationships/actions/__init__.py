"""Every write to admin relationships and security groups."""

from .groups import add_member, create_group, delete_group, remove_member, rename_group
from .manual import (
    RelationshipInput,
    create_relationship,
    duration_days,
    record_use,
    terminate_relationship,
    update_relationship,
)
from .sync import SyncResult, sync_relationships
from .warnings import due_warnings, warn_relationship

__all__ = [
    "RelationshipInput",
    "SyncResult",
    "add_member",
    "create_group",
    "create_relationship",
    "delete_group",
    "due_warnings",
    "duration_days",
    "record_use",
    "remove_member",
    "rename_group",
    "sync_relationships",
    "terminate_relationship",
    "update_relationship",
    "warn_relationship",
]
