"""How the console shows a due time: a countdown in words and a tone for its colour.

Pure: the caller passes `now` (core.clock.now() once per page), so a queue of fifty rows reads
the clock once and the database never. The tones are the CSS classes `sla-<tone>` of
tickets/console.css.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from .sla_models import NO_DUE, SlaState

_ONE_MINUTE = timedelta(minutes=1)


def duration_text(span: timedelta) -> str:
    """A duration as a person reads it: "3 d 4 h", "1 h 20 min", "35 min", "<1 min"."""
    minutes = int(abs(span) / _ONE_MINUTE)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days and hours:
        return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
    if days:
        return _("%(d)s d") % {"d": days}
    if hours and minutes:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    if hours:
        return _("%(h)s h") % {"h": hours}
    if minutes:
        return _("%(m)s min") % {"m": minutes}
    return _("<1 min")


def countdown_text(due: datetime, now: datetime) -> str:
    """ "in 1 h 20 min" before the due time, "overdue by 35 min" after it."""
    if due > now:
        return _("in %(time)s") % {"time": duration_text(due - now)}
    return _("overdue by %(time)s") % {"time": duration_text(now - due)}


@dataclass(frozen=True)
class DueShown:
    """What a queue row or the ticket page shows for one due time."""

    due: datetime | None  # None: nothing runs (paused, met, no SLA)
    countdown: str
    tone: str  # ok, warning, breached, paused, met, none
    label: str  # the state in words (for a title and screen readers)


def _label(state: str) -> str:
    try:
        return str(SlaState(state).label)
    except ValueError:
        return state


def ticket_due(*, sla_state: str, sla_due_at: datetime, now: datetime) -> DueShown:
    """A ticket's next due time as its queue row shows it (from the ticket's own fields)."""
    if sla_state == SlaState.PAUSED:
        return DueShown(None, "", "paused", _label(sla_state))
    if sla_due_at >= NO_DUE:
        tone = sla_state if sla_state in (SlaState.MET, SlaState.BREACHED) else "none"
        return DueShown(None, "", tone, _label(sla_state))
    if sla_due_at <= now:
        tone = "breached"  # past due, even before the sweep has marked it
    elif sla_state in (SlaState.WARNING, SlaState.BREACHED):
        tone = sla_state
    else:
        tone = "ok"
    return DueShown(sla_due_at, countdown_text(sla_due_at, now), tone, _label(tone))


def clock_tone(*, state: str, warned: bool, breached: bool) -> str:
    """The CSS tone of one clock on the ticket page: a running clock is ok, warning or
    breached; a stopped one met or missed; else paused or cancelled."""
    if state == "running":
        return "breached" if breached else "warning" if warned else "running"
    return state
