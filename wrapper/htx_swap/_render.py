"""What the command prints: tables for people, one JSON document for scripts.

Everything that came from the network is printed with control characters escaped, so a hostile
reply can't move the cursor, recolour the screen or forge a row. In JSON, prices, rates, volumes
and IDs are strings (their exact digits), times ISO 8601 in UTC.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

from attrs import asdict

from ._errors import HtxUnknownOutcomeError
from ._orders import PlacedTrailingOrder, TrailingOrder, TrailingOrderStatus
from ._results import CancelAllResult, CancelResult, OrderFailure

__all__ = [
    "cancel_all_json",
    "cancel_json",
    "orders_json",
    "placed_json",
    "printable",
    "unknown_outcome_json",
    "write_cancel_all_table",
    "write_cancel_table",
    "write_orders_table",
    "write_placed",
    "write_unknown_outcome",
]

# C0 and C1 controls (and DEL): a reply's text must not move the cursor, recolour or forge rows.
_CONTROL = frozenset([*range(0x00, 0x20), *range(0x7F, 0xA0)])
# Nor may it reorder or hide what is printed: Unicode's format characters (bidirectional
# overrides such as U+202E, zero-width ones such as U+200B), line and paragraph separators
# (U+2028, U+2029), surrogates and private-use characters are escaped too.
_UNSEEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _unseen(char: str) -> bool:
    code = ord(char)
    if code < 0x7F:
        return code < 0x20
    return code in _CONTROL or unicodedata.category(char) in _UNSEEN_CATEGORIES


def printable(text: str) -> str:
    """Network text made safe for a terminal: control and format characters escaped
    (``\\x1b``, ``\\n``, ``\\u202e``)."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        char.encode("unicode_escape").decode("ascii") if _unseen(char) else char for char in text
    )


def _count(orders: int) -> str:
    return f"{orders} order" if orders == 1 else f"{orders} orders"


def _table(out: IO[str], header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """Columns as wide as their widest cell; every cell escaped."""
    lines = [list(header), *([printable(cell) for cell in row] for row in rows)]
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    for line in lines:
        cells = (cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        out.write("  ".join(cells).rstrip() + "\n")


def _dumps(document: object) -> str:
    return json.dumps(document, ensure_ascii=True) + "\n"


# --- cancel by ID --------------------------------------------------------------------------------


def write_cancel_table(order_ids: Sequence[str], result: CancelResult, out: IO[str]) -> None:
    failures = {failure.order_id: failure for failure in result.failed}
    cancelled = set(result.cancelled)
    not_sent = set(result.not_sent)
    rows = []
    for order_id in order_ids:
        if order_id in cancelled:
            rows.append((order_id, "cancelled", "", ""))
        elif order_id in failures:
            failure = failures[order_id]
            rows.append((order_id, "failed", str(failure.err_code), failure.err_msg))
        elif order_id in not_sent:
            rows.append((order_id, "not sent", "", "never reached HTX: not cancelled by this"))
        else:
            rows.append(
                (order_id, "unresolved", "", "no definitive answer; check the order before acting")
            )
    id_width = max(len("ORDER ID"), *(len(row[0]) for row in rows))
    out.write(f"{'ORDER ID':<{id_width}}  {'OUTCOME':<10}  {'CODE':>5}  MESSAGE\n")
    for order_id, outcome, code, message in rows:
        line = f"{order_id:<{id_width}}  {outcome:<10}  {code:>5}  {printable(message)}"
        out.write(line.rstrip() + "\n")
    out.write(
        f"{_count(len(rows))}: {len(result.cancelled)} cancelled, {len(result.failed)} failed, "
        f"{len(result.unresolved)} unresolved"
        + (f", {len(result.not_sent)} not sent" if result.not_sent else "")
        + "\n"
    )


def _failures(failures: Iterable[OrderFailure]) -> list[dict[str, object]]:
    return [
        {"order_id": f.order_id, "err_code": f.err_code, "err_msg": f.err_msg} for f in failures
    ]


def cancel_json(result: CancelResult) -> str:
    return _dumps(
        {
            "cancelled": list(result.cancelled),
            "failed": _failures(result.failed),
            "unresolved": list(result.unresolved),
            "not_sent": list(result.not_sent),
        }
    )


# --- cancel-all ----------------------------------------------------------------------------------


def write_cancel_all_table(result: CancelAllResult, out: IO[str]) -> None:
    rows = [(order_id, "cancelled", "", "") for order_id in result.cancelled]
    rows += [(f.order_id, "failed", str(f.err_code), f.err_msg) for f in result.failed]
    if rows:
        _table(out, ("ORDER ID", "OUTCOME", "CODE", "MESSAGE"), rows)
    summary = f"{len(result.cancelled)} cancelled, {len(result.failed)} failed"
    if not result.complete:
        summary += (
            "; incomplete: a reply was lost, so more may have been cancelled "
            "(list the open orders to see what is left)"
        )
    out.write(summary + "\n")


def cancel_all_json(result: CancelAllResult) -> str:
    return _dumps(
        {
            "cancelled": list(result.cancelled),
            "failed": _failures(result.failed),
            "complete": result.complete,
        }
    )


# --- place ---------------------------------------------------------------------------------------


def write_placed(placed: PlacedTrailingOrder, out: IO[str]) -> None:
    where = placed.contract_code or "the contract of that pair and type"
    out.write(f"placed trailing order {placed.order_id} on {where} ({placed.margin_mode})\n")


def placed_json(placed: PlacedTrailingOrder) -> str:
    return _dumps(
        {
            "order_id": placed.order_id,
            "contract_code": placed.contract_code,
            "margin_mode": str(placed.margin_mode),
        }
    )


# An order that triggered or ended since is only in the history: the list alone can miss it.
CHECK_BEFORE_PLACING_AGAIN = (
    "check `htx-swap trailing list` and `htx-swap trailing history` before placing it again"
)


def write_unknown_outcome(error: HtxUnknownOutcomeError, out: IO[str]) -> None:
    out.write(f"unknown outcome: {printable(error.message)}\n")
    check = f"it may have been placed: {CHECK_BEFORE_PLACING_AGAIN}"
    if error.candidates is None:
        out.write(f"the orders could not be read to find it; {check}\n")
        return
    if not error.candidates:
        # HTX may list an order a moment after placing it: not found is no proof of not placed.
        out.write(f"no order found matching it, open or ended, but {check}\n")
        return
    out.write(
        f"{len(error.candidates)} order(s) match it, open or ended, created since it was sent:\n"
    )
    write_orders_table(error.candidates, out, history=True)


def unknown_outcome_json(error: HtxUnknownOutcomeError) -> str:
    candidates = None if error.candidates is None else [_order(o) for o in error.candidates]
    return _dumps(
        {
            "outcome": "unknown",
            "message": error.message,
            "params": {name: _value(value) for name, value in error.params.items()},
            "candidates": candidates,
        }
    )


# --- lists of orders -----------------------------------------------------------------------------


def _time(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S")


def _status(order: TrailingOrder) -> str:
    return order.status.name.lower().replace("_", " ")  # a status not known yet: "unknown 7"


def _outcome(order: TrailingOrder) -> str:
    if order.relation_order_id is not None:
        return f"order {order.relation_order_id} at {order.triggered_price}"
    if order.fail_code is not None:
        return f"{order.fail_code} {order.fail_reason or ''}".strip()
    return ""


def write_orders_table(orders: Iterable[TrailingOrder], out: IO[str], *, history: bool) -> int:
    """A table of orders, then how many; returns the count."""
    header = ["ORDER ID", "CONTRACT", "SIDE", "VOLUME", "CALLBACK", "ACTIVE PRICE", "PRICE TYPE"]
    header += ["STATUS", "UPDATED (UTC)", "RESULT"] if history else ["STATUS", "CREATED (UTC)"]
    rows = []
    for order in orders:
        row = [
            order.order_id,
            order.contract_code,
            f"{order.direction} {order.offset}",
            str(order.volume),
            str(order.callback_rate),
            str(order.active_price),
            order.order_price_type,
            _status(order) + ("" if history or not order.is_active else " (active)"),
        ]
        if history:
            row += [_time(order.update_time), _outcome(order)]
        else:
            row.append(_time(order.created_at))
        rows.append(row)
    if rows:
        _table(out, header, rows)
    out.write(f"{_count(len(rows))}\n")
    return len(rows)


def _value(value: object) -> Any:
    """A value for JSON: exact numbers and IDs as strings, times ISO 8601."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, TrailingOrderStatus):
        return int(value)
    if isinstance(value, Mapping):
        return dict(value)  # ``raw``: the order as HTX sent it
    return value


def _order(order: TrailingOrder) -> dict[str, Any]:
    document = {name: _value(value) for name, value in asdict(order, recurse=False).items()}
    document["margin_mode"] = str(order.margin_mode)
    return document


def orders_json(orders: Iterable[TrailingOrder]) -> str:
    return _dumps({"orders": [_order(order) for order in orders]})
