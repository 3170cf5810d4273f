"""Writes of the vendor connection: the app, the consent, rotated tokens, an expired consent."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction

from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import invalid

from . import auth
from .models import ConnectionStatus, VendorConnection

MANAGE = "connectors.manage"


@dataclass(frozen=True)
class AppSettings:
    client_id: str
    client_secret: str | None  # None keeps the stored one
    login_url: str
    partner_center_url: str
    graph_url: str


def _workspace(actor: Actor) -> uuid.UUID:
    if actor.partner_id is None:
        raise invalid("partner", "no workspace")
    return actor.partner_id


def save_app(actor: Actor, *, app: AppSettings) -> VendorConnection:
    """Create or change the workspace's app registration and endpoints. Changing the app
    or the sign-in endpoint drops the stored consent (it belonged to the old app)."""
    policies.require(actor, MANAGE)
    partner_id = _workspace(actor)
    if not app.client_id.strip():
        raise invalid("client_id", "required")
    with transaction.atomic(durable=True):
        connection = (
            VendorConnection.objects.select_for_update().filter(partner_id=partner_id).first()
        )
        if connection is None:
            connection = VendorConnection(partner_id=partner_id)
        changed_app = (
            connection.client_id != app.client_id.strip() or connection.login_url != app.login_url
        )
        connection.client_id = app.client_id.strip()
        connection.login_url = app.login_url
        connection.partner_center_url = app.partner_center_url
        connection.graph_url = app.graph_url
        if app.client_secret:
            connection.client_secret = auth.encrypt(app.client_secret)
        if changed_app and connection.refresh_token:
            connection.refresh_token = ""
            connection.status = ConnectionStatus.NOT_CONNECTED
        connection.updated_at = clock.now()
        connection.save()
        audit.record(actor, "connectors.app_saved", connection, data={"client_id": app.client_id})
    auth.clear_cache()
    return connection


def complete_consent(actor: Actor, *, refresh_token: str) -> VendorConnection:
    """Store the refresh token a partner admin's consent gave; the connection is usable."""
    policies.require(actor, MANAGE)
    partner_id = _workspace(actor)
    with transaction.atomic(durable=True):
        connection = VendorConnection.objects.select_for_update().get(partner_id=partner_id)
        connection.refresh_token = auth.encrypt(refresh_token)
        connection.status = ConnectionStatus.CONNECTED
        connection.status_detail = ""
        connection.consented_by_id = actor.membership_id
        connection.consented_at = clock.now()
        connection.updated_at = clock.now()
        connection.save()
        audit.record(actor, "connectors.consented", connection)
    auth.clear_cache()
    return connection


def connect_sandbox(
    actor: Actor, *, base_url: str, refresh_token: str, client_id: str = "partnerdesk-demo"
) -> VendorConnection:
    """Point the workspace at the sandbox vendor with a pre-seeded consent (demo loader)."""
    policies.require(actor, MANAGE)
    partner_id = _workspace(actor)
    endpoints = auth.sandbox_endpoints(base_url)
    with transaction.atomic(durable=True):
        connection = (
            VendorConnection.objects.select_for_update().filter(partner_id=partner_id).first()
        ) or VendorConnection(partner_id=partner_id)
        connection.login_url = endpoints.login_url
        connection.partner_center_url = endpoints.partner_center_url
        connection.graph_url = endpoints.graph_url
        connection.client_id = client_id
        connection.client_secret = auth.encrypt("sandbox-secret")
        connection.refresh_token = auth.encrypt(refresh_token)
        connection.status = ConnectionStatus.CONNECTED
        connection.status_detail = ""
        connection.consented_at = clock.now()
        connection.updated_at = clock.now()
        connection.save()
        audit.record(actor, "connectors.sandbox_connected", connection, data={"url": base_url})
    auth.clear_cache()
    return connection


def store_rotated_token(actor: Actor, *, connection_id: uuid.UUID, refresh_token: str) -> None:
    """Entra rotated the refresh token during a sync: keep the new one (system actor)."""
    partner_id = _workspace(actor)
    with transaction.atomic(durable=True):
        VendorConnection.objects.filter(pk=connection_id, partner_id=partner_id).update(
            refresh_token=auth.encrypt(refresh_token), updated_at=clock.now()
        )


def mark_consent_expired(actor: Actor, *, message: str) -> None:
    """Microsoft refused the stored consent: the owner is told; syncs stop until renewed."""
    partner_id = _workspace(actor)
    with transaction.atomic(durable=True):
        connection = (
            VendorConnection.objects.select_for_update().filter(partner_id=partner_id).first()
        )
        if connection is None or connection.status == ConnectionStatus.CONSENT_EXPIRED:
            return
        connection.status = ConnectionStatus.CONSENT_EXPIRED
        connection.status_detail = message[:1000]
        connection.updated_at = clock.now()
        connection.save(update_fields=["status", "status_detail", "updated_at"])
        audit.record(
            actor, "connectors.consent_expired", connection, data={"detail": message[:200]}
        )
    auth.clear_cache()


def request_sync(actor: Actor) -> None:
    """ "Sync now": enqueue this workspace's health and Partner Center syncs."""
    policies.require(actor, MANAGE)
    partner_id = _workspace(actor)
    from . import tasks

    tasks.sync_health_for.enqueue(partner_id=str(partner_id))
    tasks.sync_partner_center_for.enqueue(partner_id=str(partner_id))
