"""The client against a hostile network or setup (issue 11, items 1, 2, 7, 8 and 9).

A scripted local server trickles, floods or compresses its replies; the tests check that no
attempt outlives its deadline, no reply takes more memory than the cap allows, no log line carries
a usable signature, and plain http leaves loopback only when asked to.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import json
import logging
import threading
import tracemalloc
import zlib
from typing import Any

import pytest

from htx_swap import (
    AsyncSwapClient,
    CancelResult,
    Credentials,
    HtxAuthError,
    InvalidRequestError,
    SwapClient,
)
from htx_swap._wire import MAX_REPLY_BYTES

from .scripted import Received, Reply, cancel_every_one, ok, refused, scripted

KEYS = Credentials("hostile-access-key", "hostile-secret-key")
CONTRACT = "BTC-USDT"
IDS = [str(826052268312821760 + i) for i in range(30)]


# 1. Plain http only to loopback, unless asked for loudly.


@pytest.mark.parametrize(
    "base_url",
    [
        "http://api.hbdm.com",
        "http://10.0.0.7:8080",
        "http://[2001:db8::1]",
        "http://localhost.evil",
    ],
)
def test_plain_http_beyond_loopback_is_refused(base_url: str) -> None:
    with pytest.raises(InvalidRequestError, match="allow_insecure_http"):
        SwapClient(KEYS, base_url=base_url)


@pytest.mark.parametrize(
    "base_url",
    ["http://127.0.0.1:8080", "http://127.8.9.10", "http://[::1]:80", "http://localhost"],
)
def test_plain_http_to_loopback_is_allowed(base_url: str) -> None:
    assert SwapClient(KEYS, base_url=base_url).base_url == base_url


def test_plain_http_beyond_loopback_with_the_opt_in_is_allowed() -> None:
    client = SwapClient(KEYS, base_url="http://api.hbdm.com", allow_insecure_http=True)
    assert client.base_url == "http://api.hbdm.com"


@pytest.mark.parametrize(
    ("base_url", "problem"),
    [
        ("https://user:pass@api.hbdm.com", "user name or password"),
        ("https://api.hbdm.com/#frag", "fragment"),
        ("https://api.hbdm.com?", "query"),
        ("https://", "with a host"),
        ("ftp://api.hbdm.com", "http(s)"),
        ("https://api.hbdm.com:99999", "outside 1 to 65535"),
        ("https://exa mple.com", "not a valid URL"),
    ],
)
def test_a_base_url_that_cannot_be_signed_safely_is_refused(base_url: str, problem: str) -> None:
    with pytest.raises(InvalidRequestError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        SwapClient(KEYS, base_url=base_url)


# 2. No log line carries a usable signature; the loggers are not silenced.


@pytest.mark.parametrize("transport", ["h11", "httpx"])
def test_no_log_line_carries_a_usable_signature(
    caplog: pytest.LogCaptureFixture, transport: str
) -> None:
    """httpx logs each request (redacted, not silenced); h11 logs none of its own."""
    signatures: list[str] = []

    def script(request: Received, reply: Reply) -> None:
        signatures.append(request.query["Signature"][0])
        cancel_every_one(request, reply)

    with (
        caplog.at_level(logging.DEBUG),
        scripted(script) as server,
        SwapClient(KEYS, base_url=server.base_url, transport=transport) as client,
    ):
        client.cancel_trailing_orders(CONTRACT, IDS[:20])
    lines = [record.getMessage() for record in caplog.records]
    httpx_lines = [record.getMessage() for record in caplog.records if record.name == "httpx"]
    assert len(httpx_lines) == (2 if transport == "httpx" else 0), "httpx still logs each request"
    assert all("Signature=[redacted]" in line for line in httpx_lines)
    assert len(signatures) == 2
    for signature in signatures:
        encoded = signature.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
        assert not any(signature in line or encoded in line for line in lines)


# 7. An attempt has an overall deadline: a trickling reply does not hold it.


def _trickle(request: Received, reply: Reply) -> None:
    body = json.dumps(ok(request.order_ids)).encode()
    reply.trickle(200, body, every=0.1)  # ~80 bytes: 8 s if read to the end


def test_a_trickling_reply_is_abandoned_at_the_attempts_deadline() -> None:
    with scripted(_trickle) as server:
        with SwapClient(KEYS, base_url=server.base_url, timeout=1.0, max_retries=0) as client:
            result = client.cancel_trailing_orders(CONTRACT, IDS[:1])
        [reply] = server.replies
        threading.Event().wait(0.3)  # the server notices on its next byte
    assert result == CancelResult(unresolved=(IDS[0],))
    assert reply.closed_early, "the client hung up before the reply was complete"


def test_a_trickling_reply_is_abandoned_at_the_deadline_by_the_async_client(
    async_transport: str,
) -> None:
    async def cancel(base_url: str) -> CancelResult:
        async with AsyncSwapClient(
            KEYS, base_url=base_url, timeout=1.0, max_retries=0, transport=async_transport
        ) as client:
            return await client.cancel_trailing_orders(CONTRACT, IDS[:1])

    with scripted(_trickle) as server:
        result = asyncio.run(cancel(server.base_url))
        [reply] = server.replies
        threading.Event().wait(0.3)
    assert result == CancelResult(unresolved=(IDS[0],))
    assert reply.closed_early


# 8. The decoded reply is capped: a flood or a compressed bomb is unreadable, not a memory spike.


# The server shares the test's process (and tracemalloc's count): it streams one preallocated
# MiB again and again rather than building 300 MiB.
MIB = b" " * (1024 * 1024)
FLOOD_MIB = 300


def _stream(reply: Reply, head: bytes) -> None:
    reply.raw(head)
    for _ in range(FLOOD_MIB):
        if reply.closed_early:
            return
        reply.raw(MIB)
    reply.drop()


def _flood(request: Received, reply: Reply) -> None:
    length = FLOOD_MIB * len(MIB)
    _stream(reply, f"HTTP/1.1 200 OK\r\ncontent-length: {length}\r\n\r\n".encode())


def _flood_unannounced(request: Received, reply: Reply) -> None:
    _stream(
        reply, b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n"
    )


@functools.cache  # built when first used, not in every process that collects this module
def _gzip_bomb() -> bytes:
    """300 MiB of spaces, gzipped to about 300 KiB, compressed a MiB at a time."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    parts = [compressor.compress(MIB) for _ in range(FLOOD_MIB)]
    return b"".join(parts) + compressor.flush()


def _bomb(request: Received, reply: Reply) -> None:
    reply.body(_gzip_bomb(), headers={"content-encoding": "gzip"})


def _cancel_on(kind: str, base_url: str, ids: list[str], **options: Any) -> CancelResult:
    """One cancel by a fresh client of ``kind``: the reply guard is the same on each."""
    if kind.startswith("sync"):
        sync_transport = "httpx" if kind.endswith("httpx") else "h11"
        with SwapClient(KEYS, base_url=base_url, transport=sync_transport, **options) as client:
            return client.cancel_trailing_orders(CONTRACT, ids)
    transport = "aiohttp" if kind.endswith("aiohttp") else "httpx"

    async def cancel() -> CancelResult:
        async with AsyncSwapClient(KEYS, base_url=base_url, transport=transport, **options) as c:
            return await c.cancel_trailing_orders(CONTRACT, ids)

    return asyncio.run(cancel())


KINDS = ["sync", "sync on httpx", "async", "async on aiohttp"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("script", [_flood, _flood_unannounced, _bomb], ids=lambda s: s.__name__)
def test_a_huge_reply_is_unreadable_and_costs_no_more_than_the_cap(script: Any, kind: str) -> None:
    with scripted(script) as server:
        tracemalloc.start()
        try:
            result = _cancel_on(kind, server.base_url, IDS[:10], max_retries=1)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert result == CancelResult(unresolved=tuple(IDS[:10]))
    assert len(server.received) == 2, "unreadable, so retried once"
    assert peak < 8 * MAX_REPLY_BYTES, f"peak {peak} bytes"


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [("gzip", gzip.compress), ("deflate", zlib.compress), ("deflate", _raw_deflate)],
    ids=["gzip", "deflate", "raw deflate"],
)
@pytest.mark.parametrize("kind", KINDS)
def test_a_compressed_reply_within_the_cap_is_read(encoding: str, compress: Any, kind: str) -> None:
    def script(request: Received, reply: Reply) -> None:
        body = compress(json.dumps(ok(request.order_ids)).encode())
        reply.body(body, headers={"content-encoding": encoding})

    with scripted(script) as server:
        assert _cancel_on(kind, server.base_url, IDS[:3]).all_cancelled


@pytest.mark.parametrize(
    ("encoding", "body"),
    [("br", b"\x1b\x00"), ("gzip", b"not gzip at all")],
    ids=["br", "bad gzip"],
)
@pytest.mark.parametrize("kind", KINDS)
def test_a_reply_the_guard_cannot_decode_is_unreadable(
    encoding: str, body: bytes, kind: str
) -> None:
    def script(request: Received, reply: Reply) -> None:
        reply.body(body, headers={"content-encoding": encoding})

    with scripted(script) as server:
        result = _cancel_on(kind, server.base_url, IDS[:2], max_retries=0)
    assert result.unresolved == tuple(IDS[:2])


# 9. Progress counts only what was settled.


def test_progress_stops_short_when_the_batch_stops_early() -> None:
    def script(request: Received, reply: Reply) -> None:
        if request.number == 1:
            cancel_every_one(request, reply)
        else:
            reply.json(refused(403, "Incorrect Access key"))

    seen: list[tuple[int, int]] = []
    with (
        scripted(script) as server,
        SwapClient(KEYS, base_url=server.base_url) as client,
        pytest.raises(HtxAuthError),
    ):
        client.cancel_trailing_orders(CONTRACT, IDS, progress=lambda s, t: seen.append((s, t)))
    # The chunks go out together, so the refused one may be reported first, with nothing settled.
    assert seen
    assert {total for _, total in seen} == {30}
    settled = [count for count, _ in seen]
    assert settled == sorted(settled)
    assert settled[-1] == 10, "refused and unsent chunks are not counted as settled"
