"""Fetching one relationship, security group or staff member by id within the actor's
visibility; otherwise 404 (customer people: always 404)."""

from __future__ import annotations

import uuid

from partnerdesk.accounts.models import Membership
from partnerdesk.accounts.permissions import STAFF_ROLES
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import not_found

from ..models_services import AdminRelationship, SecurityGroup
from . import selectors


def _uuid(value: str | uuid.UUID) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise not_found() from None


def get_relationship_for(actor: Actor, relationship_id: str | uuid.UUID) -> AdminRelationship:
    selectors.require_staff(actor)
    rel = (
        selectors.visible_relationships(actor)
        .select_related("customer")
        .filter(pk=_uuid(relationship_id))
        .first()
    )
    if rel is None:
        raise not_found()
    return rel


def get_group_for(actor: Actor, group_id: str | uuid.UUID) -> SecurityGroup:
    selectors.require_staff(actor)
    group = selectors.visible_groups(actor).filter(pk=_uuid(group_id)).first()
    if group is None:
        raise not_found()
    return group


def get_staff_member_for(actor: Actor, membership_id: str | uuid.UUID) -> Membership:
    """An active staff member of the actor's workspace (who may join a security group)."""
    selectors.require_staff(actor)
    member = (
        Membership.objects.filter(
            partner_id=actor.workspace_id,
            pk=_uuid(membership_id),
            role__in=sorted(str(r) for r in STAFF_ROLES),
            is_active=True,
        )
        .select_related("user")
        .first()
    )
    if member is None:
        raise not_found()
    return member
