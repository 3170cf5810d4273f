"""TOTP second factor and recovery codes, on django-otp's devices."""

from __future__ import annotations

import math
import secrets
from base64 import b32encode
from urllib.parse import quote, urlencode

import segno
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnerdesk.core import clock

from .models import User

RECOVERY_CODE_COUNT = 10
ISSUER = "Partnerdesk"


def user_has_confirmed_mfa(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled, made on first call.

    The oldest pending device wins, so two tabs opened at once show the same secret.
    """
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk")
    device = pending.first()
    if device is None:
        TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)
        device = pending.first()
    assert device is not None
    return device


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def provisioning_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI of the QR code: issuer in the label and as a parameter, as the
    key URI format asks, so apps file the entry under Partnerdesk."""
    params = {
        "secret": secret_of(device),
        "algorithm": "SHA1",
        "digits": device.digits,
        "period": device.step,
        "issuer": ISSUER,
    }
    label = f"{quote(ISSUER)}:{quote(device.user.get_username())}"
    return f"otpauth://totp/{label}?{urlencode(params)}"


def secret_of(device: TOTPDevice) -> str:
    """The base32 secret, for typing into an app that cannot scan."""
    return str(b32encode(device.bin_key).decode().rstrip("="))


def qr_svg(uri: str) -> str:
    """The enrolment QR code as inline SVG (no external image, nothing for CSP to allow)."""
    return str(segno.make(uri, error="m").svg_inline(scale=4, dark="#111", light="#fff"))


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator would show now (used by the test kit)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def new_recovery_codes() -> list[str]:
    """Codes as shown to the person: 64 random bits as two groups of 8 hex digits."""
    return [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODE_COUNT)]


def store_recovery_codes(user: User, codes: list[str]) -> None:
    """Stored without the dash: django-otp's token column holds 16 characters, and
    PostgreSQL (unlike SQLite) refuses anything longer."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    device.token_set.all().delete()
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=normalise_code(code)) for code in codes]
    )


def remaining_recovery_codes(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def _retry_delay(device: Device) -> float:
    allowed, _ = device.verify_is_allowed()
    if allowed or device.throttling_failure_timestamp is None:
        return 0.0
    required = device.get_throttle_factor() * 2 ** (device.throttling_failure_count - 1)
    waited = (clock.now() - device.throttling_failure_timestamp).total_seconds()
    return max(required - waited, 0.0)


def seconds_until_retry(devices: list[Device]) -> int:
    """How long until codes may be tried again after wrong ones (0: now).

    django-otp doubles the delay with each wrong code (1 s, 2 s, 4 s, …), so guessing is slow;
    the person is told how long to wait instead of being told a right code is wrong.
    """
    return math.ceil(max((_retry_delay(d) for d in devices), default=0.0))


def lock_devices(user: User) -> list[Device]:
    """The user's confirmed devices, locked until the transaction ends: two requests with
    the same code (or recovery code) are checked one after the other, so it works once."""
    totp = list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True))
    static = list(StaticDevice.objects.select_for_update().filter(user=user, confirmed=True))
    return [*totp, *static]


def normalise_code(code: str) -> str:
    """A code as typed (spaces, dashes, capitals) in the form it is compared in."""
    return "".join(code.split()).replace("-", "").lower()


def match_device(user: User, code: str) -> TOTPDevice | StaticDevice | None:
    """The confirmed device that accepts `code` (a recovery code is used up), or None.

    Call it inside a transaction after `lock_devices`; each failure slows the next try.
    """
    code = normalise_code(code)
    totp = confirmed_totp_device(user)
    if (
        totp is not None
        and code.isdigit()
        and totp.verify_is_allowed()[0]
        and totp.verify_token(code)
    ):
        return totp
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(code):
            return device
    return None


def remove_all_devices(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
