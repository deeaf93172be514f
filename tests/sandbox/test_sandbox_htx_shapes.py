"""Request shapes HTX accepts, seen in sources the project did not write: the sandbox answers ok.

Each case names where HTX was seen accepting the shape (HTX's own example, its QA suite, ccxt's
requests recorded against live HTX). The refusals at the end are what HTX still refuses.
"""

from __future__ import annotations

from typing import Any

import pytest

from htx_sandbox import Exchange

from .conftest import FakeClock, call

DAY_MS = 86_400_000


def _place(exchange: Exchange, clock: FakeClock, **fields: object) -> Any:
    body = {
        "contract_code": "BTC-USDT",
        "direction": "buy",
        "offset": "open",
        "lever_rate": 5,
        "volume": 1,
        "callback_rate": 0.01,
        "active_price": 1670,
        "order_price_type": "formula_price",
        **fields,
    }
    return call(exchange, clock, "swap_track_order", body)


def test_cancel_takes_the_place_replys_integer_order_id(
    unlimited: Exchange, clock: FakeClock
) -> None:
    # HTX's QA suite (TestLinearApiSchema_069) cancels with a['data']['order_id'], an int.
    placed = _place(unlimited, clock)["data"]
    assert isinstance(placed["order_id"], int)
    assert placed["order_id"] > 2**53
    body = {"contract_code": "BTC-USDT", "order_id": placed["order_id"]}
    envelope = call(unlimited, clock, "swap_track_cancel", body)
    assert envelope["status"] == "ok"
    assert envelope["data"] == {"errors": [], "successes": placed["order_id_str"]}


def test_cross_cancel_takes_an_integer_order_id(unlimited: Exchange, clock: FakeClock) -> None:
    (order_id,) = unlimited.seed_orders("BTC-USDT", generate=1, margin_mode="cross")
    body = {"contract_code": "BTC-USDT", "order_id": int(order_id)}
    envelope = call(unlimited, clock, "swap_cross_track_cancel", body)
    assert envelope["data"] == {"errors": [], "successes": order_id}


def test_place_takes_numbers_as_strings(unlimited: Exchange, clock: FakeClock) -> None:
    # HTX's QA suite (068, 069, 107, 110) places with volume='1', callback_rate='0.01'.
    placed = _place(
        unlimited, clock, volume="1", callback_rate="0.01", lever_rate="5", active_price="1670.5"
    )
    assert placed["status"] == "ok"
    order = unlimited.order(placed["data"]["order_id_str"])
    assert order is not None
    assert (str(order.volume), str(order.callback_rate), order.lever_rate) == ("1", "0.01", 5)
    assert str(order.active_price) == "1670.5"


def test_place_ignores_fields_htx_does_not_document(unlimited: Exchange, clock: FakeClock) -> None:
    # ccxt sends `channel_code` (a broker field) on every contract order.
    placed = _place(unlimited, clock, channel_code="AA03022abc", trade_partition="USDT")
    assert placed["status"] == "ok"


def test_history_takes_its_fields_as_strings_and_status_as_a_number(
    unlimited: Exchange, clock: FakeClock
) -> None:
    unlimited.seed_orders("BTC-USDT", cancelled=["11"])
    # HTX's QA suite (072): status='0', trade_type='0', create_date='7'.
    as_strings = {"contract_code": "BTC-USDT", "status": "0", "trade_type": "0", "create_date": "7"}
    # HTX's own request example: "status": 0, a number although the table says string.
    as_numbers = {"contract_code": "BTC-USDT", "status": 0, "trade_type": 0, "create_date": 30}
    for body in (as_strings, as_numbers):
        envelope = call(unlimited, clock, "swap_track_hisorders", body)
        assert envelope["status"] == "ok"
        assert [o["order_id_str"] for o in envelope["data"]["orders"]] == ["11"]


def test_history_over_90_days_answers_the_last_90(unlimited: Exchange, clock: FakeClock) -> None:
    now_ms = round(clock() * 1000)
    unlimited.seed_orders("BTC-USDT", cancelled=["21"], fields={"created_at": now_ms - DAY_MS})
    unlimited.seed_orders(
        "BTC-USDT", cancelled=["22"], fields={"created_at": now_ms - 100 * DAY_MS}
    )
    body = {"contract_code": "BTC-USDT", "status": "0", "trade_type": 0, "create_date": 365}
    envelope = call(unlimited, clock, "swap_track_hisorders", body)
    assert envelope["status"] == "ok"
    assert [o["order_id_str"] for o in envelope["data"]["orders"]] == ["21"]


@pytest.mark.parametrize("sort_by", ["create_date", "created_at", "update_time"])
def test_history_takes_both_pages_spellings_of_sort_by(
    unlimited: Exchange, clock: FakeClock, sort_by: str
) -> None:
    # The English value range says `create_date`; the Chinese page and HTX's example `created_at`.
    unlimited.seed_orders("BTC-USDT", cancelled=["31"])
    body = {
        "contract_code": "BTC-USDT",
        "status": "0",
        "trade_type": 0,
        "create_date": 30,
        "sort_by": sort_by,
    }
    assert call(unlimited, clock, "swap_track_hisorders", body)["status"] == "ok"


def test_cross_history_without_trade_type_means_all(unlimited: Exchange, clock: FakeClock) -> None:
    # The cross page: trade_type "if not filled in, means all".
    unlimited.seed_orders("BTC-USDT", margin_mode="cross", cancelled=["41"])
    body = {"contract_code": "BTC-USDT", "status": "0", "create_date": 7}
    envelope = call(unlimited, clock, "swap_cross_track_hisorders", body)
    assert [o["order_id_str"] for o in envelope["data"]["orders"]] == ["41"]


def test_open_orders_take_empty_strings_as_not_given(unlimited: Exchange, clock: FakeClock) -> None:
    # HTX's QA suite passes page_index='' and page_size='' (its helper drops them; HTX's 2022
    # Java SDK sends sort_by "" as it is).
    unlimited.seed_orders("BTC-USDT", generate=2)
    body = {"contract_code": "BTC-USDT", "page_index": "", "page_size": "", "trade_type": "0"}
    envelope = call(unlimited, clock, "swap_track_openorders", body)
    assert envelope["data"]["total_size"] == 2


def test_list_replies_carry_trade_partition(unlimited: Exchange, clock: FakeClock) -> None:
    # HTX's QA suite (071, 072, 110, 111) and ccxt's 2024 live cross reply carry it.
    unlimited.seed_orders("BTC-USDT", generate=1)
    unlimited.seed_orders("BTC-USDT", generate=1, margin_mode="cross")
    for endpoint in ("swap_track_openorders", "swap_cross_track_openorders"):
        (order,) = call(unlimited, clock, endpoint, {"contract_code": "BTC-USDT"})["data"]["orders"]
        assert order["trade_partition"] == "USDT"


@pytest.mark.parametrize(
    ("endpoint", "body", "code"),
    [
        # One ID as a number is fine; anything else that is not a string is not.
        ("swap_track_cancel", {"contract_code": "BTC-USDT", "order_id": 1.5}, 1030),
        ("swap_track_cancel", {"contract_code": "BTC-USDT", "order_id": True}, 1030),
        ("swap_track_cancel", {"contract_code": "BTC-USDT", "order_id": [1, 2]}, 1030),
        ("swap_track_cancel", {"contract_code": "BTC-USDT", "order_id": -1}, 1030),
        ("swap_track_order", {"contract_code": "BTC-USDT", "direction": "buy", "offset": "open",
                              "lever_rate": 5, "volume": "one", "callback_rate": 0.01,
                              "active_price": 1, "order_price_type": "optimal_5"}, 1067),
        ("swap_track_hisorders", {"contract_code": "BTC-USDT", "status": "0", "trade_type": "x",
                                  "create_date": 7}, 1067),
        ("swap_track_hisorders", {"contract_code": "BTC-USDT", "status": "0", "trade_type": 0,
                                  "create_date": 0}, 1067),
        ("swap_track_hisorders", {"contract_code": "BTC-USDT", "status": "0", "trade_type": 0,
                                  "create_date": 7, "sort_by": "price"}, 1067),
        # Isolated history: trade_type is required, as its page says (no "means all" there).
        ("swap_track_hisorders", {"contract_code": "BTC-USDT", "status": "0", "create_date": 7},
         1066),
    ],
)  # fmt: skip
def test_what_htx_refuses_is_still_refused(
    unlimited: Exchange, clock: FakeClock, endpoint: str, body: dict[str, object], code: int
) -> None:
    envelope = call(unlimited, clock, endpoint, body)
    assert (envelope["status"], envelope["err_code"]) == ("error", code)
