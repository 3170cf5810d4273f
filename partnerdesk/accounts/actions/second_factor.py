"""The second factor: enrolment, verification, recovery codes, resets."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnerdesk.core import audit, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, invalid

from .. import mfa
from ..models import Membership, User
from ._checks import record_for_each_workspace


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
            record_for_each_workspace(user, "mfa.enrolled", reason="mfa")
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
            record_for_each_workspace(user, "mfa.recovery_code_used", reason="mfa")
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
