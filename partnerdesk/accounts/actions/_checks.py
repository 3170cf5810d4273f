"""Checks and helpers shared by the accounts actions."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from partnerdesk.core import audit
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, FieldError, invalid
from partnerdesk.customers.models import Customer

from ..models import User
from ..permissions import CUSTOMER_ROLES, STAFF_ROLES, Role


def check_password(password: str, user: User | None = None, field: str = "password") -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(
            "validation_failed",
            _("The password is not strong enough."),
            status=422,
            errors=[FieldError(field, " ".join(str(m) for m in exc.messages), "weak_password")],
        ) from exc


def check_email(email: str, field: str = "email") -> None:
    try:
        validate_email(email)
    except ValidationError:
        raise invalid(field, _("Enter a valid e-mail address."), "invalid_email") from None


def too_many_sign_in_failures() -> DomainError:
    return DomainError(
        "too_many_attempts",
        _("Too many failed sign-ins. Wait 15 minutes and try again."),
        status=429,
    )


def check_role_and_customer(actor: Actor, *, role: str, customer: Customer | None) -> None:
    if role not in Role.values:
        raise invalid("role", _("Unknown role."))
    if role in CUSTOMER_ROLES and customer is None:
        raise invalid("customer", _("A contact or customer manager belongs to a customer."))
    if role in STAFF_ROLES and customer is not None:
        raise invalid("customer", _("Partner staff do not belong to a customer."))
    if customer is not None and customer.partner_id != actor.partner_id:
        raise invalid("customer", _("Unknown customer."))


def record_for_each_workspace(user: User, action: str, reason: str) -> None:
    """Audit a change to a person (not to one membership) in every workspace they belong to."""
    for membership in user.memberships.all():
        audit.record(Actor.system(partner_id=membership.partner_id, reason=reason), action, user)
