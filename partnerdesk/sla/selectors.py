"""Reads of the vendor response targets: a workspace's table and a vendor case's due time."""

from __future__ import annotations

import uuid
from datetime import datetime

from partnerdesk.core import policies
from partnerdesk.core.actor import Actor
from partnerdesk.partners.selectors import current_workspace

from . import vendor
from .models import VendorResponseTarget


def _overrides(
    partner_id: uuid.UUID, instance: str
) -> dict[tuple[str, str, bool], tuple[int, bool]]:
    rows = VendorResponseTarget.objects.filter(
        partner_id=partner_id, instance=instance
    ).values_list("language", "severity", "break_fix", "minutes", "business_hours")
    return {(lang, sev, bf): (minutes, hours) for lang, sev, bf, minutes, hours in rows}


def workspace_instance(actor: Actor) -> str:
    return current_workspace(actor).instance


def vendor_targets(actor: Actor) -> list[vendor.VendorTarget]:
    """The table for the actor's workspace instance: the programme's figures with the
    workspace's changes applied (`is_default` tells which is which). Staff only."""
    policies.require(actor, "workspace.view")
    instance = workspace_instance(actor)
    assert actor.partner_id is not None  # current_workspace found it
    changed = _overrides(actor.partner_id, instance)
    table = []
    for target in vendor.default_targets(instance):
        found = changed.get((target.language, target.severity, target.break_fix))
        if found is not None:
            target = target.overridden(minutes=found[0], business_hours=found[1])
        table.append(target)
    return table


def vendor_target(
    *, partner_id: uuid.UUID, instance: str, language: str, severity: str, break_fix: bool
) -> vendor.VendorTarget:
    """One cell of a workspace's table (its change, or the programme's figure)."""
    target = vendor.default_target(instance, language, severity, break_fix)
    found = (
        VendorResponseTarget.objects.filter(
            partner_id=partner_id,
            instance=instance,
            language=language,
            severity=severity,
            break_fix=break_fix,
        )
        .values_list("minutes", "business_hours")
        .first()
    )
    if found is None:
        return target
    return target.overridden(minutes=found[0], business_hours=found[1])


def vendor_due_at(
    *,
    partner_id: uuid.UUID,
    instance: str,
    language: str,
    severity: str,
    break_fix: bool,
    country: str,
    time_zone: str = "",
    start: datetime,
) -> vendor.VendorDue:
    """When the vendor's initial response to a case filed at `start` is due.

    For the escalation work: `partner_id` is the workspace the case belongs to (the caller has
    already reached it through access), `country` and `time_zone` the customer's. A business-
    hours target runs on Monday-Friday 09:00-17:00 in the customer's zone (else the country's
    main zone, else UTC) with the country's public holidays; one around the clock counts
    elapsed time. Unknown language or severity values raise ValueError.
    """
    if language not in vendor.LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    if severity not in vendor.SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")
    target = vendor_target(
        partner_id=partner_id,
        instance=instance,
        language=language,
        severity=severity,
        break_fix=break_fix,
    )
    return vendor.due(target, start=start, country=country, time_zone=time_zone)
