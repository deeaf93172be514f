"""Trailing orders: the record HTX keeps for each, its life cycle, and how the replies show it.

An order is open (status 2, "ready to submit") until it is cancelled (6), triggered (4: the
limit order it places is submitted) or fails on its trigger (5). Open orders may be activated
(`is_active` 1: the price reached `active_price` and the order now trails it). The reply shapes
follow TRAILING-FAMILY.md field for field, in HTX's order: prices and volumes are JSON numbers,
`order_id` is a JSON integer beyond 2^53 next to `order_id_str`, and the history's
`triggered_price`, `fail_code`, `fail_reason`, `market_limit_price` and `formula_price` are null
until something sets them.

Where HTX leaves a value undocumented the sandbox chooses, and says so here:
- `canceled_at` is 0 for an order that was not cancelled;
- triggering (or failing) without a price triggers at `active_price` moved by `callback_rate`
  (down for a sell, up for a buy), with `active_price` as the market's extreme
  (`market_limit_price`); `formula_price` is set only for `order_price_type` `formula_price`;
- a triggered order's `real_volume` is its whole volume (the sandbox has no order book);
- failing defaults to HTX's 1047, "Insufficient margin available.".
"""

from __future__ import annotations

import enum
from decimal import Decimal

from attrs import define, evolve

from htx_sandbox._contracts import Contract

DEFAULT_FAIL = (1047, "Insufficient margin available.")


class MarginMode(enum.StrEnum):
    """Isolated and cross margin keep separate books of trailing orders."""

    ISOLATED = "isolated"
    CROSS = "cross"


class OrderState(enum.StrEnum):
    """Where a trailing order stands."""

    OPEN = "open"
    """Status 2, ready to submit; `is_active` tells whether it is trailing yet."""
    CANCELLED = "cancelled"
    """Status 6."""
    EXECUTED = "executed"
    """Status 4: triggered, its limit order submitted (`relation_order_id`)."""
    TRIGGERED = "executed"  # an alias of EXECUTED: the same status 4
    FAILED = "failed"
    """Status 5: triggered, but placing its limit order failed (`fail_code`, `fail_reason`)."""

    @property
    def status(self) -> int:
        """HTX's status code for this state."""
        return _STATUS[self]


_STATUS = {
    OrderState.OPEN: 2,
    OrderState.EXECUTED: 4,
    OrderState.FAILED: 5,
    OrderState.CANCELLED: 6,
}
STATES_BY_STATUS = {status: state for state, status in _STATUS.items()}
END_STATES = frozenset({OrderState.EXECUTED, OrderState.FAILED, OrderState.CANCELLED})


class OrderStateError(ValueError):
    """A life-cycle step the order's state doesn't allow (activating a cancelled order, ...)."""


@define
class TrailingOrder:
    """One trailing order, as HTX keeps it: every field its replies can show.

    The sandbox's own records change in place as orders live (under its lock: a cancel is
    three assignments, not a copy of thirty fields); what its control API hands out is a
    `snapshot()`, which nothing changes afterwards.
    """

    order_id: str
    uid: str
    """The account (user) that owns it; every key of that account sees it."""
    margin_mode: MarginMode
    contract: Contract
    sequence: int
    """The sandbox's creation counter: ties in `created_at` sort by it."""
    created_at: int
    """Milliseconds since the epoch."""
    direction: str = "sell"
    offset: str = "close"
    volume: Decimal = Decimal(1)
    lever_rate: int = 5
    callback_rate: Decimal = Decimal("0.01")
    active_price: Decimal = Decimal(50000)
    order_price_type: str = "formula_price"
    reduce_only: int = 0
    order_source: str = "api"
    order_type: int = 1
    state: OrderState = OrderState.OPEN
    is_active: int = 0
    update_time: int | None = None
    """None until the order changes; replies then show `created_at`."""
    canceled_at: int = 0
    triggered_price: Decimal | None = None
    fail_code: int | None = None
    fail_reason: str | None = None
    market_limit_price: Decimal | None = None
    formula_price: Decimal | None = None
    real_volume: Decimal = Decimal(0)
    relation_order_id: str = "-1"

    @property
    def margin_account(self) -> str:
        """`BTC-USDT` for an isolated order, the quote currency (`USDT`) for a cross one."""
        if self.margin_mode is MarginMode.ISOLATED:
            return self.contract.code
        return self.contract.pair.split("-")[-1]

    # --- life cycle: each step checks the state first, then changes the order ---------------

    def snapshot(self) -> TrailingOrder:
        """A copy of the order as it stands."""
        return evolve(self)

    def activate(self, now_ms: int) -> None:
        """The price reached `active_price`: the order trails it from now on."""
        self._require_open("activate")
        if self.is_active:
            raise OrderStateError(f"order {self.order_id} is already active")
        self.is_active, self.update_time = 1, now_ms

    def cancel(self, now_ms: int) -> None:
        """Cancelled by a request (or seeded so)."""
        self._require_open("cancel")
        self.state, self.canceled_at, self.update_time = OrderState.CANCELLED, now_ms, now_ms

    def trigger(self, now_ms: int, relation_order_id: str, price: Decimal | None = None) -> None:
        """Triggered at `price`: its limit order `relation_order_id` is submitted."""
        self._require_open("trigger")
        self._set_trigger_prices(price)
        self.state, self.is_active, self.update_time = OrderState.EXECUTED, 1, now_ms
        self.real_volume, self.relation_order_id = self.volume, relation_order_id

    def fail(
        self,
        now_ms: int,
        fail_code: int = DEFAULT_FAIL[0],
        fail_reason: str = DEFAULT_FAIL[1],
        price: Decimal | None = None,
    ) -> None:
        """Triggered at `price`, but its limit order was refused with `fail_code`."""
        self._require_open("fail")
        self._set_trigger_prices(price)
        self.state, self.is_active, self.update_time = OrderState.FAILED, 1, now_ms
        self.fail_code, self.fail_reason = fail_code, fail_reason

    def _require_open(self, step: str) -> None:
        if self.state is not OrderState.OPEN:
            raise OrderStateError(f"cannot {step} order {self.order_id}: it is {self.state}")

    def _set_trigger_prices(self, price: Decimal | None) -> None:
        sign = 1 if self.direction == "buy" else -1
        default = self.active_price * (1 + sign * self.callback_rate)
        self.triggered_price = default if price is None else price
        self.market_limit_price = self.active_price
        self.formula_price = default if self.order_price_type == "formula_price" else None

    # --- how replies show it --------------------------------------------------------------------

    def open_order_json(self) -> dict[str, object]:
        """The order as the open-orders reply lists it."""
        return self._pick(_OPEN_FIELDS)

    def history_json(self) -> dict[str, object]:
        """The order as the history reply lists it."""
        return self._pick(_HISTORY_FIELDS)

    def _pick(self, names: tuple[str, ...]) -> dict[str, object]:
        values = self._values()
        cross = _CROSS_FIELDS if self.margin_mode is MarginMode.CROSS else ()
        return {name: values[name] for name in (*cross, *names)}

    def _values(self) -> dict[str, object]:
        return {
            "contract_type": self.contract.contract_type,
            "business_type": self.contract.business_type,
            "pair": self.contract.pair,
            "symbol": self.contract.symbol,
            "contract_code": self.contract.code,
            "triggered_price": _number(self.triggered_price),
            "volume": _number(self.volume),
            "order_type": self.order_type,
            "direction": self.direction,
            "offset": self.offset,
            "lever_rate": self.lever_rate,
            "order_id": int(self.order_id),
            "order_id_str": self.order_id,
            "order_source": self.order_source,
            "created_at": self.created_at,
            "update_time": self.created_at if self.update_time is None else self.update_time,
            "order_price_type": self.order_price_type,
            "status": self.state.status,
            "canceled_at": self.canceled_at,
            "fail_code": self.fail_code,
            "fail_reason": self.fail_reason,
            "callback_rate": _number(self.callback_rate),
            "active_price": _number(self.active_price),
            "is_active": self.is_active,
            "market_limit_price": _number(self.market_limit_price),
            "formula_price": _number(self.formula_price),
            "real_volume": _number(self.real_volume),
            "relation_order_id": self.relation_order_id,
            "margin_mode": str(self.margin_mode),
            "margin_account": self.margin_account,
            "reduce_only": self.reduce_only,
            "trade_partition": self.contract.pair.rsplit("-", 1)[-1],
        }


# The fields of each reply, in the order HTX's examples list them (cross replies put the three
# cross-only fields first, as HTX's cross example does).
_OPEN_FIELDS = (
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
    # Not on HTX's pages, but in its live replies: HTX's QA suite (2022, both modes) and a
    # cross open-orders reply ccxt captured in 2024 carry it, equal to the quote currency.
    "trade_partition",
)
_HISTORY_FIELDS = (
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
)
_CROSS_FIELDS = ("contract_type", "business_type", "pair")


def _number(value: Decimal | None) -> int | float | None:
    """A decimal as a JSON number: an integer when it is whole (`1`, not `1.0`)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)
