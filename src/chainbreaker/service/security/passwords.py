"""Password and API-key hashing.

Passwords are low-entropy secrets chosen by people, so they get argon2id (slow on purpose, salted).
API keys are 256-bit random strings made by us; a slow hash would add tens of milliseconds to every
API call without adding safety, so they get SHA-256 and are found by their public prefix.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from chainbreaker.core.errors import InputError

_HASHER = PasswordHasher()
#: Hash compared when the user does not exist, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("chainbreaker-timing-equaliser")

MIN_PASSWORD_LENGTH = 12
API_KEY_PREFIX = "cbk_"


def hash_password(password: str) -> str:
    """An argon2id hash of a new password, refusing passwords too short to resist guessing."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-effort check: an unknown user still costs one argon2 verification."""
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_api_key() -> tuple[str, str, str]:
    """A fresh key as (full key shown once, public prefix stored in clear, hash stored)."""
    prefix = API_KEY_PREFIX + secrets.token_hex(4)
    key = f"{prefix}.{secrets.token_urlsafe(32)}"
    return key, prefix, hash_api_key(key)


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def split_api_key(key: str) -> str | None:
    """The prefix of a well-formed key, or None for anything else."""
    prefix, dot, rest = key.partition(".")
    if not dot or not prefix.startswith(API_KEY_PREFIX) or len(prefix) != len(API_KEY_PREFIX) + 8 or not rest:
        return None
    return prefix


def api_key_matches(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_api_key(key), stored_hash)
