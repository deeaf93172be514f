"""The API keys the sandbox accepts."""

from __future__ import annotations

from attrs import field, frozen


@frozen
class Credentials:
    """An access key and its secret key; the secret never shows in a repr.

    An Ed25519 API key has no secret key: give `ed25519_public_key` (the raw 32 bytes of the
    key pair's public key, as registered with HTX) and its requests must be signed with
    Ed25519, by the matching private key.
    """

    access_key: str
    secret_key: str = field(default="", repr=False)
    ed25519_public_key: bytes | None = field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.ed25519_public_key is not None and len(self.ed25519_public_key) != 32:
            raise ValueError("an Ed25519 public key is 32 bytes")
        if self.ed25519_public_key is None and not self.secret_key:
            raise ValueError("give a secret key, or an Ed25519 public key")


# A published test key: it opens nothing but a sandbox.
DEFAULT_CREDENTIALS = Credentials(
    access_key="sandbox-access-key",
    secret_key="sandbox-secret-key",  # noqa: S106
)
