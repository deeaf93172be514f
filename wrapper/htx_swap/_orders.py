"""Trailing orders as the SDK returns them: exact decimals, aware times, string IDs.

HTX's replies carry prices, rates and volumes as JSON numbers, times as epoch milliseconds and
order IDs both as numbers beyond 2^53 and as strings; the values here are what a trader can
compute with safely: ``Decimal``, timezone-aware UTC ``datetime``, ``str`` IDs (from
``order_id_str``), and an ``IntEnum`` for the status.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from attrs import frozen

__all__ = ["MarginMode", "PlacedTrailingOrder", "TrailingOrder", "TrailingOrderStatus"]


class MarginMode(enum.StrEnum):
    """HTX's two margin modes; each has its own trailing-order endpoints and order book."""

    ISOLATED = "isolated"
    CROSS = "cross"


class TrailingOrderStatus(enum.IntEnum):
    """Where a trailing order stands (HTX's ``status``)."""

    READY_TO_SUBMIT = 2
    """Open: waiting to be activated and triggered."""
    SUBMITTED = 4
    """Triggered: the order it places went to the book (``relation_order_id``)."""
    SUBMIT_FAILED = 5
    """Triggered, but placing its order failed (``fail_code``, ``fail_reason``)."""
    CANCELLED = 6


@frozen
class PlacedTrailingOrder:
    """A trailing order HTX accepted: its ID (from ``order_id_str``), where it was placed."""

    order_id: str
    contract_code: str | None
    """The contract the order was placed on; None when placed by ``pair`` + ``contract_type``."""
    margin_mode: MarginMode


@frozen
class TrailingOrder:
    """One trailing order as HTX lists it (open orders or history).

    Fields HTX sends as null, or that don't apply (history-only fields on an open order,
    cross-only fields on an isolated one), are None.
    """

    order_id: str
    contract_code: str
    symbol: str
    margin_mode: MarginMode
    margin_account: str
    direction: str
    offset: str
    volume: Decimal
    lever_rate: int
    order_type: int
    order_source: str
    order_price_type: str
    status: TrailingOrderStatus | int
    """A known status, or the number HTX sent for one this SDK does not know yet."""
    callback_rate: Decimal
    active_price: Decimal
    is_active: bool
    reduce_only: bool
    created_at: datetime
    # History only.
    update_time: datetime | None = None
    canceled_at: datetime | None = None
    triggered_price: Decimal | None = None
    fail_code: int | None = None
    fail_reason: str | None = None
    market_limit_price: Decimal | None = None
    formula_price: Decimal | None = None
    real_volume: Decimal | None = None
    relation_order_id: str | None = None
    """The order placed when this one triggered; None before (HTX sends ``"-1"``)."""
    # Cross margin only.
    contract_type: str | None = None
    pair: str | None = None
    business_type: str | None = None
