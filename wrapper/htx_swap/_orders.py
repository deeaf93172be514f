"""Trailing orders as the SDK returns them: exact decimals, aware times, string IDs.

HTX's replies carry prices, rates and volumes as JSON numbers, times as epoch milliseconds and
order IDs both as numbers beyond 2^53 and as strings; the values here are what a trader can
compute with safely: ``Decimal``, timezone-aware UTC ``datetime``, ``str`` IDs (from
``order_id_str``), and an ``IntEnum`` for the status.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from attrs import field, frozen

__all__ = [
    "_NOTHING_SENT",
    "MarginMode",
    "PlacedTrailingOrder",
    "TrailingOrder",
    "TrailingOrderStatus",
]


class MarginMode(enum.StrEnum):
    """HTX's two margin modes; each has its own trailing-order endpoints and order book."""

    ISOLATED = "isolated"
    CROSS = "cross"


_NOTHING_SENT: Mapping[str, Any] = MappingProxyType({})
"""``raw`` of a value built by hand rather than read from a reply."""

# The order's object as HTX sent it: left out of equality and repr (values are compared and shown
# by their fields), read-only.
_raw = field(default=_NOTHING_SENT, eq=False, repr=False, kw_only=True)


class TrailingOrderStatus(enum.IntEnum):
    """Where a trailing order stands (HTX's ``status``).

    A status HTX adds after this release is still a member, named for its number
    (``TrailingOrderStatus(7).name == "UNKNOWN_7"``), equal to that number, and listed by
    neither iteration nor ``__members__``: code that reads ``.name`` or compares keeps working.
    """

    READY_TO_SUBMIT = 2
    """Open: waiting to be activated and triggered."""
    SUBMITTED = 4
    """Triggered: the order it places went to the book (``relation_order_id``)."""
    SUBMIT_FAILED = 5
    """Triggered, but placing its order failed (``fail_code``, ``fail_reason``)."""
    CANCELLED = 6

    @classmethod
    def _missing_(cls, value: object) -> TrailingOrderStatus | None:
        if not isinstance(value, int) or isinstance(value, bool):
            return None  # not a status at all: ValueError, as for any enum
        # Kept apart from _value2member_map_: a lookup there matches by hash, so once UNKNOWN_1
        # was made, TrailingOrderStatus(True) would have found it.
        known = _UNKNOWN_STATUSES.get(value)
        if known is None:
            known = int.__new__(cls, value)
            known._name_ = f"UNKNOWN_{value}"
            known._value_ = value
            known = _UNKNOWN_STATUSES.setdefault(value, known)
        return known


# The members made for statuses HTX added later, one per number (see _missing_).
_UNKNOWN_STATUSES: dict[int, TrailingOrderStatus] = {}


@frozen
class PlacedTrailingOrder:
    """A trailing order HTX accepted: its ID (from ``order_id_str``), where it was placed."""

    order_id: str
    contract_code: str | None
    """The contract the order was placed on; None when placed by ``pair`` + ``contract_type``."""
    margin_mode: MarginMode
    raw: Mapping[str, Any] = _raw
    """The reply's ``data`` object exactly as HTX sent it (what ccxt calls ``info``): fields
    this SDK does not read, or that HTX added after it, are there at once."""


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
    status: TrailingOrderStatus
    """HTX's status; one this SDK does not know yet is a member named ``UNKNOWN_<number>``."""
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
    raw: Mapping[str, Any] = _raw
    """The order's object exactly as HTX sent it (what ccxt calls ``info``), every field
    included: those this SDK does not read (``trade_partition`` in a live 2024 reply), or that
    HTX added after it, are there at once, e.g. ``order.raw.get("trade_partition")``."""
