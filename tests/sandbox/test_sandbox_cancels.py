"""Cancel in cross margin, and cancel-all in both modes: separate books, filters, 1051."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from htx_sandbox import Credentials, Exchange, MarginMode, Operation, OrderState, running

from .conftest import FakeClock, call
from .signer import post

QUARTER = "BTC-USDT-231229"  # the quarter futures on the test clock's day (2023-11-14)


def seed(exchange: Exchange, mode: str, code: str, direction: str, offset: str) -> str:
    fields = {"direction": direction, "offset": offset}
    (order_id,) = exchange.seed_orders(code, generate=1, margin_mode=mode, fields=fields)
    return order_id


@pytest.fixture
def book(unlimited: Exchange) -> dict[str, str]:
    """One open order per (mode, contract, direction, offset) worth telling apart."""
    made = {}
    for mode in ("isolated", "cross"):
        for direction in ("buy", "sell"):
            for offset in ("open", "close"):
                made[f"{mode} {direction} {offset}"] = seed(
                    unlimited, mode, "BTC-USDT", direction, offset
                )
    made["cross quarter"] = seed(unlimited, "cross", QUARTER, "sell", "close")
    made["isolated eth"] = seed(unlimited, "isolated", "ETH-USDT", "sell", "close")
    return made


def cancel_all(exchange: Exchange, clock: FakeClock, body: object, *, cross: bool = False) -> Any:
    endpoint = "swap_cross_track_cancelall" if cross else "swap_track_cancelall"
    return call(exchange, clock, endpoint, body)


def test_cancel_all_cancels_every_open_order_of_the_contract_and_lists_them(
    unlimited: Exchange, clock: FakeClock, book: dict[str, str]
) -> None:
    envelope = cancel_all(unlimited, clock, {"contract_code": "BTC-USDT"})
    isolated = [book[f"isolated {d} {o}"] for d in ("buy", "sell") for o in ("open", "close")]
    assert envelope == {
        "status": "ok",
        "data": {"errors": [], "successes": ",".join(isolated)},
        "ts": round(clock() * 1000),
    }
    assert unlimited.cancelled_ids() == set(isolated)
    assert unlimited.open_ids(margin_mode="cross") == {v for k, v in book.items() if "cross" in k}
    assert unlimited.open_ids("ETH-USDT") == {book["isolated eth"]}
    (record,) = unlimited.requests()
    assert (record.operation, record.contract_code) == (Operation.CANCEL_ALL, "BTC-USDT")
    assert record.cancelled_ids == tuple(isolated)
    assert unlimited.stats().cancelled == 4


FILTERS = {
    "buy": ({"direction": "buy"}, ["buy open", "buy close"]),
    "sell": ({"direction": "sell"}, ["sell open", "sell close"]),
    "open": ({"offset": "open"}, ["buy open", "sell open"]),
    "close": ({"offset": "close"}, ["buy close", "sell close"]),
    "buy-close": ({"direction": "buy", "offset": "close"}, ["buy close"]),
}


@pytest.mark.parametrize(("query", "expected"), FILTERS.values(), ids=FILTERS.keys())
@pytest.mark.parametrize("mode", ["isolated", "cross"])
def test_cancel_all_filters_by_direction_and_offset(
    unlimited: Exchange,
    clock: FakeClock,
    book: dict[str, str],
    mode: str,
    query: dict[str, str],
    expected: list[str],
) -> None:
    body = {"contract_code": "BTC-USDT", **query}
    envelope = cancel_all(unlimited, clock, body, cross=mode == "cross")
    cancelled = [book[f"{mode} {name}"] for name in expected]
    assert envelope["data"]["successes"].split(",") == cancelled
    assert unlimited.cancelled_ids() == set(cancelled)


@pytest.mark.parametrize("cross", [False, True], ids=["isolated", "cross"])
def test_cancel_all_with_nothing_to_cancel_is_1051(
    unlimited: Exchange, clock: FakeClock, cross: bool
) -> None:
    unlimited.seed_orders("BTC-USDT", cancelled=["5"], executed=["6"], failed=["7"])
    envelope = cancel_all(unlimited, clock, {"contract_code": "BTC-USDT"}, cross=cross)
    assert envelope == {
        "status": "error",
        "err_code": 1051,
        "err_msg": "No orders to cancel.",
        "ts": round(clock() * 1000),
    }
    assert unlimited.rejections() == {1051: 1}
    assert unlimited.orders() == {
        "5": OrderState.CANCELLED,
        "6": OrderState.EXECUTED,
        "7": OrderState.FAILED,
    }


def test_cancel_all_sees_only_the_callers_account(unlimited: Exchange, clock: FakeClock) -> None:
    stranger = Credentials("stranger-key", "stranger-secret")
    unlimited.add_credentials(stranger)
    mine = unlimited.seed_orders("BTC-USDT", generate=2)
    envelope = call(
        unlimited, clock, "swap_track_cancelall", {"contract_code": "BTC-USDT"}, stranger
    )
    assert envelope["err_code"] == 1051
    assert unlimited.open_ids() == set(mine)


def test_cross_cancel_all_takes_a_pair_and_contract_type(
    unlimited: Exchange, clock: FakeClock, book: dict[str, str]
) -> None:
    body = {"pair": "BTC-USDT", "contract_type": "quarter"}
    envelope = cancel_all(unlimited, clock, body, cross=True)
    assert envelope["data"]["successes"] == book["cross quarter"]
    assert unlimited.requests()[-1].contract_code == QUARTER


CANCEL_ALL_REFUSED = {
    "isolated-no-contract": (False, {}, 1066),
    "isolated-unknown": (False, {"contract_code": "DOGE-USDT"}, 1014),
    "isolated-futures": (False, {"contract_code": QUARTER}, 1014),
    "bad-direction": (False, {"contract_code": "BTC-USDT", "direction": "up"}, 1067),
    "both-is-no-filter": (False, {"contract_code": "BTC-USDT", "offset": "both"}, 1067),
    "cross-neither": (True, {"direction": "buy"}, 1014),
    "cross-pair-alone": (True, {"pair": "BTC-USDT"}, 1014),
    "not-json": (True, b"nope", 1030),
}


@pytest.mark.parametrize(
    ("cross", "body", "code"), CANCEL_ALL_REFUSED.values(), ids=CANCEL_ALL_REFUSED.keys()
)
def test_cancel_all_refusals(
    unlimited: Exchange,
    clock: FakeClock,
    book: dict[str, str],
    cross: bool,
    body: object,
    code: int,
) -> None:
    assert cancel_all(unlimited, clock, body, cross=cross)["err_code"] == code
    assert unlimited.cancelled_ids() == frozenset()


# --- cross cancel ---------------------------------------------------------------------------------


def cross_cancel(exchange: Exchange, clock: FakeClock, body: object) -> Any:
    return call(exchange, clock, "swap_cross_track_cancel", body)


def test_cross_cancel_answers_as_the_isolated_cancel_does(
    unlimited: Exchange, clock: FakeClock, book: dict[str, str]
) -> None:
    unlimited.seed_orders("BTC-USDT", margin_mode="cross", executed=["7"], cancelled=["9"])
    target = book["cross sell close"]
    body = {"contract_code": "BTC-USDT", "order_id": f"{target},9,7,404"}
    assert cross_cancel(unlimited, clock, body)["data"] == {
        "errors": [
            {
                "order_id": "9",
                "err_code": 1071,
                "err_msg": "Repeated cancellation. Your order has been canceled.",
            },
            {"order_id": "7", "err_code": 1063, "err_msg": "The order has been executed."},
            {"order_id": "404", "err_code": 1061, "err_msg": "This order doesn't exist."},
        ],
        "successes": target,
    }
    assert unlimited.order_state(target) is OrderState.CANCELLED
    record = unlimited.requests()[-1]
    assert (record.operation, record.order_ids, record.cancelled_ids) == (
        Operation.CROSS_CANCEL,
        (target, "9", "7", "404"),
        (target,),
    )


def test_isolated_and_cross_orders_are_separate_books(
    unlimited: Exchange, clock: FakeClock, book: dict[str, str]
) -> None:
    isolated, crossed = book["isolated sell close"], book["cross sell close"]
    body = {"contract_code": "BTC-USDT", "order_id": isolated}
    assert cross_cancel(unlimited, clock, body)["data"]["errors"][0]["err_code"] == 1061
    body = {"contract_code": "BTC-USDT", "order_id": crossed}
    envelope = call(unlimited, clock, "swap_track_cancel", body)
    assert envelope["data"]["errors"][0]["err_code"] == 1061
    assert unlimited.open_ids() >= {isolated, crossed}


def test_cross_cancel_takes_a_pair_and_contract_type(
    unlimited: Exchange, clock: FakeClock, book: dict[str, str]
) -> None:
    target = book["cross quarter"]
    wrong_contract = {"pair": "BTC-USDT", "contract_type": "swap", "order_id": target}
    assert cross_cancel(unlimited, clock, wrong_contract)["data"]["errors"][0]["err_code"] == 1061
    body = {"pair": "BTC-USDT", "contract_type": "quarter", "order_id": target}
    assert cross_cancel(unlimited, clock, body)["data"]["successes"] == target


CROSS_CANCEL_REFUSED = {
    "neither": ({"order_id": "1"}, 1014),
    "unknown-contract": ({"contract_code": "DOGE-USDT", "order_id": "1"}, 1014),
    "numeric-pair": ({"pair": 5, "contract_type": "swap", "order_id": "1"}, 1030),
    "bad-type": ({"pair": "BTC-USDT", "contract_type": "monthly", "order_id": "1"}, 1030),
    "no-ids": ({"contract_code": "BTC-USDT"}, 1030),
    "eleven-ids": ({"contract_code": "BTC-USDT", "order_id": ",".join("123456789AB")}, 1030),
}


@pytest.mark.parametrize(("body", "code"), CROSS_CANCEL_REFUSED.values(), ids=CROSS_CANCEL_REFUSED)
def test_cross_cancel_refusals(
    unlimited: Exchange, clock: FakeClock, body: object, code: int
) -> None:
    envelope = cross_cancel(unlimited, clock, body)
    assert (envelope["status"], envelope["err_code"]) == ("error", code)


@pytest.mark.parametrize("margin_mode", list(MarginMode))
def test_cancels_over_a_real_socket(client: httpx.Client, margin_mode: MarginMode) -> None:
    cross = "_cross" if margin_mode is MarginMode.CROSS else ""
    with running() as sandbox:
        opened = sandbox.control.seed_orders(generate=3, margin_mode=margin_mode)
        one = post(
            client,
            sandbox,
            f"swap{cross}_track_cancel",
            {"contract_code": "BTC-USDT", "order_id": opened[0]},
        ).json()
        rest = post(
            client, sandbox, f"swap{cross}_track_cancelall", {"contract_code": "BTC-USDT"}
        ).json()
        again = post(
            client, sandbox, f"swap{cross}_track_cancelall", {"contract_code": "BTC-USDT"}
        ).json()
        assert one["data"] == {"errors": [], "successes": opened[0]}
        assert rest["data"] == {"errors": [], "successes": ",".join(opened[1:])}
        assert (again["status"], again["err_code"]) == ("error", 1051)
        assert sandbox.control.cancelled_ids(margin_mode=margin_mode) == set(opened)
