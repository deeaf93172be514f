"""Reading HTX's ``ok`` replies into the SDK's values, checking every shape on the way.

The generated models take a reply's fields as they come (a ``null`` or a number where a string
belongs passes their parser), so each reader checks what it uses and raises ``UnreadableReply``:
the engine then treats the reply as unreadable (retried, else no answer), never as an answer.
Codes are normalised once, here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, TypeVar

from attrs import frozen

from htx_swap_client.types import Unset

from ._codes import HtxCode, normalize_code
from ._orders import MarginMode, TrailingOrder, TrailingOrderStatus
from ._results import OrderFailure

__all__ = [
    "CancelAnswer",
    "Page",
    "PlacedAnswer",
    "UnreadableReply",
    "read_cancel_reply",
    "read_page",
    "read_placed",
    "server_time",
]

T = TypeVar("T")

# Order IDs as HTX writes them in `successes`, `errors[].order_id` and `order_id_str`.
_ORDER_ID = re.compile(r"[0-9]{1,19}", re.ASCII)
# Epoch milliseconds from 2015 to 2100: anything else is not a time HTX sent on purpose.
_MS_RANGE = range(1_420_070_400_000, 4_102_444_800_000)


class UnreadableReply(ValueError):
    """An ``ok`` reply whose fields don't have the shapes the operation needs."""


# --- cancel by ID, cancel-all --------------------------------------------------------------------


@frozen
class CancelAnswer:
    """What one cancel reply says: the orders it cancelled and those it refused, as listed."""

    cancelled: tuple[str, ...]
    failures: tuple[OrderFailure, ...]


def read_cancel_reply(reply: Any) -> CancelAnswer:
    """Read ``data.successes`` / ``data.errors``; 1071 (already cancelled) counts as cancelled."""
    data = getattr(reply, "data", None)
    successes = getattr(data, "successes", None)
    errors = getattr(data, "errors", None)
    if not isinstance(successes, str):
        raise UnreadableReply(f"data.successes is {type(successes).__name__}, not a string")
    if not isinstance(errors, list):
        raise UnreadableReply(f"data.errors is {type(errors).__name__}, not a list")
    cancelled = [order_id for order_id in successes.split(",") if order_id]
    if not all(_ORDER_ID.fullmatch(order_id) for order_id in cancelled):
        raise UnreadableReply("data.successes is not order IDs joined by commas")
    failures: list[OrderFailure] = []
    for error in errors:
        order_id = _order_id(getattr(error, "order_id", None), "data.errors[].order_id")
        raw_code = getattr(error, "err_code", None)
        # HTX's table marks err_code optional: an order refused without a code gets 0.
        code = 0 if raw_code is None or isinstance(raw_code, Unset) else normalize_code(raw_code)
        if code is None:
            raise UnreadableReply(f"data.errors[].err_code {raw_code!r} is not a whole number")
        if code == HtxCode.REPEATED_CANCELLATION:
            cancelled.append(order_id)
            continue
        message = getattr(error, "err_msg", "")
        failures.append(OrderFailure(order_id, code, message if isinstance(message, str) else ""))
    return CancelAnswer(tuple(cancelled), tuple(failures))


# --- place ---------------------------------------------------------------------------------------


class PlacedAnswer:
    """What a place reply says: the order's ID, and its ``data`` object as HTX sent it. Equal
    by ID: ``raw``, as on the orders, takes no part. (A plain class: an attrs class costs more
    to build at ``import htx_swap``.)"""

    __slots__ = ("order_id", "raw")

    def __init__(self, order_id: str, raw: Mapping[str, Any]) -> None:
        self.order_id = order_id
        self.raw = raw

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlacedAnswer) and other.order_id == self.order_id

    def __hash__(self) -> int:
        return hash(self.order_id)

    def __repr__(self) -> str:
        return f"PlacedAnswer(order_id={self.order_id!r})"


def read_placed(reply: Any) -> PlacedAnswer:
    """The placed order's ID, from ``order_id_str`` (``order_id`` is beyond a double's reach)."""
    data = getattr(reply, "data", None)
    return PlacedAnswer(
        _order_id(getattr(data, "order_id_str", None), "order_id_str"), _as_sent(data)
    )


# --- pages of orders -----------------------------------------------------------------------------


@frozen
class Page:
    """One page of a list of orders, and where it stands in the list."""

    orders: tuple[TrailingOrder, ...]
    current_page: int
    total_page: int
    total_size: int
    server_time: float | None = None
    """HTX's clock when it answered (the reply's ``ts``, epoch seconds), if plausible."""


# Epoch milliseconds from 2015 to 2100: a ``ts`` outside is no clock reading.
_TS_RANGE = range(1_420_070_400_000, 4_102_444_800_000)


def server_time(ts: object) -> float | None:
    """HTX's clock from a reply's ``ts`` (epoch ms), or None when it is not a plausible one."""
    millis = _whole_number(ts)
    if millis is not None and millis in _TS_RANGE:
        return millis / 1000.0
    return None


def read_page(mode: MarginMode, *, history: bool) -> Callable[[Any], Page]:
    """The reader of a page of open orders (or history) in ``mode``."""

    def read(reply: Any) -> Page:
        return _read_page(reply, mode, history=history)

    return read


def _read_page(reply: Any, mode: MarginMode, *, history: bool) -> Page:
    data = getattr(reply, "data", None)
    items = getattr(data, "orders", None)
    if not isinstance(items, list):
        raise UnreadableReply(f"data.orders is {type(items).__name__}, not a list")
    return Page(
        orders=tuple(_order(item, mode, history=history) for item in items),
        current_page=_Fields(data).integer("current_page"),
        total_page=_Fields(data).integer("total_page"),
        total_size=_Fields(data).integer("total_size"),
        server_time=server_time(getattr(reply, "ts", None)),
    )


def _order(item: Any, mode: MarginMode, *, history: bool) -> TrailingOrder:
    fields = _Fields(item)
    # The endpoint asked says the margin mode; the reply's own field is checked, not trusted.
    fields.text("margin_mode")
    cross = mode is MarginMode.CROSS
    status = fields.integer("status")
    known = status in TrailingOrderStatus._value2member_map_
    relation = fields.text("relation_order_id") if history else None
    return TrailingOrder(
        order_id=_order_id(fields.get("order_id_str"), "order_id_str"),
        contract_code=fields.text("contract_code"),
        symbol=fields.text("symbol"),
        margin_mode=mode,
        margin_account=fields.text("margin_account"),
        direction=fields.text("direction"),
        offset=fields.text("offset"),
        volume=fields.decimal("volume"),
        lever_rate=fields.integer("lever_rate"),
        order_type=fields.integer("order_type"),
        order_source=fields.text("order_source"),
        order_price_type=fields.text("order_price_type"),
        status=TrailingOrderStatus(status) if known else status,
        callback_rate=fields.decimal("callback_rate"),
        active_price=fields.decimal("active_price"),
        is_active=fields.flag("is_active"),
        reduce_only=fields.flag("reduce_only"),
        created_at=fields.time("created_at"),
        update_time=fields.optional(fields.time, "update_time") if history else None,
        canceled_at=fields.optional(fields.time, "canceled_at") if history else None,
        triggered_price=fields.optional(fields.decimal, "triggered_price") if history else None,
        fail_code=fields.optional(fields.code, "fail_code") if history else None,
        fail_reason=fields.optional(fields.text, "fail_reason") if history else None,
        market_limit_price=fields.optional(fields.decimal, "market_limit_price")
        if history
        else None,
        formula_price=fields.optional(fields.decimal, "formula_price") if history else None,
        real_volume=fields.decimal("real_volume") if history else None,
        relation_order_id=None
        if relation in (None, "-1")
        else _order_id(relation, "relation_order_id"),
        contract_type=fields.text("contract_type") if cross else None,
        pair=fields.text("pair") if cross else None,
        business_type=fields.text("business_type") if cross else None,
        raw=_as_sent(item),
    )


def _as_sent(model: object) -> Mapping[str, Any]:
    """A generated model's object as HTX sent it, unknown fields included (the generated
    ``to_dict`` writes back what its parser took, values untouched), read-only."""
    to_dict = getattr(model, "to_dict", None)
    if not callable(to_dict):
        raise UnreadableReply(f"{type(model).__name__} is not an object")
    return MappingProxyType(to_dict())


class _Fields:
    """Typed reads of a generated model's attributes; a wrong shape is UnreadableReply."""

    def __init__(self, model: Any) -> None:
        self._model = model

    def get(self, name: str) -> Any:
        value = getattr(self._model, name, None)
        return None if isinstance(value, Unset) else value

    def text(self, name: str) -> str:
        value = self.get(name)
        if not isinstance(value, str):
            raise UnreadableReply(f"{name} is {type(value).__name__}, not a string")
        return value

    def integer(self, name: str) -> int:
        value = self.get(name)
        number = _whole_number(value)
        if number is None:
            raise UnreadableReply(f"{name} is {_shape(value)}, not a whole number")
        return number

    def code(self, name: str) -> int:
        value = normalize_code(self.get(name))
        if value is None:
            raise UnreadableReply(f"{name} is not a whole number")
        return value

    def flag(self, name: str) -> bool:
        value = _whole_number(self.get(name))
        if value not in (0, 1):
            raise UnreadableReply(f"{name} is {_shape(self.get(name))}, not 0 or 1")
        return bool(value)

    def decimal(self, name: str) -> Decimal:
        value = self.get(name)
        try:
            if isinstance(value, int) and not isinstance(value, bool):
                return Decimal(value)
            if isinstance(value, float):
                number = Decimal(repr(value))  # the shortest decimal that is this double
            elif isinstance(value, str):
                number = Decimal(value)  # QA saw some prices as strings
            else:
                raise UnreadableReply(f"{name} is {_shape(value)}, not a number")
        except (InvalidOperation, ValueError):  # ValueError: a string past int's digit limit
            raise UnreadableReply(f"{name} is {_shape(value)}, not a number") from None
        if not number.is_finite():
            raise UnreadableReply(f"{name} is not finite")
        return number

    def time(self, name: str) -> datetime:
        """Epoch milliseconds as an aware UTC datetime (see ``optional`` for 0)."""
        value = self.integer(name)
        if value not in _MS_RANGE:
            raise UnreadableReply(f"{name} {value} is not a time in epoch milliseconds")
        return datetime.fromtimestamp(value / 1000, UTC)

    def optional(self, read: Callable[[str], T], name: str) -> T | None:
        """None where HTX sends null, or 0 for a time that hasn't happened (``canceled_at``)."""
        value = self.get(name)
        if value is None or (read == self.time and value == 0):
            return None
        return read(name)


# A whole number as HTX may write it: ``5``, ``5.0``, ``"5"`` or ``"5.000"`` (HTX's QA suite
# accepts strings for some numeric fields; its 2021 raw replies write 18 decimals).
_WHOLE_TEXT = re.compile(r"-?[0-9]{1,19}(\.0{1,18})?", re.ASCII)


def _whole_number(value: object) -> int | None:
    """``value`` as an int when it is a whole number, as a JSON number or a decimal string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and _WHOLE_TEXT.fullmatch(value):
        return int(value.split(".", 1)[0])
    return None


def _shape(value: object) -> str:
    """What a value is, for a message: its type, and a short excerpt of a string."""
    if isinstance(value, str):
        return f"the string {value[:24]!r}"
    return type(value).__name__


def _order_id(value: object, name: str) -> str:
    if not isinstance(value, str) or not _ORDER_ID.fullmatch(value):
        raise UnreadableReply(f"{name} is not an order ID string")
    return value
