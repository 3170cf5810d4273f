"""The console's due times: `{% sla_due ticket %}` shows a ticket's next due time in the
viewer's zone with a countdown, coloured by its state, from the ticket's own fields (no query);
`{% countdown due %}`, `{{ span|sla_duration }}` and `{% clock_tone clock %}` serve the
ticket page's SLA panel."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import template

from partnerdesk.core import clock

from ..models import Ticket
from ..sla_display import clock_tone as tone_of
from ..sla_display import countdown_text, duration_text, ticket_due

register = template.Library()


def _now(context: template.Context) -> datetime:
    return context.get("sla_now") or clock.now()


@register.inclusion_tag("tickets/_sla_due.html", takes_context=True)
def sla_due(context: template.Context, ticket: Ticket) -> dict[str, Any]:
    shown = ticket_due(sla_state=ticket.sla_state, sla_due_at=ticket.sla_due_at, now=_now(context))
    return {"shown": shown}


@register.simple_tag(takes_context=True)
def countdown(context: template.Context, due: datetime | None) -> str:
    return countdown_text(due, _now(context)) if due is not None else ""


@register.simple_tag
def clock_tone(view: Any) -> str:
    return tone_of(state=view.state, warned=view.warned, breached=view.breached)


@register.filter
def sla_duration(span: timedelta | None) -> str:
    return duration_text(span) if span is not None else ""
