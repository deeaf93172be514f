"""Reading ok replies: every shape the SDK relies on is checked, and none is guessed.

Each reply is parsed by the generated model first, as on the wire, then read by the operation's
reader: a wrong shape fails one or the other (UnreadableReply, or the generated parser's own
TypeError), which the engine treats as an unreadable reply (retried, then no answer), never a
value made up.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from htx_swap import TrailingOrderStatus
from htx_swap._engine import _PARSE_ERRORS
from htx_swap._operations import FAMILIES
from htx_swap._orders import MarginMode

OPEN = {
    "symbol": "BTC", "contract_code": "BTC-USDT", "volume": 1, "order_type": 1,
    "direction": "buy", "offset": "open", "lever_rate": 5, "order_id": 826055066114916352,
    "order_id_str": "826055066114916352", "order_source": "api", "created_at": 1616988475122,
    "order_price_type": "formula_price", "status": 2, "callback_rate": 0.03,
    "active_price": 48888, "is_active": 0, "margin_mode": "isolated",
    "margin_account": "BTC-USDT", "reduce_only": 0,
}  # fmt: skip
HISTORY = {
    **OPEN, "status": 6, "triggered_price": None, "update_time": 1616988430833,
    "canceled_at": 1616988393365, "fail_code": None, "fail_reason": None,
    "market_limit_price": None, "formula_price": None, "real_volume": 0,
    "relation_order_id": "-1",
}  # fmt: skip


def _read(order: dict[str, Any], *, history: bool) -> Any:
    operation = (
        FAMILIES[MarginMode.ISOLATED].history
        if history
        else FAMILIES[MarginMode.ISOLATED].open_orders
    )
    document = {
        "status": "ok",
        "data": {"orders": [order], "total_page": 1, "current_page": 1, "total_size": 1},
        "ts": 1616988497109,
    }
    reply = operation.reply_type.from_dict(document)
    return operation.read(reply)


def test_an_open_order_reads_into_exact_values() -> None:
    [order] = _read(OPEN, history=False).orders
    assert order.order_id == "826055066114916352"
    assert (order.volume, order.callback_rate, order.active_price) == (
        Decimal(1),
        Decimal("0.03"),
        Decimal(48888),
    )
    assert order.created_at == datetime(2021, 3, 29, 3, 27, 55, 122000, tzinfo=UTC)
    assert order.status is TrailingOrderStatus.READY_TO_SUBMIT
    assert order.update_time is None
    assert order.pair is None


def test_a_history_order_maps_htx_s_placeholders_to_none() -> None:
    [order] = _read({**HISTORY, "canceled_at": 0, "relation_order_id": "-1"}, history=True).orders
    assert order.canceled_at is None
    assert order.relation_order_id is None
    assert order.real_volume == Decimal(0)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"active_price": "48888.5"}, Decimal("48888.5")),
        ({"triggered_price": 48000.25, "status": 4, "relation_order_id": "918819679173152768"},
         Decimal("48000.25")),
    ],
    ids=["a price as a string", "a triggered price as a float"],
)  # fmt: skip
def test_numbers_in_any_json_shape_read_exactly(changes: dict[str, Any], expected: Decimal) -> None:
    [order] = _read({**HISTORY, **changes}, history=True).orders
    assert expected in (order.active_price, order.triggered_price)


def test_a_status_this_sdk_does_not_know_is_a_member_named_for_its_number() -> None:
    [order] = _read({**OPEN, "status": 3}, history=False).orders
    assert order.status == 3
    assert isinstance(order.status, TrailingOrderStatus)
    assert order.status.name == "UNKNOWN_3"
    assert order.status is TrailingOrderStatus(3), "one member per number"
    assert 3 not in [int(member) for member in TrailingOrderStatus], "not listed as known"
    assert "UNKNOWN_3" not in TrailingOrderStatus.__members__


@pytest.mark.parametrize("value", ["4", 4.5, True, None])
def test_a_status_that_is_not_a_whole_number_is_no_member(value: object) -> None:
    # Status 1 made first: True (equal to 1, same hash) must still be no member. It was found
    # once UNKNOWN_1 existed, so this test passed or failed with the order tests ran in.
    assert TrailingOrderStatus(1).name == "UNKNOWN_1"
    with pytest.raises(ValueError, match="is not a valid TrailingOrderStatus"):
        TrailingOrderStatus(value)


@pytest.mark.parametrize(
    ("changes", "history"),
    [
        ({"order_id_str": 826055066114916352}, False),
        ({"order_id_str": "12ab"}, False),
        ({"volume": True}, False),
        ({"volume": "lots"}, False),
        ({"volume": "NaN"}, False),
        ({"callback_rate": None}, False),
        ({"status": "2.5"}, False),  # "2" reads as 2: test_replies_numeric_sweep
        ({"is_active": 2}, False),
        ({"created_at": 12}, False),
        ({"created_at": "2021-03-29"}, False),
        ({"margin_mode": None}, False),
        ({"fail_code": "x"}, True),
        ({"relation_order_id": "next"}, True),
        ({"update_time": 10**20}, True),
    ],
    ids=repr,
)
def test_a_wrong_shape_is_unreadable(changes: dict[str, Any], history: bool) -> None:
    base = HISTORY if history else OPEN
    with pytest.raises(_PARSE_ERRORS):
        _read({**base, **changes}, history=history)


@pytest.mark.parametrize("field", ["orders", "total_page"])
def test_a_page_without_its_list_or_counts_is_unreadable(field: str) -> None:
    operation = FAMILIES[MarginMode.ISOLATED].open_orders
    data = {"orders": [OPEN], "total_page": 1, "current_page": 1, "total_size": 1, field: None}
    with pytest.raises(_PARSE_ERRORS):
        operation.read(operation.reply_type.from_dict({"status": "ok", "data": data, "ts": 1}))


@pytest.mark.parametrize("order_id_str", [None, 826052268312821760, "82605226831282176x"])
def test_a_placed_order_without_a_readable_id_is_unreadable(order_id_str: Any) -> None:
    operation = FAMILIES[MarginMode.CROSS].place
    data = {"order_id": 826052268312821760, "order_id_str": order_id_str}
    with pytest.raises(_PARSE_ERRORS):
        operation.read(operation.reply_type.from_dict({"status": "ok", "data": data, "ts": 1}))
