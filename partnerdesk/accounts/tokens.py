"""Secrets handed to people once (API tokens, invitation and reset links): make and digest."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "pd_"  # noqa: S105 - a prefix, not a secret


def new_secret(prefix: str = TOKEN_PREFIX) -> str:
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
