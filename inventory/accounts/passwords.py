"""Password hashing with argon2id."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 "low memory" profile
# A real hash to verify against when the account does not exist, so a wrong user name
# costs the same time as a wrong password and timing does not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("not-a-password")


def use_fast_hashing() -> None:
    """Switch to cheap parameters; for the test suite only, where thousands of hashes are made."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    _DUMMY_HASH = _hasher.hash("not-a-password")


def hash_password(password: str) -> str:
    """Return the argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Tell whether the password matches; a missing hash still spends the verification time."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Tell whether a stored hash was made with parameters other than the current ones."""
    return _hasher.check_needs_rehash(password_hash)
