"""``AsyncSwapClient(transport="aiohttp")`` sends on aiohttp itself, without httpx's client layer.

What reaches the server is the request the httpx transport sends (same method, path, JSON
bytes, signed query: the signature checked by the test-side signer, not the SDK's); an answer
builds no ``httpx.Request`` or ``httpx.Response`` (the cost this path removes), and the signing
builds none on httpx either beyond the one httpx sends; whatever the engine may read of a reply
that is not an answer (a refusal, an HTTP status) is there as on httpx.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gzip
import hashlib
import hmac
import json
import re
import socket
import struct
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from htx_swap import (
    AsyncSwapClient,
    CancelResult,
    Credentials,
    HtxAuthError,
    HtxTransportError,
    HtxUnknownOutcomeError,
)
from htx_swap._wire import AttemptTrace

from .scripted import Received, Reply, cancel_every_one, ok, refused, scripted
from .support import CONTRACT

KEYS = Credentials("scripted-access-key", "scripted-secret-key")
IDS = [str(826052268312821760 + i) for i in range(10)]
TRANSPORTS = ["httpx", "aiohttp"]


def _cancel(transport: str, base_url: str, ids: list[str], **options: Any) -> CancelResult:
    async def run() -> CancelResult:
        async with AsyncSwapClient(
            KEYS, base_url=base_url, transport=transport, max_requests_per_second=None, **options
        ) as client:
            return await client.cancel_trailing_orders(CONTRACT, ids)

    return asyncio.run(run())


def _signed_correctly(request: Received) -> bool:
    """HTX's Signature V2, written out here from HTX's steps (not the SDK's functions)."""
    params = {name: values[0] for name, values in request.query.items() if name != "Signature"}
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in sorted(params.items()))
    text = f"{request.method}\n{request.headers['host']}\n{request.path}\n{query}"
    digest = hmac.new(KEYS.secret_key.encode(), text.encode(), hashlib.sha256).digest()
    return request.query["Signature"] == [base64.b64encode(digest).decode()]


def test_both_async_transports_send_the_same_signed_request() -> None:
    with scripted(cancel_every_one) as server:
        for transport in TRANSPORTS:
            assert _cancel(transport, server.base_url, IDS).all_cancelled
        on_httpx, on_aiohttp = server.received
    assert (on_aiohttp.method, on_aiohttp.path) == (on_httpx.method, on_httpx.path)
    assert on_aiohttp.body == on_httpx.body  # the generated model's JSON, encoded as httpx does
    assert json.loads(on_aiohttp.body) == {"contract_code": CONTRACT, "order_id": ",".join(IDS)}
    for name in ("content-type", "accept-encoding", "content-length"):
        assert on_aiohttp.headers[name] == on_httpx.headers[name], name
    assert sorted(on_aiohttp.query) == sorted(on_httpx.query)
    assert on_aiohttp.query["AccessKeyId"] == [KEYS.access_key]
    assert _signed_correctly(on_httpx)
    assert _signed_correctly(on_aiohttp)


def test_a_base_url_with_a_path_is_joined_as_on_httpx() -> None:
    with scripted(cancel_every_one) as server:
        for transport in TRANSPORTS:
            assert _cancel(transport, server.base_url + "/gateway/", IDS).all_cancelled
        on_httpx, on_aiohttp = server.received
    assert on_aiohttp.path == on_httpx.path == "/gateway/linear-swap-api/v1/swap_track_cancel"
    assert _signed_correctly(on_aiohttp)


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Counts the httpx requests and responses built while the test runs."""
    counts = {"requests": 0, "responses": 0}
    request_init, response_init = httpx.Request.__init__, httpx.Response.__init__

    def count_request(self: httpx.Request, *args: Any, **kwargs: Any) -> None:
        counts["requests"] += 1
        request_init(self, *args, **kwargs)

    def count_response(self: httpx.Response, *args: Any, **kwargs: Any) -> None:
        counts["responses"] += 1
        response_init(self, *args, **kwargs)

    monkeypatch.setattr(httpx.Request, "__init__", count_request)
    monkeypatch.setattr(httpx.Response, "__init__", count_response)
    return counts


@pytest.mark.parametrize(("transport", "requests"), [("aiohttp", 0), ("httpx", 1)])
def test_an_answer_builds_httpx_objects_only_where_httpx_sends(
    transport: str, requests: int, built: dict[str, int]
) -> None:
    """aiohttp: none at all. httpx: the one request it sends; signing it builds no other."""
    with scripted(cancel_every_one) as server:
        _cancel(transport, server.base_url, IDS[:1])  # connections open, modules loaded

        async def three_chunks() -> CancelResult:
            async with AsyncSwapClient(
                KEYS, base_url=server.base_url, transport=transport, max_requests_per_second=None
            ) as client:
                await client.cancel_trailing_orders(CONTRACT, IDS[:1])  # the loop's connection
                built.update(requests=0, responses=0)
                return await client.cancel_trailing_orders(CONTRACT, [*IDS, *IDS, *IDS][:30])

        result = asyncio.run(three_chunks())
    assert len(result.cancelled) == 10  # ten distinct IDs, asked three times
    assert built == {"requests": requests, "responses": requests}


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_refusal_carries_the_request_and_the_reply(transport: str) -> None:
    def wrong_key(request: Received, reply: Reply) -> None:
        reply.json(refused(403, "incorrect signature"), headers={"x-scripted": "yes"})

    with scripted(wrong_key) as server, pytest.raises(HtxAuthError) as caught:
        _cancel(transport, server.base_url, IDS)
    error = caught.value
    assert error.err_code == 403
    assert error.response is not None
    assert error.response.status_code == 200
    assert error.response.headers["x-scripted"] == "yes"
    assert error.response.json()["err_msg"] == "incorrect signature"
    assert error.request is not None
    assert error.request.method == "POST"
    assert error.request.url.path == "/linear-swap-api/v1/swap_track_cancel"
    assert json.loads(error.request.content) == {
        "contract_code": CONTRACT,
        "order_id": ",".join(IDS),
    }


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_an_unexpected_status_carries_the_reply(transport: str) -> None:
    def teapot(request: Received, reply: Reply) -> None:
        reply.body(b"no", status=418, content_type="text/plain")

    # A status HTX doesn't send is an unknown outcome, not a refusal (issue 22, item 2).
    with scripted(teapot) as server, pytest.raises(HtxTransportError) as caught:
        _cancel(transport, server.base_url, IDS)
    assert "unexpected HTTP 418" in str(caught.value)
    assert caught.value.response is not None
    assert caught.value.response.status_code == 418
    assert caught.value.response.content == b"no"
    assert caught.value.request is not None
    assert caught.value.request.url.path.endswith("swap_track_cancel")


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_compressed_answer_is_read(transport: str) -> None:
    def gzipped(request: Received, reply: Reply) -> None:
        reply.body(
            gzip.compress(json.dumps(ok(request.order_ids)).encode()),
            headers={"content-encoding": "gzip"},
        )

    with scripted(gzipped) as server:
        assert _cancel(transport, server.base_url, IDS).all_cancelled


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_chunked_answer_is_read(transport: str) -> None:
    def chunked(request: Received, reply: Reply) -> None:
        body = json.dumps(ok(request.order_ids)).encode()
        head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
        pieces = b"".join(
            b"%x\r\n%s\r\n" % (len(body[i : i + 7]), body[i : i + 7])
            for i in range(0, len(body), 7)
        )
        reply.raw(head + b"transfer-encoding: chunked\r\n\r\n" + pieces + b"0\r\n\r\n")

    with scripted(chunked) as server:
        assert _cancel(transport, server.base_url, IDS).all_cancelled


# --- no signature in what an error says, on any exception it chains ------------------------------

_SIGNATURE = re.compile(r"Signature=([^&\s'\"]*)")
_REDACTED = {"[redacted]", "%5Bredacted%5D"}


def _said(error: BaseException) -> list[str]:
    """What an error and every error it chains say: str, repr, args, and the requests they hold."""
    texts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        texts += [str(current), repr(current), *map(repr, current.args)]
        texts += [repr(value) for value in vars(current).values()]
        with contextlib.suppress(RuntimeError):  # an httpx error made without its request
            request = getattr(current, "request", None)
            if request is not None:
                texts += [str(request.url), repr(request)]
        current = current.__cause__ or current.__context__
    return texts


def _assert_no_signature(error: BaseException, signatures: list[str]) -> None:
    for text in _said(error):
        assert set(_SIGNATURE.findall(text)) <= _REDACTED, text
        for signature in signatures:
            assert signature not in text
            assert quote(signature, safe="") not in text


@contextlib.contextmanager
def _accepting_nothing() -> Iterator[str]:
    """A loopback port whose accept queue is full: a connection to it is never made."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=0)
    port = listener.getsockname()[1]
    queued: list[socket.socket] = []
    try:
        while True:  # queue connections until the kernel drops the next one's handshake
            probe = socket.socket()
            probe.settimeout(0.3)
            try:
                probe.connect(("127.0.0.1", port))
            except OSError:
                probe.close()
                break
            queued.append(probe)
        yield f"http://127.0.0.1:{port}"
    finally:
        for connection in queued:
            connection.close()
        listener.close()


def test_a_connect_timeout_carries_no_signature() -> None:
    """aiohttp names the whole signed URL in its connect timeout; nothing the caller gets does.

    aiohttp's timer and the engine's share the attempt's deadline, and either may fire first;
    here aiohttp's is made the earlier one, as it is whenever it wins that race.
    """

    async def go(base_url: str) -> BaseException:
        async with AsyncSwapClient(
            KEYS, base_url=base_url, transport="aiohttp", max_retries=0, timeout=5
        ) as client:
            client._open_http()
            sender = client._engine.sender
            assert sender is not None

            async def sooner(operation: Any, body: Any, attempt: AttemptTrace) -> Any:
                attempt.deadline = time.monotonic() + 0.2
                return await sender(operation, body, attempt)

            client._engine.sender = sooner
            try:
                await client.cancel_trailing_orders(CONTRACT, IDS)
            except HtxTransportError as error:
                return error
            raise AssertionError("the call did not fail")

    with _accepting_nothing() as base_url:
        error = asyncio.run(go(base_url))
    chain = _said(error)
    assert any("ConnectTimeout" in text for text in chain), chain
    assert any("Connection timeout to host" in text for text in chain), chain
    _assert_no_signature(error, [])


def _reset(request: Received, reply: Reply) -> None:
    # Linger 0: the close sends a reset, after the whole request was read.
    reply._socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    reply.drop()


FAILURES_AFTER_SENDING = {
    "reset": _reset,
    "read timeout": lambda request, reply: reply.trickle(200, b"{}" * 20, every=0.1),
    "malformed head": lambda request, reply: reply.raw(b"HTTP/1.1 abc\r\n\r\n"),
}


@pytest.mark.parametrize("failure", FAILURES_AFTER_SENDING)
def test_a_failure_after_sending_carries_no_signature(failure: str) -> None:
    async def place(base_url: str) -> BaseException:
        async with AsyncSwapClient(
            KEYS, base_url=base_url, transport="aiohttp", max_retries=0, timeout=0.5
        ) as client:
            try:
                await client.place_trailing_order(
                    CONTRACT,
                    direction="buy",
                    volume=1,
                    callback_rate="0.01",
                    active_price="60000",
                    order_price_type="formula_price",
                    offset="open",
                    lever_rate=5,
                )
            except HtxUnknownOutcomeError as error:
                return error
            raise AssertionError("the placement was not left unknown")

    with scripted(FAILURES_AFTER_SENDING[failure]) as server:
        error = asyncio.run(place(server.base_url))
    signatures = [request.query["Signature"][0] for request in server.received]
    assert signatures
    _assert_no_signature(error, signatures)
