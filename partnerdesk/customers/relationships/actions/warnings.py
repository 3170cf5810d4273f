"""Expiry warnings: 30, 7 and 1 days before a relationship ends without extending itself, once
per threshold and end (warned_days), by mail to the workspace's global admins and admin agents."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from partnerdesk.accounts.models import Membership
from partnerdesk.accounts.permissions import Role
from partnerdesk.core import audit
from partnerdesk.core.actor import Actor
from partnerdesk.mail.outbound import queue_templated_mail
from partnerdesk.partners.models import Partner

from ...enums import GRANTING_STATUSES, AutoExtend
from ...models_services import AdminRelationship

THRESHOLDS = (30, 7, 1)
MAIL_TEMPLATE = "relationships/mail/expiring"


def due_warnings(*, now: datetime, limit: int = 1000) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(workspace, relationship) of granting relationships without auto-extension ending
    within 30 days, across workspaces (the hourly job; each is then locked and decided)."""
    return list(
        AdminRelationship.objects.filter(
            status__in=GRANTING_STATUSES,
            auto_extend=AutoExtend.NONE,
            ends_at__gt=now,
            ends_at__lte=now + timedelta(days=max(THRESHOLDS)),
        )
        .order_by("ends_at", "id")
        .values_list("partner_id", "id")[:limit]
    )


def crossed(ends_at: datetime, now: datetime) -> list[int]:
    """The thresholds (days before the end) that have come."""
    return [t for t in THRESHOLDS if ends_at - now <= timedelta(days=t)]


def _recipients(rel: AdminRelationship) -> list[Membership]:
    return list(
        Membership.objects.filter(
            Q(is_customer_limited=False) | Q(limited_customers=rel.customer_id),
            partner_id=rel.partner_id,
            role__in=[Role.GLOBAL_ADMIN, Role.ADMIN_AGENT],
            is_active=True,
            user__is_active=True,
        )
        .select_related("user")
        .distinct()
    )


def warn_relationship(actor: Actor, *, relationship_id: uuid.UUID, now: datetime) -> bool:
    """Send the warning for the closest threshold not yet warned for; True if one went out.
    Safe to run twice (the row is locked and warned_days says what was sent)."""
    with transaction.atomic(durable=True):
        rel = (
            AdminRelationship.objects.select_for_update()
            .select_related("customer")
            .filter(partner_id=actor.workspace_id, pk=relationship_id)
            .first()
        )
        if (
            rel is None
            or rel.ends_at is None
            or rel.status not in GRANTING_STATUSES
            or rel.auto_extend != AutoExtend.NONE
            or rel.ends_at <= now
        ):
            return False
        due = crossed(rel.ends_at, now)
        new = [t for t in due if t not in (rel.warned_days or [])]
        if not new:
            return False
        threshold = min(new)
        workspace = Partner.objects.only("default_language", "name").get(pk=rel.partner_id)
        path = reverse("relationships:customer", args=[rel.customer_id])
        for person in _recipients(rel):
            queue_templated_mail(
                to=person.user.email,
                template=MAIL_TEMPLATE,
                language=person.user.language or workspace.default_language,
                partner_id=rel.partner_id,
                context={
                    "relationship": rel.display_name,
                    "customer": rel.customer.name,
                    "ends_at": rel.ends_at,
                    "days": max((rel.ends_at - now).days, 0),
                    "threshold": threshold,
                    "path": path,
                    "workspace": workspace.name,
                },
            )
        rel.warned_days = sorted(set(rel.warned_days or []) | set(due), reverse=True)
        rel.save(update_fields=["warned_days"])
        audit.record(
            actor,
            "relationship.expiry_warned",
            rel,
            customer_id=rel.customer_id,
            data={"days": threshold},
        )
    return True
