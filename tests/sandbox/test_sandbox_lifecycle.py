"""An order's life: seeded in any state, activated, triggered or failed, and how replies show it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from htx_sandbox import (
    Credentials,
    Exchange,
    MarginMode,
    OrderState,
    OrderStateError,
    Sandbox,
    running,
)

from .conftest import FakeClock, call, make_client

QUARTER = "BTC-USDT-231229"


def open_ids(exchange: Exchange, clock: FakeClock, mode: str = "isolated") -> list[str]:
    prefix = "swap_cross" if mode == "cross" else "swap"
    body = {"contract_code": "BTC-USDT"}
    orders = call(exchange, clock, f"{prefix}_track_openorders", body)["data"]["orders"]
    return [order["order_id_str"] for order in orders]


def history_of(exchange: Exchange, clock: FakeClock, mode: str = "isolated") -> dict[str, Any]:
    prefix = "swap_cross" if mode == "cross" else "swap"
    body = {"contract_code": "BTC-USDT", "status": "0", "trade_type": 0, "create_date": 1}
    orders = call(exchange, clock, f"{prefix}_track_hisorders", body)["data"]["orders"]
    return {order["order_id_str"]: order for order in orders}


def cancel_code(exchange: Exchange, clock: FakeClock, order_id: str, mode: str = "isolated") -> Any:
    prefix = "swap_cross" if mode == "cross" else "swap"
    body = {"contract_code": "BTC-USDT", "order_id": order_id}
    data = call(exchange, clock, f"{prefix}_track_cancel", body)["data"]
    return data["errors"][0]["err_code"] if data["errors"] else "cancelled"


def test_activating_shows_in_open_orders(unlimited: Exchange, clock: FakeClock) -> None:
    (order_id,) = unlimited.seed_orders(generate=1)
    clock.advance(2)
    activated = unlimited.activate(order_id)
    assert (activated.is_active, activated.state) == (1, OrderState.OPEN)
    assert activated.update_time == round(clock() * 1000)
    (listed,) = call(unlimited, clock, "swap_track_openorders", {"contract_code": "BTC-USDT"})[
        "data"
    ]["orders"]
    assert (listed["is_active"], listed["status"]) == (1, 2)
    assert cancel_code(unlimited, clock, order_id) == "cancelled", "active orders still cancel"


@pytest.mark.parametrize("mode", ["isolated", "cross"])
def test_triggering_moves_the_order_to_history_with_status_4(
    unlimited: Exchange, clock: FakeClock, mode: str
) -> None:
    (order_id,) = unlimited.seed_orders(generate=1, margin_mode=mode)  # sell, 50000, 1%
    clock.advance(3)
    unlimited.trigger(order_id)
    assert open_ids(unlimited, clock, mode) == []
    order = history_of(unlimited, clock, mode)[order_id]
    assert (order["status"], order["is_active"]) == (4, 1)
    assert order["triggered_price"] == 49500
    assert (order["market_limit_price"], order["formula_price"]) == (50000, 49500)
    assert order["real_volume"] == 1
    assert order["relation_order_id"] != "-1"
    assert order["relation_order_id"].isdigit()
    assert order["update_time"] == round(clock() * 1000)
    assert (order["fail_code"], order["fail_reason"], order["canceled_at"]) == (None, None, 0)
    assert cancel_code(unlimited, clock, order_id, mode) == 1063
    assert unlimited.triggered_ids(margin_mode=mode) == {order_id}
    assert unlimited.order_state(order_id) is OrderState.TRIGGERED is OrderState.EXECUTED


def test_triggering_at_a_price_of_a_buy_without_formula_price(
    unlimited: Exchange, clock: FakeClock
) -> None:
    fields = {"direction": "buy", "order_price_type": "optimal_5", "active_price": "40000"}
    (order_id,) = unlimited.seed_orders(generate=1, fields=fields)
    unlimited.trigger(order_id, price="40321.5")
    order = history_of(unlimited, clock)[order_id]
    assert (order["triggered_price"], order["market_limit_price"]) == (40321.5, 40000)
    assert order["formula_price"] is None
    (other,) = unlimited.seed_orders(generate=1, fields=fields)
    assert unlimited.trigger(other).triggered_price == Decimal("40400.00"), "up 1% for a buy"


def test_failing_shows_status_5_with_code_and_reason(unlimited: Exchange, clock: FakeClock) -> None:
    first, second = unlimited.seed_orders(generate=2)
    unlimited.fail(first)
    unlimited.fail(second, fail_code=1492, fail_reason="Reduce only order exceeds.")
    shown = history_of(unlimited, clock)
    assert (shown[first]["status"], shown[first]["fail_code"], shown[first]["fail_reason"]) == (
        5,
        1047,
        "Insufficient margin available.",
    )
    assert (shown[second]["fail_code"], shown[second]["fail_reason"]) == (
        1492,
        "Reduce only order exceeds.",
    )
    assert shown[first]["relation_order_id"] == "-1"
    assert shown[first]["triggered_price"] == 49500
    assert cancel_code(unlimited, clock, first) == 1063
    assert unlimited.failed_ids() == {first, second}
    assert open_ids(unlimited, clock) == []


STEPS: dict[str, Callable[[Exchange, str], object]] = {
    "activate": lambda exchange, order_id: exchange.activate(order_id),
    "trigger": lambda exchange, order_id: exchange.trigger(order_id),
    "fail": lambda exchange, order_id: exchange.fail(order_id),
}


@pytest.mark.parametrize("step", STEPS.values(), ids=STEPS.keys())
@pytest.mark.parametrize("state", ["cancelled", "executed", "failed"])
def test_ended_orders_take_no_further_step(unlimited: Exchange, state: str, step: Any) -> None:
    unlimited.seed_orders(**{state: ["9"]})
    before = unlimited.order("9")
    with pytest.raises(OrderStateError, match="cannot"):
        step(unlimited, "9")
    assert unlimited.order("9") == before


def test_activating_twice_is_refused(unlimited: Exchange) -> None:
    (order_id,) = unlimited.seed_orders(generate=1)
    unlimited.activate(order_id)
    with pytest.raises(OrderStateError, match="already active"):
        unlimited.activate(order_id)


@pytest.mark.parametrize("step", STEPS.values(), ids=STEPS.keys())
def test_steps_on_an_unknown_order_are_a_key_error(unlimited: Exchange, step: Any) -> None:
    with pytest.raises(KeyError, match="no such order"):
        step(unlimited, "404")


BAD_STEPS = {
    "nan-price": {"price": float("nan")},
    "inf-price": {"price": "Infinity"},
    "zero-price": {"price": 0},
    "text-price": {"price": "cheap"},
    "bool-price": {"price": True},
    "zero-code": {"fail_code": 0},
    "huge-code": {"fail_code": 10**9},
    "empty-reason": {"fail_reason": ""},
}


@pytest.mark.parametrize("options", BAD_STEPS.values(), ids=BAD_STEPS.keys())
def test_bad_step_values_are_refused_and_change_nothing(
    unlimited: Exchange, options: dict[str, Any]
) -> None:
    (order_id,) = unlimited.seed_orders(generate=1)
    before = unlimited.order(order_id)
    with pytest.raises(ValueError, match=r"price|fail_"):
        unlimited.fail(order_id, **options)
    assert unlimited.order(order_id) == before


def test_seeding_in_every_state_with_fields_for_an_account_and_mode(
    unlimited: Exchange, clock: FakeClock
) -> None:
    colleague = Credentials("colleague-key", "colleague-secret")
    unlimited.add_credentials(colleague, uid="desk-7")
    fields = {"direction": "buy", "offset": "open", "volume": 4, "lever_rate": 20}
    opened = unlimited.seed_orders(
        QUARTER,
        margin_mode=MarginMode.CROSS,
        access_key=colleague.access_key,
        open=["1"],
        executed=["2"],
        cancelled=["3"],
        failed=["4"],
        generate=1,
        fields=fields,
    )
    assert opened[0] == "1"
    assert len(opened) == 2
    assert unlimited.orders(QUARTER, margin_mode="cross", access_key=colleague.access_key) == {
        "1": OrderState.OPEN,
        "2": OrderState.EXECUTED,
        "3": OrderState.CANCELLED,
        "4": OrderState.FAILED,
        opened[1]: OrderState.OPEN,
    }
    record = unlimited.order("2")
    assert record is not None
    assert (record.uid, record.direction, record.volume, record.lever_rate) == (
        "desk-7",
        "buy",
        Decimal(4),
        20,
    )
    assert record.contract.contract_type == "quarter"
    assert unlimited.orders(access_key=unlimited.primary_key) == {}


SEED_REFUSED = {
    "unknown-field": ({"fields": {"colour": "red"}}, "unknown order fields"),
    "bad-direction": ({"fields": {"direction": "up"}}, "direction"),
    "fraction-volume": ({"fields": {"volume": "1.5"}}, "whole number"),
    "nan-price": ({"fields": {"active_price": float("nan")}}, "active_price"),
    "bad-source": ({"fields": {"order_source": 5}}, "order_source"),
    "bad-mode": ({"margin_mode": "portfolio"}, "portfolio"),
    "unknown-key": ({"access_key": "nobody"}, "no such access key"),
    "futures-isolated": ({"contract_code": QUARTER}, "perpetual swaps only"),
    "bad-contract": ({"contract_code": "BTC-USDT-999999"}, "expiry"),
    "empty-contract": ({"contract_code": ""}, "contract codes"),
    "bad-id": ({"failed": ["x"]}, "decimal int64"),
    "too-many": ({"generate": 10**7}, "generate"),
}


@pytest.mark.parametrize(("options", "reason"), SEED_REFUSED.values(), ids=SEED_REFUSED.keys())
def test_bad_seeds_are_refused_and_change_nothing(
    unlimited: Exchange, options: dict[str, Any], reason: str
) -> None:
    before = unlimited.orders()
    arguments = {"open": ["1"], "generate": 2, **options}
    with pytest.raises(ValueError, match=reason):
        unlimited.seed_orders(**arguments)
    assert unlimited.orders() == before


# --- the same over the admin API ------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared() -> Iterator[Sandbox]:
    with running(rate=None) as sandbox:
        yield sandbox


@pytest.fixture
def admin(shared: Sandbox) -> Iterator[httpx.Client]:
    shared.control.reset()
    with make_client(base_url=f"{shared.base_url}/_sandbox") as client:
        yield client


def test_admin_drives_the_life_cycle(shared: Sandbox, admin: httpx.Client) -> None:
    seeded = admin.post(
        "/orders",
        json={"margin_mode": "cross", "generate": 3, "fields": {"direction": "buy"}},
    ).json()["open"]
    first, second, third = seeded
    activated = admin.post(f"/orders/{first}/activate", json={})
    assert activated.status_code == 200
    assert (activated.json()["state"], activated.json()["is_active"]) == ("open", 1)
    triggered = admin.post(f"/orders/{second}/trigger", json={"price": 51000.5}).json()
    assert (triggered["state"], triggered["status"], triggered["triggered_price"]) == (
        "executed",
        4,
        51000.5,
    )
    assert triggered["relation_order_id"] != "-1"
    assert (triggered["contract_type"], triggered["margin_mode"]) == ("swap", "cross")
    failed = admin.post(
        f"/orders/{third}/fail", json={"fail_code": 1492, "fail_reason": "Reduce only."}
    ).json()
    assert (failed["state"], failed["fail_code"], failed["fail_reason"]) == (
        "failed",
        1492,
        "Reduce only.",
    )
    assert admin.get(f"/orders/{third}").json() == failed
    listed = admin.get("/orders", params={"margin_mode": "cross"}).json()["orders"]
    assert listed == {first: "open", second: "executed", third: "failed"}
    assert admin.get("/orders", params={"margin_mode": "isolated"}).json()["orders"] == {}
    assert shared.control.order_state(second) is OrderState.EXECUTED


def test_admin_step_refusals_change_nothing(shared: Sandbox, admin: httpx.Client) -> None:
    (order_id,) = admin.post("/orders", json={"generate": 1}).json()["open"]
    admin.post(f"/orders/{order_id}/trigger", json={})
    before = admin.get(f"/orders/{order_id}").json()
    cases = [
        (f"/orders/{order_id}/fail", {}, 409),
        (f"/orders/{order_id}/activate", {}, 409),
        ("/orders/404/trigger", {}, 404),
        (f"/orders/{order_id}/explode", {}, 404),
        (f"/orders/{order_id}/trigger", {"price": "high"}, 400),
    ]
    for path, body, status in cases:
        reply = admin.post(path, json=body)
        assert reply.status_code == status, (path, reply.text)
        assert reply.json()["error"]
    assert admin.get(f"/orders/{order_id}").json() == before
    assert admin.get("/orders/404").status_code == 404


def test_admin_price_nan_or_infinity_is_refused(shared: Sandbox, admin: httpx.Client) -> None:
    (order_id,) = admin.post("/orders", json={"generate": 1}).json()["open"]
    for raw in (b'{"price": NaN}', b'{"price": Infinity}', b'{"price": 1e999}'):
        reply = admin.post(
            f"/orders/{order_id}/trigger",
            content=raw,
            headers={"Content-Type": "application/json"},
        )
        assert reply.status_code == 400
    assert shared.control.order_state(order_id) is OrderState.OPEN
