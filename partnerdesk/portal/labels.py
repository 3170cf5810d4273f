"""How the portal names a ticket's status: in the customer's words, not the desk's."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from partnerdesk.tickets.enums import Status

# status -> (label, what it means for the customer, tone for the pill's colour)
CUSTOMER_STATUS: dict[str, tuple[StrOrPromise, StrOrPromise, str]] = {
    Status.NEW: (
        _("Received"),
        _("We have your request and will pick it up shortly."),
        "new",
    ),
    Status.OPEN: (
        _("In progress"),
        _("We are working on your request."),
        "working",
    ),
    Status.PENDING_CUSTOMER: (
        _("Waiting for your reply"),
        _("We need something from you to go on: please read our last message and reply."),
        "action",
    ),
    Status.PENDING_VENDOR: (
        _("With the vendor"),
        _("We have passed this to the vendor (for example Microsoft) and follow it up for you."),
        "waiting",
    ),
    Status.ON_HOLD: (
        _("On hold"),
        _("This request is paused for now; we will come back to it."),
        "waiting",
    ),
    Status.RESOLVED: (
        _("Solved"),
        _(
            "We think this is solved. If it is not, reply below and the request opens again; "
            "if it is, you can close it."
        ),
        "solved",
    ),
    Status.CLOSED: (
        _("Closed"),
        _("This request is closed. If you need more help, open a new request."),
        "closed",
    ),
}


def status_label(status: str) -> StrOrPromise:
    return CUSTOMER_STATUS.get(status, (status, "", "closed"))[0]


def status_meaning(status: str) -> StrOrPromise:
    return CUSTOMER_STATUS.get(status, (status, "", "closed"))[1]


def status_tone(status: str) -> str:
    return CUSTOMER_STATUS.get(status, (status, "", "closed"))[2]


def first_name(full_name: str) -> str:
    """Only the first name of the person handling a request is shown to customers."""
    parts = full_name.split()
    return parts[0] if parts else ""
