"""The ten trailing-order operations as data, and how each one's JSON body is read.

Each `Operation` knows its path, margin mode, kind and rate-limit pool; `parse` turns a body
into a typed request or raises `RequestError` with the code HTX answers:

- the cancel operations (both modes) answer 1030 for any malformed body, as the isolated cancel
  always has (`Incorrect param. ...`, naming the problem);
- the others answer 1066 (`{name} cannot be empty.`) for a missing required field, 1067
  (`Illegal parameter {name}.`) for a value of the wrong type or outside its documented set,
  and 1030 for a body that is not a JSON object or a `volume` that is not a whole number;
- a cross operation needs `contract_code`, or `pair` and `contract_type` (place, cancel,
  cancel-all), or `contract_code` or `pair` (history); with neither it answers 1014, as HTX's
  cross cancel-all page says. Cross open orders take neither to mean every contract.

Numbers may come as JSON numbers or as decimal strings (ccxt and HTX's QA suite send strings);
floats are read as decimals, never through binary floating point. A cancel's `order_id` may be
one ID as a JSON integer (HTX's QA suite sends the place reply's). Fields HTX does not document
(ccxt's `channel_code`, the 2022 SDKs' `trade_partition`) are ignored, as HTX ignores them.
History's `status` may be a number (HTX's own example sends `0`), `create_date` above 90 reads
as 90 (HTX: "system will return ... data within the last 90 days by default"), and `sort_by`
takes both `create_date` (the English page) and `created_at` (the Chinese page and examples).
Fields are checked in the order HTX documents them, and the first problem is the one reported.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

from attrs import frozen

from htx_sandbox._contracts import CONTRACT_TYPES
from htx_sandbox._orders import END_STATES, STATES_BY_STATUS, MarginMode, OrderState

PATH_PREFIX = "/linear-swap-api/v1/"
MAX_ORDER_IDS = 10
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
MAX_HISTORY_DAYS = 90

INPUT_ERROR = 1030
MISSING = 1066
ILLEGAL = 1067

DIRECTIONS = ("buy", "sell")
OFFSETS = ("open", "close", "both")
ORDER_PRICE_TYPES = ("optimal_5", "optimal_10", "optimal_20", "formula_price")
# trade_type to the (direction, offset) it selects; 0 selects everything.
TRADE_TYPES: Mapping[int, tuple[str, str] | None] = {
    0: None,
    1: ("buy", "open"),
    2: ("sell", "open"),
    3: ("buy", "close"),
    4: ("sell", "close"),
    17: ("buy", "both"),
    18: ("sell", "both"),
}
# HTX's English value range says `create_date`, its examples and Chinese page `created_at`.
SORT_KEYS = {"created_at": "created_at", "create_date": "created_at", "update_time": "update_time"}

_ORDER_ID = re.compile(r"[0-9]{1,19}", re.ASCII)
_INTEGER = re.compile(r"-?[0-9]+", re.ASCII)
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?", re.ASCII)
_INT64_MAX = 2**63 - 1
_TOO_LARGE = Decimal(10**18)
_T = TypeVar("_T")


class Kind(enum.Enum):
    """What an operation does, whichever margin mode it is for."""

    PLACE = "order"
    CANCEL = "cancel"
    CANCEL_ALL = "cancelall"
    OPEN_ORDERS = "openorders"
    HISTORY = "hisorders"


class Pool(enum.StrEnum):
    """The per-UID request pool an operation draws from."""

    TRADE = "trade"
    READ = "read"


class Operation(enum.StrEnum):
    """One of the ten endpoints, named as HTX's path names it."""

    PLACE = "swap_track_order"
    CROSS_PLACE = "swap_cross_track_order"
    CANCEL = "swap_track_cancel"
    CROSS_CANCEL = "swap_cross_track_cancel"
    CANCEL_ALL = "swap_track_cancelall"
    CROSS_CANCEL_ALL = "swap_cross_track_cancelall"
    OPEN_ORDERS = "swap_track_openorders"
    CROSS_OPEN_ORDERS = "swap_cross_track_openorders"
    HISTORY = "swap_track_hisorders"
    CROSS_HISTORY = "swap_cross_track_hisorders"

    @property
    def path(self) -> str:
        """`/linear-swap-api/v1/swap_track_order` and so on."""
        return PATH_PREFIX + self.value

    @property
    def margin_mode(self) -> MarginMode:
        """Whose book the operation works on."""
        return MarginMode.CROSS if "_cross_" in self.value else MarginMode.ISOLATED

    @property
    def kind(self) -> Kind:
        """Place, cancel, cancel-all, open orders or history."""
        return Kind(self.value.rsplit("_", 1)[1])

    @property
    def pool(self) -> Pool:
        """Reads (open orders, history) count against the read pool, the rest the trade pool."""
        return Pool.READ if self.kind in (Kind.OPEN_ORDERS, Kind.HISTORY) else Pool.TRADE

    @property
    def limited(self) -> bool:
        """Whether HTX limits this path on its own (5 requests/s): place, cancel, cancel-all."""
        return self.pool is Pool.TRADE

    @classmethod
    def for_path(cls, path: str) -> Operation:
        """The operation served at `path`; ValueError for any other path."""
        if path.startswith(PATH_PREFIX):
            try:
                return cls(path.removeprefix(PATH_PREFIX))
            except ValueError:
                pass
        raise ValueError(f"no trailing-order operation at {path!r}")


class RequestError(ValueError):
    """A body HTX would refuse before looking at any order: its code and message."""

    def __init__(self, err_code: int, err_msg: str) -> None:
        super().__init__(err_msg)
        self.err_code = err_code
        self.err_msg = err_msg


class InputError(RequestError):
    """A malformed cancel body (1030)."""

    def __init__(self, err_msg: str) -> None:
        super().__init__(INPUT_ERROR, err_msg)


@frozen
class ContractRef:
    """How a request names its contract: a code, or (cross) a pair and a contract type."""

    code: str | None = None
    pair: str | None = None
    contract_type: str | None = None


@frozen
class PlaceRequest:
    """A trailing order to create."""

    contract: ContractRef
    direction: str
    offset: str
    lever_rate: int | None
    volume: Decimal
    callback_rate: Decimal
    active_price: Decimal
    order_price_type: str
    reduce_only: int


@frozen
class CancelRequest:
    """Orders to cancel by ID (distinct, canonical, in the order given)."""

    contract: ContractRef
    order_ids: tuple[str, ...]


@frozen
class CancelAllRequest:
    """Cancel every open order of a contract, optionally only one direction or offset."""

    contract: ContractRef
    direction: str | None
    offset: str | None


@frozen
class ListRequest:
    """A page of open orders or of history."""

    contract: ContractRef
    """Empty (no code, no pair) only for cross open orders: every contract."""
    trade_type: int
    page_index: int
    page_size: int
    states: frozenset[OrderState] | None = None
    """History only: the end states asked for."""
    days: int | None = None
    """History only: how many days back from now, at most 90."""
    sort_by: str = "created_at"


Request = PlaceRequest | CancelRequest | CancelAllRequest | ListRequest


def parse(operation: Operation, body: bytes) -> Request:
    """The request `body` makes of `operation`; RequestError when HTX would refuse it."""
    cross = operation.margin_mode is MarginMode.CROSS
    if operation.kind is Kind.CANCEL:
        document = _cancel_document(body)
        ref = _cross_cancel_ref(document) if cross else ContractRef(_cancel_contract(document))
        return CancelRequest(ref, _cancel_ids(document))
    document = _document(body)
    if operation.kind is Kind.PLACE:
        return _place(document, cross)
    if operation.kind is Kind.CANCEL_ALL:
        return CancelAllRequest(
            _trade_ref(document, cross),
            _text(document, "direction", DIRECTIONS),
            _text(document, "offset", ("open", "close")),
        )
    if operation.kind is Kind.OPEN_ORDERS:
        ref = _read_ref(document, cross, required=False)
        trade_type = _whole(document, "trade_type", TRADE_TYPES) or 0
        return ListRequest(ref, trade_type, *_page(document))
    ref = _read_ref(document, cross, required=True)
    states = _states(document)
    trade_type = _whole(document, "trade_type", TRADE_TYPES, required=not cross) or 0
    days = _present(_whole(document, "create_date", required=True, low=1))
    sort_by = SORT_KEYS[_text(document, "sort_by", tuple(SORT_KEYS)) or "created_at"]
    return ListRequest(
        ref,
        trade_type,
        *_page(document),
        states=states,
        days=min(days, MAX_HISTORY_DAYS),
        sort_by=sort_by,
    )


def parse_cancel_body(body: bytes) -> tuple[str, tuple[str, ...]]:
    """The contract code and the distinct order IDs, in order, of an isolated cancel body."""
    document = _cancel_document(body)
    return _cancel_contract(document), _cancel_ids(document)


def canonical_order_id(text: str) -> str | None:
    """`text` as a canonical decimal int64 order ID (no leading zeros), or None."""
    if not _ORDER_ID.fullmatch(text) or int(text) > _INT64_MAX:
        return None
    return str(int(text))


def order_fields(fields: Mapping[str, Any]) -> dict[str, object]:
    """Order attributes given to the control API, checked as a place request checks them.

    Accepts `direction`, `offset`, `volume`, `lever_rate`, `callback_rate`, `active_price`,
    `order_price_type`, `reduce_only`, `order_source` and `created_at` (ms); ValueError names
    the first bad one.
    """
    unknown = set(fields) - _SEEDABLE
    if unknown:
        raise ValueError(f"unknown order fields: {', '.join(sorted(unknown))}")
    checked: dict[str, object] = {}
    try:
        for name in ("direction", "offset", "order_price_type"):
            checked[name] = _text(fields, name, _CHOICES[name])
        for name in ("volume", "callback_rate", "active_price"):
            checked[name] = _positive(fields, name)
        checked["lever_rate"] = _whole(fields, "lever_rate", low=1)
        checked["reduce_only"] = _whole(fields, "reduce_only", (0, 1))
        checked["created_at"] = _whole(fields, "created_at", low=0)
        source = fields.get("order_source")
        if source is not None and (not isinstance(source, str) or not source):
            raise RequestError(ILLEGAL, "Illegal parameter order_source.")
        checked["order_source"] = source
    except RequestError as error:
        raise ValueError(error.err_msg) from None
    volume = checked["volume"]
    if isinstance(volume, Decimal) and volume != volume.to_integral_value():
        raise ValueError("volume must be a whole number of contracts")
    return {name: value for name, value in checked.items() if value is not None}


_CHOICES: Mapping[str, tuple[str, ...]] = {
    "direction": DIRECTIONS,
    "offset": OFFSETS,
    "order_price_type": ORDER_PRICE_TYPES,
}
_SEEDABLE = frozenset(
    {
        *_CHOICES,
        "volume",
        "callback_rate",
        "active_price",
        "lever_rate",
        "reduce_only",
        "order_source",
        "created_at",
    }
)


# --- the cancel family: 1030 for anything malformed -----------------------------------------------


def _cancel_document(body: bytes) -> Mapping[str, Any]:
    try:
        document = json.loads(body)
    except ValueError:
        raise InputError("Incorrect param. The body is not JSON.") from None
    if not isinstance(document, dict):
        raise InputError("Incorrect param. The body is not a JSON object.")
    return document


def _cancel_contract(document: Mapping[str, Any]) -> str:
    contract_code = document.get("contract_code")
    if not isinstance(contract_code, str) or not contract_code:
        raise InputError("Incorrect param. contract_code must be a non-empty string.")
    return contract_code


def _cross_cancel_ref(document: Mapping[str, Any]) -> ContractRef:
    for name in ("contract_code", "pair", "contract_type"):
        value = document.get(name)
        if value is not None and not isinstance(value, str):
            raise InputError(f"Incorrect param. {name} must be a string.")
    contract_type = document.get("contract_type") or None
    if contract_type is not None and contract_type not in CONTRACT_TYPES:
        raise InputError(
            f"Incorrect param. contract_type must be one of {', '.join(CONTRACT_TYPES)}."
        )
    return ContractRef(
        document.get("contract_code") or None, document.get("pair") or None, contract_type
    )


def _cancel_ids(document: Mapping[str, Any]) -> tuple[str, ...]:
    joined = document.get("order_id")
    # HTX's QA suite cancels with the place reply's integer `order_id` and HTX answers ok: one
    # ID as a JSON number is read as its decimal digits.
    if isinstance(joined, int) and not isinstance(joined, bool):
        joined = str(joined)
    if not isinstance(joined, str):
        raise InputError("Incorrect param. order_id must be a string of IDs joined by ','.")
    parts = joined.split(",")
    if len(parts) > MAX_ORDER_IDS:
        raise InputError(f"Incorrect param. order_id holds at most {MAX_ORDER_IDS} IDs.")
    ids = [canonical_order_id(part) for part in parts]
    if None in ids:
        raise InputError("Incorrect param. Each order ID must be a decimal integer.")
    return tuple(dict.fromkeys(i for i in ids if i is not None))


# --- the rest: 1066 missing, 1067 illegal ---------------------------------------------------------


def _document(body: bytes) -> Mapping[str, Any]:
    try:
        document = json.loads(body, parse_float=Decimal, parse_constant=_no_constant)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        raise RequestError(INPUT_ERROR, "Incorrect param. The body is not JSON.") from None
    if not isinstance(document, dict):
        raise RequestError(INPUT_ERROR, "Incorrect param. The body is not a JSON object.")
    return document


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number")


def _place(document: Mapping[str, Any], cross: bool) -> PlaceRequest:
    ref = _trade_ref(document, cross)
    reduce_only = _whole(document, "reduce_only", (0, 1)) or 0
    direction = _present(_text(document, "direction", DIRECTIONS, required=True))
    offset = _text(document, "offset", OFFSETS)
    lever_rate = _whole(document, "lever_rate", low=1, required=offset == "open")
    volume = _present(_positive(document, "volume", required=True))
    callback_rate = _present(_decimal(document, "callback_rate", required=True))
    active_price = _present(_positive(document, "active_price", required=True))
    order_type = _text(document, "order_price_type", ORDER_PRICE_TYPES, required=True)
    order_price_type = _present(order_type)
    if volume != volume.to_integral_value():
        raise RequestError(
            INPUT_ERROR, "Incorrect param. volume must be a whole number of contracts."
        )
    return PlaceRequest(
        contract=ref,
        direction=direction,
        offset=offset or "both",
        lever_rate=lever_rate,
        volume=volume,
        callback_rate=callback_rate,
        active_price=active_price,
        order_price_type=order_price_type,
        reduce_only=reduce_only,
    )


def _trade_ref(document: Mapping[str, Any], cross: bool) -> ContractRef:
    """Place and cancel-all: isolated needs `contract_code`; cross also takes pair + type."""
    if not cross:
        return ContractRef(_text(document, "contract_code", required=True))
    code = _text(document, "contract_code")
    pair = _text(document, "pair")
    contract_type = _text(document, "contract_type", CONTRACT_TYPES)
    return ContractRef(code, pair, contract_type)


def _read_ref(document: Mapping[str, Any], cross: bool, *, required: bool) -> ContractRef:
    """Open orders and history: isolated needs `contract_code`; cross takes it or `pair`."""
    if not cross:
        return ContractRef(_text(document, "contract_code", required=True))
    code = _text(document, "contract_code")
    pair = _text(document, "pair")
    if required and code is None and pair is None:
        raise RequestError(1014, "This contract doesn't exist.")
    return ContractRef(code, None if code is not None else pair)


def _states(document: Mapping[str, Any]) -> frozenset[OrderState]:
    raw = document.get("status")
    if raw is None or raw == "":
        raise RequestError(MISSING, "status cannot be empty.")
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        raise RequestError(ILLEGAL, "Illegal parameter status.")
    states: set[OrderState] = set()
    for part in raw.split(","):
        if part == "0":
            states |= END_STATES
        elif part in ("4", "5", "6"):
            states.add(STATES_BY_STATUS[int(part)])
        else:
            raise RequestError(ILLEGAL, "Illegal parameter status.")
    return frozenset(states)


def _page(document: Mapping[str, Any]) -> tuple[int, int]:
    page_index = _whole(document, "page_index", low=1) or 1
    page_size = _whole(document, "page_size", low=1, high=MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE
    return page_index, page_size


def _present(value: _T | None) -> _T:
    """A required field's value (its reader has already refused it missing)."""
    assert value is not None
    return value


def _given(document: Mapping[str, Any], name: str, required: bool) -> Any:
    value = document.get(name)
    if value is None or value == "":
        if required:
            raise RequestError(MISSING, f"{name} cannot be empty.")
        return None
    return value


def _text(
    document: Mapping[str, Any],
    name: str,
    choices: tuple[str, ...] | None = None,
    *,
    required: bool = False,
) -> str | None:
    value = _given(document, name, required)
    if value is None:
        return None
    if not isinstance(value, str) or (choices is not None and value not in choices):
        raise RequestError(ILLEGAL, f"Illegal parameter {name}.")
    return value


def _whole(
    document: Mapping[str, Any],
    name: str,
    choices: Mapping[int, object] | tuple[int, ...] | None = None,
    *,
    required: bool = False,
    low: int | None = None,
    high: int | None = None,
) -> int | None:
    value = _given(document, name, required)
    if value is None:
        return None
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        value = int(value)
    if (
        not isinstance(value, int)
        or isinstance(value, bool)
        or (choices is not None and value not in choices)
        or (low is not None and value < low)
        or (high is not None and value > high)
    ):
        raise RequestError(ILLEGAL, f"Illegal parameter {name}.")
    return value


def _decimal(document: Mapping[str, Any], name: str, *, required: bool = False) -> Decimal | None:
    value = _given(document, name, required)
    if value is None:
        return None
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        value = Decimal(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        value = Decimal(str(value))
    # A finite decimal below 10^18: anything larger is no price or volume, and would not print.
    if not isinstance(value, Decimal) or not value.is_finite() or abs(value) >= _TOO_LARGE:
        raise RequestError(ILLEGAL, f"Illegal parameter {name}.")
    return value


def _positive(document: Mapping[str, Any], name: str, *, required: bool = False) -> Decimal | None:
    value = _decimal(document, name, required=required)
    if value is not None and value <= 0:
        raise RequestError(ILLEGAL, f"Illegal parameter {name}.")
    return value
