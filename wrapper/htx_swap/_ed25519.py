"""Ed25519 keys for HTX's second signature method, through the optional ``cryptography`` package.

Loaded only for credentials that carry an Ed25519 private key: ``import htx_swap`` never
imports ``cryptography`` (install it with ``pip install 'htx-swap[ed25519]'``).
"""

from __future__ import annotations

import base64
from typing import Any

from ._errors import InvalidRequestError

__all__ = ["check_private_key", "load_private_key", "sign"]

_PEM_MARK = b"-----BEGIN "
_RAW_SIZE = 32


def check_private_key(key: object) -> None:
    """Refuse what cannot be an Ed25519 private key, without naming any of its bytes."""
    if isinstance(key, str):
        if _PEM_MARK.decode() not in key:
            raise InvalidRequestError(
                "private_key as a str must be PEM (-----BEGIN PRIVATE KEY-----); "
                "give the raw key as 32 bytes"
            )
        return
    if isinstance(key, bytes):
        if _PEM_MARK not in key and len(key) != _RAW_SIZE:
            raise InvalidRequestError(
                f"private_key as bytes must be PEM or the raw {_RAW_SIZE}-byte key; "
                f"got {len(key)} bytes"
            )
        return
    raise InvalidRequestError(f"private_key must be PEM text or bytes; got {type(key).__name__}")


def load_private_key(key: str | bytes) -> Any:
    """The ``Ed25519PrivateKey`` that ``key`` (PEM, or the raw 32 bytes) holds."""
    check_private_key(key)
    try:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import (
            Ed25519PrivateKey,
        )
        from cryptography.hazmat.primitives.serialization import (
            load_pem_private_key,
        )
    except ImportError:
        raise InvalidRequestError(
            "an Ed25519 private key needs the cryptography package: pip install 'htx-swap[ed25519]'"
        ) from None
    data = key.encode("utf-8") if isinstance(key, str) else key
    try:
        if _PEM_MARK not in data:
            return Ed25519PrivateKey.from_private_bytes(data)
        loaded = load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        # cryptography's message could quote the input: say only what kind of problem it is.
        raise InvalidRequestError(
            "private_key is not an unencrypted Ed25519 private key (PEM or raw 32 bytes)"
        ) from None
    if not isinstance(loaded, Ed25519PrivateKey):
        raise InvalidRequestError(
            f"private_key is a {type(loaded).__name__.removeprefix('_')}, not an Ed25519 key"
        )
    return loaded


def sign(private_key: Any, text: str) -> str:
    """Base64 of the 64-byte Ed25519 signature of ``text`` (UTF-8), as HTX's step 8 asks."""
    return base64.b64encode(private_key.sign(text.encode("utf-8"))).decode("ascii")
