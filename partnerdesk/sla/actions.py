"""Writes of the vendor response targets: change one, or put it back to the programme's figure.

Only the partner owner (`plans.manage`) changes them, and only for the workspace's own
instance. A change equal to the default removes the override, so the table says "default".
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import invalid
from partnerdesk.partners.enums import Instance

from . import selectors, vendor
from .models import VendorResponseTarget


def _check_key(actor: Actor, *, instance: str, language: str, severity: str) -> None:
    if instance not in Instance.values:
        raise invalid("instance", _("Unknown Partner Center instance."))
    if instance != selectors.workspace_instance(actor):
        raise invalid(
            "instance",
            _("This workspace is on another instance; change the targets of its own instance."),
        )
    if language not in vendor.LANGUAGES:
        raise invalid("language", _("The language is either english or local."))
    if severity not in vendor.SEVERITIES:
        raise invalid("severity", _("The severity is A, B or C."))


def set_vendor_target(
    actor: Actor,
    *,
    instance: str,
    language: str,
    severity: str,
    break_fix: bool,
    minutes: int,
    business_hours: bool,
) -> vendor.VendorTarget:
    """Change one target of the workspace's table; returns the target as it now stands."""
    policies.require(actor, "plans.manage")
    _check_key(actor, instance=instance, language=language, severity=severity)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
        raise invalid("minutes", _("Give the target as a positive number of minutes."))
    if minutes > vendor.MAX_MINUTES:
        raise invalid("minutes", _("A target can be at most a year (525,600 minutes)."))
    if not isinstance(business_hours, bool):
        raise invalid("business_hours", _("Say whether the target counts business hours."))
    assert actor.partner_id is not None
    default = vendor.default_target(instance, language, severity, break_fix)
    key: dict[str, Any] = {
        "partner_id": actor.partner_id,
        "instance": instance,
        "language": language,
        "severity": severity,
        "break_fix": break_fix,
    }
    data: dict[str, Any] = {
        "instance": instance,
        "language": language,
        "severity": severity,
        "kind": vendor.kind_of(break_fix),
        "minutes": minutes,
        "business_hours": business_hours,
    }
    with transaction.atomic(durable=True):
        before = selectors.vendor_target(
            partner_id=actor.partner_id,
            instance=instance,
            language=language,
            severity=severity,
            break_fix=break_fix,
        )
        data["before"] = {"minutes": before.minutes, "business_hours": before.business_hours}
        if (minutes, business_hours) == (default.minutes, default.business_hours):
            VendorResponseTarget.objects.filter(**key).delete()
        else:
            VendorResponseTarget.objects.update_or_create(
                **key,
                defaults={
                    "minutes": minutes,
                    "business_hours": business_hours,
                    "updated_at": clock.now(),
                },
            )
        audit.record(actor, "vendor_target.set", partner_id=actor.partner_id, data=data)
    return default.overridden(minutes=minutes, business_hours=business_hours)


def reset_vendor_target(
    actor: Actor, *, instance: str, language: str, severity: str, break_fix: bool
) -> vendor.VendorTarget:
    """Put one target back to the programme's figure; returns that figure."""
    policies.require(actor, "plans.manage")
    _check_key(actor, instance=instance, language=language, severity=severity)
    assert actor.partner_id is not None
    with transaction.atomic(durable=True):
        removed, _kinds = VendorResponseTarget.objects.filter(
            partner_id=actor.partner_id,
            instance=instance,
            language=language,
            severity=severity,
            break_fix=break_fix,
        ).delete()
        audit.record(
            actor,
            "vendor_target.reset",
            partner_id=actor.partner_id,
            data={
                "instance": instance,
                "language": language,
                "severity": severity,
                "kind": vendor.kind_of(break_fix),
                "removed": bool(removed),
            },
        )
    return vendor.default_target(instance, language, severity, break_fix)
