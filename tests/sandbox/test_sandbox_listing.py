"""Open orders and history, both modes: pages, filters, every field, nulls where HTX has them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from htx_sandbox import Exchange, running

from .conftest import FakeClock, call
from .signer import post

QUARTER = "BTC-USDT-231229"  # the quarter futures on the test clock's day (2023-11-14)
DAY_MS = 86_400_000
HISTORY_FIELDS = [
    "symbol",
    "contract_code",
    "triggered_price",
    "volume",
    "order_type",
    "direction",
    "offset",
    "lever_rate",
    "order_id",
    "order_id_str",
    "order_source",
    "created_at",
    "update_time",
    "order_price_type",
    "status",
    "canceled_at",
    "fail_code",
    "fail_reason",
    "callback_rate",
    "active_price",
    "is_active",
    "market_limit_price",
    "formula_price",
    "real_volume",
    "relation_order_id",
    "margin_mode",
    "margin_account",
    "reduce_only",
    "trade_partition",
]


def open_orders(exchange: Exchange, clock: FakeClock, **query: object) -> Any:
    cross = query.pop("cross", False)
    endpoint = "swap_cross_track_openorders" if cross else "swap_track_openorders"
    body = query if cross else {"contract_code": "BTC-USDT", **query}
    return call(exchange, clock, endpoint, body)


def history(exchange: Exchange, clock: FakeClock, **query: object) -> Any:
    cross = query.pop("cross", False)
    endpoint = "swap_cross_track_hisorders" if cross else "swap_track_hisorders"
    body = {"contract_code": "BTC-USDT", "status": "0", "trade_type": 0, "create_date": 7}
    return call(exchange, clock, endpoint, {**body, **query})


def ids(envelope: Any) -> list[str]:
    return [order["order_id_str"] for order in envelope["data"]["orders"]]


# --- pages ----------------------------------------------------------------------------------------


def test_120_open_orders_walk_in_pages_of_50_with_no_gap_or_repeat(client: httpx.Client) -> None:
    with running(orders=120) as sandbox:
        pages = [
            post(
                client,
                sandbox,
                "swap_track_openorders",
                {"contract_code": "BTC-USDT", "page_index": index, "page_size": 50},
            ).json()["data"]
            for index in (1, 2, 3, 4)
        ]
    assert [len(page["orders"]) for page in pages] == [50, 50, 20, 0]
    assert [page["current_page"] for page in pages] == [1, 2, 3, 4]
    assert {(page["total_page"], page["total_size"]) for page in pages} == {(3, 120)}
    walked = [order["order_id_str"] for page in pages for order in page["orders"]]
    assert len(walked) == len(set(walked)) == 120
    assert set(walked) == set(sandbox.order_ids)
    assert walked == list(reversed(sandbox.order_ids)), "newest first"


def test_page_size_defaults_to_20(unlimited: Exchange, clock: FakeClock) -> None:
    unlimited.seed_orders(generate=25)
    data = open_orders(unlimited, clock)["data"]
    assert (len(data["orders"]), data["total_page"], data["current_page"], data["total_size"]) == (
        20,
        2,
        1,
        25,
    )


def test_nothing_open_is_an_empty_first_page(unlimited: Exchange, clock: FakeClock) -> None:
    assert open_orders(unlimited, clock)["data"] == {
        "orders": [],
        "total_page": 0,
        "current_page": 1,
        "total_size": 0,
    }


PAGING_REFUSED = {
    "size-51": ({"page_size": 51}, 1067, "Illegal parameter page_size."),
    "size-0": ({"page_size": 0}, 1067, "Illegal parameter page_size."),
    "index-0": ({"page_index": 0}, 1067, "Illegal parameter page_index."),
    "index-text": ({"page_index": "first"}, 1067, "Illegal parameter page_index."),
    "trade-type-5": ({"trade_type": 5}, 1067, "Illegal parameter trade_type."),
    "no-contract": ({"contract_code": None}, 1066, "contract_code cannot be empty."),
    "unknown-contract": ({"contract_code": "DOGE-USDT"}, 1014, "This contract doesn't exist."),
}


@pytest.mark.parametrize(("query", "code", "message"), PAGING_REFUSED.values(), ids=PAGING_REFUSED)
def test_open_orders_refusals(
    unlimited: Exchange, clock: FakeClock, query: dict[str, object], code: int, message: str
) -> None:
    envelope = open_orders(unlimited, clock, **query)
    assert (envelope["status"], envelope["err_code"], envelope["err_msg"]) == (
        "error",
        code,
        message,
    )


def test_page_numbers_may_come_as_strings(unlimited: Exchange, clock: FakeClock) -> None:
    unlimited.seed_orders(generate=3)
    data = open_orders(unlimited, clock, page_index="2", page_size="2")["data"]
    assert (len(data["orders"]), data["current_page"], data["total_page"]) == (1, 2, 2)


# --- filters --------------------------------------------------------------------------------------

SIDES = [("buy", "open"), ("sell", "open"), ("buy", "close"), ("sell", "close")]
SIDES += [("buy", "both"), ("sell", "both")]
TRADE_TYPES = {1: 0, 2: 1, 3: 2, 4: 3, 17: 4, 18: 5}


@pytest.fixture
def sides(unlimited: Exchange) -> list[str]:
    made = []
    for direction, offset in SIDES:
        fields = {"direction": direction, "offset": offset}
        made += unlimited.seed_orders(generate=1, fields=fields)
    return made


@pytest.mark.parametrize(("trade_type", "side"), TRADE_TYPES.items())
def test_trade_type_picks_one_direction_and_offset(
    unlimited: Exchange, clock: FakeClock, sides: list[str], trade_type: int, side: int
) -> None:
    assert ids(open_orders(unlimited, clock, trade_type=trade_type)) == [sides[side]]


def test_trade_type_0_or_none_lists_all(
    unlimited: Exchange, clock: FakeClock, sides: list[str]
) -> None:
    assert ids(open_orders(unlimited, clock, trade_type=0)) == sides[::-1]
    assert ids(open_orders(unlimited, clock)) == sides[::-1]


def test_only_open_orders_of_this_contract_and_mode_are_listed(
    unlimited: Exchange, clock: FakeClock
) -> None:
    mine = list(unlimited.seed_orders(generate=2))
    unlimited.seed_orders(cancelled=["5"], executed=["6"], failed=["7"])
    unlimited.seed_orders("ETH-USDT", generate=1)
    unlimited.seed_orders(generate=1, margin_mode="cross")
    assert ids(open_orders(unlimited, clock)) == mine[::-1]


def test_cross_open_orders_by_code_by_pair_or_all(unlimited: Exchange, clock: FakeClock) -> None:
    swap = list(unlimited.seed_orders(generate=1, margin_mode="cross"))
    quarter = list(unlimited.seed_orders(QUARTER, generate=1, margin_mode="cross"))
    eth = list(unlimited.seed_orders("ETH-USDT", generate=1, margin_mode="cross"))
    unlimited.seed_orders(generate=1)  # isolated: never in a cross reply
    assert ids(open_orders(unlimited, clock, cross=True, contract_code=QUARTER)) == quarter
    both = ids(open_orders(unlimited, clock, cross=True, pair="BTC-USDT"))
    assert both == [*quarter, *swap]
    preferred = open_orders(unlimited, clock, cross=True, contract_code="BTC-USDT", pair="ETH-USDT")
    assert ids(preferred) == swap
    assert ids(open_orders(unlimited, clock, cross=True)) == [*eth, *quarter, *swap]
    unknown = open_orders(unlimited, clock, cross=True, pair="DOGE-USDT")
    assert unknown["err_code"] == 1014


def test_cross_orders_carry_the_cross_fields(unlimited: Exchange, clock: FakeClock) -> None:
    (order_id,) = unlimited.seed_orders(QUARTER, generate=1, margin_mode="cross")
    (order,) = open_orders(unlimited, clock, cross=True)["data"]["orders"]
    assert order == {
        "contract_type": "quarter",
        "business_type": "futures",
        "pair": "BTC-USDT",
        "symbol": "BTC",
        "contract_code": QUARTER,
        "volume": 1,
        "order_type": 1,
        "direction": "sell",
        "offset": "close",
        "lever_rate": 5,
        "order_id": int(order_id),
        "order_id_str": order_id,
        "order_source": "api",
        "created_at": round(clock() * 1000),
        "order_price_type": "formula_price",
        "status": 2,
        "callback_rate": 0.01,
        "active_price": 50000,
        "is_active": 0,
        "margin_mode": "cross",
        "margin_account": "USDT",
        "reduce_only": 0,
        "trade_partition": "USDT",
    }


# --- history --------------------------------------------------------------------------------------


def test_history_lists_a_cancelled_order_with_htx_nulls(
    unlimited: Exchange, clock: FakeClock
) -> None:
    (order_id,) = unlimited.seed_orders(generate=1)
    created = round(clock() * 1000)
    clock.advance(5)
    call(unlimited, clock, "swap_track_cancel", {"contract_code": "BTC-USDT", "order_id": order_id})
    data = history(unlimited, clock)["data"]
    (order,) = data["orders"]
    assert list(order) == HISTORY_FIELDS
    assert order == {
        "symbol": "BTC",
        "contract_code": "BTC-USDT",
        "triggered_price": None,
        "volume": 1,
        "order_type": 1,
        "direction": "sell",
        "offset": "close",
        "lever_rate": 5,
        "order_id": int(order_id),
        "order_id_str": order_id,
        "order_source": "api",
        "created_at": created,
        "update_time": created + 5000,
        "order_price_type": "formula_price",
        "status": 6,
        "canceled_at": created + 5000,
        "fail_code": None,
        "fail_reason": None,
        "callback_rate": 0.01,
        "active_price": 50000,
        "is_active": 0,
        "market_limit_price": None,
        "formula_price": None,
        "real_volume": 0,
        "relation_order_id": "-1",
        "margin_mode": "isolated",
        "margin_account": "BTC-USDT",
        "reduce_only": 0,
        "trade_partition": "USDT",
    }
    assert (data["total_page"], data["current_page"], data["total_size"]) == (1, 1, 1)


@pytest.fixture
def ended(unlimited: Exchange) -> dict[int, str]:
    """One order in each end state, and one still open (never in history)."""
    unlimited.seed_orders(generate=1)
    unlimited.seed_orders(executed=["41"])
    unlimited.seed_orders(failed=["51"])
    unlimited.seed_orders(cancelled=["61"])
    return {4: "41", 5: "51", 6: "61"}


STATUS_QUERIES = {
    "all-ended": ("0", [6, 5, 4]),
    "zero-as-number": (0, [6, 5, 4]),
    "triggered": ("4", [4]),
    "four-as-number": (4, [4]),
    "failed-and-cancelled": ("5,6", [6, 5]),
    "zero-and-four": ("0,4", [6, 5, 4]),
}


@pytest.mark.parametrize(("status", "expected"), STATUS_QUERIES.values(), ids=STATUS_QUERIES)
def test_history_status_filter(
    unlimited: Exchange,
    clock: FakeClock,
    ended: dict[int, str],
    status: object,
    expected: list[int],
) -> None:
    envelope = history(unlimited, clock, status=status)
    assert ids(envelope) == [ended[s] for s in expected]
    assert [o["status"] for o in envelope["data"]["orders"]] == expected


HISTORY_REFUSED = {
    "no-status": ({"status": None}, 1066, "status cannot be empty."),
    "open-status": ({"status": "2"}, 1067, "Illegal parameter status."),
    "list-status": ({"status": [4]}, 1067, "Illegal parameter status."),
    "spaced-status": ({"status": "4, 5"}, 1067, "Illegal parameter status."),
    "no-trade-type": ({"trade_type": None}, 1066, "trade_type cannot be empty."),
    "no-create-date": ({"create_date": None}, 1066, "create_date cannot be empty."),
    "zero-days": ({"create_date": 0}, 1067, "Illegal parameter create_date."),
    "bad-sort": ({"sort_by": "volume"}, 1067, "Illegal parameter sort_by."),
    "size-51": ({"page_size": 51}, 1067, "Illegal parameter page_size."),
    "futures-on-isolated": ({"contract_code": QUARTER}, 1014, "This contract doesn't exist."),
}


@pytest.mark.parametrize(
    ("query", "code", "message"), HISTORY_REFUSED.values(), ids=HISTORY_REFUSED
)
def test_history_refusals(
    unlimited: Exchange, clock: FakeClock, query: dict[str, object], code: int, message: str
) -> None:
    envelope = history(unlimited, clock, **query)
    assert (envelope["err_code"], envelope["err_msg"]) == (code, message)


def test_create_date_counts_days_back_and_stops_at_90(
    unlimited: Exchange, clock: FakeClock
) -> None:
    now = round(clock() * 1000)
    for days in (1, 29, 31, 89, 91, 200):
        unlimited.seed_orders(cancelled=[days], fields={"created_at": now - days * DAY_MS})
    listed = {days: ids(history(unlimited, clock, create_date=days)) for days in (30, 90, 365)}
    assert listed == {30: ["1", "29"], 90: ["1", "29", "31", "89"], 365: ["1", "29", "31", "89"]}


def test_history_sorts_by_created_at_or_update_time_newest_first(
    unlimited: Exchange, clock: FakeClock
) -> None:
    now = round(clock() * 1000)
    unlimited.seed_orders(open=["1"], fields={"created_at": now - 3000})
    unlimited.seed_orders(open=["2"], fields={"created_at": now - 2000})
    unlimited.seed_orders(open=["3"], fields={"created_at": now - 1000})
    for order_id in ("3", "1", "2"):  # triggered in this order: 2 is the last to change
        clock.advance(1)
        unlimited.trigger(order_id)
    assert ids(history(unlimited, clock)) == ["3", "2", "1"]
    assert ids(history(unlimited, clock, sort_by="created_at")) == ["3", "2", "1"]
    assert ids(history(unlimited, clock, sort_by="create_date")) == ["3", "2", "1"]
    assert ids(history(unlimited, clock, sort_by="update_time")) == ["2", "1", "3"]


def test_history_filters_by_trade_type(unlimited: Exchange, clock: FakeClock) -> None:
    unlimited.seed_orders(cancelled=["1"], fields={"direction": "buy", "offset": "open"})
    unlimited.seed_orders(cancelled=["2"], fields={"direction": "sell", "offset": "close"})
    assert ids(history(unlimited, clock, trade_type=4)) == ["2"]
    assert ids(history(unlimited, clock, trade_type="1")) == ["1"]


def test_cross_history_needs_a_contract_code_or_a_pair(
    unlimited: Exchange, clock: FakeClock
) -> None:
    unlimited.seed_orders(QUARTER, margin_mode="cross", cancelled=["8"])
    unlimited.seed_orders(margin_mode="cross", cancelled=["9"])
    unlimited.seed_orders(cancelled=["10"])  # isolated
    neither = history(unlimited, clock, cross=True, contract_code=None)
    assert (neither["status"], neither["err_code"]) == ("error", 1014)
    assert ids(history(unlimited, clock, cross=True, contract_code=QUARTER)) == ["8"]
    by_pair = history(unlimited, clock, cross=True, contract_code=None, pair="BTC-USDT")
    assert ids(by_pair) == ["9", "8"]
    no_trade_type = {"contract_code": QUARTER, "status": "0", "create_date": 1}
    envelope = call(unlimited, clock, "swap_cross_track_hisorders", no_trade_type)
    assert ids(envelope) == ["8"], "cross history's trade_type may be left out: all"
    (order,) = envelope["data"]["orders"]
    assert list(order) == ["contract_type", "business_type", "pair", *HISTORY_FIELDS]


@pytest.mark.parametrize("cross", [False, True], ids=["isolated", "cross"])
def test_reads_over_a_real_socket(client: httpx.Client, cross: bool) -> None:
    prefix = "swap_cross" if cross else "swap"
    mode = "cross" if cross else "isolated"
    with running() as sandbox:
        opened = sandbox.control.seed_orders(generate=2, margin_mode=mode, cancelled=["77"])
        query = {"contract_code": "BTC-USDT"}
        listed = post(client, sandbox, f"{prefix}_track_openorders", query)
        ended = post(
            client,
            sandbox,
            f"{prefix}_track_hisorders",
            {**query, "status": "0", "trade_type": 0, "create_date": 90},
        )
    assert listed.json()["status"] == ended.json()["status"] == "ok"
    assert [o["order_id_str"] for o in listed.json()["data"]["orders"]] == list(opened)[::-1]
    assert [o["order_id_str"] for o in ended.json()["data"]["orders"]] == ["77"]
    assert listed.headers["ratelimit-remaining"] == "71"
    assert ended.headers["ratelimit-remaining"] == "70", "both reads drew on the read pool"
