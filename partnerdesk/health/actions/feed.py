"""Storing a vendor feed's incidents (`apply_feed`) and incidents recorded by hand."""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime

import nh3
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partnerdesk.catalog.models import Service
from partnerdesk.catalog.selectors import service_for_health_name
from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import forbidden, invalid
from partnerdesk.customers.models import Customer

from ..enums import ENDED_STATUSES, Classification, HealthStatus, LinkState, Scope, Source
from ..feed import IncidentData, PostData
from ..models import Incident, IncidentPost, TicketIncidentLink
from ..text import post_text

logger = logging.getLogger(__name__)

ALLOWED_TAGS = {"p", "br", "b", "strong", "i", "em", "ul", "ol", "li", "a"}
TITLE_MAX = 500


def clean_html(html: str) -> str:
    """The vendor's HTML reduced to a few harmless tags; links only to https."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"https"},
        link_rel="noopener noreferrer nofollow",
    ).strip()


def post_digest(posted_at: datetime, body_html: str) -> str:
    return hashlib.sha256(f"{posted_at.isoformat()}\n{body_html}".encode()).hexdigest()


@dataclass
class ApplyResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    posts_added: int = 0
    resolved: int = 0
    # Unresolved incidents the (complete) feed no longer lists: left as they were.
    missing: int = 0
    # Tickets told (an internal note) of a new post or a resolution.
    notes: int = 0
    unmapped_services: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Change:
    incident_id: uuid.UUID
    text: str


def _status(value: str) -> str:
    return value if value in HealthStatus.values else HealthStatus.UNKNOWN


def _classification(value: str) -> str:
    return value if value in Classification.values else Classification.UNKNOWN


def _resolved(data: IncidentData, status: str) -> bool:
    return bool(data.is_resolved) or status in ENDED_STATUSES


def _fields(data: IncidentData, service: Service | None) -> dict[str, object]:
    status = _status(data.status)
    return {
        "service_id": service.pk if service else None,
        "service_name": data.service_name[:200],
        "feature": data.feature[:200],
        "feature_group": data.feature_group[:200],
        "title": (data.title or data.vendor_id)[:TITLE_MAX],
        "classification": _classification(data.classification),
        "status": status,
        "raw_status": (data.raw_status if status == HealthStatus.UNKNOWN else "")[:60],
        "impact": data.impact,
        "origin": data.origin[:30],
        "is_resolved": _resolved(data, status),
        "started_at": data.started_at,
        "ended_at": data.ended_at,
        "vendor_modified_at": data.vendor_modified_at,
    }


def _store_posts(incident: Incident, posts: tuple[PostData, ...]) -> list[IncidentPost]:
    """Posts not stored yet (by digest of the cleaned text)."""
    known = set(IncidentPost.objects.filter(incident=incident).values_list("digest", flat=True))
    added: list[IncidentPost] = []
    for post in posts:
        body = clean_html(post.body_html)
        digest = post_digest(post.posted_at, body)
        if digest in known:
            continue
        known.add(digest)
        added.append(
            IncidentPost.objects.create(
                partner_id=incident.partner_id,
                incident=incident,
                posted_at=post.posted_at,
                post_type=post.post_type[:20],
                body_html=body,
                digest=digest,
            )
        )
    return added


def _change_text(incident: Incident, *, resolved_now: bool, posts: list[IncidentPost]) -> str:
    label = HealthStatus(incident.status).label if incident.status in HealthStatus.values else ""
    if resolved_now:
        what = gettext("resolved (%(status)s)") % {"status": label}
    else:
        what = gettext("new update (%(status)s)") % {"status": label}
    text = gettext("%(id)s changed: %(what)s") % {"id": incident.vendor_id, "what": what}
    if posts:
        latest = max(posts, key=lambda p: p.posted_at)
        plain = post_text(latest.body_html)
        if plain:
            text += "\n\n" + plain[:1500]
    return text


def _customer_for(scope: str, customer: Customer | None, partner_id: uuid.UUID) -> Customer | None:
    if scope == Scope.SERVICE_WIDE:
        if customer is not None:
            raise invalid("customer", _("A service-wide feed belongs to no customer."))
        return None
    if scope != Scope.TENANT or customer is None or customer.partner_id != partner_id:
        raise invalid("customer", _("A tenant feed needs the workspace's customer."))
    return customer


def apply_feed(
    actor: Actor,
    *,
    incidents: list[IncidentData],
    scope: str,
    customer: Customer | None,
    complete: bool,
) -> ApplyResult:
    """Store what a feed says: upsert each incident by (source, vendor id[, customer]), add its
    new posts once, and tell linked tickets (an internal note) of new posts and resolutions.

    `complete` says the feed listed everything it has; an unresolved incident it no longer
    lists is left untouched all the same (a missing item is not a resolution), only counted.
    Applying the same feed twice changes nothing the second time."""
    if not actor.is_system and not actor.has("health.broadcast"):
        raise forbidden()
    partner_id = actor.workspace_id
    tenant = _customer_for(scope, customer, partner_id)
    now = clock.now()
    result = ApplyResult()
    changes: list[_Change] = []
    services: dict[str, Service | None] = {}
    with transaction.atomic(durable=True):
        rows = Incident.objects.select_for_update().filter(partner_id=partner_id, customer=tenant)
        if tenant is None:
            rows = rows.filter(customer__isnull=True)
        existing = {(i.source, i.vendor_id): i for i in rows}
        seen: set[tuple[str, str]] = set()
        for data in incidents:
            key = (data.source, data.vendor_id)
            if not data.vendor_id or key in seen:
                continue
            seen.add(key)
            name = data.service_name.strip()
            if name.casefold() not in services:
                services[name.casefold()] = service_for_health_name(
                    partner_id=partner_id, name=name
                )
            service = services[name.casefold()]
            if service is None and name:
                result.unmapped_services.add(name)
            values = _fields(data, service)
            incident = existing.get(key)
            if incident is None:
                incident = Incident.objects.create(
                    partner_id=partner_id,
                    vendor_id=data.vendor_id[:64],
                    source=data.source,
                    scope=scope,
                    customer=tenant,
                    first_seen_at=now,
                    last_seen_at=now,
                    **values,
                )
                _store_posts(incident, data.posts)
                result.created += 1
                result.resolved += int(incident.is_resolved)
                continue
            was_resolved = incident.is_resolved
            changed = [name for name, value in values.items() if getattr(incident, name) != value]
            # Once resolved, an incident stays resolved unless the vendor reopens it.
            for name in changed:
                setattr(incident, name, values[name])
            incident.last_seen_at = now
            incident.save()
            posts = _store_posts(incident, data.posts)
            result.posts_added += len(posts)
            resolved_now = incident.is_resolved and not was_resolved
            result.resolved += int(resolved_now)
            if changed or posts:
                result.updated += 1
            else:
                result.unchanged += 1
            if posts or resolved_now:
                changes.append(
                    _Change(
                        incident.pk,
                        _change_text(incident, resolved_now=resolved_now, posts=posts),
                    )
                )
        if complete:
            result.missing = sum(
                1 for key, i in existing.items() if key not in seen and not i.is_resolved
            )
        if result.created or result.updated:
            audit.record(
                actor,
                "health.feed_applied",
                None,
                partner_id=partner_id,
                customer_id=tenant.pk if tenant else None,
                data={
                    "scope": scope,
                    "created": result.created,
                    "updated": result.updated,
                    "resolved": result.resolved,
                    "posts": result.posts_added,
                },
            )
    for change in changes:
        result.notes += _tell_linked_tickets(partner_id, change)
    return result


def _tell_linked_tickets(partner_id: uuid.UUID, change: _Change) -> int:
    """An internal note on each open ticket linked to the incident (after the feed committed:
    every note is a transaction of its own)."""
    from partnerdesk.tickets.actions import reply
    from partnerdesk.tickets.enums import Status

    system = Actor.system(partner_id=partner_id, reason="health.incident_changed")
    links = TicketIncidentLink.objects.filter(
        partner_id=partner_id, incident_id=change.incident_id, state=LinkState.LINKED
    ).exclude(ticket__status=Status.CLOSED)
    told = 0
    for link in links.select_related("ticket"):
        try:
            reply(system, ticket=link.ticket, body=change.text, internal=True)
            told += 1
        except Exception:  # one ticket's failure must not stop the others
            logger.exception("health: could not note ticket %s", link.ticket_id)
    return told


def record_incident(
    actor: Actor,
    *,
    service: Service,
    title: str,
    status: str,
    classification: str = Classification.INCIDENT,
    impact: str = "",
    started_at: datetime | None = None,
    message: str = "",
) -> Incident:
    """An outage the feed does not show (or a 21Vianet one), recorded by staff."""
    policies.require(actor, "health.broadcast")
    if not actor.is_staff and not actor.is_system:
        raise forbidden()
    partner_id = actor.workspace_id
    if service.partner_id not in (None, partner_id):
        raise invalid("service", _("Unknown service."))
    title = " ".join(title.split())
    if not title:
        raise invalid("title", _("Give the incident a title."), "required")
    if status not in HealthStatus.values:
        raise invalid("status", _("Choose a status."))
    if classification not in Classification.values:
        raise invalid("classification", _("Choose incident or advisory."))
    now = clock.now()
    with transaction.atomic(durable=True):
        incident = Incident.objects.create(
            partner_id=partner_id,
            vendor_id=f"M-{uuid.uuid4().hex[:8].upper()}",
            source=Source.MANUAL,
            scope=Scope.SERVICE_WIDE,
            customer=None,
            service=service,
            service_name=service.name,
            title=title[:TITLE_MAX],
            classification=classification,
            status=status,
            impact=impact.strip(),
            is_resolved=status in ENDED_STATUSES,
            started_at=started_at or now,
            first_seen_at=now,
            last_seen_at=now,
        )
        if message.strip():
            body = clean_html("<p>" + nh3.clean_text(message.strip()) + "</p>")
            IncidentPost.objects.create(
                partner_id=partner_id,
                incident=incident,
                posted_at=now,
                post_type="regular",
                body_html=body,
                digest=post_digest(now, body),
            )
        audit.record(
            actor,
            "health.incident_recorded",
            incident,
            partner_id=partner_id,
            data={"service": service.code, "status": status},
        )
    return incident
