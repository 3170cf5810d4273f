"""Changing many tickets at once: each through the single-ticket action, each on its own.

A bulk change is a loop over `change_ticket` / `tag_ticket`, not a second implementation of
them: the same checks (state machine, who may be assigned), the same history, audit and
search updates. Each ticket commits in its own transaction, so one refused ticket does not
undo the others; the result says, per ticket, what happened and why.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_stubs_ext import StrOrPromise

from partnerdesk.accounts.models import Membership
from partnerdesk.core import policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, invalid

from .. import access
from ..enums import Status
from ..models import Ticket
from .changes import TicketChanges, change_ticket
from .labels import clean_tags, tag_ticket

MAX_BULK = 100


@dataclass(frozen=True)
class BulkOutcome:
    """What happened to one selected ticket: `changed`, `unchanged` or `refused`."""

    ticket_id: str
    reference: str
    outcome: str
    reason: StrOrPromise = ""


@dataclass
class BulkResult:
    outcomes: list[BulkOutcome] = field(default_factory=list)

    def _of(self, outcome: str) -> list[BulkOutcome]:
        return [o for o in self.outcomes if o.outcome == outcome]

    @property
    def changed(self) -> list[BulkOutcome]:
        return self._of("changed")

    @property
    def unchanged(self) -> list[BulkOutcome]:
        return self._of("unchanged")

    @property
    def refused(self) -> list[BulkOutcome]:
        return self._of("refused")

    def summary(self) -> str:
        """One line for the page: how many changed, were already so, or were refused."""
        parts = [
            ngettext("%(n)s ticket changed.", "%(n)s tickets changed.", len(self.changed))
            % {"n": len(self.changed)}
        ]
        if self.unchanged:
            parts.append(
                ngettext("%(n)s already had it.", "%(n)s already had it.", len(self.unchanged))
                % {"n": len(self.unchanged)}
            )
        if self.refused:
            parts.append(
                ngettext("%(n)s refused.", "%(n)s refused.", len(self.refused))
                % {"n": len(self.refused)}
            )
        return " ".join(parts)


def _reason(error: DomainError) -> StrOrPromise:
    if error.errors:
        return error.errors[0].message
    return str(error.message)


def bulk_change(
    actor: Actor,
    *,
    ticket_ids: Sequence[str | uuid.UUID],
    assignee: Membership | None = None,
    unassign: bool = False,
    status: str | None = None,
    tag: str | None = None,
) -> BulkResult:
    """Assign (or unassign), set the status of, or tag up to MAX_BULK tickets: one change,
    each ticket fetched through the actor's visibility (others are "not found") and changed
    in its own transaction. Needs what the single change needs (`tickets.manage`)."""
    policies.require(actor, "tickets.manage")
    wanted = [assignee is not None or unassign, status is not None, tag is not None]
    if sum(wanted) != 1:
        raise invalid("action", _("Choose one change: assign, status or tag."), "required")
    ids = list(dict.fromkeys(str(i) for i in ticket_ids))
    if not ids:
        raise invalid("ticket_ids", _("Select at least one ticket."), "required")
    if len(ids) > MAX_BULK:
        raise invalid(
            "ticket_ids",
            _("At most %(n)s tickets at once; select fewer.") % {"n": MAX_BULK},
            "too_many",
        )
    if status is not None and status not in Status.values:
        raise invalid("status", _("Unknown status."))
    tags = clean_tags([tag]) if tag is not None else []
    if tag is not None and not tags:
        raise invalid("tag", _("Name a tag."), "required")
    result = BulkResult()
    for ticket_id in ids:
        try:
            ticket = access.get_ticket_for(actor, ticket_id)
        except DomainError:
            result.outcomes.append(
                BulkOutcome(ticket_id, "", "refused", _("Not found (or not yours to see)."))
            )
            continue
        reference = f"{ticket.partner.ticket_prefix}-{ticket.number}"
        try:
            done = _change_one(actor, ticket, assignee, unassign, status, tags)
        except DomainError as error:
            result.outcomes.append(
                BulkOutcome(str(ticket.pk), reference, "refused", _reason(error))
            )
            continue
        result.outcomes.append(
            BulkOutcome(str(ticket.pk), reference, "changed" if done else "unchanged")
        )
    return result


def _change_one(
    actor: Actor,
    ticket: Ticket,
    assignee: Membership | None,
    unassign: bool,
    status: str | None,
    tags: list[str],
) -> bool:
    """Apply the change to one ticket; False when it was already so (nothing written)."""
    if tags:
        if set(tags) <= set(ticket.tags.values_list("name", flat=True)):
            return False
        tag_ticket(actor, ticket=ticket, names=tags)
        return True
    if status is not None:
        if ticket.status == status:
            return False
        change_ticket(actor, ticket=ticket, changes=TicketChanges(status=status))
        return True
    if unassign:
        if ticket.assignee_id is None:
            return False
        change_ticket(actor, ticket=ticket, changes=TicketChanges(unassign=True))
        return True
    assert assignee is not None
    if ticket.assignee_id == assignee.pk:
        return False
    change_ticket(actor, ticket=ticket, changes=TicketChanges(assignee=assignee))
    return True
