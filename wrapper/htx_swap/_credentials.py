"""An HTX API key pair."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from attrs import Attribute, field, frozen

from ._errors import InvalidRequestError

__all__ = ["ACCESS_KEY_ENV", "SECRET_KEY_ENV", "Credentials"]

ACCESS_KEY_ENV = "HTX_ACCESS_KEY"
SECRET_KEY_ENV = "HTX_SECRET_KEY"  # noqa: S105 - the variable's name, not a secret


def _check_access_key(_instance: Any, _attribute: Attribute[str], value: object) -> None:
    # The access key is public (it travels in every URL), so naming it helps.
    if not isinstance(value, str):
        raise InvalidRequestError(f"access_key must be a str; got {type(value).__name__}")
    if not value:
        raise InvalidRequestError("access_key is empty")
    if value != value.strip():
        raise InvalidRequestError(f"access_key has leading or trailing whitespace: {value!r}")


def _check_secret_key(_instance: Any, _attribute: Attribute[str], value: object) -> None:
    # Never put the secret's value in a message: messages end up in logs.
    if not isinstance(value, str):
        raise InvalidRequestError(f"secret_key must be a str; got {type(value).__name__}")
    if not value:
        raise InvalidRequestError("secret_key is empty")
    if value != value.strip():
        raise InvalidRequestError("secret_key has leading or trailing whitespace")


@frozen
class Credentials:
    """An HTX access key and its secret key; the secret never appears in repr or str."""

    access_key: str = field(validator=_check_access_key)
    secret_key: str = field(repr=False, validator=_check_secret_key)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Credentials:
        """Read ``HTX_ACCESS_KEY`` and ``HTX_SECRET_KEY`` (from ``os.environ`` by default)."""
        env = os.environ if environ is None else environ
        missing = [name for name in (ACCESS_KEY_ENV, SECRET_KEY_ENV) if not env.get(name)]
        if missing:
            names = " and ".join(missing)
            subject = "environment variable" if len(missing) == 1 else "environment variables"
            verb = "is" if len(missing) == 1 else "are"
            raise InvalidRequestError(f"{subject} {names} {verb} not set or empty")
        return cls(access_key=env[ACCESS_KEY_ENV], secret_key=env[SECRET_KEY_ENV])
