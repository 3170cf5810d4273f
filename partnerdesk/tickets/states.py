"""The ticket state machine: every status change goes through `check_transition`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from partnerdesk.core.errors import DomainError

from .enums import OPEN_STATUSES, Status

_WORKING = {Status.OPEN, Status.PENDING_CUSTOMER, Status.PENDING_VENDOR, Status.ON_HOLD}

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(_WORKING | {Status.RESOLVED, Status.CLOSED}),
    Status.OPEN: frozenset(_WORKING - {Status.OPEN} | {Status.RESOLVED, Status.CLOSED}),
    Status.PENDING_CUSTOMER: frozenset(
        _WORKING - {Status.PENDING_CUSTOMER} | {Status.RESOLVED, Status.CLOSED}
    ),
    Status.PENDING_VENDOR: frozenset(
        _WORKING - {Status.PENDING_VENDOR} | {Status.RESOLVED, Status.CLOSED}
    ),
    Status.ON_HOLD: frozenset(_WORKING - {Status.ON_HOLD} | {Status.RESOLVED, Status.CLOSED}),
    # A resolved ticket reopens (a customer's reply does it too) or is closed for good.
    Status.RESOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def check_transition(current: str, target: str) -> None:
    """Raise a 409 that says why, unless `current` may become `target`."""
    if target not in Status.values:
        raise DomainError(
            "validation_failed",
            _("Unknown status."),
            status=422,
        )
    if current == target:
        return
    if not can_transition(current, target):
        raise DomainError(
            "invalid_transition",
            _("A ticket that is %(current)s cannot become %(target)s.")
            % {"current": Status(current).label, "target": Status(target).label},
            status=409,
            extra={"allowed": sorted(TRANSITIONS.get(current, frozenset()))},
        )


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES


def reopens_on_customer_reply(status: str) -> bool:
    return status == Status.RESOLVED
