"""Passwords are hashed with Argon2id at OWASP's parameters; older hashes still work."""

from __future__ import annotations

from django.contrib.auth.hashers import (
    Argon2PasswordHasher as DjangoArgon2,
)
from django.contrib.auth.hashers import (
    check_password,
    get_hasher,
    identify_hasher,
)

from partnerdesk.accounts.hashers import Argon2PasswordHasher


def test_a_new_password_is_argon2id_with_19_mib_2_passes_1_lane() -> None:
    hasher = get_hasher("argon2")
    assert isinstance(hasher, Argon2PasswordHasher)
    encoded = hasher.encode("correct horse battery", hasher.salt())
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password("correct horse battery", encoded, preferred="argon2")


def test_a_hash_made_with_djangos_parameters_verifies_and_is_upgraded() -> None:
    old = DjangoArgon2()
    encoded = old.encode("correct horse battery", old.salt())
    assert "m=102400" in encoded
    upgraded: list[str] = []
    assert check_password(
        "correct horse battery", encoded, setter=upgraded.append, preferred="argon2"
    )
    assert upgraded == ["correct horse battery"]
    assert identify_hasher(encoded).must_update(encoded)
