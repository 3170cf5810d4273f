"""What the ticket page shows: the context of the whole page and of its parts (timeline,
composer, details aside), and how a change is answered (the parts for htmx, a redirect or the
page with the refusal next to the control without it)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from partnerdesk.catalog.selectors import all_services
from partnerdesk.core import clock
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError
from partnerdesk.offering.enums import ClockKind

from . import selectors, selectors_sla, states
from .enums import SEVERITY_IMPACT, Category, EventKind, Status
from .forms import (
    THEN_STATUSES,
    AssignForm,
    DetailsForm,
    MergeForm,
    ReplyForm,
    SeverityForm,
    StatusForm,
    TagsForm,
    WatcherForm,
)
from .models import Ticket, TicketEvent

# Replies and notes are shown once, as messages; their history entries would repeat them.
_SHOWN_AS_MESSAGES = (EventKind.REPLIED, EventKind.NOTED)
TIMELINE_LIMIT = 500


@dataclass(frozen=True)
class Change:
    """One history entry as a line of the timeline."""

    text: str
    link_text: str = ""
    link_url: str = ""


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _arrow(before: str, after: str) -> str:
    return f"{before} → {after}"


def describe(
    event: TicketEvent, *, names: dict[str, str], prefix: str, services: dict[str, str]
) -> Change:
    """What happened, in words: labels instead of codes, names instead of ids."""
    data: dict[str, Any] = event.data or {}
    kind = str(event.get_kind_display())
    nobody = _("nobody")
    if event.kind in (EventKind.STATUS, EventKind.REOPENED) and "to" in data:
        before = _label(Status, data.get("from"))
        return Change(f"{kind}: {_arrow(before, _label(Status, data['to']))}")
    if event.kind == EventKind.SEVERITY:
        return Change(f"{kind}: {_arrow(str(data.get('from')), str(data.get('to')))}")
    if event.kind == EventKind.ASSIGNED:
        before = names.get(str(data.get("from")), nobody) if data.get("from") else nobody
        after = names.get(str(data.get("to")), nobody) if data.get("to") else nobody
        return Change(f"{kind}: {_arrow(before, after)}")
    if event.kind == EventKind.CHANGED:
        parts = []
        if "category" in data:
            category = data["category"]
            parts.append(
                _("category %(change)s")
                % {
                    "change": _arrow(
                        _label(Category, category.get("from")), _label(Category, category.get("to"))
                    )
                }
            )
        if "service" in data:
            service = data["service"]
            parts.append(
                _("service %(change)s")
                % {
                    "change": _arrow(
                        services.get(service.get("from") or "", service.get("from") or "—"),
                        services.get(service.get("to") or "", service.get("to") or "—"),
                    )
                }
            )
        if "subject" in data:
            parts.append(_("subject changed"))
        return Change(f"{kind}: {', '.join(parts)}" if parts else kind)
    if event.kind in (EventKind.SLA_WARNING, EventKind.SLA_BREACHED) and data.get("clock"):
        return Change(f"{kind}: {_label(ClockKind, data['clock'])}")
    if event.kind in (EventKind.TAGGED, EventKind.UNTAGGED):
        return Change(f"{kind}: {data.get('tag', '')}")
    if event.kind in (EventKind.WATCHING, EventKind.UNWATCHING):
        return Change(f"{kind}: {names.get(str(data.get('membership_id')), '?')}")
    if event.kind == EventKind.ATTACHED:
        return Change(f"{kind}: {', '.join(data.get('files', []))}")
    if event.kind in (EventKind.MERGED_INTO, EventKind.MERGED_FROM) and data.get("ticket_id"):
        return Change(
            f"{kind}:",
            link_text=f"{prefix}-{data.get('number')}",
            link_url=reverse("tickets:ticket", args=[data["ticket_id"]]),
        )
    return Change(kind)


def timeline(
    actor: Actor, ticket: Ticket, *, names: dict[str, str], services: dict[str, str]
) -> list[dict[str, Any]]:
    """Messages and changes in one stream, oldest first; notes only for those who see them."""
    prefix = ticket.partner.ticket_prefix
    messages = [
        {"kind": "message", "at": m.created_at, "message": m}
        for m in selectors.messages_of(actor, ticket).order_by("created_at", "id")[:TIMELINE_LIMIT]
    ]
    events = [
        {
            "kind": "event",
            "at": e.at,
            "event": e,
            "change": describe(e, names=names, prefix=prefix, services=services),
        }
        for e in selectors.history_of(actor, ticket)[:TIMELINE_LIMIT]
        if e.kind not in _SHOWN_AS_MESSAGES
    ]
    return sorted(chain(messages, events), key=lambda item: item["at"])


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (django-htmx's middleware sets `request.htmx`)."""
    return bool(getattr(request, "htmx", False))


def reference_of(ticket: Ticket) -> str:
    return f"{ticket.partner.ticket_prefix}-{ticket.number}"


def page_context(actor: Actor, ticket: Ticket, **overrides: Any) -> dict[str, Any]:
    """Everything the page and its parts show; `overrides` replace bound forms, errors etc."""
    is_closed = ticket.status == Status.CLOSED
    can_reply = actor.has("tickets.reply") and actor.is_staff
    can_manage = actor.has("tickets.manage") and actor.is_staff
    names = selectors.staff_names(actor)
    watchers = selectors.watchers_of(actor, ticket)
    services = {s.code: s.name for s in all_services(actor)}
    now = clock.now()
    context: dict[str, Any] = {
        "ticket": ticket,
        # The SLA panel (inside the details aside, so every htmx change refreshes it).
        "sla": selectors_sla.ticket_sla(actor, ticket=ticket, now=now),
        "sla_now": now,
        "reference": reference_of(ticket),
        "timeline": timeline(actor, ticket, names=names, services=services),
        "tags": selectors.tag_names(ticket),
        "watchers": watchers,
        "watching": any(w.pk == actor.membership_id for w in watchers),
        "me": actor.membership_id,
        "can_reply": can_reply and not is_closed,
        "can_manage": can_manage,
        "can_watch": can_reply,
        "sees_internal": selectors.sees_internal(actor),
        "compose": "reply",
        "canned": list(selectors.canned_replies_for(actor)[:300]) if can_reply else [],
        "staff": selectors.assignable_staff_for(actor, ticket) if can_manage else [],
        "status_choices": [
            (s.value, s.label)
            for s in Status
            if s == ticket.status or states.can_transition(ticket.status, s)
        ],
        "then_statuses": [(s.value, s.label) for s in THEN_STATUSES],
        "severity_impact": SEVERITY_IMPACT,
        "reply_form": ReplyForm(),
        "status_form": StatusForm(initial={"status": ticket.status}),
        "severity_form": SeverityForm(initial={"severity": ticket.severity}),
        "details_form": DetailsForm(
            initial={"category": ticket.category, "service": ticket.service_id or ""},
            services=list(services.items()) if can_manage else [],
        ),
        "assign_form": AssignForm(),
        "tags_form": TagsForm(),
        "watcher_form": WatcherForm(),
        "merge_form": MergeForm(ticket_prefix=ticket.partner.ticket_prefix),
        "merge_target": None,
        "errors": {},
    }
    context.update(overrides)
    return context


def refusal_text(error: DomainError) -> list[str]:
    """An action's refusal as lines to show: the field messages, or the message itself."""
    return [str(e.message) for e in error.errors] or [str(error.message)]


def render_page(
    request: HttpRequest, actor: Actor, ticket: Ticket, *, status: int = 200, **overrides: Any
) -> HttpResponse:
    return render(
        request, "tickets/ticket.html", page_context(actor, ticket, **overrides), status=status
    )


def render_part(
    request: HttpRequest,
    template: str,
    actor: Actor,
    ticket: Ticket,
    *,
    status: int = 200,
    **overrides: Any,
) -> HttpResponse:
    return render(
        request, f"tickets/{template}", page_context(actor, ticket, **overrides), status=status
    )


def back_to(ticket: Ticket, anchor: str = "") -> HttpResponse:
    url = reverse("tickets:ticket", args=[ticket.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)
