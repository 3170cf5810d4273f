"""Every write to people and access: memberships, invitations, passwords, MFA, API tokens."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, FieldError, invalid
from partnerdesk.customers.models import Customer
from partnerdesk.customers.selectors import customers_by_ids
from partnerdesk.mail.outbound import queue_templated_mail
from partnerdesk.partners.selectors import workspace_name

from . import access, mfa, selectors, throttle
from .models import ApiToken, Invitation, Membership, User
from .permissions import CUSTOMER_ROLES, STAFF_ROLES, Role
from .tokens import digest, new_secret

INVITATION_LIFETIME = timedelta(days=7)


def _check_password(password: str, user: User | None = None, field: str = "password") -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(
            "validation_failed",
            _("The password is not strong enough."),
            status=422,
            errors=[FieldError(field, " ".join(str(m) for m in exc.messages), "weak_password")],
        ) from exc


def _check_email(email: str, field: str = "email") -> None:
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


def _check_role_and_customer(actor: Actor, *, role: str, customer: Customer | None) -> None:
    if role not in Role.values:
        raise invalid("role", _("Unknown role."))
    if role in CUSTOMER_ROLES and customer is None:
        raise invalid("customer", _("A contact or customer manager belongs to a customer."))
    if role in STAFF_ROLES and customer is not None:
        raise invalid("customer", _("Partner staff do not belong to a customer."))
    if customer is not None and customer.partner_id != actor.partner_id:
        raise invalid("customer", _("Unknown customer."))


def _record_for_each_workspace(user: User, action: str, reason: str) -> None:
    """Audit a change to a person (not to one membership) in every workspace they belong to."""
    for membership in user.memberships.all():
        audit.record(Actor.system(partner_id=membership.partner_id, reason=reason), action, user)


# --- people ------------------------------------------------------------------------------------


def create_member(
    actor: Actor,
    *,
    email: str,
    full_name: str,
    role: str,
    password: str | None,
    customer: Customer | None = None,
    language: str = "",
) -> Membership:
    """Add a person to the actor's workspace directly (set-up, demo data, the CLI)."""
    policies.require(actor, "staff.manage")
    _check_role_and_customer(actor, role=role, customer=customer)
    _check_email(email.strip())
    with transaction.atomic(durable=True):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            user = User.objects.create_user(email, password, full_name=full_name, language=language)
        if Membership.objects.filter(user=user, partner_id=actor.workspace_id).exists():
            raise invalid("email", _("This person is already a member of the workspace."), "taken")
        membership = Membership.objects.create(
            partner_id=actor.workspace_id,
            user=user,
            role=role,
            customer=customer,
            created_at=clock.now(),
        )
        audit.record(
            actor,
            "member.created",
            membership,
            customer_id=customer.pk if customer else None,
            data={"role": role},
            personal={"email": user.email},
        )
    return membership


def change_staff_access(
    actor: Actor,
    *,
    membership: Membership,
    role: str | None = None,
    limited_customer_ids: Iterable[uuid.UUID] | None = None,
    is_customer_limited: bool | None = None,
    is_active: bool | None = None,
) -> Membership:
    """Change a staff member's role, customer limits or activity."""
    policies.require(actor, "staff.manage")
    if role is not None and role not in STAFF_ROLES:
        raise invalid("role", _("Choose a partner staff role."))
    if membership.pk == actor.membership_id and (
        role not in (None, actor.role) or is_active is False
    ):
        raise DomainError(
            "cannot_demote_self",
            _("You cannot change your own role or deactivate yourself; ask another admin."),
            status=409,
        )
    customers: list[Customer] | None = None
    if limited_customer_ids is not None:
        customers = customers_by_ids(actor, ids=list(limited_customer_ids))
        if len(customers) != len(set(limited_customer_ids)):
            raise invalid("limited_customer_ids", _("Unknown customer."))
    with transaction.atomic(durable=True):
        changes: dict[str, object] = {}
        if role is not None:
            membership.role = role
            changes["role"] = role
        if is_customer_limited is not None:
            membership.is_customer_limited = is_customer_limited
            changes["is_customer_limited"] = is_customer_limited
        if is_active is not None:
            membership.is_active = is_active
            changes["is_active"] = is_active
        membership.save()
        if customers is not None:
            membership.limited_customers.set(customers)
            changes["limited_customer_ids"] = sorted(str(c.pk) for c in customers)
        audit.record(actor, "member.access_changed", membership, data=changes)
    return membership


# --- invitations -------------------------------------------------------------------------------


def invite_person(
    actor: Actor,
    *,
    email: str,
    role: str,
    full_name: str = "",
    customer: Customer | None = None,
    language: str = "",
) -> Invitation:
    """Invite someone by e-mail; the link in the mail is the only copy of the secret."""
    policies.require(actor, "staff.manage")
    _check_role_and_customer(actor, role=role, customer=customer)
    email = email.strip().lower()
    _check_email(email)
    if selectors.is_member_email(actor, email=email):
        raise invalid("email", _("This person is already a member of the workspace."), "taken")
    secret = new_secret("inv_")
    now = clock.now()
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
        )
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
            data={"role": role},
            personal={"email": email},
        )
    return invitation


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
        _check_password(password, User(email=invitation.email, full_name=full_name))
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
            )
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


# --- passwords ---------------------------------------------------------------------------------


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
        _record_for_each_workspace(user, "password.reset_requested", reason="password reset")


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
    _check_password(password, user)
    with transaction.atomic(durable=True):
        user.set_password(password)
        user.save(update_fields=["password"])
        # Whoever reset it controls the mailbox: a lock from someone else's guesses ends.
        throttle.clear_account(email=user.email)
        _record_for_each_workspace(user, "password.reset", reason="password reset")


# --- multi-factor authentication ---------------------------------------------------------------


def _wait_for_retry(seconds: int) -> DomainError:
    return invalid(
        "code",
        ngettext_lazy(
            "Too many wrong codes. Wait %(seconds)d second, then try again.",
            "Too many wrong codes. Wait %(seconds)d seconds, then try again.",
            "seconds",
        )
        % {"seconds": seconds},
        "throttled",
    )


def start_totp_enrolment(*, user: User) -> TOTPDevice:
    """The authenticator being set up (made on the first visit), until a code confirms it."""
    with transaction.atomic(durable=True):
        return mfa.pending_totp_device(user)


def confirm_totp_enrolment(*, user: User, code: str) -> list[str]:
    """Confirm the pending authenticator with a code from it; returns fresh recovery codes."""
    with transaction.atomic(durable=True):
        device = TOTPDevice.objects.select_for_update().get(pk=mfa.pending_totp_device(user).pk)
        wait = mfa.seconds_until_retry([device])
        # A wrong code is remembered (it slows the next try) even though it raises below.
        accepted = not wait and device.verify_token(mfa.normalise_code(code))
        codes = mfa.new_recovery_codes() if accepted else []
        if accepted:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            mfa.store_recovery_codes(user, codes)
            _record_for_each_workspace(user, "mfa.enrolled", reason="mfa")
    if wait:
        raise _wait_for_retry(wait)
    if not accepted:
        raise invalid(
            "code", _("That code is not right. Check the time on your phone."), "wrong_code"
        )
    return codes


def verify_second_factor(*, user: User, code: str) -> Device:
    """The device that accepts `code` at sign-in: the authenticator, or a recovery code,
    which is used up. Wrong codes slow down the next try."""
    with transaction.atomic(durable=True):
        wait = mfa.seconds_until_retry(mfa.lock_devices(user))
        device = None if wait else mfa.match_device(user, code)
        if isinstance(device, StaticDevice):
            _record_for_each_workspace(user, "mfa.recovery_code_used", reason="mfa")
    if wait:
        raise _wait_for_retry(wait)
    if device is None:
        raise invalid("code", _("That code is not right, or was already used."), "wrong_code")
    return device


def regenerate_recovery_codes(actor: Actor) -> list[str]:
    """Replace the actor's recovery codes; the old ones stop working."""
    user = actor.user
    if user is None or mfa.confirmed_totp_device(user) is None:
        raise DomainError("mfa_not_enabled", _("Set up an authenticator first."), status=409)
    codes = mfa.new_recovery_codes()
    with transaction.atomic(durable=True):
        mfa.store_recovery_codes(user, codes)
        audit.record(actor, "mfa.recovery_codes_regenerated", user)
    return codes


def reset_member_mfa(actor: Actor, *, membership: Membership) -> None:
    """Remove a staff member's authenticator; they enrol again at their next sign-in."""
    policies.require(actor, "staff.manage")
    with transaction.atomic(durable=True):
        mfa.remove_all_devices(membership.user)
        audit.record(actor, "mfa.reset", membership)


def disable_own_mfa(actor: Actor) -> None:
    """A contact may turn the second factor off again; staff may not."""
    if actor.is_staff:
        raise DomainError(
            "mfa_mandatory",
            _("Multi-factor authentication is mandatory for partner staff."),
            status=403,
        )
    with transaction.atomic(durable=True):
        mfa.remove_all_devices(actor.user)
        audit.record(actor, "mfa.disabled", actor.user)


# --- API tokens --------------------------------------------------------------------------------


def create_api_token(actor: Actor, *, name: str) -> tuple[ApiToken, str]:
    """Make a personal token; the secret is returned once and never stored."""
    policies.require(actor, "tokens.own")
    if actor.via == "token":
        raise DomainError(
            "token_cannot_create_token",
            _("API tokens are created from a signed-in session, not with another token."),
            status=403,
        )
    name = name.strip()
    if not name:
        raise invalid("name", _("Give the token a name."), "required")
    if len(name) > 100:
        raise invalid("name", _("At most 100 characters."), "too_long")
    secret = new_secret()
    with transaction.atomic(durable=True):
        token = ApiToken.objects.create(
            partner_id=actor.workspace_id,
            membership_id=actor.own_membership_id,
            name=name,
            digest=digest(secret),
            prefix=secret[:10],
            created_at=clock.now(),
        )
        audit.record(actor, "token.created", token, data={"name": name})
    return token, secret


TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


def record_token_use(token: ApiToken) -> None:
    """Note when a token was last used, at most once a minute (no write on most requests)."""
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        # Conditional on the value read, so concurrent requests write once.
        ApiToken.objects.filter(pk=token.pk, last_used_at=token.last_used_at).update(
            last_used_at=now
        )


def revoke_api_token(actor: Actor, *, token: ApiToken) -> ApiToken:
    """Stop a token working at once. Revoking twice changes nothing."""
    if token.revoked_at is not None:
        return token
    with transaction.atomic(durable=True):
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, "token.revoked", token)
    return token
