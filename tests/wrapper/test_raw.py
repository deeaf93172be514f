"""``raw``: each order exactly as HTX sent it, so a field the SDK does not read is there at once."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest

from htx_swap import PlacedTrailingOrder
from htx_swap._operations import FAMILIES
from htx_swap._orders import MarginMode
from htx_swap._render import orders_json

from .test_replies import HISTORY, OPEN

CROSS = {**OPEN, "contract_type": "swap", "pair": "BTC-USDT", "business_type": "swap"}
# Seen in a live 2024 reply (ccxt's recordings), absent from HTX's documentation; and fields of
# every JSON type a later HTX might add.
UNKNOWN = {
    "trade_partition": "USDT",
    "trigger_type": "ge",
    "x_null": None,
    "x_nested": {"a": [1, 2.5, "3"]},
}


def _page(operation: Any, order: dict[str, Any]) -> Any:
    document = {
        "status": "ok",
        "data": {"orders": [order], "total_page": 1, "current_page": 1, "total_size": 1},
        "ts": 1616988497109,
    }
    return operation.read(operation.reply_type.from_dict(json.loads(json.dumps(document))))


@pytest.mark.parametrize("mode", list(MarginMode))
@pytest.mark.parametrize("history", [False, True], ids=["open", "history"])
def test_raw_is_the_order_object_as_sent_unknown_fields_included(
    mode: MarginMode, history: bool
) -> None:
    family = FAMILIES[mode]
    sent = {**(CROSS if mode is MarginMode.CROSS else OPEN), **UNKNOWN}
    if history:
        sent = {**HISTORY, **sent, "status": 6}
    [order] = _page(family.history if history else family.open_orders, sent).orders
    assert order.raw == sent
    assert order.raw["trade_partition"] == "USDT"
    assert order.raw["order_id"] == 826055066114916352  # the JSON number, exact
    assert type(order.raw["callback_rate"]) is float  # as the JSON parser read it
    with pytest.raises(TypeError):
        order.raw["trade_partition"] = "changed"  # type: ignore[index]


def test_raw_takes_no_part_in_equality_or_repr() -> None:
    family = FAMILIES[MarginMode.ISOLATED]
    [plain] = _page(family.open_orders, OPEN).orders
    [extended] = _page(family.open_orders, {**OPEN, **UNKNOWN}).orders
    assert plain == extended
    assert hash(plain) == hash(extended)
    assert "trade_partition" not in repr(extended)
    assert attrs.evolve(plain, raw={}).raw == {}


def test_a_placed_order_carries_its_data_object_as_sent() -> None:
    operation = FAMILIES[MarginMode.CROSS].place
    data = {"order_id": 918819679173152768, "order_id_str": "918819679173152768", **UNKNOWN}
    reply = operation.reply_type.from_dict({"status": "ok", "data": data, "ts": 1616988497109})
    answer = operation.read(reply)
    assert answer.order_id == "918819679173152768"
    assert answer.raw == data
    plain = {"order_id": data["order_id"], "order_id_str": data["order_id_str"]}
    reread = operation.read(
        operation.reply_type.from_dict({"status": "ok", "data": plain, "ts": 1})
    )
    assert reread == answer, "equal by ID: raw takes no part"
    assert reread.raw == plain
    placed = PlacedTrailingOrder(answer.order_id, "BTC-USDT", MarginMode.CROSS, raw=answer.raw)
    assert placed == PlacedTrailingOrder(answer.order_id, "BTC-USDT", MarginMode.CROSS)
    assert placed.raw["trade_partition"] == "USDT"


def test_a_hand_built_order_has_an_empty_raw() -> None:
    placed = PlacedTrailingOrder("1", "BTC-USDT", MarginMode.ISOLATED)
    assert placed.raw == {}


def test_the_command_json_carries_raw() -> None:
    [order] = _page(FAMILIES[MarginMode.ISOLATED].open_orders, {**OPEN, **UNKNOWN}).orders
    [document] = json.loads(orders_json([order]))["orders"]
    assert document["raw"] == {**OPEN, **UNKNOWN}
    assert document["order_id"] == "826055066114916352"
