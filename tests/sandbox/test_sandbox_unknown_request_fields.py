"""Request fields the sandbox does not know are ignored, as HTX ignores them (ccxt sends
`channel_code`; a field added to the spec reaches the sandbox before the sandbox learns it)."""

from __future__ import annotations

from typing import Any

import pytest

from htx_sandbox import Exchange, OrderState

from .conftest import FakeClock, call
from .test_sandbox_place import PLACE

# Unknown names of every JSON type, and one a later spec might add (`trigger_type`).
EXTRA: dict[str, Any] = {
    "channel_code": "ccxt",
    "trigger_type": "ge",
    "x_number": 1.5,
    "x_object": {"nested": [1, None]},
    "x_null": None,
}
CROSS = {"contract_code": "BTC-USDT"}
HISTORY = {"status": "0", "trade_type": 0, "create_date": 7}


@pytest.mark.parametrize("cross", [False, True], ids=["isolated", "cross"])
def test_every_operation_ignores_request_fields_it_does_not_know(
    unlimited: Exchange, clock: FakeClock, cross: bool
) -> None:
    prefix = "swap_cross_track_" if cross else "swap_track_"
    placed = call(unlimited, clock, prefix + "order", {**PLACE, **EXTRA})
    assert placed["status"] == "ok", placed
    order_id = placed["data"]["order_id_str"]
    listed = call(unlimited, clock, prefix + "openorders", {**CROSS, **EXTRA})
    assert [order["order_id_str"] for order in listed["data"]["orders"]] == [order_id]
    assert not set(EXTRA) & set(listed["data"]["orders"][0])
    cancelled = call(unlimited, clock, prefix + "cancel", {**CROSS, "order_id": order_id, **EXTRA})
    assert cancelled["data"]["successes"] == order_id
    assert unlimited.order_state(order_id) is OrderState.CANCELLED
    history = call(unlimited, clock, prefix + "hisorders", {**CROSS, **HISTORY, **EXTRA})
    assert [order["order_id_str"] for order in history["data"]["orders"]] == [order_id]
    second = call(unlimited, clock, prefix + "order", {**PLACE, **EXTRA})["data"]["order_id_str"]
    everything = call(unlimited, clock, prefix + "cancelall", {**CROSS, **EXTRA})
    assert everything["status"] == "ok", everything
    assert everything["data"]["successes"] == second
