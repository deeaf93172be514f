"""The generated client on its own, with signing in place: for any endpoint of the spec, with
HTX's replies typed as the spec declares them and nothing in between."""

from __future__ import annotations

import httpx

from htx_swap_client import Client

from ._auth import HtxAuth
from ._client import DEFAULT_TIMEOUT, resolve_base_url
from ._credentials import Credentials
from ._validation import check_timeout
from ._wire import redact_signatures

__all__ = ["generated_client"]


def generated_client(
    credentials: Credentials,
    *,
    base_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    allow_insecure_http: bool = False,
) -> Client:
    """``htx_swap_client.Client`` for ``base_url`` (else ``HTX_BASE_URL``, else HTX's host),
    every request signed with ``credentials`` (``HtxAuth``), redirects never followed.

    It is the generated client and no more: no pacing, retries or reading of the envelope. Each
    operation's ``sync_detailed`` (``asyncio_detailed``) returns a ``Response`` whose ``parsed``
    is the operation's reply model when HTX answered ``ok``, ``ErrorReply`` when it refused
    (``err_code``, ``err_msg``: a wrong key is an ``ErrorReply``, not an exception), and None
    for an HTTP status the spec doesn't document (its 429 parses as None too). The settings are
    checked as ``SwapClient`` checks them; the secret never appears in its repr or in httpx's
    logs.
    """
    url = resolve_base_url(base_url, allow_insecure_http=allow_insecure_http)
    seconds = check_timeout(timeout)
    redact_signatures()
    return Client(
        base_url=url,
        timeout=httpx.Timeout(seconds),
        follow_redirects=False,
        httpx_args={"auth": HtxAuth(credentials)},
        raise_on_unexpected_status=False,
    )
