"""Placing trailing orders, isolated and cross: the reply, the order it creates, HTX's checks."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from htx_sandbox import (
    DEFAULT_CREDENTIALS,
    Credentials,
    Exchange,
    MarginMode,
    Operation,
    OrderState,
    running,
)

from .conftest import FakeClock, call
from .signer import post

PLACE = {
    "contract_code": "BTC-USDT",
    "reduce_only": 0,
    "direction": "buy",
    "offset": "open",
    "lever_rate": 20,
    "volume": 100,
    "callback_rate": 0.01,
    "active_price": 1670,
    "order_price_type": "optimal_5",
}
OPEN_ORDER_FIELDS = [
    "symbol",
    "contract_code",
    "volume",
    "order_type",
    "direction",
    "offset",
    "lever_rate",
    "order_id",
    "order_id_str",
    "order_source",
    "created_at",
    "order_price_type",
    "status",
    "callback_rate",
    "active_price",
    "is_active",
    "margin_mode",
    "margin_account",
    "reduce_only",
    "trade_partition",
]


def place(exchange: Exchange, clock: FakeClock, body: object, *, cross: bool = False) -> Any:
    return call(exchange, clock, "swap_cross_track_order" if cross else "swap_track_order", body)


def listed(exchange: Exchange, clock: FakeClock, *, cross: bool = False, **query: object) -> Any:
    endpoint = "swap_cross_track_openorders" if cross else "swap_track_openorders"
    body = query if cross else {"contract_code": "BTC-USDT", **query}
    return call(exchange, clock, endpoint, body)["data"]["orders"]


def test_place_creates_an_open_inactive_order_and_answers_both_ids(
    unlimited: Exchange, clock: FakeClock
) -> None:
    envelope = place(unlimited, clock, PLACE)
    assert envelope["status"] == "ok"
    assert envelope["ts"] == round(clock() * 1000)
    data = envelope["data"]
    assert list(data) == ["order_id", "order_id_str"]
    assert isinstance(data["order_id"], int)
    assert data["order_id"] > 2**53
    assert str(data["order_id"]) == data["order_id_str"]
    (order,) = listed(unlimited, clock)
    assert list(order) == OPEN_ORDER_FIELDS
    assert order == {
        "symbol": "BTC",
        "contract_code": "BTC-USDT",
        "volume": 100,
        "order_type": 1,
        "direction": "buy",
        "offset": "open",
        "lever_rate": 20,
        "order_id": data["order_id"],
        "order_id_str": data["order_id_str"],
        "order_source": "api",
        "created_at": round(clock() * 1000),
        "order_price_type": "optimal_5",
        "status": 2,
        "callback_rate": 0.01,
        "active_price": 1670,
        "is_active": 0,
        "margin_mode": "isolated",
        "margin_account": "BTC-USDT",
        "reduce_only": 0,
        "trade_partition": "USDT",
    }
    assert unlimited.order_state(data["order_id_str"]) is OrderState.OPEN
    assert unlimited.stats().placed == 1


def test_order_id_is_a_json_integer_a_float_parser_gets_wrong(client: httpx.Client) -> None:
    with running() as sandbox:
        reply = post(client, sandbox, "swap_track_order", PLACE)
    exact = reply.json()["data"]
    assert f'"order_id":{exact["order_id_str"]},' in reply.text
    careless = json.loads(reply.text, parse_int=float)["data"]["order_id"]
    assert int(careless) != int(exact["order_id_str"]), "the precision loss must show"


def test_numbers_may_come_as_strings_and_go_out_as_numbers(
    unlimited: Exchange, clock: FakeClock
) -> None:
    body = {**PLACE, "volume": "3", "lever_rate": "10", "callback_rate": "0.015"}
    body |= {"active_price": "61234.5"}
    place(unlimited, clock, body)
    (order,) = listed(unlimited, clock)
    assert (order["volume"], order["lever_rate"], order["callback_rate"]) == (3, 10, 0.015)
    assert order["active_price"] == 61234.5


def test_offset_and_lever_rate_may_be_left_out_when_not_opening(
    unlimited: Exchange, clock: FakeClock
) -> None:
    body = {k: v for k, v in PLACE.items() if k not in ("offset", "lever_rate", "reduce_only")}
    place(unlimited, clock, body)
    place(unlimited, clock, {**body, "offset": "close"})
    orders = listed(unlimited, clock)
    assert {(o["offset"], o["lever_rate"], o["reduce_only"]) for o in orders} == {
        ("both", 5, 0),
        ("close", 5, 0),
    }


def _without(name: str) -> dict[str, object]:
    return {k: v for k, v in PLACE.items() if k != name}


REFUSED: dict[str, tuple[object, int, str]] = {
    "no-contract": (_without("contract_code"), 1066, "contract_code cannot be empty."),
    "empty-contract": ({**PLACE, "contract_code": ""}, 1066, "contract_code cannot be empty."),
    "numeric-contract": ({**PLACE, "contract_code": 5}, 1067, "Illegal parameter contract_code."),
    "unknown-contract": ({**PLACE, "contract_code": "DOGE-USDT"}, 1014, ""),
    "futures-contract": ({**PLACE, "contract_code": "BTC-USDT-231229"}, 1014, ""),
    "no-direction": (_without("direction"), 1066, "direction cannot be empty."),
    "bad-direction": ({**PLACE, "direction": "up"}, 1067, "Illegal parameter direction."),
    "bad-offset": ({**PLACE, "offset": "sideways"}, 1067, "Illegal parameter offset."),
    "open-no-lever": (_without("lever_rate"), 1066, "lever_rate cannot be empty."),
    "zero-lever": ({**PLACE, "lever_rate": 0}, 1067, "Illegal parameter lever_rate."),
    "fraction-lever": ({**PLACE, "lever_rate": 2.5}, 1067, "Illegal parameter lever_rate."),
    "bad-reduce-only": ({**PLACE, "reduce_only": 2}, 1067, "Illegal parameter reduce_only."),
    "no-volume": (_without("volume"), 1066, "volume cannot be empty."),
    "fraction-volume": ({**PLACE, "volume": 1.5}, 1030, "whole number"),
    "fraction-volume-text": ({**PLACE, "volume": "1.5"}, 1030, "whole number"),
    "text-volume": ({**PLACE, "volume": "lots"}, 1067, "Illegal parameter volume."),
    "zero-volume": ({**PLACE, "volume": 0}, 1067, "Illegal parameter volume."),
    "bool-volume": ({**PLACE, "volume": True}, 1067, "Illegal parameter volume."),
    "huge-volume": ({**PLACE, "volume": 10**30}, 1067, "Illegal parameter volume."),
    "list-volume": ({**PLACE, "volume": [1]}, 1067, "Illegal parameter volume."),
    "no-callback": (_without("callback_rate"), 1066, "callback_rate cannot be empty."),
    "low-callback": ({**PLACE, "callback_rate": 0.0009}, 1425, "no less than 0.001"),
    "zero-callback": ({**PLACE, "callback_rate": 0}, 1425, "no less than 0.001"),
    "negative-callback": ({**PLACE, "callback_rate": "-0.01"}, 1425, "no less than 0.001"),
    "no-active-price": (_without("active_price"), 1066, "active_price cannot be empty."),
    "zero-active-price": ({**PLACE, "active_price": 0}, 1067, "Illegal parameter active_price."),
    "no-price-type": (_without("order_price_type"), 1066, "order_price_type cannot be empty."),
    "limit-price-type": (
        {**PLACE, "order_price_type": "limit"},
        1067,
        "Illegal parameter order_price_type.",
    ),
    "not-json": (b"{", 1030, "not JSON"),
    "nan": (b'{"volume": NaN}', 1030, "not JSON"),
    "not-object": (b"[]", 1030, "not a JSON object"),
    # Deeper than Python's parser goes (RecursionError): it was an unhandled 500.
    "too-deep": (b'{"volume": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", 1030, "not JSON"),
}


@pytest.mark.parametrize(("body", "code", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_place_is_refused_as_htx_refuses_it(
    unlimited: Exchange, clock: FakeClock, body: object, code: int, message: str
) -> None:
    envelope = place(unlimited, clock, body)
    assert (envelope["status"], envelope["err_code"]) == ("error", code)
    assert message in envelope["err_msg"]
    assert set(envelope) == {"status", "err_code", "err_msg", "ts"}
    assert unlimited.orders() == {}, "a refused place creates nothing"
    (record,) = unlimited.requests()
    assert (record.operation, record.err_code, record.created_ids) == (Operation.PLACE, code, ())


def test_the_smallest_callback_rate_is_accepted(unlimited: Exchange, clock: FakeClock) -> None:
    assert place(unlimited, clock, {**PLACE, "callback_rate": "0.001"})["status"] == "ok"


def test_the_first_problem_in_htx_order_is_reported(unlimited: Exchange, clock: FakeClock) -> None:
    body = {"contract_code": "BTC-USDT", "direction": "up", "volume": 1.5}
    assert place(unlimited, clock, body)["err_code"] == 1067  # direction before volume


def test_the_record_names_the_operation_contract_and_created_order(
    unlimited: Exchange, clock: FakeClock
) -> None:
    created = place(unlimited, clock, PLACE)["data"]["order_id_str"]
    (record,) = unlimited.requests()
    assert record.operation is Operation.PLACE
    assert record.path == "/linear-swap-api/v1/swap_track_order"
    assert (record.contract_code, record.created_ids, record.order_ids) == (
        "BTC-USDT",
        (created,),
        (),
    )
    assert unlimited.stats().operations == {"swap_track_order": 1}


# --- cross ----------------------------------------------------------------------------------------

QUARTER = "BTC-USDT-231229"  # the quarter futures on the test clock's day (2023-11-14)


def cross(**contract: object) -> dict[str, object]:
    body = {k: v for k, v in PLACE.items() if k != "contract_code"}
    return {**body, **contract}


CROSS_TARGETS = {
    "swap-code": (cross(contract_code="BTC-USDT"), "BTC-USDT", "swap", "swap"),
    "futures-code": (cross(contract_code=QUARTER), QUARTER, "quarter", "futures"),
    "pair-and-swap": (cross(pair="BTC-USDT", contract_type="swap"), "BTC-USDT", "swap", "swap"),
    "pair-and-quarter": (
        cross(pair="BTC-USDT", contract_type="quarter"),
        QUARTER,
        "quarter",
        "futures",
    ),
    "code-wins": (
        cross(contract_code="BTC-USDT", pair="BTC-USDT", contract_type="quarter"),
        "BTC-USDT",
        "swap",
        "swap",
    ),
}


@pytest.mark.parametrize(
    ("body", "code", "contract_type", "business_type"),
    CROSS_TARGETS.values(),
    ids=CROSS_TARGETS.keys(),
)
def test_cross_place_takes_a_code_or_a_pair_and_contract_type(
    unlimited: Exchange,
    clock: FakeClock,
    body: dict[str, object],
    code: str,
    contract_type: str,
    business_type: str,
) -> None:
    created = place(unlimited, clock, body, cross=True)["data"]["order_id_str"]
    (order,) = listed(unlimited, clock, cross=True)
    assert list(order)[:3] == ["contract_type", "business_type", "pair"]
    assert list(order)[3:] == OPEN_ORDER_FIELDS
    assert (order["order_id_str"], order["contract_code"]) == (created, code)
    assert (order["contract_type"], order["business_type"]) == (contract_type, business_type)
    assert (order["pair"], order["margin_mode"], order["margin_account"]) == (
        "BTC-USDT",
        "cross",
        "USDT",
    )
    assert unlimited.orders(margin_mode="cross") == {created: OrderState.OPEN}
    assert unlimited.orders(margin_mode=MarginMode.ISOLATED) == {}


CROSS_REFUSED = {
    "neither": (cross(), 1014),
    "pair-alone": (cross(pair="BTC-USDT"), 1014),
    "type-alone": (cross(contract_type="swap"), 1014),
    "unknown-pair": (cross(pair="DOGE-USDT", contract_type="swap"), 1014),
    "no-such-week": (cross(pair="BTC-USDT", contract_type="this_week"), 1014),
    "unknown-code": (cross(contract_code="BTC-USDT-991231"), 1014),
    "bad-type": (cross(pair="BTC-USDT", contract_type="monthly"), 1067),
    "numeric-pair": (cross(pair=5, contract_type="swap"), 1067),
}


@pytest.mark.parametrize(("body", "code"), CROSS_REFUSED.values(), ids=CROSS_REFUSED.keys())
def test_cross_place_without_a_known_contract_is_refused(
    unlimited: Exchange, clock: FakeClock, body: dict[str, object], code: int
) -> None:
    envelope = place(unlimited, clock, body, cross=True)
    assert (envelope["status"], envelope["err_code"]) == ("error", code)
    assert unlimited.orders() == {}


def test_orders_belong_to_the_placing_account(clock: FakeClock) -> None:
    exchange = Exchange(clock=clock, rate=None)
    colleague = Credentials("colleague-key", "colleague-secret")
    stranger = Credentials("stranger-key", "stranger-secret")
    exchange.add_credentials(colleague, uid=DEFAULT_CREDENTIALS.access_key)
    exchange.add_credentials(stranger)
    created = place(exchange, clock, PLACE)["data"]["order_id_str"]
    query = {"contract_code": "BTC-USDT"}
    seen = call(exchange, clock, "swap_track_openorders", query, colleague)["data"]["orders"]
    assert [o["order_id_str"] for o in seen] == [created]
    assert call(exchange, clock, "swap_track_openorders", query, stranger)["data"]["orders"] == []
    assert exchange.orders(access_key=stranger.access_key) == {}
    assert exchange.orders(access_key=colleague.access_key) == {created: OrderState.OPEN}


@pytest.mark.parametrize("endpoint", ["swap_track_order", "swap_cross_track_order"])
def test_place_over_a_real_socket(client: httpx.Client, endpoint: str) -> None:
    with running() as sandbox:
        reply = post(client, sandbox, endpoint, PLACE)
        envelope = reply.json()
        assert reply.status_code == 200
        assert envelope["status"] == "ok"
        created = envelope["data"]["order_id_str"]
        mode = "cross" if "cross" in endpoint else "isolated"
        assert sandbox.control.orders(margin_mode=mode) == {created: OrderState.OPEN}
        assert reply.headers["ratelimit-limit"] == "72"
