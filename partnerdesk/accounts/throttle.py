"""Sign-in throttling: failures counted per account and per address, shared by all processes."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from partnerdesk.core import clock

from .models import LoginFailure

WINDOW = timedelta(minutes=15)
MAX_PER_ACCOUNT = 5
MAX_PER_ADDRESS = 30


def _account_key(email: str) -> str:
    return "email:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:40]


def _address_key(address: str) -> str:
    return "ip:" + address[:60]


def is_throttled(*, email: str, address: str) -> bool:
    """Whether sign-ins to this account, or from this address, are locked for now.

    An unknown address (empty) is not counted as one: it would lock everyone without one.
    """
    since = clock.now() - WINDOW
    recent = LoginFailure.objects.filter(at__gte=since)
    if recent.filter(key=_account_key(email)).count() >= MAX_PER_ACCOUNT:
        return True
    return bool(address) and recent.filter(key=_address_key(address)).count() >= MAX_PER_ADDRESS


def record_failure(*, email: str, address: str) -> None:
    now = clock.now()
    keys = [_account_key(email)] + ([_address_key(address)] if address else [])
    LoginFailure.objects.bulk_create([LoginFailure(key=key, at=now) for key in keys])


def clear_account(*, email: str) -> None:
    LoginFailure.objects.filter(key=_account_key(email)).delete()


def prune() -> int:
    deleted, _ = LoginFailure.objects.filter(at__lt=clock.now() - WINDOW).delete()
    return deleted
