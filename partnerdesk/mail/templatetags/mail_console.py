"""The console sidebar's link to triage, with how many messages wait there (capped)."""

from __future__ import annotations

from typing import Any

from django import template

from partnerdesk.mail import selectors

register = template.Library()


@register.inclusion_tag("mail/console/_triage_link.html", takes_context=True)
def triage_link(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    actor = getattr(request, "actor", None)
    if actor is None or not selectors.sees_triage(actor):
        return {"show": False}
    path = getattr(request, "path", "")
    return {"show": True, "count": selectors.triage_count(actor), "current": "/mail/" in path}
