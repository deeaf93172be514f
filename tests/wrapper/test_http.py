"""The HTTP layer: transports, error mapping, send-time marks, TLS, URLs, cookies, sizing."""

from __future__ import annotations

import json
import ssl
import sys
from typing import Any

import aiohttp
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from multidict import CIMultiDict
from yarl import URL

from htx_swap import (
    AsyncSwapClient,
    Credentials,
    InvalidRequestError,
    SwapClient,
    _auth,
    _http,
    signing,
)
from htx_swap._aiohttp import map_error
from htx_swap._engine import ASSUMED_ROUND_TRIP, MAX_IN_FLIGHT, MIN_IN_FLIGHT
from htx_swap._operations import CANCEL_TRAILING_ORDERS, FAMILIES
from htx_swap._orders import MarginMode
from htx_swap._wire import AttemptTrace, body_leaving, current_attempt, headers_leaving

KEYS = Credentials("access", "secret")
REQUEST = httpx.Request("POST", "http://127.0.0.1:1/x")


# --- the transport setting ----------------------------------------------------------------------


@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
def test_the_async_client_takes_either_transport(transport: str) -> None:
    assert AsyncSwapClient(KEYS, transport=transport).transport == transport


@pytest.mark.parametrize("transport", ["requests", "AIOHTTP", "", None, 1])
def test_an_unknown_transport_is_refused_naming_it(transport: object) -> None:
    with pytest.raises(InvalidRequestError, match=repr(transport).replace("(", r"\(")):
        AsyncSwapClient(KEYS, transport=transport)  # type: ignore[arg-type]


@pytest.mark.parametrize("missing", ["aiohttp", "httpx_aiohttp"])
def test_the_aiohttp_transport_without_its_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    monkeypatch.setitem(sys.modules, missing, None)
    with pytest.raises(InvalidRequestError, match=r"pip install 'htx-swap\[aiohttp\]'"):
        AsyncSwapClient(KEYS, transport="aiohttp")


def test_the_sync_client_sends_on_h11_or_httpx_only() -> None:
    assert SwapClient(KEYS).transport == "h11"
    assert SwapClient(KEYS, transport="httpx").transport == "httpx"
    with pytest.raises(InvalidRequestError, match="'h11', 'httpx'"):
        SwapClient(KEYS, transport="aiohttp")


# --- aiohttp's errors, as httpcore would raise them ---------------------------------------------


class _Key:
    """The connection key aiohttp's connector errors carry."""

    host, port, is_ssl, ssl = "h", 1, False, None
    proxy, proxy_auth, proxy_headers_hash = None, None, None


_INFO = aiohttp.RequestInfo(URL("http://h/x"), "POST", CIMultiDict(), URL("http://h/x"))
ERRORS: list[tuple[str, BaseException, type[httpx.TransportError]]] = [
    ("refused", aiohttp.ClientConnectorError(_Key(), OSError(111, "no")), httpx.ConnectError),  # type: ignore[arg-type]
    ("connect timeout", aiohttp.ConnectionTimeoutError("slow"), httpx.ConnectTimeout),
    ("read timeout", aiohttp.SocketTimeoutError("slow"), httpx.ReadTimeout),
    ("server timeout", aiohttp.ServerTimeoutError("slow"), httpx.ReadTimeout),
    ("closed after the request", aiohttp.ServerDisconnectedError(), httpx.RemoteProtocolError),
    ("malformed reply", aiohttp.ClientResponseError(_INFO, ()), httpx.RemoteProtocolError),  # type: ignore[arg-type]
    ("body cut short", aiohttp.ClientPayloadError("short"), httpx.RemoteProtocolError),
    ("bad URL", aiohttp.InvalidURL("x"), httpx.UnsupportedProtocol),
    ("reset", aiohttp.ClientOSError(104, "reset"), httpx.ReadError),
    ("other connection error", aiohttp.ClientConnectionError("?"), httpx.ReadError),
    ("other", aiohttp.ClientError("?"), httpx.TransportError),
]


@pytest.mark.parametrize(
    ("error", "expected"), [case[1:] for case in ERRORS], ids=[case[0] for case in ERRORS]
)
def test_aiohttp_errors_map_to_what_httpcore_raises(
    error: BaseException, expected: type[httpx.TransportError]
) -> None:
    mapped = map_error(error, REQUEST)
    assert type(mapped) is expected
    assert mapped.request is REQUEST
    # As httpx-aiohttp raised it (everything closed by the server is a "ConnectTimeout" there).
    wrapped = httpx.ConnectTimeout("as httpx-aiohttp maps it")
    wrapped.__cause__ = error
    assert type(map_error(wrapped, REQUEST)) is expected


SIGNED = URL("http://h/x?AccessKeyId=k&Signature=c2VjcmV0%2Bc2lnbmF0dXJl%3D", encoded=True)
_SIGNED_INFO = aiohttp.RequestInfo(SIGNED, "POST", CIMultiDict(), SIGNED)


@pytest.mark.parametrize(
    "error",
    [
        aiohttp.ConnectionTimeoutError(f"Connection timeout to host {SIGNED}"),
        aiohttp.ClientResponseError(_SIGNED_INFO, (), status=400, message="Invalid"),
    ],
    ids=["connect timeout", "malformed reply"],
)
def test_a_mapped_error_never_repeats_a_signature(error: aiohttp.ClientError) -> None:
    assert "c2VjcmV0" in str(error)  # aiohttp names the signed URL
    mapped = map_error(error, REQUEST)
    assert mapped is not None
    assert "c2VjcmV0" not in str(mapped)
    assert "Signature=[redacted]" in str(mapped)


def test_a_server_closing_after_the_request_is_never_read_as_never_sent() -> None:
    from htx_swap._engine import _NEVER_SENT

    mapped = map_error(aiohttp.ServerDisconnectedError(), REQUEST)
    assert not isinstance(mapped, _NEVER_SENT)


@pytest.mark.parametrize(
    "error", [httpx.ReadTimeout("httpx's own"), ValueError("not a transport's")]
)
def test_errors_not_from_aiohttp_are_left_alone(error: BaseException) -> None:
    assert map_error(error, REQUEST) is None


# --- send-time marks from a transport's own hooks (aiohttp) -------------------------------------


class _Limiter:
    def __init__(self) -> None:
        self.marked: list[object] = []

    def mark_started(self, slot: object) -> None:
        self.marked.append(slot)


def _attempt() -> tuple[AttemptTrace, _Limiter]:
    limiter = _Limiter()
    return AttemptTrace(((limiter, "slot"),), None), limiter


def _replay(attempt: AttemptTrace, headers: dict[str, str], chunks: list[int]) -> None:
    token = current_attempt.set(attempt)
    try:
        headers_leaving(CIMultiDict(headers))
        for size in chunks:
            body_leaving(size)
    finally:
        current_attempt.reset(token)


@pytest.mark.parametrize(
    ("headers", "chunks", "marked", "sent"),
    [
        ({"Content-Length": "120"}, [], 0, False),  # the head waits for the body's first piece
        ({"Content-Length": "120"}, [100], 1, False),
        ({"Content-Length": "120"}, [100, 20], 1, True),
        ({"content-length": "120"}, [120], 1, True),
        ({"Content-Length": "0"}, [], 1, True),  # no body: the head is the request
        ({}, [], 1, True),
        ({"Transfer-Encoding": "chunked"}, [], 0, False),
        ({"Transfer-Encoding": "chunked"}, [5], 1, True),
    ],
)
def test_slots_are_marked_as_the_first_bytes_leave_and_sent_once_the_last_did(
    headers: dict[str, str], chunks: list[int], marked: int, sent: bool
) -> None:
    attempt, limiter = _attempt()
    _replay(attempt, headers, chunks)
    assert attempt.headers_started
    assert limiter.marked == ["slot"] * marked
    assert attempt.body_sent is sent


def test_hooks_outside_an_attempt_do_nothing() -> None:
    headers_leaving({"Content-Length": "3"})
    body_leaving(3)
    assert current_attempt.get() is None


# --- TLS: one context per process, none for http:// ---------------------------------------------


def test_the_tls_context_is_built_once_and_verifies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_http, "_tls", None)
    first = _http.tls_context()
    assert _http.tls_context() is first
    assert first.verify_mode is ssl.CERT_REQUIRED
    assert first.check_hostname


def test_constructing_clients_loads_no_tls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_http, "_tls", None)
    for url in ("https://api.hbdm.com", "http://127.0.0.1:1"):
        SwapClient(KEYS, base_url=url).close()
        AsyncSwapClient(KEYS, base_url=url)
        AsyncSwapClient(KEYS, base_url=url, transport="aiohttp")
    assert _http._tls is None


@pytest.mark.parametrize("https", [True, False])
def test_an_http_transport_gets_a_context_that_trusts_nobody(https: bool) -> None:
    context = _http._context_for(https)
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname
    if not https:
        assert context.cert_store_stats()["x509_ca"] == 0


# --- the signed URL, built without a parse ------------------------------------------------------

_QUERY_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12
)


@given(
    params=st.dictionaries(_QUERY_TEXT.filter(bool), _QUERY_TEXT, max_size=5),
    path=st.sampled_from(["/", "/linear-swap-api/v1/swap_track_cancel", "/a%20b/c"]),
    host=st.sampled_from(["http://127.0.0.1:8080", "https://api.hbdm.com", "https://[::1]:9"]),
)
def test_the_signed_url_equals_httpx_parsing_it(
    params: dict[str, str], path: str, host: str
) -> None:
    url = httpx.URL(host + path)
    query = signing.encode_query(params)
    fast = _auth.with_query(url, query)
    parsed = url.copy_with(query=query.encode("ascii"))
    assert fast == parsed
    assert fast.raw_path == parsed.raw_path
    assert str(fast) == str(parsed)


def test_without_httpx_parts_the_signed_url_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_auth, "_PARTS_REPLACEABLE", False)
    url = httpx.URL("https://api.hbdm.com/x")
    assert str(_auth.with_query(url, "a=1&b=%2F")) == "https://api.hbdm.com/x?a=1&b=%2F"


# --- no cookies, URLs joined once ---------------------------------------------------------------


def test_cookies_a_reply_sets_are_not_kept() -> None:
    def reply(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Set-Cookie": "session=1; Path=/"}, json={})

    with _http.HttpClient(base_url="http://h", transport=httpx.MockTransport(reply)) as client:
        client.get("/a")
        second = client.get("/a")
    assert not client.cookies
    assert "cookie" not in second.request.headers


def test_a_path_is_joined_once_and_again_after_the_base_url_changes() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200))
    client = _http.HttpClient(base_url="http://h/api/", transport=transport)
    first = client._merge_url("/v1/x")
    assert client._merge_url("/v1/x") is first
    assert str(first) == "http://h/api/v1/x"
    assert str(client._merge_url(httpx.URL("/v1/y"))) == "http://h/api/v1/y"
    client.base_url = "http://other/"  # type: ignore[assignment]
    assert str(client._merge_url("/v1/x")) == "http://other/v1/x"
    client.close()


# --- workers sized to need ----------------------------------------------------------------------


def _sized(
    rate: float | None, round_trip: float | None, calls: int = 1000, pool: int | None = 72
) -> int:
    client = SwapClient(KEYS, max_requests_per_second=rate, pool_limit=pool)
    engine = client._engine
    if round_trip is not None:
        engine.observe_round_trip(round_trip)
    return engine.in_flight(CANCEL_TRAILING_ORDERS, calls)


@pytest.mark.parametrize(
    ("rate", "round_trip", "calls", "pool", "workers"),
    [
        (None, None, 1000, None, MIN_IN_FLIGHT),  # nothing to pace: the CPU is the limit
        (None, 0.5, 1000, None, MIN_IN_FLIGHT),
        (5, None, 1000, 72, 10),  # not seen yet: as if a second, twice a window's capacity
        (5, 0.3, 1000, 72, 5),  # a whole window at once, and no more
        (5, 0.9, 1000, 72, 10),  # with headroom for jitter
        (5, 2.0, 1000, 72, 15),  # replies spanning three windows
        (20, 0.3, 1000, None, 20),
        (20, 0.3, 1000, 72, 20),
        (50, 0.3, 1000, None, MAX_IN_FLIGHT),
        (10_000, 0.001, 1000, None, MAX_IN_FLIGHT),
        (1, 0.1, 1000, 72, MIN_IN_FLIGHT),
        (5, 0.3, 3, 72, 3),  # never more than the calls
        (5, 0.3, 0, 72, 1),
    ],
)
def test_workers_keep_the_limiter_busy_and_no_more(
    rate: float | None, round_trip: float | None, calls: int, pool: int | None, workers: int
) -> None:
    assert _sized(rate, round_trip, calls, pool) == workers


def test_the_pool_bounds_the_workers_when_it_is_the_tighter_limit() -> None:
    client = SwapClient(KEYS, max_requests_per_second=100, pool_limit=12)
    client._engine.observe_round_trip(0.3)
    assert client._engine.in_flight(FAMILIES[MarginMode.ISOLATED].cancel, 1000) == 12


def test_the_round_trip_estimate_is_a_running_mean() -> None:
    engine = SwapClient(KEYS)._engine
    assert engine.round_trip is None
    engine.observe_round_trip(1.0)
    assert engine.round_trip == 1.0
    engine.observe_round_trip(0.0)
    assert engine.round_trip == pytest.approx(0.8)
    assert ASSUMED_ROUND_TRIP == 1.0


def test_a_client_observes_the_round_trips_of_its_answered_attempts() -> None:
    def reply(request: httpx.Request) -> httpx.Response:
        ids = json.loads(request.content)["order_id"]
        data = {"errors": [], "successes": ids}
        return httpx.Response(200, json={"status": "ok", "data": data, "ts": 1})

    client = SwapClient(KEYS, base_url="http://127.0.0.1:1", transport="httpx")
    http: Any = client.generated.get_httpx_client()
    http._transport = httpx.MockTransport(reply)
    assert client.cancel_trailing_orders("BTC-USDT", ["1"]).all_cancelled
    assert client._engine.round_trip is not None
    assert client._engine.round_trip > 0


def test_redacting_an_error_redacts_the_words_of_every_error_it_chains() -> None:
    from htx_swap._wire import redact_error

    signed = httpx.Request("POST", str(SIGNED))
    cause = OSError(f"could not reach {SIGNED}")
    mapped = httpx.ConnectTimeout(f"timed out: {SIGNED}", request=signed)
    mapped.__cause__ = cause
    outer = RuntimeError("gave up")
    outer.__context__ = mapped
    redact_error(outer)
    for error in (outer, mapped, cause):
        assert "c2VjcmV0" not in str(error)
        assert "c2VjcmV0" not in repr(error.args)
    assert "c2VjcmV0" not in str(mapped.request.url)
    assert "Signature=[redacted]" in str(cause)
