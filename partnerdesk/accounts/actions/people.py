"""Adding people to a workspace and changing their access."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, invalid, not_found
from partnerdesk.customers.models import Customer
from partnerdesk.customers.selectors import customers_by_ids

from ..models import Membership, User
from ..permissions import STAFF_ROLES
from ._checks import check_email, check_role_and_customer


def create_member(
    actor: Actor,
    *,
    email: str,
    full_name: str,
    role: str,
    password: str | None,
    customer: Customer | None = None,
    language: str = "",
) -> Membership:
    """Add a person to the actor's workspace directly (set-up, demo data, the CLI)."""
    policies.require(actor, "staff.manage")
    check_role_and_customer(actor, role=role, customer=customer)
    check_email(email.strip())
    with transaction.atomic(durable=True):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            user = User.objects.create_user(email, password, full_name=full_name, language=language)
        if Membership.objects.filter(user=user, partner_id=actor.workspace_id).exists():
            raise invalid("email", _("This person is already a member of the workspace."), "taken")
        membership = Membership.objects.create(
            partner_id=actor.workspace_id,
            user=user,
            role=role,
            customer=customer,
            created_at=clock.now(),
        )
        audit.record(
            actor,
            "member.created",
            membership,
            customer_id=customer.pk if customer else None,
            data={"role": role},
            personal={"email": user.email},
        )
    return membership


def change_staff_access(
    actor: Actor,
    *,
    membership: Membership,
    role: str | None = None,
    limited_customer_ids: Iterable[uuid.UUID] | None = None,
    is_customer_limited: bool | None = None,
    is_active: bool | None = None,
) -> Membership:
    """Change a staff member's role, customer limits or activity."""
    policies.require(actor, "staff.manage")
    if role is not None and role not in STAFF_ROLES:
        raise invalid("role", _("Choose a partner staff role."))
    if membership.pk == actor.membership_id and (
        role not in (None, actor.role) or is_active is False
    ):
        raise DomainError(
            "cannot_demote_self",
            _("You cannot change your own role or deactivate yourself; ask another admin."),
            status=409,
        )
    customers: list[Customer] | None = None
    if limited_customer_ids is not None:
        customers = customers_by_ids(actor, ids=list(limited_customer_ids))
        if len(customers) != len(set(limited_customer_ids)):
            raise not_found(_("Unknown customer."))  # a foreign id is as good as none
    with transaction.atomic(durable=True):
        changes: dict[str, object] = {}
        if role is not None:
            membership.role = role
            changes["role"] = role
        if is_customer_limited is not None:
            membership.is_customer_limited = is_customer_limited
            changes["is_customer_limited"] = is_customer_limited
        if is_active is not None:
            membership.is_active = is_active
            changes["is_active"] = is_active
        membership.save()
        if customers is not None:
            membership.limited_customers.set(customers)
            changes["limited_customer_ids"] = sorted(str(c.pk) for c in customers)
        audit.record(actor, "member.access_changed", membership, data=changes)
    return membership
