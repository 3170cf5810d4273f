"""Password resets by e-mail."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from partnerdesk.core.errors import DomainError
from partnerdesk.mail.outbound import queue_templated_mail

from .. import throttle
from ..models import User
from ._checks import check_password, record_for_each_workspace


def request_password_reset(*, email: str) -> None:
    """Mail a reset link if the address belongs to an active person; silent otherwise."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    membership = user.memberships.filter(is_active=True).order_by("created_at").first()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    with transaction.atomic(durable=True):
        queue_templated_mail(
            to=user.email,
            template="accounts/mail/password_reset",
            context={"name": user.full_name, "path": f"/accounts/reset/{uid}/{token}/"},
            language=user.language,
            partner_id=membership.partner_id if membership else None,
        )
        record_for_each_workspace(user, "password.reset_requested", reason="password reset")


def reset_link_invalid() -> DomainError:
    return DomainError(
        "reset_link_invalid",
        _("This password reset link is not valid any more. Request a new one."),
        status=400,
    )


def reset_password(*, user: User, token: str, password: str) -> None:
    """Set a new password from a valid reset link; the link then stops working."""
    if not default_token_generator.check_token(user, token):
        raise reset_link_invalid()
    check_password(password, user)
    with transaction.atomic(durable=True):
        user.set_password(password)
        user.save(update_fields=["password"])
        # Whoever reset it controls the mailbox: a lock from someone else's guesses ends.
        throttle.clear_account(email=user.email)
        record_for_each_workspace(user, "password.reset", reason="password reset")
