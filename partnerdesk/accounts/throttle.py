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
    since = clock.now() - WINDOW
    recent = LoginFailure.objects.filter(at__gte=since)
    return (
        recent.filter(key=_account_key(email)).count() >= MAX_PER_ACCOUNT
        or recent.filter(key=_address_key(address)).count() >= MAX_PER_ADDRESS
    )


def record_failure(*, email: str, address: str) -> None:
    now = clock.now()
    LoginFailure.objects.bulk_create(
        [
            LoginFailure(key=_account_key(email), at=now),
            LoginFailure(key=_address_key(address), at=now),
        ]
    )


def clear_account(*, email: str) -> None:
    LoginFailure.objects.filter(key=_account_key(email)).delete()


def prune() -> int:
    deleted, _ = LoginFailure.objects.filter(at__lt=clock.now() - WINDOW).delete()
    return deleted
