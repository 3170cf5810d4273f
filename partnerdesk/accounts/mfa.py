"""TOTP second factor and recovery codes, on django-otp's devices."""

from __future__ import annotations

import secrets
from base64 import b32encode

import segno
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

RECOVERY_CODE_COUNT = 10
ISSUER = "Partnerdesk"


def user_has_confirmed_mfa(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled, made on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)
    return device


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def provisioning_uri(device: TOTPDevice) -> str:
    return str(device.config_url).replace("otpauth://totp/", f"otpauth://totp/{ISSUER}:", 1)


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
    return [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODE_COUNT)]


def store_recovery_codes(user: User, codes: list[str]) -> None:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    device.token_set.all().delete()
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])


def remaining_recovery_codes(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def match_device(user: User, code: str) -> TOTPDevice | StaticDevice | None:
    """The confirmed device that accepts `code` (a recovery code is used up), or None.

    django-otp throttles each device after repeated failures, so guessing is slow.
    """
    code = code.strip().replace(" ", "")
    totp = confirmed_totp_device(user)
    if (
        totp is not None
        and code.isdigit()
        and totp.verify_is_allowed()[0]
        and totp.verify_token(code)
    ):
        return totp
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(code.lower()):
            return device
    return None


def remove_all_devices(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
