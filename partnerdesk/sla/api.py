"""/api/v1/vendor-targets: the vendor's response targets of the workspace's instance.

GET lists the whole table (the programme's figures with the workspace's changes); PUT changes
one cell, DELETE puts it back to the programme's figure. Changing needs `plans.manage`.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from partnerdesk.core import policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.api import actor_of
from partnerdesk.core.errors import invalid

from . import actions, selectors, vendor

router = Router(tags=["vendor targets"])


class VendorTargetOut(Schema):
    instance: str
    language: str
    severity: str
    kind: str
    break_fix: bool
    minutes: int
    business_hours: bool
    is_default: bool
    default_minutes: int
    default_business_hours: bool
    source: str

    @staticmethod
    def build(target: vendor.VendorTarget) -> VendorTargetOut:
        return VendorTargetOut(
            instance=target.instance,
            language=target.language,
            severity=target.severity,
            kind=target.kind,
            break_fix=target.break_fix,
            minutes=target.minutes,
            business_hours=target.business_hours,
            is_default=target.is_default,
            default_minutes=target.default_minutes,
            default_business_hours=target.default_business_hours,
            source=str(target.source),
        )


class VendorTargetIn(Schema):
    minutes: int
    business_hours: bool


def _break_fix(actor: Actor, kind: str) -> bool:
    policies.require(actor, "plans.manage")  # who may not change targets learns nothing more
    found = vendor.break_fix_of(kind)
    if found is None:
        raise invalid("kind", _("The kind is break-fix or advice."))
    return found


@router.get(
    "/vendor-targets",
    response=list[VendorTargetOut],
    summary="The vendor's response targets of the workspace's instance",
)
def list_vendor_targets(request: HttpRequest) -> list[VendorTargetOut]:
    return [VendorTargetOut.build(t) for t in selectors.vendor_targets(actor_of(request))]


@router.put(
    "/vendor-targets/{instance}/{language}/{severity}/{kind}",
    response=VendorTargetOut,
    summary="Change one vendor response target",
)
def set_vendor_target(
    request: HttpRequest,
    instance: str,
    language: str,
    severity: str,
    kind: str,
    body: VendorTargetIn,
) -> VendorTargetOut:
    actor = actor_of(request)
    target = actions.set_vendor_target(
        actor,
        instance=instance,
        language=language,
        severity=severity,
        break_fix=_break_fix(actor, kind),
        minutes=body.minutes,
        business_hours=body.business_hours,
    )
    return VendorTargetOut.build(target)


@router.delete(
    "/vendor-targets/{instance}/{language}/{severity}/{kind}",
    response=VendorTargetOut,
    summary="Put one vendor response target back to the programme's figure",
)
def reset_vendor_target(
    request: HttpRequest, instance: str, language: str, severity: str, kind: str
) -> VendorTargetOut:
    actor = actor_of(request)
    target = actions.reset_vendor_target(
        actor,
        instance=instance,
        language=language,
        severity=severity,
        break_fix=_break_fix(actor, kind),
    )
    return VendorTargetOut.build(target)
