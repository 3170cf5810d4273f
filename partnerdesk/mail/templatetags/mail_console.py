"""The console sidebar's links to triage and (for the partner owner) the quarantine, with how
many messages wait in each (capped)."""

from __future__ import annotations

from typing import Any

from django import template

from partnerdesk.mail import selectors

register = template.Library()


@register.inclusion_tag("mail/console/_triage_link.html", takes_context=True)
def triage_link(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_staff:
        return {"show": False}
    path = getattr(request, "path", "")
    return {
        "show": selectors.sees_triage(actor),
        "count": selectors.triage_count(actor),
        "current": "/mail/triage/" in path,
        "quarantine": selectors.sees_quarantine(actor),
        "held": selectors.quarantine_count(actor),
        "in_quarantine": "/mail/quarantine/" in path,
    }
