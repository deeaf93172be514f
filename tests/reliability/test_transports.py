"""The async client's transports over real sockets: what reached the server, and TLS.

On either transport, a request that went out and lost its reply is never read as "never sent" (a
placement is not sent again), and one that could not connect is. Over TLS, certificates are
verified against the process's one context (httpx's default; SSL_CERT_FILE honoured), and a
client to ``http://`` never loads one.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

import htx_sandbox
from htx_sandbox import Sandbox
from htx_swap import (
    AsyncSwapClient,
    CancelResult,
    Credentials,
    HtxTransportError,
    HtxUnknownOutcomeError,
    SwapClient,
    _http,
)

from .scripted import Received, Reply, scripted
from .support import CONTRACT

KEYS = Credentials("scripted-access-key", "scripted-secret-key")
KINDS = ["sync", "sync on httpx", "async", "async on aiohttp"]
PLACE: dict[str, Any] = {
    "direction": "buy",
    "volume": 1,
    "callback_rate": "0.01",
    "active_price": "40000",
    "order_price_type": "optimal_5",
    "offset": "open",
    "lever_rate": 5,  # HTX refuses an opening order without it (so does the client)
}


def _run(kind: str, keys: Credentials, method: str, *args: Any, **options: Any) -> Any:
    """``method`` of a fresh client of ``kind``, as a user calls it."""
    if kind.startswith("sync"):
        sync_transport = "httpx" if kind.endswith("httpx") else "h11"
        with SwapClient(keys, transport=sync_transport, **options) as client:
            return getattr(client, method)(*args[:-1], **args[-1])
    transport = "aiohttp" if kind.endswith("aiohttp") else "httpx"

    async def run() -> Any:
        async with AsyncSwapClient(keys, transport=transport, **options) as client:
            return await getattr(client, method)(*args[:-1], **args[-1])

    return asyncio.run(run())


@pytest.mark.parametrize("kind", KINDS)
def test_a_placement_the_server_closed_on_after_reading_is_never_sent_again(kind: str) -> None:
    """aiohttp reports this as a connection error (httpx-aiohttp: ConnectTimeout): it went out."""

    def close_after_reading(request: Received, reply: Reply) -> None:
        reply.drop()

    with scripted(close_after_reading) as server:
        with pytest.raises(HtxUnknownOutcomeError) as caught:
            _run(kind, KEYS, "place_trailing_order", CONTRACT, PLACE, base_url=server.base_url)
        placements = [r for r in server.received if r.path.endswith("swap_track_order")]
    assert len(placements) == 1, "sent again after it may have reached the server"
    assert caught.value.candidates is None  # the lookup was dropped too


@pytest.mark.parametrize("kind", KINDS)
def test_a_placement_that_could_not_connect_is_unreachable(kind: str) -> None:
    with scripted(lambda request, reply: reply.drop()) as server:
        base_url = server.base_url  # closed below: nothing listens there any more
    with pytest.raises(HtxTransportError, match="cannot reach"):
        _run(kind, KEYS, "place_trailing_order", CONTRACT, PLACE, base_url=base_url, max_retries=0)


# --- TLS ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def tls_sandbox(
    authority: trustme.CA, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Sandbox]:
    folder = tmp_path_factory.mktemp("tls")
    certificate = authority.issue_cert("127.0.0.1", "localhost")
    cert, key = folder / "cert.pem", folder / "key.pem"
    certificate.private_key_and_cert_chain_pem.write_to_path(str(cert))
    certificate.private_key_pem.write_to_path(str(key))
    with htx_sandbox.running(rate=None, ssl_certfile=str(cert), ssl_keyfile=str(key)) as sandbox:
        yield sandbox


def _keys(sandbox: Sandbox) -> Credentials:
    return Credentials(sandbox.credentials.access_key, sandbox.credentials.secret_key)


@pytest.mark.parametrize("kind", KINDS)
def test_every_client_cancels_over_tls_with_a_trusted_certificate(
    kind: str, tls_sandbox: Sandbox, authority: trustme.CA, monkeypatch: pytest.MonkeyPatch
) -> None:
    trusting = ssl.create_default_context()
    authority.configure_trust(trusting)
    monkeypatch.setattr(_http, "_tls", trusting)  # the process's context, as SSL_CERT_FILE would
    assert tls_sandbox.base_url.startswith("https://")
    opened = tls_sandbox.control.seed_orders(CONTRACT, generate=12)
    result = _run(kind, _keys(tls_sandbox), "cancel_trailing_orders", CONTRACT, opened, {},
                  base_url=tls_sandbox.base_url)  # fmt: skip
    assert result == CancelResult(cancelled=tuple(opened))


@pytest.mark.parametrize("kind", KINDS)
def test_a_certificate_nobody_trusts_is_refused_before_any_byte(
    kind: str, tls_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_http, "_tls", None)  # httpx's default trust, built afresh
    before = len(tls_sandbox.control.requests())
    with pytest.raises(HtxTransportError, match="cannot reach"):
        _run(kind, _keys(tls_sandbox), "cancel_trailing_orders", CONTRACT, ["1"], {},
             base_url=tls_sandbox.base_url, max_retries=0)  # fmt: skip
    assert len(tls_sandbox.control.requests()) == before
    assert _http._tls is not None


@pytest.mark.parametrize("kind", KINDS)
def test_a_client_to_plain_http_never_loads_a_tls_context(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_http, "_tls", None)
    with htx_sandbox.running(rate=None) as sandbox:
        opened = sandbox.control.seed_orders(CONTRACT, generate=3)
        result = _run(kind, _keys(sandbox), "cancel_trailing_orders", CONTRACT, opened, {},
                      base_url=sandbox.base_url)  # fmt: skip
    assert result.all_cancelled
    assert _http._tls is None


COMMAND = str(Path(sys.executable).with_name("htx-swap"))


@pytest.mark.parametrize("trusted", [True, False], ids=["SSL_CERT_FILE", "not trusted"])
def test_the_command_trusts_the_authority_ssl_cert_file_names(
    trusted: bool, tls_sandbox: Sandbox, authority: trustme.CA, tmp_path: Path
) -> None:
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HTX_", "SSL_CERT"))}
    env |= {
        "HTX_ACCESS_KEY": tls_sandbox.credentials.access_key,
        "HTX_SECRET_KEY": tls_sandbox.credentials.secret_key,
    }
    if trusted:
        env["SSL_CERT_FILE"] = str(bundle)
    [order_id] = tls_sandbox.control.seed_orders(CONTRACT, generate=1)
    completed = subprocess.run(
        [COMMAND, "trailing", "cancel", "--contract-code", CONTRACT,
         "--base-url", tls_sandbox.base_url, order_id],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    if trusted:
        assert completed.returncode == 0, completed.stderr
        assert order_id in tls_sandbox.control.cancelled_ids()
    else:
        assert completed.returncode == 1, completed.stderr
        assert "CERTIFICATE_VERIFY_FAILED" in completed.stderr or "cannot reach" in completed.stderr
        assert order_id not in tls_sandbox.control.cancelled_ids()


def test_the_sync_client_reuses_its_tls_connection(
    tls_sandbox: Sandbox, authority: trustme.CA, monkeypatch: pytest.MonkeyPatch
) -> None:
    """h11 over TLS 1.3: the session tickets the server sends after the handshake are not taken
    for a connection the server closed (it would open a new one for every request)."""
    trusting = ssl.create_default_context()
    authority.configure_trust(trusting)
    monkeypatch.setattr(_http, "_tls", trusting)
    used: list[Any] = []  # kept alive: their ids stay distinct
    with SwapClient(_keys(tls_sandbox), base_url=tls_sandbox.base_url) as client:
        for _ in range(3):
            opened = tls_sandbox.control.seed_orders(CONTRACT, generate=2)
            assert client.cancel_trailing_orders(CONTRACT, opened).all_cancelled
            assert client._sender is not None
            [connection] = client._sender._idle
            used.append(connection)
    assert len({id(connection) for connection in used}) == 1
