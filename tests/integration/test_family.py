"""The trailing-order family against the sandbox: both margin modes, sync and async.

Each operation is run as a user would, and checked against the sandbox's own truth: what it
holds and what it received (``control.requests()``), including under the faults that matter for
each (place with every fault; paging while orders are cancelled; cancel-all with a lost reply).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

import htx_sandbox
from htx_sandbox import Fault, FaultPlan, Sandbox
from htx_sandbox import Operation as SandboxOperation
from htx_swap import (
    AsyncSwapClient,
    CancelAllResult,
    Credentials,
    HtxApiError,
    HtxUnknownOutcomeError,
    InvalidRequestError,
    SwapClient,
    TrailingOrder,
    TrailingOrderStatus,
)

MODES = ["isolated", "cross"]
PLACE: dict[str, Any] = {
    "direction": "buy",
    "volume": 3,
    "callback_rate": "0.02",
    "active_price": "41000.5",
    "order_price_type": "optimal_5",
    "offset": "open",
    "lever_rate": 5,
}


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with htx_sandbox.running(rate=None) as running:
        yield running


def _keys(sandbox: Sandbox) -> Credentials:
    return Credentials(sandbox.credentials.access_key, sandbox.credentials.secret_key)


class Both:
    """One client API for a test, run on SwapClient or on AsyncSwapClient (either transport)."""

    def __init__(self, sandbox: Sandbox, kind: str, **options: Any) -> None:
        options.setdefault("max_requests_per_second", None)
        self.kind = kind
        self.options = {"base_url": sandbox.base_url, **options}
        self.keys = _keys(sandbox)

    def run(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if self.kind == "sync":
            with SwapClient(self.keys, **self.options) as client:
                result = getattr(client, method)(*args, **kwargs)
                return list(result) if isinstance(result, Iterator) else result

        transport = "aiohttp" if self.kind == "async on aiohttp" else "httpx"

        async def run_async() -> Any:
            async with AsyncSwapClient(self.keys, transport=transport, **self.options) as client:
                result = getattr(client, method)(*args, **kwargs)
                if isinstance(result, AsyncIterator):
                    return [item async for item in result]
                return await result

        return asyncio.run(run_async())


@pytest.fixture(params=["sync", "async", "async on aiohttp"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _kind(record: Any) -> str | None:
    """The kind of operation a request was (order, cancel, openorders...), if any."""
    return None if record.operation is None else str(record.operation.kind.value)


def _operations(sandbox: Sandbox) -> list[Any]:
    return [record.operation for record in sandbox.control.requests()]


# --- place --------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_place_creates_one_open_order_with_every_parameter(
    sandbox: Sandbox, kind: str, mode: str
) -> None:
    placed = Both(sandbox, kind).run("place_trailing_order", "BTC-USDT", margin_mode=mode, **PLACE)
    order = sandbox.control.order(placed.order_id)
    assert order is not None
    assert (order.margin_mode, order.contract.code, order.direction) == (mode, "BTC-USDT", "buy")
    assert (order.volume, order.callback_rate, order.active_price) == (
        Decimal(3),
        Decimal("0.02"),
        Decimal("41000.5"),
    )
    assert int(placed.order_id) > 2**53, "the ID comes from order_id_str, exact"
    assert _operations(sandbox).count(SandboxOperation.PLACE if mode == "isolated" else
                                      SandboxOperation.CROSS_PLACE) == 1  # fmt: skip


def test_cross_place_by_pair_and_contract_type(sandbox: Sandbox, kind: str) -> None:
    placed = Both(sandbox, kind).run(
        "place_trailing_order", None, margin_mode="cross", pair="BTC-USDT",
        contract_type="quarter", **PLACE,
    )  # fmt: skip
    order = sandbox.control.order(placed.order_id)
    assert order is not None
    assert order.contract.code.startswith("BTC-USDT-")


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"direction": "long"}, "direction"),
        ({"volume": "1.5"}, "volume"),
        ({"volume": 0}, "volume"),
        ({"volume": float("nan")}, "volume"),
        ({"callback_rate": "0.0009"}, "callback_rate"),
        ({"callback_rate": 0.1 + 0.2}, "callback_rate"),
        ({"active_price": "-1"}, "active_price"),
        ({"active_price": Decimal("Infinity")}, "active_price"),
        ({"active_price": Decimal("1E+400")}, "active_price"),  # finite, but no float holds it
        ({"active_price": 10**400}, "active_price"),
        ({"active_price": Decimal("50000.123456789012345678")}, "active_price"),  # would round
        ({"callback_rate": Decimal("0.0100000000000000000001")}, "callback_rate"),
        ({"volume": 2**63}, "volume"),
        ({"order_price_type": "market"}, "order_price_type"),
        ({"offset": "opne"}, "offset"),
        ({"lever_rate": 0}, "lever_rate"),
        ({"reduce_only": 1}, "reduce_only"),
        ({"margin_mode": "crossed"}, "margin_mode"),
        ({"pair": "BTC-USDT"}, "cross margin only"),
    ],
)
def test_place_refuses_what_htx_would_before_any_byte(
    sandbox: Sandbox, options: dict[str, Any], problem: str
) -> None:
    with (
        SwapClient(_keys(sandbox), base_url=sandbox.base_url) as client,
        pytest.raises(InvalidRequestError, match=problem),
    ):
        client.place_trailing_order("BTC-USDT", **{**PLACE, **options})
    assert sandbox.control.requests() == ()


def test_a_futures_code_is_for_cross_margin_only(sandbox: Sandbox) -> None:
    with (
        SwapClient(_keys(sandbox), base_url=sandbox.base_url) as client,
        pytest.raises(InvalidRequestError, match="contract_code"),
    ):
        client.place_trailing_order("BTC-USDT-261225", **PLACE)


def test_htx_refusing_a_placement_raises_its_code(sandbox: Sandbox, kind: str) -> None:
    with pytest.raises(HtxApiError) as caught:
        Both(sandbox, kind).run("place_trailing_order", "DOGE-USDT", **PLACE)
    assert caught.value.err_code == 1014


LOST = [Fault.DROP_AFTER_APPLY, Fault.DELAY_AFTER_APPLY, Fault.JUNK_AFTER_APPLY]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fault", LOST, ids=str)
def test_a_placement_whose_reply_is_lost_is_never_resent_and_names_its_order(
    sandbox: Sandbox, kind: str, fault: Fault, mode: str
) -> None:
    sandbox.control.set_faults(FaultPlan(delay=0.8))  # the delayed reply: past the 0.5 s timeout
    sandbox.control.queue_faults(fault)
    began = time.monotonic()
    with pytest.raises(HtxUnknownOutcomeError) as caught:
        Both(sandbox, kind, timeout=0.5).run(
            "place_trailing_order", "BTC-USDT", margin_mode=mode, **PLACE
        )
    places = [r for r in sandbox.control.requests() if _kind(r) == "order"]
    assert len(places) == 1, "sent once, never again"
    [created] = places[0].created_ids
    assert sandbox.control.open_ids(margin_mode=mode) == {created}
    assert caught.value.candidates is not None
    assert [order.order_id for order in caught.value.candidates] == [created]
    assert caught.value.params["volume"] == 3
    if fault is Fault.DELAY_AFTER_APPLY:
        # Let the delayed reply finish before the sandbox stops: a proxy in front would see it cut.
        time.sleep(max(0.0, 1.0 - (time.monotonic() - began)))


@pytest.mark.parametrize("mode", MODES)
def test_an_identical_order_placed_before_the_attempt_is_no_candidate(
    sandbox: Sandbox, kind: str, mode: str
) -> None:
    """Candidates are the orders created since the attempt began, on HTX's clock as read from
    the lookup's reply: an order with the same parameters from 3 s before is not one."""
    same = {name: value for name, value in PLACE.items()}
    [earlier] = sandbox.control.seed_orders(
        "BTC-USDT",
        generate=1,
        margin_mode=mode,
        fields={**same, "created_at": int(time.time() * 1000) - 3_000},
    )
    sandbox.control.queue_faults(Fault.DROP_AFTER_APPLY)
    with pytest.raises(HtxUnknownOutcomeError) as caught:
        Both(sandbox, kind).run("place_trailing_order", "BTC-USDT", margin_mode=mode, **PLACE)
    [place] = [r for r in sandbox.control.requests() if _kind(r) == "order"]
    [created] = place.created_ids
    assert sandbox.control.open_ids(margin_mode=mode) == {earlier, created}
    assert caught.value.candidates is not None
    assert [order.order_id for order in caught.value.candidates] == [created]


@pytest.mark.parametrize("mode", MODES)
def test_a_placement_a_gateway_refused_is_unknown_with_no_candidate(
    sandbox: Sandbox, kind: str, mode: str
) -> None:
    """A 502 may come from a gateway that forwarded the request: not resent, and not found."""
    sandbox.control.queue_faults(Fault.BAD_GATEWAY)
    with pytest.raises(HtxUnknownOutcomeError) as caught:
        Both(sandbox, kind).run("place_trailing_order", "BTC-USDT", margin_mode=mode, **PLACE)
    assert caught.value.candidates == ()
    assert sandbox.control.open_ids(margin_mode=mode) == frozenset()
    assert len([r for r in sandbox.control.requests() if _kind(r) == "order"]) == 1


@pytest.mark.parametrize("mode", MODES)
def test_candidates_are_none_when_the_lookup_fails_too(
    sandbox: Sandbox, kind: str, mode: str
) -> None:
    sandbox.control.queue_faults(Fault.DROP_AFTER_APPLY, count=10)
    with pytest.raises(HtxUnknownOutcomeError) as caught:
        Both(sandbox, kind, max_retries=1).run(
            "place_trailing_order", "BTC-USDT", margin_mode=mode, **PLACE
        )
    assert caught.value.candidates is None
    assert "could not be read" in str(caught.value)


@pytest.mark.parametrize("mode", MODES)
def test_a_rate_limited_placement_is_resent_and_placed_once(kind: str, mode: str) -> None:
    with htx_sandbox.running(rate=1, interval=0.5) as sandbox:
        both = Both(sandbox, kind, max_requests_per_second=1000)
        place = {"margin_mode": mode, **PLACE}
        first = both.run("place_trailing_order", "BTC-USDT", **place)
        second = both.run("place_trailing_order", "BTC-USDT", **place)  # 1032 first, then placed
        refused = [r for r in sandbox.control.requests() if r.err_code == 1032]
        assert refused, "the second was refused at least once for the rate limit"
        assert sandbox.control.open_ids(margin_mode=mode) == {first.order_id, second.order_id}


# --- lists --------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_open_orders_page_through_120_orders_without_gap_or_repeat(
    sandbox: Sandbox, kind: str, mode: str
) -> None:
    opened = sandbox.control.seed_orders("BTC-USDT", generate=120, margin_mode=mode)
    orders = Both(sandbox, kind).run("open_trailing_orders", "BTC-USDT", margin_mode=mode)
    assert sorted(order.order_id for order in orders) == sorted(opened)
    pages = [r for r in sandbox.control.requests() if r.operation and _kind(r) == "openorders"]
    assert len(pages) == 3, "pages of 50"


def test_open_orders_start_no_request_until_iterated(sandbox: Sandbox) -> None:
    with SwapClient(_keys(sandbox), base_url=sandbox.base_url) as client:
        orders = client.open_trailing_orders("BTC-USDT")
        assert sandbox.control.requests() == ()
        assert list(orders) == []
    assert len(sandbox.control.requests()) == 1


def test_an_order_listed_has_exact_values_and_aware_times(sandbox: Sandbox, kind: str) -> None:
    placed = Both(sandbox, kind).run(
        "place_trailing_order", "BTC-USDT", margin_mode="cross", **PLACE
    )
    [order] = Both(sandbox, kind).run("open_trailing_orders", "BTC-USDT", margin_mode="cross")
    assert isinstance(order, TrailingOrder)
    assert order.order_id == placed.order_id
    assert (order.volume, order.callback_rate, order.active_price) == (
        Decimal(3),
        Decimal("0.02"),
        Decimal("41000.5"),
    )
    assert order.status is TrailingOrderStatus.READY_TO_SUBMIT
    assert order.created_at.tzinfo is UTC
    assert abs(datetime.now(UTC) - order.created_at) < timedelta(minutes=1)
    assert (order.pair, order.contract_type, order.business_type) == ("BTC-USDT", "swap", "swap")
    assert order.relation_order_id is None
    assert order.triggered_price is None


def _list_cancelling_between_pages(
    sandbox: Sandbox, kind: str, mode: str
) -> tuple[list[TrailingOrder], list[TrailingOrder]]:
    """The open orders, listed while the first ten of page 1 are cancelled before page 2."""
    options: dict[str, Any] = {"base_url": sandbox.base_url, "max_requests_per_second": None}
    if kind == "sync":
        with SwapClient(_keys(sandbox), **options) as client:
            listing = client.open_trailing_orders("BTC-USDT", margin_mode=mode)
            first = [next(listing) for _ in range(50)]
            ids = [order.order_id for order in first[:10]]
            client.cancel_trailing_orders("BTC-USDT", ids, margin_mode=mode)
            return first, list(listing)

    async def run_async() -> tuple[list[TrailingOrder], list[TrailingOrder]]:
        transport = "aiohttp" if kind == "async on aiohttp" else "httpx"
        async with AsyncSwapClient(_keys(sandbox), transport=transport, **options) as client:
            listing = client.open_trailing_orders("BTC-USDT", margin_mode=mode)
            first = [await anext(listing) for _ in range(50)]
            ids = [order.order_id for order in first[:10]]
            await client.cancel_trailing_orders("BTC-USDT", ids, margin_mode=mode)
            return first, [order async for order in listing]

    return asyncio.run(run_async())


@pytest.mark.parametrize("mode", MODES)
def test_paging_while_orders_are_cancelled_yields_each_open_order_once(
    sandbox: Sandbox, kind: str, mode: str
) -> None:
    opened = sandbox.control.seed_orders("BTC-USDT", generate=120, margin_mode=mode)
    # Between pages, ten orders of the first page are cancelled: the rest shift up.
    first, rest = _list_cancelling_between_pages(sandbox, kind, mode)
    seen = [order.order_id for order in first + rest]
    assert len(seen) == len(set(seen)), "no order twice"
    assert set(seen) >= set(opened) - {order.order_id for order in first[:10]}


def test_paging_while_orders_are_placed_yields_no_order_twice(sandbox: Sandbox) -> None:
    sandbox.control.seed_orders("BTC-USDT", generate=60)
    with SwapClient(_keys(sandbox), base_url=sandbox.base_url, max_requests_per_second=None) as c:
        listing = c.open_trailing_orders("BTC-USDT")
        first = [next(listing) for _ in range(50)]
        sandbox.control.seed_orders("BTC-USDT", generate=5)  # newest first: the list shifts down
        rest = list(listing)
    seen = [order.order_id for order in first + rest]
    assert len(seen) == len(set(seen)) == 65


@pytest.mark.parametrize("mode", MODES)
def test_history_shows_every_end_state_with_its_fields(
    sandbox: Sandbox, kind: str, mode: str
) -> None:
    triggered, failed, cancelled, _still_open = sandbox.control.seed_orders(
        "BTC-USDT", generate=4, margin_mode=mode
    )
    sandbox.control.trigger(triggered, price="42000")
    sandbox.control.fail(failed, fail_code=1047, fail_reason="Insufficient margin available.")
    Both(sandbox, kind).run("cancel_trailing_orders", "BTC-USDT", [cancelled], margin_mode=mode)
    history = {
        order.order_id: order
        for order in Both(sandbox, kind).run("trailing_order_history", "BTC-USDT", margin_mode=mode)
    }
    assert set(history) == {triggered, failed, cancelled}
    assert history[triggered].status is TrailingOrderStatus.SUBMITTED
    assert history[triggered].relation_order_id is not None
    assert history[triggered].relation_order_id.isdigit()
    assert history[triggered].triggered_price == Decimal(42000)
    assert (history[failed].fail_code, history[failed].fail_reason) == (
        1047,
        "Insufficient margin available.",
    )
    assert history[failed].status is TrailingOrderStatus.SUBMIT_FAILED
    assert history[cancelled].status is TrailingOrderStatus.CANCELLED
    assert history[cancelled].canceled_at is not None
    assert history[triggered].canceled_at is None
    only_cancelled = Both(sandbox, kind).run(
        "trailing_order_history", "BTC-USDT", margin_mode=mode,
        status=TrailingOrderStatus.CANCELLED,
    )  # fmt: skip
    assert [order.order_id for order in only_cancelled] == [cancelled]


def test_a_cancel_of_a_triggered_order_fails_with_1063(sandbox: Sandbox, kind: str) -> None:
    [order_id] = sandbox.control.seed_orders("BTC-USDT", generate=1)
    sandbox.control.trigger(order_id)
    result = Both(sandbox, kind).run("cancel_trailing_orders", "BTC-USDT", [order_id])
    assert [failure.err_code for failure in result.failed] == [1063]


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"days": 91}, "days"),
        ({"days": 0}, "days"),
        ({"status": 2}, "status"),
        ({"status": []}, "status"),
        ({"sort_by": "create_date"}, "sort_by"),
        ({"trade_type": 5}, "trade_type"),
    ],
)
def test_history_filters_are_checked_before_any_byte(
    sandbox: Sandbox, options: dict[str, Any], problem: str
) -> None:
    with (
        SwapClient(_keys(sandbox), base_url=sandbox.base_url) as client,
        pytest.raises(InvalidRequestError, match=problem),
    ):
        client.trailing_order_history("BTC-USDT", **options)
    assert sandbox.control.requests() == ()


# --- cancel, cancel-all -------------------------------------------------------------------------


def test_cross_cancel_does_not_touch_isolated_orders(sandbox: Sandbox, kind: str) -> None:
    [isolated] = sandbox.control.seed_orders("BTC-USDT", generate=1)
    [cross] = sandbox.control.seed_orders("BTC-USDT", generate=1, margin_mode="cross")
    result = Both(sandbox, kind).run(
        "cancel_trailing_orders", "BTC-USDT", [cross, isolated], margin_mode="cross"
    )
    assert result.cancelled == (cross,)
    assert [(f.order_id, f.err_code) for f in result.failed] == [(isolated, 1061)]
    assert sandbox.control.open_ids(margin_mode="isolated") == {isolated}


@pytest.mark.parametrize("mode", MODES)
def test_cancel_all_cancels_every_open_order_in_one_request(
    sandbox: Sandbox, kind: str, mode: str
) -> None:
    opened = sandbox.control.seed_orders("BTC-USDT", generate=25, margin_mode=mode)
    result = Both(sandbox, kind).run("cancel_all_trailing_orders", "BTC-USDT", margin_mode=mode)
    assert sorted(result.cancelled) == sorted(opened)
    assert result.complete
    assert len(sandbox.control.requests()) == 1
    again = Both(sandbox, kind).run("cancel_all_trailing_orders", "BTC-USDT", margin_mode=mode)
    assert again == CancelAllResult(cancelled=(), failed=(), complete=True), "1051: nothing left"


@pytest.mark.parametrize("mode", MODES)
def test_cancel_all_with_a_lost_reply_is_not_complete(
    sandbox: Sandbox, kind: str, mode: str
) -> None:
    opened = sandbox.control.seed_orders("BTC-USDT", generate=5, margin_mode=mode)
    sandbox.control.queue_faults(Fault.DROP_AFTER_APPLY)
    result = Both(sandbox, kind).run("cancel_all_trailing_orders", "BTC-USDT", margin_mode=mode)
    assert sandbox.control.open_ids(margin_mode=mode) == frozenset()
    assert sandbox.control.cancelled_ids(margin_mode=mode) == set(opened)
    assert result.cancelled == ()
    assert result.complete is False, "the empty answer can't account for the lost one"


def test_cancel_all_filters_on_direction(sandbox: Sandbox, kind: str) -> None:
    buys = sandbox.control.seed_orders("BTC-USDT", generate=3, fields={"direction": "buy"})
    sells = sandbox.control.seed_orders("BTC-USDT", generate=2, fields={"direction": "sell"})
    result = Both(sandbox, kind).run("cancel_all_trailing_orders", "BTC-USDT", direction="sell")
    assert sorted(result.cancelled) == sorted(sells)
    assert sandbox.control.open_ids() == set(buys)


def test_an_unknown_contract_raises_1014_for_cancel_all(sandbox: Sandbox, kind: str) -> None:
    with pytest.raises(HtxApiError) as caught:
        Both(sandbox, kind).run("cancel_all_trailing_orders", "DOGE-USDT")
    assert caught.value.err_code == 1014
