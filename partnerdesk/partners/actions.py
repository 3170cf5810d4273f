"""Every write to a workspace."""

from __future__ import annotations

import uuid
import zoneinfo
from dataclasses import dataclass, fields
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import invalid
from partnerdesk.customers import actions as customers

from . import checks
from .enums import CLOSED_INSTANCES, Instance, PartnerType
from .models import Partner


@dataclass
class WorkspaceChanges:
    """Fields a global admin may change; None means unchanged. `clear` names the optional
    links to empty: the tenant id, or the provider workspace on this server."""

    name: str | None = None
    mpn_id: str | None = None
    tenant_id: uuid.UUID | None = None
    instance: str | None = None
    partner_type: str | None = None
    provider_id: uuid.UUID | None = None
    provider_name: str | None = None
    provider_mpn_id: str | None = None
    time_zone: str | None = None
    default_language: str | None = None
    support_email: str | None = None
    support_phone: str | None = None
    support_website: str | None = None
    clear: frozenset[str] = frozenset()

    def given(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name != "clear" and getattr(self, f.name) is not None
        }


def _validate(workspace: Partner, *, previous_instance: str | None) -> None:
    if not workspace.name.strip():
        raise invalid("name", _("Enter the workspace's name."), "required")
    if workspace.instance not in Instance.values:
        raise invalid("instance", _("Unknown Partner Center instance."))
    if workspace.instance in CLOSED_INSTANCES and workspace.instance != previous_instance:
        raise invalid(
            "instance",
            _("Microsoft Cloud Germany closed in 2021; only existing workspaces keep it."),
            "instance_closed",
        )
    if workspace.partner_type not in PartnerType.values:
        raise invalid("partner_type", _("Unknown partner type."))
    try:
        zoneinfo.ZoneInfo(workspace.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise invalid(
            "time_zone", _("Unknown time zone; use an IANA name such as Europe/Berlin.")
        ) from None
    if workspace.support_email:
        try:
            validate_email(workspace.support_email)
        except ValidationError:
            raise invalid("support_email", _("Enter a valid e-mail address.")) from None
    if workspace.support_website:
        try:
            URLValidator(schemes=["https", "http"])(workspace.support_website)
        except ValidationError:
            raise invalid(
                "support_website", _("Enter a web address starting with https://.")
            ) from None
    if workspace.default_language not in dict(settings.LANGUAGES):
        raise invalid("default_language", _("Unsupported language."))
    if workspace.partner_type == PartnerType.INDIRECT_RESELLER:
        if workspace.provider_id is None and not workspace.provider_name.strip():
            raise invalid(
                "provider_id",
                _("An indirect reseller names its provider, on this server or outside it."),
                "required",
            )
        if workspace.provider_id == workspace.pk:
            raise invalid("provider_id", _("A workspace cannot be its own provider."))
        if workspace.provider_id is not None:
            provider = Partner.objects.filter(pk=workspace.provider_id).only("partner_type").first()
            if provider is None or provider.partner_type != PartnerType.INDIRECT_PROVIDER:
                raise invalid("provider_id", _("Choose a workspace that is an indirect provider."))
    else:
        workspace.provider_id = None
        workspace.provider_name = ""
        workspace.provider_mpn_id = ""


def create_workspace(
    *,
    name: str,
    slug: str = "",
    instance: str = Instance.GLOBAL,
    partner_type: str = PartnerType.DIRECT_BILL,
    time_zone: str = "UTC",
    default_language: str = "en",
    **details: Any,
) -> Partner:
    """Create a workspace (server set-up: the CLI and demo data; no actor exists yet), with
    its own organisation as a customer marked as the partner's own tenant."""
    workspace = Partner(
        name=name.strip(),
        slug=slug or slugify(name)[:60],
        instance=instance,
        partner_type=partner_type,
        time_zone=time_zone,
        default_language=default_language,
        created_at=clock.now(),
        **details,
    )
    _validate(workspace, previous_instance=None)
    with transaction.atomic(durable=True):
        if Partner.objects.filter(slug=workspace.slug).exists():
            raise invalid("slug", _("A workspace with this short name exists."), "taken")
        workspace.save()
        system = Actor.system(partner_id=workspace.pk, reason="set-up")
        audit.record(
            system,
            "workspace.created",
            workspace,
            data={"instance": instance, "partner_type": partner_type},
        )
        customers.create_own_tenant(
            system,
            name=workspace.name,
            tenant_id=workspace.tenant_id,
            language=workspace.default_language,
            time_zone=workspace.time_zone,
        )
    return workspace


CLEARABLE = frozenset({"tenant_id", "provider_id"})


def update_workspace(actor: Actor, *, workspace: Partner, changes: WorkspaceChanges) -> Partner:
    """Change the workspace's details and support profile (global admins)."""
    policies.require(actor, "workspace.manage")
    given = changes.given()
    unknown = changes.clear - CLEARABLE
    if unknown:
        raise invalid(sorted(unknown)[0], _("This field cannot be emptied."), "required")
    previous_instance = workspace.instance
    for name in changes.clear - set(given):
        setattr(workspace, name, None)
    for name, value in given.items():
        setattr(workspace, name, value.strip() if isinstance(value, str) else value)
    _validate(workspace, previous_instance=previous_instance)
    with transaction.atomic(durable=True):
        if workspace.instance != previous_instance:
            checks.run_instance_change_checks(workspace, previous_instance=previous_instance)
        workspace.save()
        changed = sorted({*given, *changes.clear})
        audit.record(actor, "workspace.updated", workspace, data={"fields": changed})
    return workspace
