"""The API keys the sandbox accepts."""

from __future__ import annotations

from attrs import field, frozen


@frozen
class Credentials:
    """An access key and its secret key; the secret never shows in a repr."""

    access_key: str
    secret_key: str = field(repr=False)


# A published test key: it opens nothing but a sandbox.
DEFAULT_CREDENTIALS = Credentials(
    access_key="sandbox-access-key",
    secret_key="sandbox-secret-key",  # noqa: S106
)
