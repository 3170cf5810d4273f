"""Security groups recorded by hand and who of the staff is in them. Groups read from Entra
(vendor_id set) are the sync's: shown, never edited here."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from partnerdesk.accounts.models import Membership
from partnerdesk.accounts.permissions import STAFF_ROLES
from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, conflict, invalid, not_found

from ...checks import clean_line
from ...models_services import SecurityGroup, SecurityGroupMember

MANAGE = "relationships.manage"
NAME_MAX = 200


def _check(actor: Actor, group: SecurityGroup) -> None:
    policies.require(actor, MANAGE)
    if group.partner_id != actor.workspace_id:
        raise not_found()
    if group.vendor_id:
        raise conflict(
            "synced_group",
            _("This group comes from Microsoft Entra; change it there, the next sync shows it."),
        )


def _taken() -> DomainError:
    return invalid("name", _("Another group already has this name."), "taken")


def create_group(actor: Actor, *, name: str) -> SecurityGroup:
    policies.require(actor, MANAGE)
    group = SecurityGroup(
        partner_id=actor.workspace_id,
        name=clean_line("name", name, max_length=NAME_MAX, required=True),
        created_at=clock.now(),
    )
    try:
        with transaction.atomic(durable=True):
            if SecurityGroup.objects.filter(partner_id=group.partner_id, name=group.name).exists():
                raise _taken()
            group.save(force_insert=True)
            audit.record(actor, "security_group.created", group, data={"name": group.name})
    except IntegrityError as exc:
        raise _taken() from exc
    return group


def rename_group(actor: Actor, *, group: SecurityGroup, name: str) -> SecurityGroup:
    _check(actor, group)
    cleaned = clean_line("name", name, max_length=NAME_MAX, required=True)
    try:
        with transaction.atomic(durable=True):
            if (
                SecurityGroup.objects.filter(partner_id=group.partner_id, name=cleaned)
                .exclude(pk=group.pk)
                .exists()
            ):
                raise _taken()
            group.name = cleaned
            group.save(update_fields=["name"])
            audit.record(actor, "security_group.renamed", group, data={"name": cleaned})
    except IntegrityError as exc:
        raise _taken() from exc
    return group


def delete_group(actor: Actor, *, group: SecurityGroup) -> None:
    """Delete a group recorded by hand (its role assignments go with it)."""
    _check(actor, group)
    with transaction.atomic(durable=True):
        audit.record(actor, "security_group.deleted", group, data={"name": group.name})
        group.delete()


def _check_staff(actor: Actor, membership: Membership) -> None:
    if membership.partner_id != actor.workspace_id or membership.role not in STAFF_ROLES:
        raise invalid(
            "membership", _("Only staff of this workspace can be in a group."), "not_staff"
        )


def add_member(actor: Actor, *, group: SecurityGroup, membership: Membership) -> None:
    _check(actor, group)
    _check_staff(actor, membership)
    with transaction.atomic(durable=True):
        _row, created = SecurityGroupMember.objects.get_or_create(
            partner_id=group.partner_id, group=group, membership=membership
        )
        if created:
            audit.record(
                actor,
                "security_group.member_added",
                group,
                data={"membership_id": str(membership.pk)},
            )


def remove_member(actor: Actor, *, group: SecurityGroup, membership: Membership) -> None:
    _check(actor, group)
    with transaction.atomic(durable=True):
        deleted, _rows = SecurityGroupMember.objects.filter(
            group=group, membership_id=membership.pk
        ).delete()
        if deleted:
            audit.record(
                actor,
                "security_group.member_removed",
                group,
                data={"membership_id": str(membership.pk)},
            )
