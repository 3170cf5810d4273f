"""One workspace's sync: read the vendor, hand the contract dataclasses to the domain actions,
record every feed's outcome in core.feeds. A failed feed keeps its last good data; an expired
consent marks the connection and every feed, and nothing else stops."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from partnerdesk.core import feeds
from partnerdesk.core.actor import Actor
from partnerdesk.core.secrets import SecretUnreadable
from partnerdesk.customers.relationships.feed import RelationshipData
from partnerdesk.partners.enums import Instance

from . import actions, auth, selectors
from .graph.client import GraphClient
from .http import ConsentExpired, VendorError, VendorHttp
from .models import ConnectionStatus, VendorConnection
from .partner_center.client import PartnerCenterClient

logger = logging.getLogger("partnerdesk.connectors")

# Tests inject a client factory (a short retry policy, a sleep that records).
HttpFactory = Callable[[], VendorHttp]
http_factory: HttpFactory = VendorHttp

ALL_FEEDS = (
    feeds.PARTNER_HEALTH,
    feeds.PARTNER_CENTER_INCIDENTS,
    feeds.CUSTOMERS,
    feeds.RELATIONSHIPS,
)


@dataclass
class Report:
    ok: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: str = ""

    def __str__(self) -> str:
        if self.skipped:
            return self.skipped
        return f"ok: {', '.join(self.ok) or '-'}; failed: {', '.join(self.failed) or '-'}"


@dataclass
class Session:
    actor: Actor
    connection: VendorConnection
    instance: str
    tokens: auth.TokenSource
    partner_center: PartnerCenterClient
    graph: GraphClient


@contextmanager
def _session(partner_id: uuid.UUID, reason: str) -> Iterator[Session | str]:
    actor = Actor.system(partner_id=partner_id, reason=reason)
    connection = selectors.connection_for(actor)
    workspace = selectors.workspace(actor)
    if connection is None or workspace is None:
        yield "not connected"
        return
    if connection.status != ConnectionStatus.CONNECTED:
        yield f"connection {connection.status}"
        return
    try:
        credentials = auth.Credentials(
            connection_id=str(connection.pk),
            partner_tenant=str(workspace.tenant_id or "organizations"),
            login_url=connection.login_url,
            partner_center_url=connection.partner_center_url,
            graph_url=connection.graph_url,
            client_id=connection.client_id,
            client_secret=auth.decrypt(connection.client_secret),
            refresh_token=auth.decrypt(connection.refresh_token),
        )
    except SecretUnreadable:
        _consent_expired(actor, "the stored consent cannot be read (the server's key changed)")
        yield "secret unreadable"
        return

    def rotate(token: str) -> None:
        actions.store_rotated_token(actor, connection_id=connection.pk, refresh_token=token)

    with http_factory() as http:
        tokens = auth.TokenSource(http, credentials, on_rotate=rotate)
        yield Session(
            actor=actor,
            connection=connection,
            instance=workspace.instance,
            tokens=tokens,
            partner_center=PartnerCenterClient(http, tokens, connection.partner_center_url),
            graph=GraphClient(http, tokens, connection.graph_url),
        )


def _consent_expired(actor: Actor, message: str) -> None:
    actions.mark_consent_expired(actor, message=message)
    partner_id = actor.workspace_id
    for feed in ALL_FEEDS:
        feeds.failed(partner_id, feed, error_code=feeds.CONSENT_EXPIRED, message=message)


def _fail(actor: Actor, feed: str, error: Exception, customer_id: uuid.UUID | None = None) -> None:
    code = error.code if isinstance(error, VendorError) else feeds.VENDOR_ERROR
    logger.warning("feed %s of %s failed: %s", feed, actor.partner_id, error)
    feeds.failed(
        actor.workspace_id, feed, error_code=code, message=str(error), customer_id=customer_id
    )


def sync_health(partner_id: uuid.UUID) -> Report:
    """Service-wide issues from the partner tenant's Graph (or, failing that, Partner Center's
    service incidents), then each customer's own issues where a relationship allows it."""
    from partnerdesk.customers.relationships.selectors import customers_with_health_access
    from partnerdesk.health.actions import apply_feed
    from partnerdesk.health.enums import Scope

    report = Report()
    with _session(partner_id, "connectors.sync_health") as session:
        if isinstance(session, str):
            report.skipped = session
            return report
        actor = session.actor
        try:
            try:
                issues = session.graph.issues()
            except ConsentExpired:
                raise
            except VendorError as error:
                _fail(actor, feeds.PARTNER_HEALTH, error)
                report.failed.append(feeds.PARTNER_HEALTH)
                try:
                    incidents = session.partner_center.service_incidents()
                except ConsentExpired:
                    raise
                except VendorError as pc_error:
                    _fail(actor, feeds.PARTNER_CENTER_INCIDENTS, pc_error)
                    report.failed.append(feeds.PARTNER_CENTER_INCIDENTS)
                else:
                    apply_feed(
                        actor,
                        incidents=incidents,
                        scope=Scope.SERVICE_WIDE,
                        customer=None,
                        complete=True,
                    )
                    feeds.succeeded(partner_id, feeds.PARTNER_CENTER_INCIDENTS)
                    report.ok.append(feeds.PARTNER_CENTER_INCIDENTS)
            else:
                apply_feed(
                    actor, incidents=issues, scope=Scope.SERVICE_WIDE, customer=None, complete=True
                )
                feeds.succeeded(partner_id, feeds.PARTNER_HEALTH)
                report.ok.append(feeds.PARTNER_HEALTH)
            for customer in customers_with_health_access(actor):
                if customer.tenant_id is None:
                    continue
                try:
                    own = session.graph.issues(tenant=str(customer.tenant_id))
                except ConsentExpired:
                    raise
                except VendorError as error:
                    _fail(actor, feeds.CUSTOMER_HEALTH, error, customer.pk)
                    report.failed.append(f"{feeds.CUSTOMER_HEALTH}:{customer.tenant_id}")
                    continue
                apply_feed(
                    actor, incidents=own, scope=Scope.TENANT, customer=customer, complete=True
                )
                feeds.succeeded(partner_id, feeds.CUSTOMER_HEALTH, customer_id=customer.pk)
                report.ok.append(f"{feeds.CUSTOMER_HEALTH}:{customer.tenant_id}")
        except ConsentExpired as error:
            _consent_expired(actor, error.message)
            report.failed.append(feeds.CONSENT_EXPIRED)
    return report


def sync_partner_center(partner_id: uuid.UUID) -> Report:
    """Customers, their subscriptions and managed-service links (Partner Center), then GDAP
    relationships and the partner's security groups (Graph; not on 21Vianet)."""
    from partnerdesk.customers.relationships.actions import sync_relationships
    from partnerdesk.customers.selectors import visible_customers
    from partnerdesk.customers.subscriptions.actions import sync_customers, sync_subscriptions

    report = Report()
    with _session(partner_id, "connectors.sync_partner_center") as session:
        if isinstance(session, str):
            report.skipped = session
            return report
        actor = session.actor
        pc = session.partner_center
        try:
            try:
                listed = pc.customers()
            except ConsentExpired:
                raise
            except VendorError as error:
                _fail(actor, feeds.CUSTOMERS, error)
                report.failed.append(feeds.CUSTOMERS)
                listed = []
            else:
                sync_customers(actor, customers=listed)
                feeds.succeeded(partner_id, feeds.CUSTOMERS)
                report.ok.append(feeds.CUSTOMERS)
            tenants = [c.tenant_id for c in listed]
            for customer in visible_customers(actor).filter(tenant_id__in=tenants):
                tenant = customer.tenant_id
                assert tenant is not None
                try:
                    subscriptions = pc.subscriptions(tenant)
                    sync_subscriptions(
                        actor, customer=customer, subscriptions=subscriptions, complete=True
                    )
                    feeds.succeeded(partner_id, feeds.SUBSCRIPTIONS, customer_id=customer.pk)
                except ConsentExpired:
                    raise
                except VendorError as error:
                    _fail(actor, feeds.SUBSCRIPTIONS, error, customer.pk)
                    report.failed.append(f"{feeds.SUBSCRIPTIONS}:{tenant}")
                try:
                    services = pc.managed_services(tenant)
                    feeds.succeeded(
                        partner_id, feeds.MANAGED_SERVICES, customer_id=customer.pk, data=services
                    )
                except ConsentExpired:
                    raise
                except VendorError as error:
                    _fail(actor, feeds.MANAGED_SERVICES, error, customer.pk)
                    report.failed.append(f"{feeds.MANAGED_SERVICES}:{tenant}")
            if session.instance != Instance.CHINA_21VIANET:
                try:
                    groups = session.graph.groups()
                    names = {g.vendor_id: g.name for g in groups}
                    relationships = [
                        _with_group_names(r, names) for r in session.graph.relationships()
                    ]
                except ConsentExpired:
                    raise
                except VendorError as error:
                    _fail(actor, feeds.RELATIONSHIPS, error)
                    report.failed.append(feeds.RELATIONSHIPS)
                else:
                    sync_relationships(actor, relationships=relationships, groups=groups)
                    feeds.succeeded(partner_id, feeds.RELATIONSHIPS)
                    report.ok.append(feeds.RELATIONSHIPS)
        except ConsentExpired as error:
            _consent_expired(actor, error.message)
            report.failed.append(feeds.CONSENT_EXPIRED)
    return report


def _with_group_names(rel: RelationshipData, names: dict[str, str]) -> RelationshipData:
    return replace(
        rel,
        assignments=tuple(
            replace(a, group_name=a.group_name or names.get(a.group_vendor_id, ""))
            for a in rel.assignments
        ),
    )
