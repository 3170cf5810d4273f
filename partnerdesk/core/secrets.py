"""Secrets encrypted at rest under a key derived from SECRET_KEY, one context per use.

The same scheme as `mail.secrets` (Fernet under an HKDF-derived key; every key in SECRET_KEY
and SECRET_KEY_FALLBACKS is tried, newest first), with the HKDF context as an argument so a
value encrypted for one use cannot be read as another's. Changing a context makes every
secret stored under it unreadable.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class SecretUnreadable(Exception):
    """The stored secret was encrypted under a key this installation no longer has."""


def _fernet_for(secret_key: str, context: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"partnerdesk.secrets", info=context.encode()
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _keys(context: str) -> MultiFernet:
    fallbacks = list(getattr(settings, "SECRET_KEY_FALLBACKS", []) or [])
    return MultiFernet([_fernet_for(str(k), context) for k in [settings.SECRET_KEY, *fallbacks]])


def encrypt(plain: str, *, context: str) -> str:
    if not plain:
        return ""
    return _keys(context).encrypt(plain.encode()).decode("ascii")


def decrypt(token: str, *, context: str) -> str:
    if not token:
        return ""
    try:
        return _keys(context).decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError, ValueError):
        raise SecretUnreadable from None


def reencrypt(token: str, *, context: str) -> str:
    if not token:
        return ""
    try:
        return _keys(context).rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError, ValueError):
        raise SecretUnreadable from None
