"""What the offering's actions share: permission and workspace checks, the 21Vianet rule's
reason, and the request to recalculate ticket clocks after commit."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from importlib import import_module
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from partnerdesk.core import policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import invalid, not_found
from partnerdesk.partners.enums import Instance
from partnerdesk.partners.models import Partner
from partnerdesk.sla.engine import CalendarSpec, spec_to_data

logger = logging.getLogger(__name__)

# The tickets app's task (written there); resolved when needed, so neither app imports the other.
RECALCULATE_SLA_TASK = "partnerdesk.tickets.tasks.recalculate_sla"

VIANET_RULE = _(
    "Resellers on the 21Vianet instance must support customers 24 hours a day, 365 days a "
    "year, so every support plan needs a calendar that is open around the clock, without public "
    "holidays or closures."
)


def recalculate_ticket_clocks(
    *,
    partner_id: uuid.UUID,
    plan_id: uuid.UUID | None = None,
    calendar_id: uuid.UUID | None = None,
    customer_id: uuid.UUID | None = None,
    previous_calendar: CalendarSpec | None = None,
) -> None:
    """After the current transaction commits, enqueue the tickets app's recalculation of the
    open tickets following a plan, a calendar or a customer (exactly one is given). A task that
    cannot be found or enqueued is logged, never fails the change already committed.

    `previous_calendar`, with `calendar_id`, is the calendar as it was before the change: the
    clocks measure the time they ran until now on it, not on the new hours."""
    which = {"plan_id": plan_id, "calendar_id": calendar_id, "customer_id": customer_id}
    kwargs: dict[str, Any] = {"partner_id": str(partner_id)}
    kwargs.update({name: str(value) for name, value in which.items() if value is not None})
    if previous_calendar is not None and calendar_id is not None:
        kwargs["previous_calendar"] = spec_to_data(previous_calendar)

    def enqueue() -> None:
        module, _dot, attribute = RECALCULATE_SLA_TASK.rpartition(".")
        try:
            task = getattr(import_module(module), attribute)
        except Exception:  # not written yet, or broken: the committed change stands
            logger.warning(
                "%s is not available; ticket clocks not recalculated", RECALCULATE_SLA_TASK
            )
            return
        try:
            task.enqueue(**kwargs)
        except Exception:
            logger.exception("could not enqueue the SLA recalculation %s", kwargs)

    transaction.on_commit(enqueue)


def require_own(actor: Actor, partner_id: uuid.UUID, permission: str = "plans.manage") -> None:
    """The permission (403), and a row of the actor's own workspace (404 otherwise)."""
    policies.require(actor, permission)
    if partner_id != actor.workspace_id:
        raise not_found()


def is_21vianet(partner_id: uuid.UUID) -> bool:
    """Whether the workspace is on the 21Vianet instance (RULES.md section 2: 24x7 support)."""
    instance = Partner.objects.filter(pk=partner_id).values_list("instance", flat=True).first()
    return instance == Instance.CHINA_21VIANET


@contextmanager
def name_taken_on_race() -> Iterator[None]:
    """Two writers saved the same name at once: the loser gets the same 422 as a late one."""
    try:
        yield
    except IntegrityError as exc:
        raise invalid("name", _("This name is taken."), "taken") from exc


def given_fields(changes: Any) -> list[str]:
    """The names of the fields a changes dataclass sets, for the audit row."""
    return sorted(
        f.name
        for f in fields(changes)
        if getattr(changes, f.name) is not None and getattr(changes, f.name) != []
    )
