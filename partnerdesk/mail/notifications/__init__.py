"""Who gets which mail about a ticket, in whose words and language.

To contacts (the requester): the acknowledgement of every new request, whatever the channel
(portal, e-mail, an agent filing on their behalf), unless the mail it came from was
auto-generated or asked for no automatic answer; agents' public replies (never internal
notes); the status changes that ask something of them or end the request (pending customer,
resolved, closed; "pending customer" not when it comes with the agent's reply, which is
itself the question).

To agents, each by their own choices (all on until turned off): new tickets in their queues
(every agent who works tickets and may see the customer: customer-limited staff only for
their customers), customer replies on tickets assigned to them or watched by them (on an
unassigned ticket: to every agent who may see the customer), assignment to them, and the SLA
warnings and breaches of the tickets assigned to them (none on an unassigned ticket: the queue
shows those), with the clock and its due time in their own time zone.

Nobody is mailed about a change they made themselves. A contact whose address is failing
(bounces) is skipped, and the ticket gets one internal note saying so.

The modules: `rules` (the pure choices), `compose` (wording, placeholders, language, the
text and HTML parts), `selectors` (reads), `actions` (the event subscriber that queues the
mails, and the writes of the settings pages).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

# Staff's choices (Membership.notifications): key -> what it sends. A missing key is on.
PREFERENCES: dict[str, StrOrPromise] = {
    "new_ticket": _("New tickets in my queues"),
    "customer_reply": _("Customer replies on my tickets (assigned to me or watched)"),
    "assigned": _("A ticket is assigned to me"),
    "sla_warning": _("SLA warnings on my tickets (before a target is missed)"),
    "sla_breach": _("SLA breaches on my tickets (a target was missed)"),
}


def wants(choices: dict[str, object] | None, key: str) -> bool:
    """Whether a staff member with these stored choices wants mail of `key` (default on)."""
    return (choices or {}).get(key, True) is not False
