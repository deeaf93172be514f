"""The project's rules on the sync transports, from a review of the h11 sender (issue 25):
never take a reply nobody asked for as an answer, send nothing once closed, refuse a proxy
httpx can't use before any byte, and resolve a host as httpx does."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from htx_swap import (
    AsyncSwapClient,
    Credentials,
    InvalidRequestError,
    PlacedTrailingOrder,
    SwapClient,
)

from .hostile import PLACE
from .scripted import Received, Reply, now_ms, scripted
from .support import CONTRACT

KEYS = Credentials("scripted-access-key", "scripted-secret-key")


def _reply(order_id: int) -> bytes:
    body = json.dumps(
        {
            "status": "ok",
            "data": {"order_id": order_id, "order_id_str": str(order_id)},
            "ts": now_ms(),
        }
    ).encode()
    head = (
        f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
    ).encode()
    return head + body


def stray_after_the_first(request: Received, reply: Reply) -> None:
    """Placement 1 is answered together with a second, unasked reply (order 666) in the same
    write; every later placement gets its own answer."""
    if request.number == 1:
        reply.raw(_reply(1) + _reply(666))
    else:
        reply.raw(_reply(request.number))


@pytest.mark.parametrize("transport", ["httpx", "h11"])
def test_never_report_what_you_dont_know_a_stray_reply_is_not_taken_for_the_next_one(
    transport: str,
) -> None:
    """The server's answer to placement 1 comes with a second, unasked reply in the same write
    (a stray, or a reply the server meant for another request). Placement 2 must not be
    reported as placed with the stray's order ID: it never saw its own answer read."""

    with (
        scripted(stray_after_the_first) as server,
        SwapClient(
            KEYS, base_url=server.base_url, transport=transport, max_requests_per_second=None
        ) as client,
    ):
        first = client.place_trailing_order(CONTRACT, **PLACE)
        assert isinstance(first, PlacedTrailingOrder)
        second: PlacedTrailingOrder | Exception
        try:
            second = client.place_trailing_order(CONTRACT, **PLACE)
        except Exception as error:  # an unknown outcome is honest
            second = error
    assert not (isinstance(second, PlacedTrailingOrder) and second.order_id == "666"), second


@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
def test_never_report_what_you_dont_know_a_stray_reply_is_not_taken_for_the_next_one_async(
    transport: str,
) -> None:
    """As above, on AsyncSwapClient's transports."""

    async def place_twice(base_url: str) -> tuple[Any, Any]:
        async with AsyncSwapClient(
            KEYS, base_url=base_url, transport=transport, max_requests_per_second=None
        ) as client:
            first = await client.place_trailing_order(CONTRACT, **PLACE)
            try:
                second: Any = await client.place_trailing_order(CONTRACT, **PLACE)
            except Exception as error:  # an unknown outcome is honest
                second = error
            return first, second

    with scripted(stray_after_the_first) as server:
        first, second = asyncio.run(place_twice(server.base_url))
    assert isinstance(first, PlacedTrailingOrder)
    assert not (isinstance(second, PlacedTrailingOrder) and second.order_id == "666"), second


@pytest.mark.parametrize("transport", ["httpx", "h11"])
def test_once_closed_nothing_more_is_sent(transport: str) -> None:
    """A closed SwapClient refuses to send on httpx (RuntimeError, nothing sent); the h11
    sender must not keep placing orders on fresh sockets."""
    from .scripted import cancel_every_one

    with scripted(cancel_every_one) as server:
        client = SwapClient(
            KEYS, base_url=server.base_url, transport=transport, max_requests_per_second=None
        )
        client.cancel_trailing_orders(CONTRACT, ["1", "2"])
        client.close()
        before = len(server.received)
        with pytest.raises(RuntimeError):
            client.cancel_trailing_orders(CONTRACT, ["1", "2"])
        assert len(server.received) == before


@pytest.mark.parametrize(
    "proxy", ["socks5://127.0.0.1:9", "socks5h://user:pw@127.0.0.1:9", "foo://127.0.0.1:9"]
)
def test_a_proxy_httpx_cannot_use_is_bad_input_before_any_byte(
    proxy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ALL_PROXY=socks5://... is common on developer machines; httpx needs socksio for it (not
    a dependency) and fails every request with a raw ImportError, and another scheme with a raw
    ValueError. The client says so when it is made, naming the way out, never the password."""
    from .scripted import cancel_every_one

    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("ALL_PROXY", proxy)
    with scripted(cancel_every_one) as server:
        with pytest.raises(InvalidRequestError, match=r"NO_PROXY=127\.0\.0\.1") as caught:
            SwapClient(KEYS, base_url=server.base_url, max_requests_per_second=None)
        assert "pw" not in str(caught.value)
        assert server.received == []
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # the way out it names
        with SwapClient(KEYS, base_url=server.base_url, max_requests_per_second=None) as client:
            client.cancel_trailing_orders(CONTRACT, ["1", "2"])
        assert len(server.received) == 1


@pytest.mark.parametrize("transport", ["httpx", "h11"])
def test_identical_to_httpx_an_idna_host_is_resolved_as_httpx_encodes_it(
    transport: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """httpx resolves (and checks TLS against) the URL's IDNA 2008 A-label, xn--fa-hia.example;
    Python's socket/ssl encode a str host with IDNA 2003, which maps 'faß' to 'fass': another
    host altogether (and another name for SNI and the certificate check)."""
    import socket

    from .scripted import cancel_every_one

    real = socket.getaddrinfo
    asked: list[Any] = []
    with scripted(cancel_every_one) as server:

        def resolve(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
            asked.append(host.decode() if isinstance(host, bytes) else host)
            return real("127.0.0.1", server.port, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", resolve)
        with SwapClient(
            KEYS,
            base_url=f"http://faß.example:{server.port}",
            transport=transport,
            max_requests_per_second=None,
            allow_insecure_http=True,
        ) as client:
            client.cancel_trailing_orders(CONTRACT, ["1"])
    assert [host.encode("idna").decode() for host in asked] == ["xn--fa-hia.example"]


@pytest.mark.parametrize("kind", ["h11", "httpx", "aiohttp"])
def test_a_request_part_the_direct_senders_do_not_send_is_never_dropped(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The direct senders put a generated request's method, path, JSON and headers on the wire;
    one with more (query parameters after a spec change, say) goes through httpx's path, which
    judges it as on the httpx transport (HTX signs no query on a POST: bad input, nothing sent),
    instead of sending the request without it."""
    from htx_swap._operations import FAMILIES
    from htx_swap._send import generated_module

    from .scripted import cancel_every_one

    [isolated] = [
        family for family in FAMILIES.values() if family.cancel.path.endswith("/swap_track_cancel")
    ]
    module = generated_module(isolated.cancel)
    original = module._get_kwargs

    def with_params(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return {**original(*args, **kwargs), "params": {"added_by_the_spec": "1"}}

    monkeypatch.setattr(module, "_get_kwargs", with_params)

    def cancel(base_url: str) -> Any:
        if kind != "aiohttp":
            with SwapClient(
                KEYS, base_url=base_url, transport=kind, max_requests_per_second=None
            ) as client:
                return client.cancel_trailing_orders(CONTRACT, ["1", "2"])

        async def cancel_async() -> Any:
            async with AsyncSwapClient(
                KEYS, base_url=base_url, transport="aiohttp", max_requests_per_second=None
            ) as client:
                return await client.cancel_trailing_orders(CONTRACT, ["1", "2"])

        return asyncio.run(cancel_async())

    with scripted(cancel_every_one) as server:
        with pytest.raises(InvalidRequestError, match="added_by_the_spec"):
            cancel(server.base_url)
        assert server.received == []
