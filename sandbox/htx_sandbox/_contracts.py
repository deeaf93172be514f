"""Contract codes: perpetual swaps (`BTC-USDT`) and dated futures (`BTC-USDT-260626`, cross only).

HTX derives a futures contract's `contract_type` from how far off its expiry is. The sandbox
classifies a code once, when it learns it, by a simplified version of that rule: expiring within
7 days is `this_week`, within 14 days `next_week`, then `quarter` up to the first last-Friday of
March, June, September or December more than 14 days away, and `next_quarter` beyond.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from attrs import frozen

CONTRACT_TYPES = ("swap", "this_week", "next_week", "quarter", "next_quarter")

_FUTURES = re.compile(r"(?P<pair>[A-Z0-9]+-[A-Z0-9]+)-(?P<expiry>[0-9]{6})", re.ASCII)
_PAIR = re.compile(r"[A-Z0-9]+-[A-Z0-9]+", re.ASCII)
_QUARTER_MONTHS = (3, 6, 9, 12)
_FRIDAY = 4


@frozen
class Contract:
    """A contract the sandbox knows, with the fields HTX's cross replies derive from it."""

    code: str
    symbol: str
    """`BTC` for `BTC-USDT` and `BTC-USDT-260626`."""
    pair: str
    """`BTC-USDT` for both of those."""
    contract_type: str
    """`swap` for a perpetual; `this_week`, `next_week`, `quarter` or `next_quarter` otherwise."""

    @property
    def is_swap(self) -> bool:
        """Whether this is a perpetual (the only kind isolated margin trades)."""
        return self.contract_type == "swap"

    @property
    def business_type(self) -> str:
        """`swap` or `futures`, as cross replies name it."""
        return "swap" if self.is_swap else "futures"


def contract(code: str, today: date) -> Contract:
    """The contract a code names, classified as of `today`; ValueError for a malformed code."""
    if not code or code != code.strip():
        raise ValueError(f"contract codes look like BTC-USDT or BTC-USDT-260626, got {code!r}")
    match = _FUTURES.fullmatch(code)
    if match is None:
        return Contract(code=code, symbol=code.split("-")[0], pair=code, contract_type="swap")
    try:
        expiry = date(
            2000 + int(match["expiry"][:2]), int(match["expiry"][2:4]), int(match["expiry"][4:])
        )
    except ValueError:
        raise ValueError(f"{code!r} names no expiry date (YYMMDD)") from None
    pair = match["pair"]
    return Contract(
        code=code,
        symbol=pair.split("-")[0],
        pair=pair,
        contract_type=_contract_type(expiry, today),
    )


def quarter_code(pair: str, today: date) -> str | None:
    """The code of `pair`'s `quarter` futures contract as of `today`; None unless `pair` is a
    pair (`BTC-USDT`)."""
    if not _PAIR.fullmatch(pair):
        return None
    return f"{pair}-{_quarter_expiry(today):%y%m%d}"


def _contract_type(expiry: date, today: date) -> str:
    days = (expiry - today).days
    if days <= 7:
        return "this_week"
    if days <= 14:
        return "next_week"
    return "quarter" if expiry <= _quarter_expiry(today) else "next_quarter"


def _quarter_expiry(today: date) -> date:
    """The first last-Friday of a quarter's last month more than 14 days after `today`."""
    year, month = today.year, today.month
    while True:
        if month in _QUARTER_MONTHS:
            last = date(year, month, calendar.monthrange(year, month)[1])
            friday = last - timedelta(days=(last.weekday() - _FRIDAY) % 7)
            if (friday - today).days > 14:
                return friday
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
