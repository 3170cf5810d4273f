"""`{% ticket_incidents ticket %}`: the console ticket page's panel of linked and suggested
incidents; `{% portal_ticket_incidents ticket %}`: the linked ones on the portal's ticket page;
`{% active_incident_banner %}`: the queue's banner of active service-wide incidents."""

from __future__ import annotations

from typing import Any

from django import template

from partnerdesk.core.actor import Actor

from .. import selectors
from ..enums import LinkState, Scope
from ..text import post_text

register = template.Library()


@register.filter(name="post_text")
def post_text_filter(body_html: str) -> str:
    """A vendor post as plain text (paragraphs kept as new lines; escaped by the template)."""
    return post_text(body_html or "")


def _actor(context: Any) -> Actor | None:
    actor = context.get("actor")
    if actor is None and context.get("request") is not None:
        actor = getattr(context["request"], "actor", None)
    return actor


@register.inclusion_tag("health/_ticket_incidents.html", takes_context=True)
def ticket_incidents(context: Any, ticket: Any) -> dict[str, Any]:
    actor = _actor(context)
    if actor is None or not actor.is_staff:
        return {"ticket": ticket, "linked": [], "suggested": [], "shown": False}
    links = list(selectors.links_for_ticket(actor, ticket.pk))
    latest = selectors.latest_posts([link.incident for link in links])
    rows = [(link, latest.get(link.incident_id)) for link in links]
    return {
        "ticket": ticket,
        "linked": [r for r in rows if r[0].state == LinkState.LINKED],
        "suggested": [r for r in rows if r[0].state == LinkState.SUGGESTED],
        "can_link": actor.has("tickets.manage"),
        "shown": True,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("health/_portal_ticket_incidents.html", takes_context=True)
def portal_ticket_incidents(context: Any, ticket: Any) -> dict[str, Any]:
    actor = _actor(context)
    if actor is None:
        return {"rows": []}
    links = list(selectors.links_for_ticket(actor, ticket.pk).filter(state=LinkState.LINKED))
    latest = selectors.latest_posts([link.incident for link in links])
    return {"rows": [(link.incident, latest.get(link.incident_id)) for link in links]}


@register.inclusion_tag("health/_banner.html", takes_context=True)
def active_incident_banner(context: Any) -> dict[str, Any]:
    actor = _actor(context)
    if actor is None or not actor.is_staff or not actor.has("customers.view"):
        return {"rows": []}
    incidents = list(
        selectors.visible_incidents(actor)
        .filter(is_resolved=False, scope=Scope.SERVICE_WIDE)
        .select_related("service")
        .order_by("-started_at")[:10]
    )
    counts = selectors.open_linked_counts(actor, [i.pk for i in incidents])
    return {"rows": [(i, counts.get(i.pk, 0)) for i in incidents]}
