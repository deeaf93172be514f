"""SwapClient and AsyncSwapClient over respx: batching, outcomes, retries, error mapping."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import httpx
import pytest
import respx
from virtual_time import RecordingWaits

from htx_swap import (
    AsyncSwapClient,
    CancelResult,
    Credentials,
    HtxApiError,
    HtxAuthError,
    HtxRateLimitError,
    HtxTransportError,
    InvalidRequestError,
    OrderFailure,
    SwapClient,
)

BASE_URL = "https://api.hbdm.com"
ENDPOINT = f"{BASE_URL}/linear-swap-api/v1/swap_track_cancel"
SECRET = "s3cr3t-never-printed"
CREDENTIALS = Credentials("access-key", SECRET)
Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def waits() -> RecordingWaits:
    """Every wait the clients make (backoff and pacing), recorded on virtual time."""
    return RecordingWaits()


@pytest.fixture
def htx() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


def _ids(request: httpx.Request) -> list[str]:
    ids: str = json.loads(request.content)["order_id"]
    return ids.split(",")


def ok(successes: list[str], errors: Sequence[tuple[str, int, str]] = ()) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "status": "ok",
            "data": {
                "errors": [{"order_id": i, "err_code": c, "err_msg": m} for i, c, m in errors],
                "successes": ",".join(successes),
            },
            "ts": 1_700_000_000_000,
        },
    )


def error_reply(
    code: int, message: str, ts: int = 1_700_000_000_000, **headers: str
) -> httpx.Response:
    return httpx.Response(
        200,
        json={"status": "error", "err_code": code, "err_msg": message, "ts": ts},
        headers=headers,
    )


def cancel_all(request: httpx.Request) -> httpx.Response:
    return ok(_ids(request))


def _client(waits: RecordingWaits | None = None, **kwargs: Any) -> SwapClient:
    kwargs.setdefault("max_requests_per_second", 1000.0)
    return SwapClient(CREDENTIALS, base_url=BASE_URL, waits=waits, **kwargs)


def _replies(*responses: httpx.Response | Exception | Handler) -> Handler:
    """A handler answering each request with the next of `responses` (the last one repeats)."""
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(reply, Exception):
            raise reply
        if callable(reply):
            return reply(request)
        return reply

    return handler


def test_twenty_five_ids_go_out_as_three_chunks_of_at_most_ten(
    htx: respx.MockRouter, waits: RecordingWaits
) -> None:
    route = htx.post(ENDPOINT).mock(side_effect=cancel_all)
    ids = [str(1000 + i) for i in range(25)]
    with _client(waits) as client:
        result = client.cancel_trailing_orders("BTC-USDT", ids)
    chunks = sorted((_ids(call.request) for call in route.calls), key=lambda c: c[0])
    assert [len(chunk) for chunk in chunks] == [10, 10, 5]
    assert [order_id for chunk in chunks for order_id in chunk] == ids
    assert result == CancelResult(cancelled=tuple(ids))
    assert result.all_cancelled


def test_every_request_is_signed_and_carries_the_json_body(htx: respx.MockRouter) -> None:
    route = htx.post(ENDPOINT).mock(side_effect=cancel_all)
    with _client() as client:
        client.cancel_trailing_orders("BTC-USDT", ["1", "2"])
    request = route.calls.last.request
    assert set(request.url.params) == {
        "AccessKeyId",
        "SignatureMethod",
        "SignatureVersion",
        "Timestamp",
        "Signature",
    }
    assert request.url.params["AccessKeyId"] == "access-key"
    assert json.loads(request.content) == {"contract_code": "BTC-USDT", "order_id": "1,2"}


def test_outcomes_keep_input_order_and_drop_duplicates(htx: respx.MockRouter) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        ids = _ids(request)
        return ok(
            [i for i in ids if i != "7" and i != "3"],
            [("7", 1061, "This order doesn't exist."), ("3", 1063, "The order has been executed.")],
        )

    htx.post(ENDPOINT).mock(side_effect=answer)
    with _client() as client:
        result = client.cancel_trailing_orders("BTC-USDT", ["9", "7", 3, "9", "1"])
    assert result.cancelled == ("9", "1")
    assert result.failed == (
        OrderFailure("7", 1061, "This order doesn't exist."),
        OrderFailure("3", 1063, "The order has been executed."),
    )
    assert result.unresolved == ()
    assert not result.all_cancelled


def test_repeated_cancellation_1071_counts_as_cancelled(htx: respx.MockRouter) -> None:
    htx.post(ENDPOINT).mock(
        return_value=ok(
            ["1"], [("2", 1071, "Repeated cancellation. Your order has been canceled.")]
        )
    )
    with _client() as client:
        result = client.cancel_trailing_orders("BTC-USDT", ["1", "2"])
    assert result == CancelResult(cancelled=("1", "2"))


def test_an_order_the_reply_does_not_mention_stays_unresolved(htx: respx.MockRouter) -> None:
    htx.post(ENDPOINT).mock(return_value=ok(["1"]))
    with _client() as client:
        result = client.cancel_trailing_orders("BTC-USDT", ["1", "2"])
    assert result == CancelResult(cancelled=("1",), unresolved=("2",))


@pytest.mark.parametrize(
    "first",
    [
        pytest.param(
            httpx.Response(502, text="<html><body>Bad Gateway</body></html>"), id="502-html"
        ),
        pytest.param(httpx.Response(503, text="busy"), id="503"),
        pytest.param(httpx.Response(200, text='{"status":"ok","data":{"err'), id="truncated-json"),
        pytest.param(httpx.Response(200, text="<html>maintenance</html>"), id="html-200"),
        pytest.param(httpx.Response(200, json={"status": "ok", "ts": 1}), id="ok-without-data"),
        pytest.param(httpx.ReadTimeout("read timed out"), id="read-timeout"),
        pytest.param(httpx.RemoteProtocolError("peer closed connection"), id="dropped-connection"),
        pytest.param(httpx.ConnectError("connection refused"), id="connect-error"),
        pytest.param(error_reply(1032, "The number of access exceeded the limit."), id="htx-1032"),
    ],
)
def test_a_transient_failure_is_retried_and_then_settles(
    htx: respx.MockRouter, waits: RecordingWaits, first: httpx.Response | Exception
) -> None:
    route = htx.post(ENDPOINT).mock(side_effect=_replies(first, cancel_all))
    with _client(waits) as client:
        result = client.cancel_trailing_orders("BTC-USDT", ["11", "12"])
    assert result == CancelResult(cancelled=("11", "12"))
    assert route.call_count == 2
    assert any(delay > 0 for delay in waits.slept), "the retry waited (backoff) before going again"


def test_each_retry_is_signed_afresh(htx: respx.MockRouter, waits: RecordingWaits) -> None:
    route = htx.post(ENDPOINT).mock(side_effect=_replies(httpx.Response(502), cancel_all))
    ticks = iter(range(100))
    with _client(waits) as client:
        client.auth._clock = lambda: _at_second(next(ticks))
        client.cancel_trailing_orders("BTC-USDT", ["1"])
    first, second = (call.request.url.params for call in route.calls)
    assert first["Timestamp"] != second["Timestamp"]
    assert first["Signature"] != second["Signature"]


def _at_second(second: int) -> Any:
    from datetime import UTC, datetime, timedelta

    return datetime(2026, 11, 26, 12, 0, 0, tzinfo=UTC) + timedelta(seconds=second)


def test_retry_after_from_a_gateway_429_is_honoured(
    htx: respx.MockRouter, waits: RecordingWaits
) -> None:
    htx.post(ENDPOINT).mock(
        side_effect=_replies(httpx.Response(429, headers={"Retry-After": "7"}), cancel_all)
    )
    with _client(waits) as client:
        client.cancel_trailing_orders("BTC-USDT", ["1"])
    assert max(waits.slept) >= 7


def test_ratelimit_reset_on_1032_is_honoured(htx: respx.MockRouter, waits: RecordingWaits) -> None:
    import time

    now_ms = int(time.time() * 1000)
    reset_ms = str(now_ms + 5000)
    limited = error_reply(
        1032, "The number of access exceeded the limit.", ts=now_ms, **{"ratelimit-reset": reset_ms}
    )
    htx.post(ENDPOINT).mock(side_effect=_replies(limited, cancel_all))
    with _client(waits) as client:
        client.cancel_trailing_orders("BTC-USDT", ["1"])
    assert max(waits.slept) >= 4


def test_retries_that_run_out_leave_the_chunk_unresolved_and_warn(
    htx: respx.MockRouter, waits: RecordingWaits, caplog: pytest.LogCaptureFixture
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if "2" in _ids(request):
            return httpx.Response(502, text="<html>bad gateway</html>")
        return cancel_all(request)

    route = htx.post(ENDPOINT).mock(side_effect=answer)
    ids = [str(i) for i in range(1, 21)]  # chunk 1 holds "2", chunk 2 does not
    with (
        caplog.at_level(logging.WARNING, logger="htx_swap"),
        _client(waits, max_retries=2) as client,
    ):
        result = client.cancel_trailing_orders("BTC-USDT", ids)
    assert result.cancelled == tuple(ids[10:])
    assert result.unresolved == tuple(ids[:10])
    assert route.call_count == 1 + 3  # chunk 2 once, chunk 1 three times (1 + max_retries)
    assert any("giving up" in record.getMessage() for record in caplog.records)


def test_a_1032_that_outlives_the_retries_raises_with_the_partial_result(
    htx: respx.MockRouter, waits: RecordingWaits
) -> None:
    htx.post(ENDPOINT).mock(
        return_value=error_reply(1032, "The number of access exceeded the limit.")
    )
    with _client(waits, max_retries=1) as client, pytest.raises(HtxRateLimitError) as caught:
        client.cancel_trailing_orders("BTC-USDT", ["1", "2"])
    assert caught.value.err_code == 1032
    # 1032 refuses at the door: these orders are known not cancelled by this call (issue 22).
    refusal = "The number of access exceeded the limit."
    assert caught.value.result == CancelResult(
        failed=(OrderFailure("1", 1032, refusal), OrderFailure("2", 1032, refusal))
    )


def test_an_unreachable_exchange_raises_transport_error_after_the_retries(
    htx: respx.MockRouter, waits: RecordingWaits
) -> None:
    route = htx.post(ENDPOINT).mock(side_effect=httpx.ConnectError("connection refused"))
    with _client(waits, max_retries=2) as client, pytest.raises(HtxTransportError) as caught:
        client.cancel_trailing_orders("BTC-USDT", ["1"])
    assert route.call_count == 3
    # No connection was ever made: the order is known untouched (issue 22, item 8).
    assert caught.value.result == CancelResult(not_sent=("1",))
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


@pytest.mark.parametrize(
    ("code", "error_type"),
    [
        (403, HtxAuthError),
        (1253, HtxAuthError),
        (12002, HtxAuthError),
        (12008, HtxAuthError),
        (1014, HtxApiError),
    ],
)
def test_a_request_level_error_that_fails_every_request_stops_the_batch(
    htx: respx.MockRouter, code: int, error_type: type[HtxApiError]
) -> None:
    route = htx.post(ENDPOINT).mock(return_value=error_reply(code, "refused"))
    ids = [str(i) for i in range(1, 101)]
    with _client() as client, pytest.raises(error_type) as caught:
        client.cancel_trailing_orders("BTC-USDT", ids)
    assert type(caught.value) is error_type
    assert (caught.value.err_code, caught.value.err_msg) == (code, "refused")
    result = caught.value.result
    assert result is not None
    # Refused chunks failed with the code; chunks never sent are not sent (issue 22, item 8).
    assert result.unresolved == result.cancelled == ()
    assert {failure.err_code for failure in result.failed} == {code}
    assert len(result.failed) == 10 * route.call_count
    assert result.not_sent == tuple(ids[len(result.failed) :])
    assert route.call_count < 10, "stopped instead of sending all ten chunks"


def test_an_auth_failure_midway_keeps_what_was_already_cancelled(htx: respx.MockRouter) -> None:
    htx.post(ENDPOINT).mock(
        side_effect=_replies(cancel_all, error_reply(403, "Verification failure"))
    )
    ids = [str(i) for i in range(1, 21)]
    with (
        SwapClient(CREDENTIALS, base_url=BASE_URL) as client,
        pytest.raises(HtxAuthError) as caught,
    ):
        client.cancel_trailing_orders("BTC-USDT", ids)
    assert caught.value.result is not None
    assert len(caught.value.result.cancelled) == 10
    assert [failure.err_code for failure in caught.value.result.failed] == [403] * 10


def test_any_other_request_level_error_fails_the_chunk_with_htx_code(htx: respx.MockRouter) -> None:
    htx.post(ENDPOINT).mock(return_value=error_reply(1051, "No orders to cancel."))
    with _client() as client:
        result = client.cancel_trailing_orders("BTC-USDT", ["1", "2"])
    assert result.failed == (
        OrderFailure("1", 1051, "No orders to cancel."),
        OrderFailure("2", 1051, "No orders to cancel."),
    )


def test_timestamp_outside_the_window_corrects_the_clock_and_retries_once(
    htx: respx.MockRouter,
) -> None:
    server_ms = 1_800_000_000_000
    route = htx.post(ENDPOINT).mock(
        side_effect=_replies(
            error_reply(12001, "Invalid submission time", ts=server_ms), cancel_all
        )
    )
    with _client() as client:
        result = client.cancel_trailing_orders("BTC-USDT", ["1"])
    assert result.all_cancelled
    assert route.call_count == 2
    corrected = route.calls.last.request.url.params["Timestamp"]
    from datetime import UTC, datetime

    server_time = datetime.fromtimestamp(server_ms / 1000, UTC)
    assert abs(datetime.fromisoformat(corrected + "+00:00") - server_time).total_seconds() < 60


def test_a_second_12001_raises_auth_error(htx: respx.MockRouter) -> None:
    route = htx.post(ENDPOINT).mock(return_value=error_reply(12001, "Invalid submission time"))
    with _client() as client, pytest.raises(HtxAuthError) as caught:
        client.cancel_trailing_orders("BTC-USDT", ["1"])
    assert caught.value.err_code == 12001
    assert route.call_count == 2


def test_an_unexpected_http_status_is_an_unknown_outcome_not_a_refusal(
    htx: respx.MockRouter,
) -> None:
    """A 404 after the request went out proves nothing about what it did (issue 22, item 2)."""
    htx.post(ENDPOINT).mock(return_value=httpx.Response(404, text="not found"))
    with _client() as client, pytest.raises(HtxTransportError) as caught:
        client.cancel_trailing_orders("BTC-USDT", ["1"])
    assert caught.value.response is not None
    assert caught.value.response.status_code == 404
    assert caught.value.request is not None
    assert caught.value.result == CancelResult(unresolved=("1",))
    assert str(caught.value) == (
        "unexpected HTTP 404 from https://api.hbdm.com: what the request did is unknown"
    )


@pytest.mark.parametrize(
    ("contract_code", "order_ids"),
    [
        ("btc-usdt", ["1"]),
        ("BTC-USDT", []),
        ("BTC-USDT", ["1", "x"]),
        ("BTC-USDT", 12.5),
        (None, ["1"]),
    ],
)
def test_invalid_input_raises_before_any_byte_is_sent(
    htx: respx.MockRouter, contract_code: Any, order_ids: Any
) -> None:
    route = htx.post(ENDPOINT).mock(side_effect=cancel_all)
    with _client() as client, pytest.raises(InvalidRequestError):
        client.cancel_trailing_orders(contract_code, order_ids)
    assert route.call_count == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"base_url": "api.hbdm.com"},
        {"timeout": 0},
        {"timeout": "10"},
        {"max_retries": -1},
        {"max_retries": True},
        {"max_requests_per_second": 0},
    ],
)
def test_bad_client_settings_are_rejected(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidRequestError):
        SwapClient(CREDENTIALS, **kwargs)


def test_credentials_must_be_credentials() -> None:
    with pytest.raises(InvalidRequestError, match="Credentials"):
        SwapClient(("key", SECRET))  # type: ignore[arg-type]


def test_debug_log_has_a_line_per_attempt_and_never_the_secret(
    htx: respx.MockRouter, waits: RecordingWaits, caplog: pytest.LogCaptureFixture
) -> None:
    htx.post(ENDPOINT).mock(side_effect=_replies(httpx.Response(502), cancel_all))
    with caplog.at_level(logging.DEBUG), _client(waits) as client:
        client.cancel_trailing_orders("BTC-USDT", ["1", "2"])
    attempts = [r.getMessage() for r in caplog.records if r.name == "htx_swap"]
    assert len(attempts) == 2
    assert "attempt 1 -> HTTP 502" in attempts[0]
    assert "2 order(s)" in attempts[0]
    assert "attempt 2 -> answered" in attempts[1]
    assert all(SECRET not in record.getMessage() for record in caplog.records)
    assert SECRET not in repr(client)


def test_progress_reports_settled_orders_up_to_the_total(htx: respx.MockRouter) -> None:
    htx.post(ENDPOINT).mock(side_effect=cancel_all)
    seen: list[tuple[int, int]] = []
    with _client() as client:
        client.cancel_trailing_orders(
            "BTC-USDT", [str(i) for i in range(1, 26)], progress=lambda s, t: seen.append((s, t))
        )
    settled = [count for count, _ in seen]
    assert len(seen) == 3, "one call per chunk"
    assert settled == sorted(set(settled)), "counts only grow"
    assert seen[-1] == (25, 25)


def test_generated_client_is_exposed_with_signing_in_place(htx: respx.MockRouter) -> None:
    from htx_swap_client.api.swap_strategy_order_interface import cancel_trailing_orders
    from htx_swap_client.models import CancelTrailingOrdersRequest

    route = htx.post(ENDPOINT).mock(side_effect=cancel_all)
    with _client() as client:
        cancel_trailing_orders.sync(
            client=client.generated,
            body=CancelTrailingOrdersRequest(contract_code="BTC-USDT", order_id="5"),
        )
    assert "Signature" in route.calls.last.request.url.params


@pytest.mark.anyio
async def test_async_client_batches_retries_and_merges_like_the_sync_one(
    htx: respx.MockRouter, waits: RecordingWaits
) -> None:
    route = htx.post(ENDPOINT).mock(
        side_effect=_replies(httpx.Response(502), httpx.ReadTimeout("slow"), cancel_all)
    )
    ids = [str(i) for i in range(1, 26)]
    async with AsyncSwapClient(
        CREDENTIALS, base_url=BASE_URL, max_requests_per_second=1000, waits=waits
    ) as client:
        result = await client.cancel_trailing_orders("BTC-USDT", ids)
    assert result == CancelResult(cancelled=tuple(ids))
    assert route.call_count == 5


@pytest.mark.anyio
async def test_async_client_raises_the_same_errors(htx: respx.MockRouter) -> None:
    htx.post(ENDPOINT).mock(return_value=error_reply(403, "Incorrect Access key"))
    async with AsyncSwapClient(CREDENTIALS, base_url=BASE_URL) as client:
        with pytest.raises(HtxAuthError) as caught:
            await client.cancel_trailing_orders("BTC-USDT", ["1"])
    assert caught.value.result == CancelResult(
        failed=(OrderFailure("1", 403, "Incorrect Access key"),)
    )


def test_a_gateway_http_403_raises_auth_error(htx: respx.MockRouter) -> None:
    htx.post(ENDPOINT).mock(return_value=httpx.Response(403, text="<html>Forbidden</html>"))
    with _client() as client, pytest.raises(HtxAuthError) as caught:
        client.cancel_trailing_orders("BTC-USDT", ["1"])
    assert (caught.value.status_code, caught.value.err_code) == (403, None)


def test_an_error_in_the_caller_stops_the_workers_from_taking_more_chunks(
    htx: respx.MockRouter,
) -> None:
    """Ctrl-C (or a failing progress callback) must not leave the caller waiting for every chunk."""
    route = htx.post(ENDPOINT).mock(side_effect=cancel_all)

    calls: list[int] = []

    def interrupt_once(settled: int, total: int) -> None:
        calls.append(settled)
        if len(calls) == 1:
            raise KeyboardInterrupt

    ids = [str(i) for i in range(1, 501)]  # 50 chunks at 20/s: 2.5 s if nothing stopped them
    with (
        _client(max_requests_per_second=20) as client,
        pytest.raises(KeyboardInterrupt),
    ):
        client.cancel_trailing_orders("BTC-USDT", ids, progress=interrupt_once)
    assert route.call_count < 50
