"""An HTX API key: an access key with its HMAC secret key, or with an Ed25519 private key."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from attrs import Attribute, Factory, field, frozen

from ._ed25519 import check_private_key
from ._errors import InvalidRequestError

__all__ = ["ACCESS_KEY_ENV", "ACCOUNT_ID_ENV", "SECRET_KEY_ENV", "Credentials"]

ACCESS_KEY_ENV = "HTX_ACCESS_KEY"
SECRET_KEY_ENV = "HTX_SECRET_KEY"  # noqa: S105 - the variable's name, not a secret
ACCOUNT_ID_ENV = "HTX_ACCOUNT_ID"


def _check_access_key(_instance: Any, _attribute: Attribute[str], value: object) -> None:
    # The access key is public (it travels in every URL), so naming it helps.
    if not isinstance(value, str):
        raise InvalidRequestError(f"access_key must be a str; got {type(value).__name__}")
    if not value:
        raise InvalidRequestError("access_key is empty")
    if value != value.strip():
        raise InvalidRequestError(f"access_key has leading or trailing whitespace: {value!r}")


def _check_secret_key(_instance: Any, _attribute: Attribute[str | None], value: object) -> None:
    # Never put the secret's value in a message: messages end up in logs.
    if value is None:
        return  # an Ed25519 key instead (checked in __attrs_post_init__)
    if not isinstance(value, str):
        raise InvalidRequestError(f"secret_key must be a str; got {type(value).__name__}")
    if not value:
        raise InvalidRequestError("secret_key is empty")
    if value != value.strip():
        raise InvalidRequestError("secret_key has leading or trailing whitespace")


def _check_private_key(
    _instance: Any, _attribute: Attribute[str | bytes | None], value: object
) -> None:
    if value is not None:
        check_private_key(value)


def _check_account_id(_instance: Any, _attribute: Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        raise InvalidRequestError(f"account_id must be a str; got {type(value).__name__}")
    if not value or value != value.strip():
        raise InvalidRequestError(f"account_id is empty or has surrounding whitespace: {value!r}")


@frozen
class Credentials:
    """An HTX access key and how its requests are signed; no secret appears in repr or str.

    HTX has two kinds of API key. An HMAC key comes with a secret key (``secret_key``:
    requests are signed with HmacSHA256). An Ed25519 key is registered with the public half of
    a key pair the user made: give the private half as ``private_key``, PEM text (``-----BEGIN
    PRIVATE KEY-----``, as HTX's own SDKs load it) or the raw 32 bytes, and requests are signed
    with Ed25519 (this needs ``pip install 'htx-swap[ed25519]'``). Exactly one of the two.

    ``account_id`` names the HTX account (UID) the key belongs to. HTX counts its rate limits
    per account, so clients with different keys of one account share their windows through a
    rate-limit store under this name; by default each key is its own account.
    """

    access_key: str = field(validator=_check_access_key)
    secret_key: str | None = field(default=None, repr=False, validator=_check_secret_key)
    private_key: str | bytes | None = field(
        default=None, repr=False, kw_only=True, validator=_check_private_key
    )
    account_id: str = field(
        default=Factory(lambda self: self.access_key, takes_self=True),
        kw_only=True,
        validator=_check_account_id,
    )

    def __attrs_post_init__(self) -> None:
        if (self.secret_key is None) == (self.private_key is None):
            raise InvalidRequestError(
                "give exactly one of secret_key (an HMAC key) and private_key (an Ed25519 key)"
            )

    @property
    def signature_method(self) -> str:
        """``HmacSHA256`` or ``Ed25519``: the ``SignatureMethod`` these credentials sign with."""
        return "HmacSHA256" if self.private_key is None else "Ed25519"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Credentials:
        """Read ``HTX_ACCESS_KEY`` and ``HTX_SECRET_KEY``, and ``HTX_ACCOUNT_ID`` if set (from
        ``os.environ`` by default)."""
        env = os.environ if environ is None else environ
        missing = [name for name in (ACCESS_KEY_ENV, SECRET_KEY_ENV) if not env.get(name)]
        if missing:
            names = " and ".join(missing)
            subject = "environment variable" if len(missing) == 1 else "environment variables"
            verb = "is" if len(missing) == 1 else "are"
            raise InvalidRequestError(f"{subject} {names} {verb} not set or empty")
        access_key = env[ACCESS_KEY_ENV]
        return cls(
            access_key=access_key,
            secret_key=env[SECRET_KEY_ENV],
            account_id=env.get(ACCOUNT_ID_ENV) or access_key,
        )
