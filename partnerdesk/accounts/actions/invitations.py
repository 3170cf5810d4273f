"""Inviting people by e-mail and accepting invitations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, invalid
from partnerdesk.customers.models import Customer
from partnerdesk.mail.outbound import queue_templated_mail
from partnerdesk.partners.selectors import workspace_name

from .. import access, selectors, throttle
from ..models import Invitation, Membership, User
from ..permissions import STAFF_ROLES, Role
from ..tokens import digest, new_secret
from ._checks import check_email, check_password, check_role_and_customer, too_many_sign_in_failures

INVITATION_LIFETIME = timedelta(days=7)


def invite_person(
    actor: Actor,
    *,
    email: str,
    role: str,
    full_name: str = "",
    customer: Customer | None = None,
    language: str = "",
    limited_customers: Sequence[Customer] | None = None,
) -> Invitation:
    """Invite someone by e-mail; the link in the mail is the only copy of the secret.

    `limited_customers` (staff only) limits the new member to those customers from the
    moment they accept; None or empty means every customer."""
    policies.require(actor, "staff.manage")
    check_role_and_customer(actor, role=role, customer=customer)
    _check_limits(actor, role=role, customers=limited_customers)
    email = email.strip().lower()
    check_email(email)
    if selectors.is_member_email(actor, email=email):
        raise invalid("email", _("This person is already a member of the workspace."), "taken")
    now = clock.now()
    if selectors.has_open_invitation(actor, email=email, now=now):
        raise invalid(
            "email",
            _("This address already has an open invitation; send that one again instead."),
            "taken",
        )
    secret = new_secret("inv_")
    with transaction.atomic(durable=True):
        invitation = Invitation.objects.create(
            partner_id=actor.workspace_id,
            email=email,
            full_name=full_name,
            role=role,
            customer=customer,
            digest=digest(secret),
            invited_by_id=actor.membership_id,
            created_at=now,
            expires_at=now + INVITATION_LIFETIME,
            is_customer_limited=bool(limited_customers),
        )
        if limited_customers:
            invitation.limited_customers.set(limited_customers)
        workspace = workspace_name(actor)
        queue_templated_mail(
            to=email,
            template="accounts/mail/invitation",
            context={
                "workspace": workspace,
                "inviter": actor.display_name,
                "role": Role(role).label,
                "path": f"/accounts/invitation/{secret}/",
                "expires_at": invitation.expires_at,
                "has_account": access.find_user_by_email(email) is not None,
            },
            language=language or actor.language,
            partner_id=actor.workspace_id,
        )
        audit.record(
            actor,
            "invitation.sent",
            invitation,
            customer_id=customer.pk if customer else None,
            data={
                "role": role,
                "limited_customer_ids": sorted(str(c.pk) for c in limited_customers or []),
            },
            personal={"email": email},
        )
    return invitation


def _check_limits(actor: Actor, *, role: str, customers: Sequence[Customer] | None) -> None:
    if not customers:
        return
    if role not in STAFF_ROLES:
        raise invalid("limited_customers", _("Only partner staff are limited to customers."))
    if any(c.partner_id != actor.workspace_id for c in customers):
        raise invalid("limited_customers", _("Unknown customer."))


def _usable_invitation(secret: str) -> Invitation:
    invitation = access.find_invitation_by_secret(secret)
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.revoked_at is not None
        or invitation.expires_at < clock.now()
    ):
        raise DomainError(
            "invitation_invalid",
            _("This invitation link is not valid any more. Ask for a new invitation."),
            status=404,
        )
    return invitation


def check_invitation(secret: str) -> Invitation:
    """The open invitation behind a link, or a clear error."""
    return _usable_invitation(secret)


def accept_invitation(
    *, secret: str, full_name: str, password: str, address: str = ""
) -> Membership:
    """Create the person's account and membership from an invitation link.

    Someone who already has an account (in another workspace, say) joins with it and proves
    it with its password: the link alone must not sign anyone into an existing account, and
    guesses count towards the same lock as guesses at the sign-in page.
    """
    invitation = _usable_invitation(secret)
    existing = access.find_user_by_email(invitation.email)
    if existing is None:
        if not full_name.strip():
            raise invalid("full_name", _("Enter your name."), "required")
        check_password(password, User(email=invitation.email, full_name=full_name))
    elif throttle.is_throttled(email=existing.email, address=address):
        raise too_many_sign_in_failures()
    elif not existing.is_active or not existing.check_password(password):
        throttle.record_failure(email=existing.email, address=address)
        raise invalid(
            "password",
            _("This is not the password of your existing account."),
            "wrong_password",
        )
    system = Actor.system(partner_id=invitation.partner_id, reason="invitation")
    try:
        with transaction.atomic(durable=True):
            claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
                accepted_at=clock.now()
            )
            if not claimed:
                raise DomainError(
                    "invitation_invalid", _("This invitation was already used."), status=404
                )
            user = existing or User.objects.create_user(
                invitation.email, password, full_name=full_name.strip()
            )
            membership = Membership.objects.create(
                partner_id=invitation.partner_id,
                user=user,
                role=invitation.role,
                customer=invitation.customer,
                created_at=clock.now(),
                is_customer_limited=invitation.is_customer_limited,
            )
            if invitation.is_customer_limited:
                membership.limited_customers.set(invitation.limited_customers.all())
            audit.record(
                system,
                "invitation.accepted",
                membership,
                customer_id=invitation.customer_id,
                data={"role": invitation.role},
                personal={"email": user.email},
            )
    except IntegrityError as exc:
        raise DomainError(
            "invitation_invalid",
            _("This person is already a member of the workspace."),
            status=409,
        ) from exc
    return membership


def revoke_invitation(actor: Actor, *, invitation: Invitation) -> Invitation:
    """Withdraw an open invitation: its link stops working at once. Revoking twice changes
    nothing; an accepted invitation cannot be withdrawn (change the member instead)."""
    policies.require(actor, "staff.manage")
    if invitation.revoked_at is not None:
        return invitation
    if invitation.accepted_at is not None:
        raise DomainError(
            "invitation_accepted",
            _("This invitation was already accepted; change the member instead."),
            status=409,
        )
    with transaction.atomic(durable=True):
        invitation.revoked_at = clock.now()
        invitation.save(update_fields=["revoked_at"])
        audit.record(actor, "invitation.revoked", invitation, customer_id=invitation.customer_id)
    return invitation


def resend_invitation(actor: Actor, *, invitation: Invitation, language: str = "") -> Invitation:
    """Send an open invitation again with a fresh link and a fresh week; the old link stops
    working (only the digest of the newest secret is kept)."""
    policies.require(actor, "staff.manage")
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise DomainError(
            "invitation_closed",
            _("This invitation was accepted or withdrawn; invite the person again."),
            status=409,
        )
    secret = new_secret("inv_")
    now = clock.now()
    with transaction.atomic(durable=True):
        invitation.digest = digest(secret)
        invitation.expires_at = now + INVITATION_LIFETIME
        invitation.save(update_fields=["digest", "expires_at"])
        queue_templated_mail(
            to=invitation.email,
            template="accounts/mail/invitation",
            context={
                "workspace": workspace_name(actor),
                "inviter": actor.display_name,
                "role": Role(invitation.role).label,
                "path": f"/accounts/invitation/{secret}/",
                "expires_at": invitation.expires_at,
                "has_account": access.find_user_by_email(invitation.email) is not None,
            },
            language=language or actor.language,
            partner_id=actor.workspace_id,
        )
        audit.record(
            actor,
            "invitation.resent",
            invitation,
            customer_id=invitation.customer_id,
            personal={"email": invitation.email},
        )
    return invitation
