"""Paths the main suites rarely take: strangers in a reply, an async batch stopped mid-wait,
HTTP-date Retry-After, unprintable IDs, and the signer's fallback URL setter."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
import respx

from htx_swap import (
    AsyncSwapClient,
    CancelResult,
    Credentials,
    HtxAuthError,
    InvalidRequestError,
    SwapClient,
)
from htx_swap._retry import server_hint
from htx_swap._validation import normalize_order_ids

BASE_URL = "https://api.hbdm.com"
ENDPOINT = f"{BASE_URL}/linear-swap-api/v1/swap_track_cancel"
KEYS = Credentials("access-key", "rare-paths-secret")


def _ok(successes: list[str]) -> httpx.Response:
    body = {"status": "ok", "data": {"errors": [], "successes": ",".join(successes)}, "ts": 1}
    return httpx.Response(200, json=body)


def test_orders_a_reply_names_but_nobody_asked_for_are_logged_and_left_out(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with respx.mock() as htx:
        htx.post(ENDPOINT).mock(
            side_effect=lambda request: _ok(
                [*json.loads(request.content)["order_id"].split(","), "999"]
            )
        )
        with SwapClient(KEYS, base_url=BASE_URL) as client:
            result = client.cancel_trailing_orders("BTC-USDT", ["1", "2"])
    assert result == CancelResult(cancelled=("1", "2"))
    assert "HTX's reply named orders its request did not carry; ignored: 999" in caplog.text


@pytest.mark.anyio
async def test_an_async_chunk_waiting_for_its_slot_is_not_sent_once_the_batch_stopped() -> None:
    refused = httpx.Response(
        200, json={"status": "error", "err_code": 403, "err_msg": "Verification failure", "ts": 1}
    )
    # 2 requests per 1.03 s: chunk 3 waits about a second for a slot, and the first refusal
    # arrives long before it (chunk 2 may or may not have left by then).
    with respx.mock() as htx:
        route = htx.post(ENDPOINT).mock(return_value=refused)
        async with AsyncSwapClient(KEYS, base_url=BASE_URL, max_requests_per_second=2) as client:
            with pytest.raises(HtxAuthError) as caught:
                await client.cancel_trailing_orders("BTC-USDT", [str(i) for i in range(1, 31)])
    sent = [json.loads(call.request.content)["order_id"] for call in route.calls]
    assert 1 <= len(sent) <= 2
    assert all("21" not in ids.split(",") for ids in sent), "chunk 3 went out after the stop"
    result = caught.value.result
    assert result is not None
    # Refused at the door or never sent: none is unresolved (issue 22, item 8).
    assert len(result.failed) == 10 * len(sent)
    assert len(result.not_sent) == 30 - 10 * len(sent)


def test_a_retry_after_given_as_an_http_date_is_honoured() -> None:
    moment = datetime(2015, 10, 21, 7, 28, 0, tzinfo=UTC).timestamp()
    headers = {"retry-after": "Wed, 21 Oct 2015 07:28:30 GMT"}
    assert server_hint(headers, now=moment) == pytest.approx(30.0)
    assert server_hint({"retry-after": "soon"}, now=moment) is None


def test_an_int_too_long_to_print_is_described_by_its_size() -> None:
    with pytest.raises(InvalidRequestError, match=r"order_ids\[0\] .*: <int of 16610 bits>"):
        normalize_order_ids([10**5000])


@pytest.mark.anyio
async def test_no_async_worker_takes_another_call_once_one_has_raised() -> None:
    """The TaskGroup cancels the other workers only from a done-callback: a worker whose reply
    came in the same loop turn runs first. It must find the batch stopped, not take a call."""
    from htx_swap._engine import Engine, Scope

    everyone_sent = asyncio.Event()
    in_flight: list[int] = []
    taken: list[int] = []

    class Batch:
        scope = Scope()

        def calls(self) -> Iterator[int]:
            for number in range(50):
                taken.append(number)
                yield number

        def on_done(self, call: int) -> None:
            if call == 0:
                raise RuntimeError("a bug in the caller's progress callback")

    async def answered_together(call: int) -> None:
        in_flight.append(call)
        if len(in_flight) == 4:  # the four replies arrive in one loop turn
            asyncio.get_running_loop().call_soon(everyone_sent.set)
        await everyone_sent.wait()

    engine = object.__new__(Engine)  # only the worker loop is under test: no client, no I/O
    engine.run_call_async = answered_together  # type: ignore[method-assign,assignment]
    with pytest.raises(RuntimeError, match="progress callback"):
        await engine.run_async(Batch(), workers=4)  # type: ignore[arg-type]
    assert taken == [0, 1, 2, 3]
