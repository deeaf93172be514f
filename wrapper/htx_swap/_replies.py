"""Reading HTX's ``ok`` replies into the SDK's values, checking every shape on the way.

The generated models take a reply's fields as they come (a ``null`` or a number where a string
belongs passes their parser), so each reader checks what it uses and raises ``UnreadableReply``:
the engine then treats the reply as unreadable (retried, else no answer), never as an answer.
Codes are normalised once, here.
"""

from __future__ import annotations

import re
import sys
import typing
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from types import MappingProxyType, UnionType
from typing import Any, Literal, TypeVar, Union

import attrs
from attrs import frozen

from htx_swap_client.types import Unset

from ._codes import HtxCode, normalize_code
from ._orders import MarginMode, TrailingOrder, TrailingOrderStatus
from ._results import OrderFailure

__all__ = [
    "CancelAnswer",
    "CancelReader",
    "Page",
    "PageReader",
    "PlacedAnswer",
    "ReadReply",
    "Refused",
    "UnreadableReply",
    "read_cancel_reply",
    "read_page",
    "read_placed",
    "server_time",
]

T = TypeVar("T")

# Order IDs as HTX writes them in `successes`, `errors[].order_id` and `order_id_str`.
_ORDER_ID_DIGITS = 19
_ORDER_ID = re.compile(rf"[0-9]{{1,{_ORDER_ID_DIGITS}}}", re.ASCII)
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


def _read_cancel_reply(reply: Any) -> CancelAnswer:
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
    if contradiction := _contradiction(cancelled, failures):
        raise UnreadableReply(contradiction)
    return CancelAnswer(tuple(cancelled), tuple(failures))


def _contradiction(cancelled: list[str], failures: list[OrderFailure]) -> str | None:
    """How a cancel reply contradicts itself, if it does: one order both cancelled and failed,
    or failed with two codes. Such a reply says nothing reliable about any order: it settles
    none."""
    codes: dict[str, int] = {}
    for failure in failures:
        if codes.setdefault(failure.order_id, failure.err_code) != failure.err_code:
            return f"order {failure.order_id} is failed with two codes"
    if both := codes.keys() & set(cancelled):
        return f"order {min(both)} is listed as both cancelled and failed"
    return None


class CancelReader:
    """Reads a cancel (or cancel-all) reply: from the generated models, or in one pass from the
    JSON document (as ``PageReader``: never more lenient; what it refuses is read the slow way)."""

    def __init__(self) -> None:
        self._shapes: dict[type[Any], tuple[_Shape, _Shape, _Shape]] = {}

    def __call__(self, reply: Any) -> CancelAnswer:
        return _read_cancel_reply(reply)

    def document(self, document: dict[str, Any], reply_model: type[Any]) -> CancelAnswer:
        shapes = self._shapes.get(reply_model)
        if shapes is None:
            envelope = _Shape(reply_model)
            cancellation = _Shape(envelope.hints["data"])
            (error_model,) = typing.get_args(cancellation.hints["errors"])
            shapes = self._shapes[reply_model] = (envelope, cancellation, _Shape(error_model))
        reply_shape, data_shape, error_shape = shapes
        data = data_shape.check(reply_shape.check(document)["data"])
        successes, errors = data["successes"], data["errors"]
        if type(successes) is not str or type(errors) is not list:
            raise Refused
        cancelled = [order_id for order_id in successes.split(",") if order_id]
        # Each an _ORDER_ID (1 to 19 ASCII digits), checked for all at once.
        if cancelled and not (
            successes.isascii()
            and successes.replace(",", "").isdigit()
            and max(map(len, cancelled)) <= _ORDER_ID_DIGITS
        ):
            raise Refused
        failures: list[OrderFailure] = []
        for error in errors:
            error_shape.check(error)
            order_id, code, message = error["order_id"], error.get("err_code"), error.get("err_msg")
            if type(order_id) is not str or not _ORDER_ID.fullmatch(order_id):
                raise Refused
            if code is None:
                code = 0  # HTX's table marks err_code optional
            elif type(code) is not int:
                raise Refused
            if code == HtxCode.REPEATED_CANCELLATION:
                cancelled.append(order_id)
                continue
            failures.append(OrderFailure(order_id, code, message if type(message) is str else ""))
        if _contradiction(cancelled, failures):
            raise Refused  # read the slow way, which says why it is unreadable
        return CancelAnswer(tuple(cancelled), tuple(failures))


read_cancel_reply = CancelReader()
"""Read ``data.successes`` / ``data.errors``; 1071 (already cancelled) counts as cancelled."""


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


def server_time(ts: object) -> float | None:
    """HTX's clock from a reply's ``ts`` (epoch ms), or None when it is not a plausible one."""
    millis = _whole_number(ts)
    if millis is not None and millis in _MS_RANGE:
        return millis / 1000.0
    return None


def read_page(mode: MarginMode, *, history: bool) -> PageReader:
    """The reader of a page of open orders (or history) in ``mode``."""
    return PageReader(mode, history=history)


@frozen
class ReadReply:
    """An ``ok`` reply read in one pass as it was decoded (``PageReader.document``)."""

    value: Any


class PageReader:
    """Reads a page of orders: from the generated models, or in one pass from the JSON document.

    ``document`` reads the decoded JSON itself, checking each value's shape as it converts it,
    with no generated model built on the way; what it may read is what the generated models
    take (the spec's fields, the required ones, the enums' values), derived from those models on
    first use. It is never more lenient: a document it refuses is read again through the
    generated models and ``__call__``, so every reply is judged as before, only sooner.
    """

    def __init__(self, mode: MarginMode, *, history: bool) -> None:
        self.mode = mode
        self.history = history
        self._shapes: tuple[_Shape, _Shape, _Shape] | None = None

    def __call__(self, reply: Any) -> Page:
        return _read_page(reply, self.mode, history=self.history)

    def document(self, document: dict[str, Any], reply_model: type[Any]) -> Page:
        """Read an ``ok`` envelope's JSON; UnreadableReply (or a TypeError) when it isn't one."""
        shapes = self._shapes
        if shapes is None:
            shapes = self._shapes = _page_shapes(reply_model)
        reply_shape, page_shape, order_shape = shapes
        data = page_shape.check(reply_shape.check(document)["data"])
        items = data["orders"]
        if type(items) is not list:
            raise UnreadableReply("data.orders is not a list")
        if not _names_read(self.mode, self.history) <= order_shape.declared:
            # The spec no longer declares a field the SDK reads: the models' way reads it as
            # absent; this reader would not.
            raise UnreadableReply("a field read is not in the spec")
        mode, history, check = self.mode, self.history, order_shape.check
        page = _DocumentFields(data, page_shape.declared)
        return Page(
            orders=tuple(_document_order(check(item), mode, history) for item in items),
            current_page=page.integer("current_page"),
            total_page=page.integer("total_page"),
            total_size=page.integer("total_size"),
            server_time=server_time(document.get("ts") if "ts" in reply_shape.declared else None),
        )


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
        status=TrailingOrderStatus(status),
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


# --- one order, read from its JSON object --------------------------------------------------------
#
# ``_document_order`` reads what ``_order`` reads, as ``_order`` reads it, from the JSON object
# itself; it takes only the plain shapes (a string, an int, a number) and refuses any other
# (a numeric string, a float where an int belongs...), which ``_order`` then reads.

_STATUSES: dict[object, TrailingOrderStatus] = {
    member.value: member for member in TrailingOrderStatus
}
_TEXTS = ("contract_code", "symbol", "margin_account", "direction", "offset", "order_source",
          "order_price_type")  # fmt: skip
_CROSS_TEXTS = ("contract_type", "pair", "business_type")
_NUMBERS = ("volume", "callback_rate", "active_price")
_INTEGERS = ("lever_rate", "order_type", "status", "created_at")
_FLAGS = ("is_active", "reduce_only")
_HISTORY_TIMES = ("update_time", "canceled_at")
_HISTORY_NUMBERS = ("triggered_price", "market_limit_price", "formula_price")
_UTC = UTC


def _names_read(mode: MarginMode, history: bool) -> frozenset[str]:
    names = {"margin_mode", "order_id_str", *_TEXTS, *_NUMBERS, *_INTEGERS, *_FLAGS}
    if history:
        names |= {*_HISTORY_TIMES, *_HISTORY_NUMBERS, "fail_code", "fail_reason", "real_volume",
                  "relation_order_id"}  # fmt: skip
    if mode is MarginMode.CROSS:
        names |= set(_CROSS_TEXTS)
    return frozenset(names)


class Refused(Exception):
    """A shape the one-pass reader leaves to the generated models and ``_order``."""


def _plain_number(value: object) -> Decimal:
    if type(value) is int:
        return Decimal(value)
    if type(value) is float:
        number = Decimal(repr(value))
        if number.is_finite():
            return number
    raise Refused


def _plain_time(value: object) -> datetime:
    if type(value) is int and value in _MS_RANGE:
        return datetime.fromtimestamp(value / 1000, _UTC)
    raise Refused


def _document_order(item: dict[str, Any], mode: MarginMode, history: bool) -> TrailingOrder:
    get = item.get
    contract_code, symbol, margin_account = (
        get("contract_code"),
        get("symbol"),
        get("margin_account"),
    )
    direction, offset, source = get("direction"), get("offset"), get("order_source")
    price_type, order_id, margin_mode = (
        get("order_price_type"),
        get("order_id_str"),
        get("margin_mode"),
    )
    lever_rate, order_type, status = get("lever_rate"), get("order_type"), get("status")
    is_active, reduce_only, created_at = get("is_active"), get("reduce_only"), get("created_at")
    if not (
        type(contract_code) is str
        and type(symbol) is str
        and type(margin_account) is str
        and type(direction) is str
        and type(offset) is str
        and type(source) is str
        and type(price_type) is str
        and type(margin_mode) is str
        and type(order_id) is str
        and _ORDER_ID.fullmatch(order_id)
        and type(lever_rate) is int
        and type(order_type) is int
        and type(status) is int
        and type(is_active) is int
        and (is_active == 0 or is_active == 1)
        and type(reduce_only) is int
        and (reduce_only == 0 or reduce_only == 1)
    ):
        raise Refused
    contract_type = pair = business_type = None
    if mode is MarginMode.CROSS:
        contract_type, pair, business_type = get("contract_type"), get("pair"), get("business_type")
        if not (type(contract_type) is str and type(pair) is str and type(business_type) is str):
            raise Refused
    volume = _plain_number(get("volume"))
    callback_rate = _plain_number(get("callback_rate"))
    active_price = _plain_number(get("active_price"))
    created = _plain_time(created_at)
    # A status HTX added later: TrailingOrderStatus makes it a member named for its number.
    member = _STATUSES.get(status) or TrailingOrderStatus(status)
    # A history order has the fields of its ending too; on an open order they are None.
    update_time = canceled_at = triggered_price = market_limit_price = formula_price = None
    real_volume = fail_code = fail_reason = relation_order_id = None
    if history:
        update, canceled = get("update_time"), get("canceled_at")
        triggered, market_limit = get("triggered_price"), get("market_limit_price")
        formula, real = get("formula_price"), get("real_volume")
        fail_code, fail_reason, relation = (
            get("fail_code"),
            get("fail_reason"),
            get("relation_order_id"),
        )
        if not (
            (fail_code is None or type(fail_code) is int)
            and (fail_reason is None or type(fail_reason) is str)
            and type(relation) is str
            and (relation == "-1" or _ORDER_ID.fullmatch(relation))
        ):
            raise Refused
        update_time = None if update is None or update == 0 else _plain_time(update)
        canceled_at = None if canceled is None or canceled == 0 else _plain_time(canceled)
        triggered_price = None if triggered is None else _plain_number(triggered)
        market_limit_price = None if market_limit is None else _plain_number(market_limit)
        formula_price = None if formula is None else _plain_number(formula)
        real_volume = _plain_number(real)
        relation_order_id = None if relation == "-1" else relation
    # One call with every field by name (no dict built and unpacked: a tenth of the order's cost).
    return TrailingOrder(
        order_id=order_id,
        contract_code=contract_code,
        symbol=symbol,
        margin_mode=mode,
        margin_account=margin_account,
        direction=direction,
        offset=offset,
        volume=volume,
        lever_rate=lever_rate,
        order_type=order_type,
        order_source=source,
        order_price_type=price_type,
        status=member,
        callback_rate=callback_rate,
        active_price=active_price,
        is_active=is_active == 1,
        reduce_only=reduce_only == 1,
        created_at=created,
        update_time=update_time,
        canceled_at=canceled_at,
        triggered_price=triggered_price,
        fail_code=fail_code,
        fail_reason=fail_reason,
        market_limit_price=market_limit_price,
        formula_price=formula_price,
        real_volume=real_volume,
        relation_order_id=relation_order_id,
        contract_type=contract_type,
        pair=pair,
        business_type=business_type,
        raw=MappingProxyType(item),
    )


class _DocumentFields(_Fields):
    """``_Fields``' reads over a JSON object: a name its generated model doesn't declare reads
    as absent, as it does on the model."""

    def __init__(self, item: dict[str, Any], declared: frozenset[str]) -> None:
        self._item = item
        self._declared = declared

    def get(self, name: str) -> Any:
        return self._item.get(name) if name in self._declared else None


class _Shape:
    """What the spec says of one JSON object, from its generated model: the fields it declares,
    those it requires, and the values its enum-typed fields take."""

    def __init__(self, model: type[Any]) -> None:
        # A model names its nested models under TYPE_CHECKING: resolved from the package.
        module = sys.modules[model.__module__]
        package = sys.modules[model.__module__.rpartition(".")[0]]
        hints = typing.get_type_hints(model, globalns={**vars(package), **vars(module)})
        fields = [field for field in attrs.fields(model) if field.name != "additional_properties"]
        self.model = model
        self.hints = hints
        self.declared = frozenset(field.name for field in fields)
        self.required = frozenset(field.name for field in fields if field.default is attrs.NOTHING)
        self.choices = {
            field.name: allowed
            for field in fields
            if (allowed := _literal_values(hints[field.name])) is not None
        }

    def check(self, item: object) -> dict[str, Any]:
        """``item`` if the generated model would take it; else UnreadableReply (or TypeError)."""
        if type(item) is not dict:
            raise UnreadableReply(f"{self.model.__name__} is {type(item).__name__}, not an object")
        if not self.required <= item.keys():
            raise UnreadableReply(f"{self.model.__name__} lacks a required field")
        for name, allowed in self.choices.items():
            if name in item and item[name] not in allowed:
                raise UnreadableReply(f"{name} is not one of the spec's values")
        return item


def _literal_values(hint: Any) -> frozenset[Any] | None:
    """The values an enum-typed field takes (``Literal[...]``, or it or None); else None."""
    members = typing.get_args(hint) if typing.get_origin(hint) in (Union, UnionType) else (hint,)
    values: set[Any] = set()
    for member in members:
        if member is type(None):
            values.add(None)
        elif typing.get_origin(member) is Literal:
            values.update(typing.get_args(member))
        else:
            return None
    return frozenset(values)


def _page_shapes(reply_model: type[Any]) -> tuple[_Shape, _Shape, _Shape]:
    """The shapes of a page reply, its ``data`` and its orders, from the reply's model."""
    reply = _Shape(reply_model)
    page = _Shape(reply.hints["data"])
    (order_model,) = typing.get_args(page.hints["orders"])
    return reply, page, _Shape(order_model)


def _order_id(value: object, name: str) -> str:
    if not isinstance(value, str) or not _ORDER_ID.fullmatch(value):
        raise UnreadableReply(f"{name} is not an order ID string")
    return value
