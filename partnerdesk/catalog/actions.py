"""Every write to the catalog: a workspace's own profile of a service (the owner's edit, reset
to the defaults) and the workspace's own services. Needs catalog.manage; audited."""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, FieldError, invalid, not_found
from partnerdesk.partners.enums import Instance

from .models import Escalation, Service, ServiceProfile, VendorFee
from .profiles import PORTAL_KINDS, EffectiveProfile, check_template

MANAGE = "catalog.manage"
NAME_MAX = 120
TEMPLATE_MAX = 500
HEALTH_NAME_MAX = 100
HEALTH_NAMES_MAX = 30
ROLES_MAX = 30
NOTES_MAX = 5000
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

TEMPLATE_ERRORS = {
    "https": _("Use an https:// address."),
    "spaces": _("An address has no spaces."),
    "malformed": _("Unbalanced { or } in the address; to write a brace, double it ({{, }})."),
    "placeholder": _("Only {tenant_id} and {domain} may be filled in."),
}


@dataclass
class ProfileValues:
    """A whole profile as the owner saves it."""

    portals: dict[str, dict[str, str]] = field(default_factory=dict)
    admin_roles: list[str] = field(default_factory=list)
    escalation: str = Escalation.ASSISTED
    escalation_by_instance: dict[str, str] = field(default_factory=dict)
    vendor_fee: str = VendorFee.INCLUDED
    health_names: list[str] = field(default_factory=list)
    notes: str = ""

    @staticmethod
    def of(profile: EffectiveProfile) -> ProfileValues:
        """The values an effective profile shows (the starting point of an edit)."""
        return ProfileValues(
            portals={
                instance: {kind: portal.template(kind) for kind in PORTAL_KINDS}
                for instance, portal in profile.portals.items()
            },
            admin_roles=list(profile.admin_roles),
            escalation=profile.escalation,
            escalation_by_instance=dict(profile.escalation_by_instance),
            vendor_fee=profile.vendor_fee,
            health_names=list(profile.health_names),
            notes=profile.notes,
        )


def clean(values: ProfileValues) -> ProfileValues:
    """The values checked and normalised; every wrong field named at once (422)."""
    errors: list[FieldError] = []
    portals: dict[str, dict[str, str]] = {}
    for instance, kinds in values.portals.items():
        if instance not in Instance.values:
            errors.append(FieldError(f"portals.{instance}", str(_("Unknown instance.")), "choice"))
            continue
        row: dict[str, str] = {}
        for kind, template in kinds.items():
            name = f"portals.{instance}.{kind}"
            if kind not in PORTAL_KINDS:
                errors.append(FieldError(name, str(_("Unknown kind of page.")), "choice"))
                continue
            text = (template or "").strip()
            problem = "too_long" if len(text) > TEMPLATE_MAX else check_template(text)
            if problem == "too_long":
                errors.append(FieldError(name, str(_("The address is too long.")), "too_long"))
            elif problem:
                errors.append(FieldError(name, str(TEMPLATE_ERRORS[problem]), problem))
            row[kind] = text
        if any(row.values()):
            portals[instance] = {kind: row.get(kind, "") for kind in PORTAL_KINDS}
    roles: list[str] = []
    for role in values.admin_roles:
        role_id = role.strip().lower()
        if not GUID.match(role_id):
            errors.append(
                FieldError(
                    "admin_roles",
                    str(_("'%(value)s' is not a role template id (a GUID).") % {"value": role}),
                    "format",
                )
            )
        elif role_id not in roles:
            roles.append(role_id)
    if len(roles) > ROLES_MAX:
        errors.append(FieldError("admin_roles", str(_("Too many roles.")), "too_many"))
    if values.escalation not in Escalation.values:
        errors.append(FieldError("escalation", str(_("Choose how it escalates.")), "choice"))
    by_instance: dict[str, str] = {}
    for instance, escalation in values.escalation_by_instance.items():
        if not escalation:
            continue
        if instance not in Instance.values or escalation not in Escalation.values:
            errors.append(
                FieldError(
                    f"escalation_by_instance.{instance}", str(_("Invalid choice.")), "choice"
                )
            )
        else:
            by_instance[instance] = escalation
    if values.vendor_fee not in VendorFee.values:
        errors.append(FieldError("vendor_fee", str(_("Choose whether support costs.")), "choice"))
    names: list[str] = []
    for raw in values.health_names:
        name = " ".join(raw.split())
        if len(name) > HEALTH_NAME_MAX:
            errors.append(FieldError("health_names", str(_("A name is too long.")), "too_long"))
        elif name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    if len(names) > HEALTH_NAMES_MAX:
        errors.append(FieldError("health_names", str(_("Too many names.")), "too_many"))
    notes = values.notes.strip()
    if len(notes) > NOTES_MAX:
        errors.append(FieldError("notes", str(_("The notes are too long.")), "too_long"))
    if errors:
        raise DomainError(
            "validation_failed", _("The request has invalid fields."), status=422, errors=errors
        )
    return ProfileValues(
        portals=portals,
        admin_roles=roles,
        escalation=values.escalation,
        escalation_by_instance=by_instance,
        vendor_fee=values.vendor_fee,
        health_names=names,
        notes=notes,
    )


def _check_service(actor: Actor, service: Service) -> None:
    policies.require(actor, MANAGE)
    if service.partner_id is not None and service.partner_id != actor.partner_id:
        raise not_found()


def _write(actor: Actor, service: Service, values: ProfileValues) -> ServiceProfile:
    profile = ServiceProfile.objects.filter(partner_id=actor.workspace_id, service=service).first()
    if profile is None:
        profile = ServiceProfile(partner_id=actor.workspace_id, service=service)
    profile.portals = values.portals
    profile.admin_roles = values.admin_roles
    profile.escalation = values.escalation
    profile.escalation_by_instance = values.escalation_by_instance
    profile.vendor_fee = values.vendor_fee
    profile.health_names = values.health_names
    profile.notes = values.notes
    profile.updated_at = clock.now()
    profile.updated_by_id = actor.membership_id
    profile.save()
    return profile


def save_profile(actor: Actor, *, service: Service, values: ProfileValues) -> ServiceProfile:
    """The workspace's own settings for the service, replacing the defaults."""
    _check_service(actor, service)
    cleaned = clean(values)
    with transaction.atomic(durable=True):
        profile = _write(actor, service, cleaned)
        audit.record(
            actor,
            "service_profile.saved",
            profile,
            data={"service": service.code, "roles": len(cleaned.admin_roles)},
        )
    return profile


def reset_profile(actor: Actor, *, service: Service) -> bool:
    """Back to the defaults (a workspace-own service keeps an empty profile instead)."""
    _check_service(actor, service)
    with transaction.atomic(durable=True):
        deleted, _rows = ServiceProfile.objects.filter(
            partner_id=actor.workspace_id, service=service
        ).delete()
        if deleted:
            audit.record(actor, "service_profile.reset", service, data={"service": service.code})
    return bool(deleted)


def _code(name: str) -> str:
    slug = slugify(name)[:40].strip("-") or "service"
    return f"ws-{secrets.token_hex(3)}-{slug}"


def add_service(
    actor: Actor,
    *,
    name: str,
    parent: Service | None = None,
    values: ProfileValues | None = None,
) -> Service:
    """A service of the workspace's own (seen by it alone), with its profile."""
    policies.require(actor, MANAGE)
    clean_name = " ".join(name.split())
    if not clean_name:
        raise invalid("name", _("This field is required."), "required")
    if len(clean_name) > NAME_MAX:
        raise invalid("name", _("The name is too long."), "too_long")
    if parent is not None:
        _check_service(actor, parent)
    cleaned = clean(values or ProfileValues(escalation=Escalation.NONE, vendor_fee=VendorFee.NONE))
    partner_id: uuid.UUID = actor.workspace_id
    with transaction.atomic(durable=True):
        code = _code(clean_name)
        while Service.objects.filter(code=code).exists():
            code = _code(clean_name)
        last = Service.objects.order_by("-position").values_list("position", flat=True).first()
        service = Service.objects.create(
            code=code,
            name=clean_name,
            parent=parent,
            partner_id=partner_id,
            position=(last or 0) + 1,
        )
        _write(actor, service, cleaned)
        audit.record(actor, "service.added", service, data={"code": code})
    return service
