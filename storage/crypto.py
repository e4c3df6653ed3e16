"""Encryption at rest for secrets kept in the database (the two-factor keys).

A column of type :class:`EncryptedString` holds ``enc1:<Fernet token>``: AES-128-CBC with
an HMAC-SHA256, from the ``cryptography`` package. Someone with a copy of the database or
a backup, but not the key, cannot generate anyone's sign-in codes.

The keys come from ``DATA_ENCRYPTION_KEYS`` (Fernet keys, comma-separated): the first
encrypts, all are tried when reading, so a key can be rotated by putting the new one
first and running ``flask --app app reencrypt-secrets``. Without it the key is derived
from ``SECRET_KEY`` (HKDF-SHA256), so rotating ``SECRET_KEY`` then needs the old value
kept in ``DATA_ENCRYPTION_KEYS`` until the secrets are re-encrypted.

A value written before encryption was introduced (no ``enc1:`` prefix) is still read,
and is encrypted the next time it is written or by ``reencrypt-secrets``.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import String
from sqlalchemy.types import TypeDecorator

PREFIX = "enc1:"
_fernet: MultiFernet | None = None
_current: Fernet | None = None  # the first key, which encrypts


class DecryptionError(RuntimeError):
    """A stored secret cannot be decrypted with the configured keys."""


def key_from_secret(secret_key: str) -> str:
    """A Fernet key derived from ``SECRET_KEY``, for deployments that set no key of their own."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"onepanel-data-encryption", info=b"v1").derive(
        secret_key.encode("utf-8")
    )
    return base64.urlsafe_b64encode(raw).decode("ascii")


def configure(keys: Sequence[str], secret_key: str | None = None) -> None:
    """Set the keys: ``keys`` in order of use, or one derived from ``secret_key``.

    Raises ValueError naming the problem when a key is not a Fernet key.
    """
    global _fernet, _current
    chosen = [k.strip() for k in keys if k and k.strip()]
    if not chosen:
        if not secret_key:
            raise ValueError("DATA_ENCRYPTION_KEYS or SECRET_KEY must be set to encrypt secrets")
        chosen = [key_from_secret(secret_key)]
    fernets = []
    for n, key in enumerate(chosen, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError) as exc:
            raise ValueError(
                f"DATA_ENCRYPTION_KEYS: key {n} is not a Fernet key (32 bytes, URL-safe base64; "
                "make one with: python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
            ) from exc
    _fernet, _current = MultiFernet(fernets), fernets[0]


def _keys() -> MultiFernet:
    if _fernet is None:
        raise DecryptionError("encryption keys are not configured (create_app configures them)")
    return _fernet


def encrypt(text: str) -> str:
    return PREFIX + _keys().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(value: str) -> str:
    if not value.startswith(PREFIX):
        return value  # written before encryption: read as it is, encrypted when next saved
    try:
        return _keys().decrypt(value[len(PREFIX):].encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise DecryptionError(
            "A stored secret could not be decrypted: DATA_ENCRYPTION_KEYS (or SECRET_KEY) is not "
            "the key it was encrypted with. Put the old key in DATA_ENCRYPTION_KEYS after the new one."
        ) from exc


def is_encrypted_with_current_key(value: str) -> bool:
    """Whether ``value`` is encrypted and its token was made with the first key."""
    _keys()  # configured, or a clear error
    if not value.startswith(PREFIX) or _current is None:
        return False
    try:
        _current.decrypt(value[len(PREFIX):].encode("ascii"))
    except InvalidToken:
        return False
    return True


class EncryptedString(TypeDecorator[str]):
    """A string column stored encrypted; Python code sees the plain value."""

    impl = String(255)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else encrypt(str(value))

    def process_result_value(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else decrypt(value)
