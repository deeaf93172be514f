"""``SwapClient(transport="h11")``, the default, sends on sockets of its own, without httpx's layer.

What reaches the server is the request the httpx transport sends (same method, path, JSON bytes,
headers that matter, signed query: the signature checked by the test-side signer); an answer
builds no ``httpx.Request`` or ``httpx.Response``; a pooled connection the server closed while
idle is never written to; a proxy from the environment sends through httpx; and no error says a
signature. The hostile-network and hostile-reply suites run on it too (their ``sync`` kind).
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from htx_swap import (
    CancelResult,
    Credentials,
    HtxAuthError,
    HtxTransportError,
    HtxUnknownOutcomeError,
    PlacedTrailingOrder,
    SwapClient,
)

from .hostile import PLACE
from .scripted import Received, Reply, cancel_every_one, now_ms, refused, scripted
from .support import CONTRACT
from .test_aiohttp_direct import (
    FAILURES_AFTER_SENDING,
    _accepting_nothing,
    _assert_no_signature,
    _said,
    _signed_correctly,
)

KEYS = Credentials("scripted-access-key", "scripted-secret-key")
IDS = [str(826052268312821760 + i) for i in range(10)]
TRANSPORTS = ["httpx", "h11"]


def _client(transport: str, base_url: str, **options: Any) -> SwapClient:
    return SwapClient(
        KEYS, base_url=base_url, transport=transport, max_requests_per_second=None, **options
    )


def _cancel(transport: str, base_url: str, ids: list[str], **options: Any) -> CancelResult:
    with _client(transport, base_url, **options) as client:
        return client.cancel_trailing_orders(CONTRACT, ids)


def _placed(request: Received, reply: Reply) -> None:
    data = {"order_id": 1, "order_id_str": "1"}
    reply.json({"status": "ok", "data": data, "ts": now_ms()})


def test_both_sync_transports_send_the_same_signed_request() -> None:
    with scripted(cancel_every_one) as server:
        for transport in TRANSPORTS:
            assert _cancel(transport, server.base_url, IDS).all_cancelled
        on_httpx, on_h11 = server.received
    assert (on_h11.method, on_h11.path) == (on_httpx.method, on_httpx.path)
    assert on_h11.body == on_httpx.body  # the generated model's JSON, encoded as httpx does
    assert json.loads(on_h11.body) == {"contract_code": CONTRACT, "order_id": ",".join(IDS)}
    assert on_h11.headers == on_httpx.headers
    assert sorted(on_h11.query) == sorted(on_httpx.query)
    assert _signed_correctly(on_httpx)
    assert _signed_correctly(on_h11)


def test_a_base_url_with_a_path_is_joined_as_on_httpx() -> None:
    with scripted(cancel_every_one) as server:
        for transport in TRANSPORTS:
            assert _cancel(transport, server.base_url + "/gateway/", IDS).all_cancelled
        on_httpx, on_h11 = server.received
    assert on_h11.path == on_httpx.path == "/gateway/linear-swap-api/v1/swap_track_cancel"
    assert _signed_correctly(on_h11)


def test_an_answer_builds_no_httpx_request_or_response(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    request_init, response_init = httpx.Request.__init__, httpx.Response.__init__

    def count_request(self: httpx.Request, *args: Any, **kwargs: Any) -> None:
        built.append("request")
        request_init(self, *args, **kwargs)

    def count_response(self: httpx.Response, *args: Any, **kwargs: Any) -> None:
        built.append("response")
        response_init(self, *args, **kwargs)

    with scripted(cancel_every_one) as server, _client("h11", server.base_url) as client:
        client.cancel_trailing_orders(CONTRACT, IDS[:1])  # the connection opened
        monkeypatch.setattr(httpx.Request, "__init__", count_request)
        monkeypatch.setattr(httpx.Response, "__init__", count_response)
        result = client.cancel_trailing_orders(CONTRACT, [*IDS, *IDS, *IDS][:30])
    assert len(result.cancelled) == 10
    assert built == []


def test_requests_share_one_connection() -> None:
    peers: set[int] = set()

    def script(request: Received, reply: Reply) -> None:
        peers.add(reply._socket.getpeername()[1])
        cancel_every_one(request, reply)

    with scripted(script) as server, _client("h11", server.base_url) as client:
        for _ in range(3):
            assert client.cancel_trailing_orders(CONTRACT, IDS).all_cancelled
    assert len(peers) == 1


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_connection_the_server_closed_while_idle_is_not_written_to(transport: str) -> None:
    """The server closes after each reply without saying so: the next placement opens a new
    connection (a write to the closed one would leave it an unknown outcome)."""

    def close_after_replying(request: Received, reply: Reply) -> None:
        _placed(request, reply)
        reply.keep_alive = False

    with scripted(close_after_replying) as server, _client(transport, server.base_url) as client:
        for _ in range(3):
            assert isinstance(client.place_trailing_order(CONTRACT, **PLACE), PlacedTrailingOrder)
            time.sleep(0.05)  # the server's close arrives
    assert len(server.received) == 3


def test_a_reply_saying_connection_close_is_not_reused() -> None:
    peers: list[int] = []

    def closing(request: Received, reply: Reply) -> None:
        peers.append(reply._socket.getpeername()[1])
        reply.body(
            json.dumps({"status": "ok", "data": {"errors": [], "successes": ",".join(
                request.order_ids)}, "ts": now_ms()}).encode(),
            headers={"connection": "close"},
        )  # fmt: skip
        reply.keep_alive = False

    with scripted(closing) as server, _client("h11", server.base_url) as client:
        for _ in range(2):
            assert client.cancel_trailing_orders(CONTRACT, IDS).all_cancelled
    assert len(set(peers)) == 2


def test_a_refusal_carries_the_request_and_the_reply() -> None:
    def wrong_key(request: Received, reply: Reply) -> None:
        reply.json(refused(403, "incorrect signature"), headers={"x-scripted": "yes"})

    with scripted(wrong_key) as server, pytest.raises(HtxAuthError) as caught:
        _cancel("h11", server.base_url, IDS)
    error = caught.value
    assert error.response is not None
    assert error.response.status_code == 200
    assert error.response.headers["x-scripted"] == "yes"
    assert error.response.json()["err_msg"] == "incorrect signature"
    assert error.request is not None
    assert error.request.url.path == "/linear-swap-api/v1/swap_track_cancel"
    assert error.request.url.params["Signature"] == "[redacted]"
    assert json.loads(error.request.content)["order_id"] == ",".join(IDS)


@pytest.mark.parametrize(
    ("environment", "transport"),
    [
        ({"HTTP_PROXY": "http://127.0.0.1:9"}, "httpx"),
        ({"ALL_PROXY": "http://127.0.0.1:9"}, "httpx"),
        ({"HTTPS_PROXY": "http://127.0.0.1:9"}, "h11"),  # for https URLs only
        ({"HTTP_PROXY": "http://127.0.0.1:9", "NO_PROXY": "127.0.0.1"}, "h11"),
        ({}, "h11"),
    ],
    ids=["http proxy", "all proxy", "https proxy", "no proxy for the host", "none"],
)
def test_a_proxy_from_the_environment_sends_through_httpx(
    environment: dict[str, str], transport: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert _client("h11", "http://127.0.0.1:8080").transport == transport


def test_a_proxy_that_applies_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """The request goes to the proxy (here, the scripted server), as httpx sends it."""
    with scripted(cancel_every_one) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.base_url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        result = _cancel("h11", "http://127.0.0.1:9", IDS)
    assert result.all_cancelled
    assert proxy.received[0].path == "http://127.0.0.1:9/linear-swap-api/v1/swap_track_cancel"


def test_a_connect_timeout_carries_no_signature() -> None:
    with _accepting_nothing() as base_url, pytest.raises(HtxTransportError) as caught:
        _cancel("h11", base_url, IDS, max_retries=0, timeout=0.3)
    chain = _said(caught.value)
    assert any("ConnectTimeout" in text for text in chain), chain
    _assert_no_signature(caught.value, [])


@pytest.mark.parametrize("failure", [*FAILURES_AFTER_SENDING, "closed"])
def test_a_failure_after_sending_is_an_unknown_outcome_carrying_no_signature(
    failure: str,
) -> None:
    script = FAILURES_AFTER_SENDING.get(failure, lambda request, reply: reply.drop())
    with scripted(script) as server:
        with (
            _client("h11", server.base_url, max_retries=0, timeout=0.5) as client,
            pytest.raises(HtxUnknownOutcomeError) as caught,
        ):
            client.place_trailing_order(CONTRACT, **PLACE)
        placements = [r for r in server.received if r.path.endswith("swap_track_order")]
    assert len(placements) == 1
    signatures = [request.query["Signature"][0] for request in server.received]
    _assert_no_signature(caught.value, signatures)


def test_a_connection_handed_back_after_close_is_closed_not_kept() -> None:
    """An attempt still in flight when the client closes does not leave its socket pooled."""
    with scripted(cancel_every_one) as server:
        client = _client("h11", server.base_url)
        assert client.cancel_trailing_orders(CONTRACT, IDS).all_cancelled
        sender = client._sender
        assert sender is not None
        [connection] = sender._idle
        taken = sender._take()
        assert taken is connection
        client.close()
        sender._give_back(connection)
        assert sender._idle == []
        assert connection.sock.fileno() == -1
