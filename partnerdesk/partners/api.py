"""/api/v1/workspace: the actor's own workspace."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from partnerdesk.core.api import actor_of

from . import actions, selectors
from .models import Partner

router = Router(tags=["workspace"])


class SupportProfile(Schema):
    email: str
    phone: str
    website: str


class WorkspaceOut(Schema):
    id: str
    name: str
    partner_id: str
    tenant_id: str | None
    instance: str
    partner_type: str
    provider_id: str | None
    provider_name: str
    provider_partner_id: str
    time_zone: str
    default_language: str
    support_profile: SupportProfile
    created_at: datetime

    @staticmethod
    def build(workspace: Partner) -> WorkspaceOut:
        provider = workspace.provider
        return WorkspaceOut(
            id=str(workspace.pk),
            name=workspace.name,
            partner_id=workspace.mpn_id,
            tenant_id=str(workspace.tenant_id) if workspace.tenant_id else None,
            instance=workspace.instance,
            partner_type=workspace.partner_type,
            provider_id=str(workspace.provider_id) if workspace.provider_id else None,
            provider_name=provider.name if provider else workspace.provider_name,
            provider_partner_id=provider.mpn_id if provider else workspace.provider_mpn_id,
            time_zone=workspace.time_zone,
            default_language=workspace.default_language,
            support_profile=SupportProfile(
                email=workspace.support_email,
                phone=workspace.support_phone,
                website=workspace.support_website,
            ),
            created_at=workspace.created_at,
        )


class WorkspacePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    partner_id: str | None = Field(None, max_length=20)
    tenant_id: uuid.UUID | None = None
    instance: str | None = None
    partner_type: str | None = None
    provider_id: uuid.UUID | None = None
    provider_name: str | None = Field(None, max_length=200)
    provider_partner_id: str | None = Field(None, max_length=20)
    time_zone: str | None = Field(None, max_length=64)
    default_language: str | None = None
    support_email: str | None = Field(None, max_length=254)
    support_phone: str | None = Field(None, max_length=40)
    support_website: str | None = Field(None, max_length=200)


@router.get("/workspace", response=WorkspaceOut, summary="The workspace of the caller")
def get_workspace(request: HttpRequest) -> WorkspaceOut:
    return WorkspaceOut.build(selectors.current_workspace(actor_of(request)))


@router.patch("/workspace", response=WorkspaceOut, summary="Change the workspace (global admins)")
def patch_workspace(request: HttpRequest, payload: WorkspacePatch) -> WorkspaceOut:
    actor = actor_of(request)
    data = payload.dict(exclude_unset=True)
    data["mpn_id"] = data.pop("partner_id", None)
    data["provider_mpn_id"] = data.pop("provider_partner_id", None)
    # An explicit null empties the optional links; elsewhere null means "unchanged".
    clear = frozenset(k for k in actions.CLEARABLE if k in data and data[k] is None)
    workspace = actions.update_workspace(
        actor,
        workspace=selectors.current_workspace(actor),
        changes=actions.WorkspaceChanges(
            **{k: v for k, v in data.items() if v is not None}, clear=clear
        ),
    )
    return WorkspaceOut.build(workspace)
