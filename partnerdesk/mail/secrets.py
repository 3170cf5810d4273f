"""The mailbox's password (or, for XOAUTH2, the OAuth client secret), encrypted at rest.

The secret is encrypted with Fernet (AES-128-CBC with HMAC-SHA256) under a key derived from
Django's SECRET_KEY with HKDF and a fixed context, so the database alone does not give the
mailbox away. It is written once from the settings form and never shown again: the form asks
for a new one or keeps the stored one.

Rotating SECRET_KEY: move the old key into SECRET_KEY_FALLBACKS (as Django does for signed
cookies). Stored secrets still decrypt, since every key in SECRET_KEY and SECRET_KEY_FALLBACKS
is tried, newest first; `reencrypt` (or saving the mailbox with a new password) writes them
under the new key. Remove the old key from the fallbacks only once every mailbox has been
saved again, or the mailboxes still encrypted under it stop polling with "the stored password
cannot be read" until an admin enters it again.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# Fixed HKDF context: changing either value makes every stored secret unreadable.
_SALT = b"partnerdesk.mail.secrets"
_INFO = b"mailbox secret v1"


class SecretUnreadable(Exception):
    """The stored secret was encrypted under a key this installation no longer has."""


def _fernet_for(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=_INFO).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _keys() -> MultiFernet:
    fallbacks = list(getattr(settings, "SECRET_KEY_FALLBACKS", []) or [])
    return MultiFernet([_fernet_for(str(k)) for k in [settings.SECRET_KEY, *fallbacks]])


def encrypt(plain: str) -> str:
    """The secret, encrypted under the current SECRET_KEY, as text for a TextField."""
    return _keys().encrypt(plain.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The plain secret; SecretUnreadable if no current or fallback key opens it."""
    if not token:
        return ""
    try:
        return _keys().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError, ValueError):
        raise SecretUnreadable from None


def reencrypt(token: str) -> str:
    """The same secret under the current SECRET_KEY (after a rotation)."""
    if not token:
        return ""
    try:
        return _keys().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError, ValueError):
        raise SecretUnreadable from None
