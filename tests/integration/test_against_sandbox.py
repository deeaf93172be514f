"""The wrapper against the sandbox over a real socket: signing, batching, pacing and outcomes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import htx_sandbox
from htx_sandbox import Fault, OrderState, Sandbox
from htx_swap import (
    AsyncSwapClient,
    CancelResult,
    Credentials,
    HtxApiError,
    HtxAuthError,
    OrderFailure,
    SwapClient,
)
from htx_swap._operations import CANCEL_TRAILING_ORDERS

CONTRACT = "BTC-USDT"
EXECUTED = "826052268312821001"
ALREADY_CANCELLED = "826052268312821003"
UNKNOWN = "826052268312829999"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    # 50/s runs past the per-UID pools (72 per 3 s); these tests are about the 5/s kind of limit.
    with htx_sandbox.running(rate=50.0, pool_rate=None) as running:
        yield running


def _keys(sandbox: Sandbox) -> Credentials:
    return Credentials(sandbox.credentials.access_key, sandbox.credentials.secret_key)


def _seed(sandbox: Sandbox, open_orders: int) -> list[str]:
    opened = list(sandbox.control.seed_orders(CONTRACT, generate=open_orders))
    sandbox.control.seed_orders(CONTRACT, executed=[EXECUTED], cancelled=[ALREADY_CANCELLED])
    return opened


def _expected(opened: list[str]) -> CancelResult:
    return CancelResult(
        cancelled=(*opened, ALREADY_CANCELLED),
        failed=(
            OrderFailure(EXECUTED, 1063, "The order has been executed."),
            OrderFailure(UNKNOWN, 1061, "This order doesn't exist."),
        ),
    )


def test_sync_client_cancels_every_order_and_reports_each_outcome(sandbox: Sandbox) -> None:
    opened = _seed(sandbox, 25)
    with SwapClient(
        _keys(sandbox), base_url=sandbox.base_url, max_requests_per_second=50
    ) as client:
        result = client.cancel_trailing_orders(
            CONTRACT, [*opened, ALREADY_CANCELLED, EXECUTED, UNKNOWN]
        )
    assert result == _expected(opened)
    assert sandbox.control.cancelled_ids(CONTRACT) >= set(opened)
    requests = sandbox.control.requests()
    assert sorted(len(record.order_ids) for record in requests) == [8, 10, 10]
    assert all(record.authenticated for record in requests)


@pytest.mark.anyio
async def test_async_client_cancels_every_order_and_reports_each_outcome(
    sandbox: Sandbox, async_transport: str
) -> None:
    opened = _seed(sandbox, 25)
    async with AsyncSwapClient(
        _keys(sandbox),
        base_url=sandbox.base_url,
        max_requests_per_second=50,
        transport=async_transport,
    ) as client:
        result = await client.cancel_trailing_orders(
            CONTRACT, [*opened, ALREADY_CANCELLED, EXECUTED, UNKNOWN]
        )
    assert result == _expected(opened)
    assert all(sandbox.control.order_state(order_id) == OrderState.CANCELLED for order_id in opened)


def test_the_client_stays_under_a_strict_limit_without_a_single_1032() -> None:
    with htx_sandbox.running(rate=5.0, orders=60) as sandbox:
        with SwapClient(_keys(sandbox), base_url=sandbox.base_url) as client:
            result = client.cancel_trailing_orders(CONTRACT, sandbox.order_ids)
        stats = sandbox.control.stats()
    assert result == CancelResult(cancelled=sandbox.order_ids)
    assert stats.rejections == {}
    assert max(stats.max_window_count.values()) <= 5


@pytest.mark.anyio
async def test_the_async_client_stays_under_a_strict_limit_without_a_single_1032(
    async_transport: str,
) -> None:
    with htx_sandbox.running(rate=5.0, orders=60) as sandbox:
        async with AsyncSwapClient(
            _keys(sandbox), base_url=sandbox.base_url, transport=async_transport
        ) as client:
            result = await client.cancel_trailing_orders(CONTRACT, sandbox.order_ids)
        stats = sandbox.control.stats()
    assert result == CancelResult(cancelled=sandbox.order_ids)
    assert stats.rejections == {}
    assert max(stats.max_window_count.values()) <= 5


def test_a_reply_lost_after_the_cancel_applied_is_retried_into_cancelled(sandbox: Sandbox) -> None:
    opened = _seed(sandbox, 3)
    sandbox.control.queue_faults(Fault.DROP_AFTER_APPLY)
    with SwapClient(
        _keys(sandbox), base_url=sandbox.base_url, max_requests_per_second=50
    ) as client:
        result = client.cancel_trailing_orders(CONTRACT, opened)
    assert result == CancelResult(cancelled=tuple(opened))
    # The second attempt found them cancelled already and HTX answered 1071.
    assert sandbox.control.stats().order_errors.get(1071) == 3


def test_a_gateway_502_page_and_a_junk_body_are_retried(sandbox: Sandbox) -> None:
    opened = _seed(sandbox, 2)
    sandbox.control.queue_faults(Fault.BAD_GATEWAY)
    sandbox.control.queue_faults(Fault.JUNK_AFTER_APPLY)
    with SwapClient(
        _keys(sandbox), base_url=sandbox.base_url, max_requests_per_second=50
    ) as client:
        result = client.cancel_trailing_orders(CONTRACT, opened)
    assert result == CancelResult(cancelled=tuple(opened))
    assert len(sandbox.control.requests()) == 3
    assert sandbox.control.stats().order_errors.get(1071) == 2, "the junk reply had applied"


def test_wrong_secret_raises_auth_error_and_sends_nothing_else(sandbox: Sandbox) -> None:
    opened = _seed(sandbox, 100)
    wrong = Credentials(sandbox.credentials.access_key, "not-the-secret")
    with (
        SwapClient(wrong, base_url=sandbox.base_url) as client,
        pytest.raises(HtxAuthError) as caught,
    ):
        client.cancel_trailing_orders(CONTRACT, opened)
    assert caught.value.err_code == 403
    # Refused chunks failed with 403, the rest were never sent (issue 22, item 8).
    result = caught.value.result
    assert result is not None
    assert result.cancelled == result.unresolved == ()
    assert {failure.err_code for failure in result.failed} == {403}
    assert tuple(failure.order_id for failure in result.failed) + result.not_sent == tuple(opened)
    assert sandbox.control.cancelled_ids(CONTRACT) == {ALREADY_CANCELLED}, "none of ours"
    assert len(sandbox.control.requests()) < 10, "the batch stopped at the first refusal"
    assert "not-the-secret" not in str(caught.value)


def test_a_clock_five_minutes_off_is_corrected_from_the_reply() -> None:
    import time

    with htx_sandbox.running(orders=3, clock=lambda: time.time() + 600) as sandbox:
        with SwapClient(_keys(sandbox), base_url=sandbox.base_url) as client:
            result = client.cancel_trailing_orders(CONTRACT, sandbox.order_ids)
        codes = [record.err_code for record in sandbox.control.requests()]
    assert result.all_cancelled
    assert codes == [12001, None]


def test_an_unknown_contract_raises_api_error_1014(sandbox: Sandbox) -> None:
    with (
        SwapClient(_keys(sandbox), base_url=sandbox.base_url) as client,
        pytest.raises(HtxApiError) as caught,
    ):
        client.cancel_trailing_orders("DOGE-USDT", ["1"])
    assert caught.value.err_code == 1014


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["sync", "async", "async on aiohttp"])
async def test_each_slot_is_marked_again_when_its_request_bytes_leave(
    sandbox: Sandbox, kind: str
) -> None:
    """Pacing counts from the send (httpcore's or aiohttp's trace), not only from the slot's
    opening."""
    opened = _seed(sandbox, 30)
    options: dict[str, Any] = {"base_url": sandbox.base_url, "max_requests_per_second": 50}
    client: SwapClient | AsyncSwapClient
    if kind == "sync":
        client = SwapClient(_keys(sandbox), **options)
    else:
        transport = "aiohttp" if kind.endswith("aiohttp") else "httpx"
        client = AsyncSwapClient(_keys(sandbox), transport=transport, **options)
    marks: list[object] = []
    interface, _pool = client._engine.limiters(CANCEL_TRAILING_ORDERS)
    mark_started = interface.mark_started

    def spy(slot: object) -> None:
        marks.append(slot)
        mark_started(slot)  # type: ignore[arg-type]

    interface.mark_started = spy  # type: ignore[method-assign]
    if isinstance(client, AsyncSwapClient):
        async with client:
            await client.cancel_trailing_orders(CONTRACT, opened)
    else:
        with client:
            client.cancel_trailing_orders(CONTRACT, opened)
    assert len(marks) == 2 * 3, "each of the 3 chunks: once on waking, once as its bytes left"
    assert len(set(map(id, marks))) == 3
