"""The ten defects of issue 10, each against a scripted local server (a real socket, no mocks).

Each test failed on the engine before the redesign (commit f9db337) and passes on the one engine:
a reply settles only what it was asked, an unreadable reply is unreadable (and the batch goes
on), a refusal after a lost reply is no answer, and once a call has raised nothing more is sent.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from datetime import datetime
from typing import Any

import pytest
from virtual_time import RecordingWaits

from htx_swap import (
    AsyncSwapClient,
    CancelResult,
    Credentials,
    HtxApiError,
    HtxAuthError,
    HtxRateLimitError,
    InvalidRequestError,
    OrderFailure,
    SwapClient,
)
from htx_swap._engine import MIN_IN_FLIGHT

from .scripted import Received, Reply, cancel_every_one, now_ms, ok, refused, scripted

KEYS = Credentials("scripted-access-key", "scripted-secret-key")
CONTRACT = "BTC-USDT"
IDS = [str(826052268312821760 + i) for i in range(30)]


def _client(base_url: str, **options: Any) -> SwapClient:
    options.setdefault("max_requests_per_second", None)
    options.setdefault("timeout", 2.0)
    return SwapClient(KEYS, base_url=base_url, **options)


# 1. A refusal after an attempt that may have been applied is not an answer about the orders.


def test_a_refusal_after_a_lost_reply_leaves_the_orders_unresolved_not_failed() -> None:
    def script(request: Received, reply: Reply) -> None:
        if request.number == 1:
            reply.drop()  # the cancel may have been applied; its reply is lost
        else:
            reply.json(refused(1030, "Abnormal service. Please try again later."))

    with scripted(script) as server, _client(server.base_url, waits=RecordingWaits()) as client:
        result = client.cancel_trailing_orders(CONTRACT, IDS[:3])
    assert len(server.received) == 2
    assert result == CancelResult(unresolved=tuple(IDS[:3]))


@pytest.mark.parametrize("code", [1000, 1004, 1032])
def test_try_later_codes_are_retried_like_the_rate_limit(code: int) -> None:
    def script(request: Received, reply: Reply) -> None:
        if request.number == 1:
            reply.json(refused(code, "try later"))
        else:
            cancel_every_one(request, reply)

    with scripted(script) as server, _client(server.base_url, waits=RecordingWaits()) as client:
        result = client.cancel_trailing_orders(CONTRACT, IDS[:2])
    assert result == CancelResult(cancelled=tuple(IDS[:2]))
    assert len(server.received) == 2


def test_a_refusal_with_nothing_lost_before_it_still_fails_the_orders() -> None:
    with (
        scripted(lambda request, reply: reply.json(refused(1030, "Input error."))) as server,
        _client(server.base_url) as client,
    ):
        result = client.cancel_trailing_orders(CONTRACT, IDS[:2])
    assert result.failed == tuple(OrderFailure(i, 1030, "Input error.") for i in IDS[:2])


# 2. A reply settles only the IDs of its own request.


def test_a_reply_naming_another_chunks_orders_settles_nothing_of_that_chunk(
    caplog: pytest.LogCaptureFixture,
) -> None:
    first, second = IDS[:10], IDS[10:20]

    def script(request: Received, reply: Reply) -> None:
        if request.order_ids == first:
            reply.json(ok(second))  # the other chunk's IDs, none of its own
        else:
            reply.json(
                ok([], [{"order_id": i, "err_code": 1061, "err_msg": "gone"} for i in second])
            )

    with (
        caplog.at_level(logging.WARNING, "htx_swap"),
        scripted(script) as server,
        _client(server.base_url) as client,
    ):
        result = client.cancel_trailing_orders(CONTRACT, first + second)
    assert result.cancelled == ()
    assert result.failed == tuple(OrderFailure(i, 1061, "gone") for i in second)
    assert result.unresolved == tuple(first)
    assert "its request did not carry; ignored" in caplog.text


# 3. A malformed HTTP 200 reply is unreadable: retried, then its chunk unresolved; the batch
# goes on.

MALFORMED = {
    "successes null": {"status": "ok", "data": {"errors": [], "successes": None}, "ts": 1},
    "successes a number": {"status": "ok", "data": {"errors": [], "successes": 5}, "ts": 1},
    "successes a list": {"status": "ok", "data": {"errors": [], "successes": ["1"]}, "ts": 1},
    "order_id a number": {
        "status": "ok",
        "data": {"errors": [{"order_id": 826052268312821760, "err_code": 1061}], "successes": ""},
        "ts": 1,
    },
    "successes not IDs": {"status": "ok", "data": {"errors": [], "successes": "a,b"}, "ts": 1},
    "errors null": {"status": "ok", "data": {"errors": None, "successes": ""}, "ts": 1},
    "per-order err_code not a number": {
        "status": "ok",
        "data": {"errors": [{"order_id": "1", "err_code": "x"}], "successes": ""},
        "ts": 1,
    },
    "err_code not a number": refused("abc"),
    "err_code a fraction": refused(1032.5),
    "12001 with ts null": refused(12001, ts=None) | {"ts": None},
    "12001 with ts a string": refused(12001, ts="soon"),
    "12001 with ts absurd": refused(12001, ts=10**30),
}


@pytest.mark.parametrize("document", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_reply_leaves_its_chunk_unresolved_and_the_batch_goes_on(
    document: dict[str, Any],
) -> None:
    chunks = [IDS[:10], IDS[10:20], IDS[20:30]]

    def script(request: Received, reply: Reply) -> None:
        if request.order_ids == chunks[1]:
            reply.json(document)
        else:
            cancel_every_one(request, reply)

    with (
        scripted(script) as server,
        _client(server.base_url, max_retries=1, waits=RecordingWaits()) as client,
    ):
        result = client.cancel_trailing_orders(CONTRACT, IDS)
    assert result == CancelResult(
        cancelled=tuple(chunks[0] + chunks[2]), unresolved=tuple(chunks[1])
    )
    assert sum(r.order_ids == chunks[1] for r in server.received) == 2, "retried once"


# 4. Per-order codes are normalised where the reply is read.


@pytest.mark.parametrize("code", ["1071", 1071.0], ids=repr)
def test_1071_as_a_string_or_a_float_counts_as_cancelled(code: Any) -> None:
    def script(request: Received, reply: Reply) -> None:
        reply.json(
            ok(
                [],
                [{"order_id": i, "err_code": code, "err_msg": "again"} for i in request.order_ids],
            )
        )

    with scripted(script) as server, _client(server.base_url) as client:
        result = client.cancel_trailing_orders(CONTRACT, IDS[:2])
    assert result == CancelResult(cancelled=tuple(IDS[:2]))


# 5. Once the async client has raised, nothing more is sent; two event loops work.


def test_the_async_client_sends_nothing_more_after_it_raised(async_transport: str) -> None:
    """The caller's loop goes on after the error: no chunk may keep going out behind its back."""

    def slow(request: Received, reply: Reply) -> None:
        time.sleep(0.05)
        cancel_every_one(request, reply)

    calls: list[int] = []

    def explode_once(settled: int, total: int) -> None:
        calls.append(settled)
        if len(calls) == 1:
            raise RuntimeError("a bug in the caller's progress callback")

    ids = [str(826052268312821760 + i) for i in range(500)]  # 50 chunks

    async def cancel_then_carry_on(base_url: str) -> None:
        async with AsyncSwapClient(
            KEYS, base_url=base_url, max_requests_per_second=None, transport=async_transport
        ) as client:
            with pytest.raises(RuntimeError, match="progress callback"):
                await client.cancel_trailing_orders(CONTRACT, ids, progress=explode_once)
            await asyncio.sleep(0.5)  # the application goes on; the batch must not

    with scripted(slow) as server:
        asyncio.run(cancel_then_carry_on(server.base_url))
    # Each worker (MIN_IN_FLIGHT, with no rate to pace) sent its first chunk; the first answer
    # raised, and no worker took another. Before, the other workers went on in the background:
    # all 50 chunks went out.
    assert len(server.received) <= MIN_IN_FLIGHT


def test_one_async_client_serves_two_event_loops_one_after_the_other(async_transport: str) -> None:
    with scripted(cancel_every_one) as server:
        client = AsyncSwapClient(KEYS, base_url=server.base_url, transport=async_transport)
        first = asyncio.run(client.cancel_trailing_orders(CONTRACT, IDS[:2]))
        second = asyncio.run(client.cancel_trailing_orders(CONTRACT, IDS[2:4]))
        asyncio.run(client.close())
    assert first.all_cancelled
    assert second.all_cancelled
    assert len(server.received) == 2


def test_an_async_client_busy_on_another_running_loop_refuses_before_sending(
    async_transport: str,
) -> None:
    started, release = threading.Event(), threading.Event()

    def held(request: Received, reply: Reply) -> None:
        started.set()
        release.wait(10)
        cancel_every_one(request, reply)

    with scripted(held) as server:
        client = AsyncSwapClient(KEYS, base_url=server.base_url, transport=async_transport)
        other = threading.Thread(
            target=asyncio.run, args=(client.cancel_trailing_orders(CONTRACT, IDS[:1]),)
        )
        other.start()
        assert started.wait(10)
        try:
            with pytest.raises(InvalidRequestError, match="another running event loop"):
                asyncio.run(client.cancel_trailing_orders(CONTRACT, IDS[1:2]))
        finally:
            release.set()
            other.join(10)
            asyncio.run(client.close())  # its connections' loop is finished: let them go
        assert len(server.received) == 1


# 6. Local errors and bugs propagate; they are not unresolved orders.


def test_a_base_url_with_a_query_is_refused_before_anything_is_sent() -> None:
    with pytest.raises(InvalidRequestError, match="query"):
        SwapClient(KEYS, base_url="https://api.hbdm.com/?x=1")


def test_an_error_of_the_sdk_while_signing_propagates_and_nothing_is_sent() -> None:
    with scripted(cancel_every_one) as server, _client(server.base_url) as client:
        client.auth._clock = lambda: datetime(2026, 1, 1)  # naive: the signer refuses it
        with pytest.raises(InvalidRequestError, match="timezone-aware"):
            client.cancel_trailing_orders(CONTRACT, IDS[:25])
    assert server.received == []


# 7. Server wait hints: on HTX's clock, and "not now" when longer than the cap.


def test_ratelimit_reset_is_read_on_htx_clock_not_ours() -> None:
    ahead = 60_000  # HTX's clock is a minute ahead of ours

    def script(request: Received, reply: Reply) -> None:
        if request.number == 1:
            htx_now = now_ms() + ahead
            reply.json(refused(1032, ts=htx_now), headers={"ratelimit-reset": str(htx_now + 1000)})
        else:
            cancel_every_one(request, reply)

    waits = RecordingWaits()
    with scripted(script) as server, _client(server.base_url, waits=waits) as client:
        result = client.cancel_trailing_orders(CONTRACT, IDS[:1])
    assert result.all_cancelled
    assert 0.9 <= max(waits.slept) <= 2.0, waits.slept  # about 1 s, not the 30 s cap


def test_a_retry_after_past_the_cap_means_not_now() -> None:
    def script(request: Received, reply: Reply) -> None:
        reply.body(b"<html>slow down</html>", status=429, headers={"retry-after": "120"})

    with scripted(script) as server, _client(server.base_url, waits=RecordingWaits()) as client:
        result = client.cancel_trailing_orders(CONTRACT, IDS[:1])
    assert result == CancelResult(unresolved=(IDS[0],))
    assert len(server.received) == 1


def test_a_1032_whose_reset_is_past_the_cap_stops_the_batch_at_once() -> None:
    def script(request: Received, reply: Reply) -> None:
        htx_now = now_ms()
        reply.json(refused(1032, ts=htx_now), headers={"ratelimit-reset": str(htx_now + 300_000)})

    with (
        scripted(script) as server,
        _client(server.base_url) as client,
        pytest.raises(HtxRateLimitError) as caught,
    ):
        client.cancel_trailing_orders(CONTRACT, IDS[:10])
    assert len(server.received) == 1
    assert caught.value.result == CancelResult(
        failed=tuple(OrderFailure(order_id, 1032, "refused") for order_id in IDS[:10])
    )


# 8. Numeric settings: refused when absurd, read-only once set.


@pytest.mark.parametrize(
    "options",
    [
        {"timeout": float("inf")},
        {"timeout": 1e9},
        {"max_requests_per_second": 1e19},
        {"max_requests_per_second": float("inf")},
        {"max_retries": 10**6},
        {"pool_limit": 0},
    ],
    ids=repr,
)
def test_absurd_settings_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(InvalidRequestError):
        SwapClient(KEYS, **options)


def test_settings_cannot_be_changed_after_construction_without_effect() -> None:
    client = SwapClient(KEYS)
    with pytest.raises(AttributeError):
        client.max_requests_per_second = 100.0  # type: ignore[misc]
    assert client.max_requests_per_second == 5.0


# 9. HTTP status and HTX code are kept apart.


@pytest.mark.parametrize(("status", "error_class"), [(403, HtxAuthError), (401, HtxAuthError)])
def test_an_http_status_is_not_an_htx_code(status: int, error_class: type[HtxApiError]) -> None:
    def script(request: Received, reply: Reply) -> None:
        reply.body(b"<html>no</html>", status=status, content_type="text/html")

    with (
        scripted(script) as server,
        _client(server.base_url) as client,
        pytest.raises(error_class) as caught,
    ):
        client.cancel_trailing_orders(CONTRACT, IDS[:1])
    error = caught.value
    assert type(error) is error_class
    assert (error.status_code, error.err_code) == (status, None)
    assert error.response is not None
    assert error.response.status_code == status
    assert error.request is not None
    assert error.request.url.path.endswith("swap_track_cancel")
    # A gateway refused it before HTX: not sent (README, the buckets), where HTX's own 403
    # (below) fails the orders of the request it answered.
    assert error.result is not None
    assert (error.result.not_sent, error.result.failed) == (tuple(IDS[:1]), ())


def test_htx_403_in_an_envelope_keeps_its_code_and_http_200() -> None:
    with (
        scripted(lambda request, reply: reply.json(refused(403, "Incorrect Access key"))) as server,
        _client(server.base_url) as client,
        pytest.raises(HtxAuthError) as caught,
    ):
        client.cancel_trailing_orders(CONTRACT, IDS[:1])
    assert (caught.value.status_code, caught.value.err_code) == (200, 403)
    assert caught.value.result is not None
    assert [failure.order_id for failure in caught.value.result.failed] == IDS[:1]
    assert json.loads(caught.value.response.content)["err_code"] == 403  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("code", "error_class"), [(1000, HtxApiError), (1004, HtxApiError), (1032, HtxRateLimitError)]
)
def test_a_try_later_code_that_outlives_the_retries_stops_the_batch(
    code: int, error_class: type[HtxApiError]
) -> None:
    with (
        scripted(lambda request, reply: reply.json(refused(code, "later"))) as server,
        _client(server.base_url, max_retries=1, waits=RecordingWaits()) as client,
        pytest.raises(error_class) as caught,
    ):
        client.cancel_trailing_orders(CONTRACT, IDS)
    assert type(caught.value) is error_class
    assert caught.value.err_code == code
    result = caught.value.result
    assert result is not None
    assert result.cancelled == ()
    if code == 1000:  # may come after execution began: unknown, not a refusal
        assert result.failed == ()
        assert result.unresolved
        assert set(result.unresolved) | set(result.not_sent) == set(IDS)
    else:  # refused at the door: known not cancelled by this call (issue 22, item 8)
        assert result.unresolved == ()
        assert {failure.err_code for failure in result.failed} == {code}
        assert {failure.order_id for failure in result.failed} | set(result.not_sent) == set(IDS)
    assert len(server.received) <= 3 * 2, "no chunk tried more than 1 + max_retries times"
