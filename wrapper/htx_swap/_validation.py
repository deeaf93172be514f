"""Input checks that run before any byte is sent to HTX.

Every rejection raises ``InvalidRequestError`` naming the offending value with ``repr``.
"""

from __future__ import annotations

import functools
import importlib
import ipaddress
import math
import re
import typing
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar, overload

import httpx
from attrs import frozen

from ._errors import InvalidRequestError
from ._orders import MarginMode

if TYPE_CHECKING:
    from htx_swap_client.models.cancel_all_offset import CancelAllOffset
    from htx_swap_client.models.contract_type import ContractType
    from htx_swap_client.models.direction import Direction
    from htx_swap_client.models.history_sort_by import HistorySortBy
    from htx_swap_client.models.trade_type import TradeType
    from htx_swap_client.models.trailing_order_offset import TrailingOrderOffset
    from htx_swap_client.models.trailing_order_price_type import TrailingOrderPriceType

__all__ = [
    "CANCEL_ALL_OFFSETS",
    "CONTRACT_TYPES",
    "DIRECTIONS",
    "MAX_HISTORY_DAYS",
    "MAX_ORDER_ID",
    "MAX_ORDER_IDS_PER_REQUEST",
    "ORDER_PRICE_TYPES",
    "PLACE_OFFSETS",
    "SORT_BY",
    "TRADE_TYPES",
    "Contract",
    "SpecValues",
    "check_max_retries",
    "check_pool_limit",
    "check_rate",
    "check_timeout",
    "chunk_order_ids",
    "normalize_order_ids",
    "to_decimal",
    "validate_base_url",
    "validate_callback_rate",
    "validate_choice",
    "validate_contract",
    "validate_contract_code",
    "validate_days",
    "validate_lever_rate",
    "validate_margin_mode",
    "validate_price",
    "validate_reduce_only",
    "validate_trade_type",
    "validate_volume",
]

# Beyond these a setting is a mistake, not a choice: an attempt that may take an hour, a rate no
# exchange allows, a retry loop of minutes.
MAX_TIMEOUT = 600.0
MAX_RATE = 10_000.0
MAX_RETRIES = 100
MAX_POOL_LIMIT = 100_000
_V = TypeVar("_V")
_C = TypeVar("_C", bound=str)
# Echo at most this much of a bad value in an error message.
_ECHO_LIMIT = 80

# HTX order IDs are int64; HTX rejects more than 10 IDs in one swap_track_cancel.
MAX_ORDER_ID = 2**63 - 1
MAX_ORDER_IDS_PER_REQUEST = 10

# Explicit ASCII ranges: \d, int() and str.isdigit() also accept non-ASCII digits (U+FF11...).
_CONTRACT_CODE = re.compile(r"[A-Z0-9]{1,32}-USDT")
_ORDER_ID = re.compile(r"[1-9][0-9]{0,18}")
# An ID of fewer digits than MAX_ORDER_ID's 19 is within it.
_SHORT_ID_DIGITS = len(str(MAX_ORDER_ID))
_ASCII_DIGITS = re.compile(r"[0-9]+")


def validate_contract_code(value: object) -> str:
    """Return ``value`` if it is a USDT-margined contract code such as ``"BTC-USDT"``."""
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"contract_code must be a str such as 'BTC-USDT'; got {value!r} "
            f"({type(value).__name__})"
        )
    if _CONTRACT_CODE.fullmatch(value):
        return value
    message = (
        f"contract_code must be 1 to 32 uppercase letters or digits followed by '-USDT', "
        f"such as 'BTC-USDT'; got {value!r}"
    )
    suggestion = value.strip().upper()
    if _CONTRACT_CODE.fullmatch(suggestion):
        message += f"; did you mean {suggestion!r}?"
    raise InvalidRequestError(message)


def normalize_order_ids(order_ids: object) -> tuple[str, ...]:
    """Check order IDs and return them as decimal strings, duplicates dropped, order kept.

    ``order_ids`` is any iterable (list, tuple, set, generator...) of IDs, or a single ID:
    a bare ``str`` such as ``"123"`` is one ID, never its characters, and a bare ``int``
    is one ID too. Each ID is a positive int64 (1 to 2**63 - 1), as an ``int`` or as a
    ``str`` of ASCII digits with no sign, spaces, separators or leading zeros. The first
    occurrence of a repeated ID is kept. Raises ``InvalidRequestError`` for an empty input
    or a malformed ID, naming its position: ``order_ids[2] ...: '0x1f'``.
    """
    if type(order_ids) is list or type(order_ids) is tuple:
        quick = _quick_order_ids(order_ids)
        if quick is not None:
            return quick
    items: Iterable[object]
    if isinstance(order_ids, str | int) and not isinstance(order_ids, bool):
        items = (order_ids,)
    elif isinstance(order_ids, bytes | bytearray | memoryview):
        raise InvalidRequestError(
            f"order_ids must be order IDs as str or int, not {type(order_ids).__name__}; "
            f"got {order_ids!r}"
        )
    elif isinstance(order_ids, Iterable):
        items = order_ids
    else:
        raise InvalidRequestError(
            f"order_ids must be an order ID or an iterable of order IDs; got {order_ids!r} "
            f"({type(order_ids).__name__})"
        )
    # dict keeps the first occurrence's position and drops the rest.
    normalized: dict[str, None] = {}
    for position, order_id in enumerate(items):
        if (
            type(order_id) is str
            and 0 < len(order_id) < _SHORT_ID_DIGITS
            and order_id.isascii()
            and order_id.isdigit()
            and order_id[0] != "0"
        ):
            # The common case, at C speed: ASCII digits, no leading zero, too short to pass
            # MAX_ORDER_ID. Anything else is judged (and explained) by the full check.
            normalized[order_id] = None
        else:
            normalized.setdefault(_normalize_order_id(order_id, position), None)
    if not normalized:
        raise InvalidRequestError(f"order_ids is empty; got {order_ids!r}")
    return tuple(normalized)


def _quick_order_ids(items: list[Any] | tuple[Any, ...]) -> tuple[str, ...] | None:
    """The IDs, duplicates dropped, when every one is a str of ASCII digits with no leading zero,
    shorter than MAX_ORDER_ID's 19 digits (so within it): the common case, checked for all at
    once. None: some item is anything else, to be judged (and explained) one by one."""
    if not items or set(map(type, items)) != {str}:
        return None
    joined = ",".join(items)
    if not (
        joined.isascii()
        and joined.count(",") == len(items) - 1  # no item holds a comma
        and joined.replace(",", "").isdigit()
        and min(map(len, items)) > 0
        and max(map(len, items)) < _SHORT_ID_DIGITS
        and ",0" not in "," + joined  # no leading zero
    ):
        return None
    return tuple(dict.fromkeys(items))


def _normalize_order_id(value: object, position: int) -> str:
    if isinstance(value, str):
        if _ORDER_ID.fullmatch(value) and int(value) <= MAX_ORDER_ID:
            return str(value)
        problem = _order_id_str_problem(value)
    elif isinstance(value, bool):
        problem = "is a bool, not an order ID"
    elif isinstance(value, int):
        if 1 <= value <= MAX_ORDER_ID:
            return str(int(value))  # int() first: an int subclass may print differently
        problem = "is not a positive int64 (1 to 9223372036854775807)"
    elif isinstance(value, float):
        problem = "is a float, which loses precision above 2**53; pass the ID as a str"
    else:
        problem = f"has type {type(value).__name__}; order IDs are str or int"
    raise InvalidRequestError(f"order_ids[{position}] {problem}: {_describe(value)}")


def _describe(value: object) -> str:
    """``repr(value)``, cut short, and never failing on an int too long to print."""
    if isinstance(value, str):
        return _echo(value)
    try:
        text = repr(value)
    except ValueError:
        if isinstance(value, int):
            return f"<int of {value.bit_length()} bits>"
        raise
    return text if len(text) <= _ECHO_LIMIT else f"{text[:_ECHO_LIMIT]}... ({len(text)} characters)"


def _order_id_str_problem(value: str) -> str:
    """Say what is wrong with a string that is not a valid order ID."""
    if not value:
        return "is an empty string"
    if value != value.strip():
        return "has leading or trailing whitespace"
    if "," in value:
        return "contains a comma; pass each order ID as its own item"
    if value[0] in "+-":
        return "has a sign; order IDs are positive and written without one"
    if not _ASCII_DIGITS.fullmatch(value):
        return "is not a string of ASCII digits 0-9"
    if not value.strip("0"):
        return "is zero; order IDs start at 1"
    if value[0] == "0":
        return "has a leading zero"
    return "is larger than the int64 maximum 9223372036854775807"


def chunk_order_ids(
    order_ids: Sequence[str], size: int = MAX_ORDER_IDS_PER_REQUEST
) -> list[tuple[str, ...]]:
    """Split order IDs into consecutive chunks of at most ``size`` (1 to 10), order kept."""
    if isinstance(size, bool) or not isinstance(size, int):
        raise InvalidRequestError(f"chunk size must be an int; got {size!r}")
    if not 1 <= size <= MAX_ORDER_IDS_PER_REQUEST:
        raise InvalidRequestError(
            f"chunk size must be from 1 to {MAX_ORDER_IDS_PER_REQUEST}; got {size!r}"
        )
    return [tuple(order_ids[start : start + size]) for start in range(0, len(order_ids), size)]


# --- client settings ----------------------------------------------------------------------------


def validate_base_url(value: object, *, allow_insecure_http: bool = False) -> str:
    """Return a base URL requests can be signed for, without a trailing slash.

    HTX signs the query but not the JSON body, so a signed request seen in clear text can be
    replayed with other order IDs: plain ``http://`` is for loopback (the sandbox) unless
    ``allow_insecure_http`` says otherwise. A query, fragment or user info would be sent
    unsigned or leak, so they are refused.
    """
    if not isinstance(value, str):
        raise InvalidRequestError(f"base_url must be a str; got {type(value).__name__}")
    shown = _echo(value)
    try:
        url = httpx.URL(value)
        url.host  # noqa: B018 - decodes an IDNA host, which may be invalid (xn--a-.com)
    except (httpx.InvalidURL, TypeError, ValueError) as error:
        raise InvalidRequestError(f"base_url is not a valid URL ({error}): {shown}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise InvalidRequestError(f"base_url must be an http(s) URL with a host; got {shown}")
    if not _is_host(url):
        raise InvalidRequestError(f"base_url is not a valid URL (its host): {shown}")
    if url.port is not None and not 1 <= url.port <= 65535:
        raise InvalidRequestError(f"base_url has port {url.port}, outside 1 to 65535: {shown}")
    if url.userinfo:
        raise InvalidRequestError("base_url must not carry a user name or password")
    if url.query or "?" in value:
        raise InvalidRequestError(f"base_url must not have a query; got {shown}")
    if url.fragment or "#" in value:
        raise InvalidRequestError(f"base_url must not have a fragment; got {shown}")
    if url.scheme == "http" and not allow_insecure_http and not _is_loopback(url.host):
        raise InvalidRequestError(
            f"base_url {shown} is plain http to a host that is not loopback: anyone on the path "
            "could replay the signed requests. Use https://, or pass allow_insecure_http=True "
            "(--allow-insecure-http) if you really mean it"
        )
    return value.rstrip("/")


# A DNS name as sent (IDNA-encoded): labels of letters, digits and hyphens.
_DNS_NAME = re.compile(r"(?=.{1,253}\.?$)[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})*\.?", re.ASCII)


def _is_host(url: httpx.URL) -> bool:
    try:
        ipaddress.ip_address(url.host)
    except ValueError:
        return _DNS_NAME.fullmatch(url.raw_host.decode("ascii", "replace")) is not None
    return True


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_timeout(value: object) -> float:
    """Seconds an attempt may take: a finite number above 0, at most 600."""
    number = _finite_number("timeout", value)
    if not 0 < number <= MAX_TIMEOUT:
        raise InvalidRequestError(
            f"timeout must be more than 0 and at most {MAX_TIMEOUT:g} seconds; got {value!r}"
        )
    return number


def check_max_retries(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_RETRIES:
        raise InvalidRequestError(
            f"max_retries must be an int from 0 to {MAX_RETRIES}; got {value!r}"
        )
    return value


def check_rate(value: object) -> float | None:
    """Requests per second: None (no pacing), or a finite number above 0 and at most 10,000."""
    if value is None:
        return None
    number = _finite_number("max_requests_per_second", value)
    if not 0 < number <= MAX_RATE:
        raise InvalidRequestError(
            f"max_requests_per_second must be more than 0 and at most {MAX_RATE:g} "
            f"(or None for no pacing); got {value!r}"
        )
    return number


def check_pool_limit(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_POOL_LIMIT:
        raise InvalidRequestError(
            f"pool_limit must be an int from 1 to {MAX_POOL_LIMIT} (or None); got {value!r}"
        )
    return value


def _finite_number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidRequestError(f"{name} must be a number; got {value!r}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise InvalidRequestError(f"{name} must be finite; got {value!r}")
    return number


def _echo(value: str) -> str:
    """``repr(value)``, cut short: an error message is no place for a megabyte of input."""
    if len(value) <= _ECHO_LIMIT:
        return repr(value)
    return f"{value[:_ECHO_LIMIT]!r}... ({len(value)} characters)"


# --- trailing-order parameters ------------------------------------------------------------------

# A perpetual swap (BTC-USDT) or, on cross margin, a future too (BTC-USDT-211231).
_FUTURES_CODE = re.compile(r"[A-Z0-9]{1,32}-USDT-[0-9]{6}")
_PAIR = _CONTRACT_CODE


class SpecValues(Sequence[_V]):
    """The allowed values of a closed value set of the spec, as the generated client has them.

    ``scripts/regenerate`` writes each closed ``enum`` of the spec as a ``Literal`` type in
    ``htx_swap_client.models``; its values, in the spec's order, are read from there on first
    use (``in``, iteration, ``len``), never copied: a value added to the spec is accepted after
    a regenerate with no other edit. Loading waits for first use because the generated models
    cost most of ``import htx_swap``'s time (see ``_operations``).
    """

    def __init__(self, module: str, literal: str) -> None:
        self.module = module
        """The generated module, e.g. ``"direction"``."""
        self.literal = literal
        """The ``Literal`` type in it, e.g. ``"Direction"``: the spec's schema name."""

    @functools.cached_property
    def _values(self) -> tuple[_V, ...]:
        module = importlib.import_module(f"htx_swap_client.models.{self.module}")
        values: tuple[_V, ...] = typing.get_args(getattr(module, self.literal))
        return values

    @overload
    def __getitem__(self, index: int) -> _V: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[_V]: ...
    def __getitem__(self, index: int | slice) -> _V | Sequence[_V]:
        return self._values[index]

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, value: object) -> bool:
        return value in self._values

    def __iter__(self) -> Iterator[_V]:
        return iter(self._values)

    def __repr__(self) -> str:
        return f"SpecValues({self.literal}: {', '.join(map(repr, self))})"


DIRECTIONS: SpecValues[Direction] = SpecValues("direction", "Direction")
PLACE_OFFSETS: SpecValues[TrailingOrderOffset] = SpecValues(
    "trailing_order_offset", "TrailingOrderOffset"
)
CANCEL_ALL_OFFSETS: SpecValues[CancelAllOffset] = SpecValues("cancel_all_offset", "CancelAllOffset")
ORDER_PRICE_TYPES: SpecValues[TrailingOrderPriceType] = SpecValues(
    "trailing_order_price_type", "TrailingOrderPriceType"
)
CONTRACT_TYPES: SpecValues[ContractType] = SpecValues("contract_type", "ContractType")
TRADE_TYPES: SpecValues[TradeType] = SpecValues("trade_type", "TradeType")
SORT_BY: SpecValues[HistorySortBy] = SpecValues("history_sort_by", "HistorySortBy")
MIN_CALLBACK_RATE = Decimal("0.001")
MAX_HISTORY_DAYS = 90
# Beyond this many significant digits a float is not the decimal its writer meant (0.1 + 0.2).
_FLOAT_DIGITS = 15
# A minus sign is read (and then refused by the range check, which says what the range is).
_DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?", re.ASCII)


def validate_choice(name: str, value: object, choices: Sequence[_C]) -> _C:
    """The one of ``choices`` (exact, case-sensitive strings) that ``value`` is: typed as the
    choices are (a generated ``Literal``, for ``SpecValues``)."""
    if isinstance(value, str):
        for choice in choices:
            if choice == value:
                return choice
    allowed = ", ".join(repr(choice) for choice in choices)
    raise InvalidRequestError(f"{name} must be one of {allowed}; got {_describe(value)}")


_MARGIN_MODES = tuple(m.value for m in MarginMode)
_MARGIN_MODE_OF: dict[str, MarginMode] = {m.value: m for m in MarginMode}


def validate_margin_mode(value: object) -> MarginMode:
    """``"isolated"`` or ``"cross"`` (or a MarginMode)."""
    if type(value) is str and value in _MARGIN_MODE_OF:  # the common case, one lookup
        return _MARGIN_MODE_OF[value]
    return MarginMode(validate_choice("margin_mode", value, _MARGIN_MODES))


@frozen
class Contract:
    """Which contract an operation acts on, checked for its margin mode."""

    margin_mode: MarginMode
    contract_code: str | None
    pair: str | None = None
    contract_type: str | None = None

    def given(self) -> dict[str, Any]:
        """The contract fields of a request, those given only (the others stay out of the JSON)."""
        fields = {
            "contract_code": self.contract_code,
            "pair": self.pair,
            "contract_type": self.contract_type,
        }
        return {name: value for name, value in fields.items() if value is not None}


def validate_contract(
    margin_mode: object,
    contract_code: object,
    *,
    pair: object = None,
    contract_type: object = None,
    required: bool = True,
    pair_needs_type: bool = False,
) -> Contract:
    """The contract an operation acts on, as HTX takes it in ``margin_mode``.

    Isolated margin: a perpetual ``contract_code`` (``BTC-USDT``), nothing else. Cross margin:
    ``contract_code`` may also name a future (``BTC-USDT-211231``), or ``pair`` may stand in for
    it, with ``contract_type`` where the operation says so (``pair_needs_type``: place, cancel,
    cancel-all); ``required`` says whether one of them must be given.
    """
    mode = validate_margin_mode(margin_mode)
    if mode is MarginMode.ISOLATED:
        if pair is not None or contract_type is not None:
            raise InvalidRequestError("pair and contract_type are for cross margin only")
        return Contract(mode, validate_contract_code(contract_code))
    code = None
    if contract_code is not None:
        if isinstance(contract_code, str) and _FUTURES_CODE.fullmatch(contract_code):
            code = contract_code
        else:
            try:
                code = validate_contract_code(contract_code)
            except InvalidRequestError:
                raise InvalidRequestError(
                    "contract_code must be a swap ('BTC-USDT') or a future ('BTC-USDT-211231') "
                    f"code; got {_describe(contract_code)}"
                ) from None
    checked_pair = None
    if pair is not None:
        if not (isinstance(pair, str) and _PAIR.fullmatch(pair)):
            raise InvalidRequestError(f"pair must be such as 'BTC-USDT'; got {_describe(pair)}")
        checked_pair = pair
    checked_type = None
    if contract_type is not None:
        checked_type = validate_choice("contract_type", contract_type, CONTRACT_TYPES)
    if required and code is None and checked_pair is None:
        wanted = "pair and contract_type" if pair_needs_type else "pair"
        raise InvalidRequestError(f"cross margin needs contract_code, or {wanted}; got neither")
    if pair_needs_type and code is None and checked_pair is not None and checked_type is None:
        raise InvalidRequestError("cross margin by pair needs contract_type too")
    return Contract(mode, code, checked_pair, checked_type)


def to_decimal(name: str, value: object) -> Decimal:
    """A number given as int, str, Decimal or float (one that means a short decimal) as Decimal."""
    number: Decimal | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value if value.is_finite() else None
    elif isinstance(value, str):
        number = Decimal(value) if _DECIMAL_TEXT.fullmatch(value) else None
    elif isinstance(value, float) and math.isfinite(value):
        number = Decimal(repr(value))
        if len(number.as_tuple().digits) > _FLOAT_DIGITS:
            raise InvalidRequestError(
                f"{name} {value!r} is a float with more digits than it was written with; "
                "pass a str or a Decimal"
            )
    if number is None:
        raise InvalidRequestError(
            f"{name} must be a finite number (int, str such as '0.01', Decimal, or float); "
            f"got {_describe(value)}"
        )
    return number


MAX_VOLUME = 2**63 - 1
"""HTX reads a volume into a 64-bit integer."""


def validate_volume(value: object) -> int:
    """A volume in contracts: a whole number above 0."""
    number = to_decimal("volume", value)
    if number <= 0 or number != number.to_integral_value() or number > MAX_VOLUME:
        raise InvalidRequestError(
            "volume must be a whole number of contracts from 1 to 2**63 - 1; "
            f"got {_describe(value)}"
        )
    return int(number)


def _sent_exactly(name: str, value: object, number: Decimal) -> Decimal:
    """``number``, if it goes out as a JSON number unchanged: the generated request models carry
    decimals as floats, which hold about 17 significant digits and nothing past 1.8e308."""
    as_float = float(number)
    if not math.isfinite(as_float) or Decimal(repr(as_float)) != number:
        raise InvalidRequestError(
            f"{name} can't be sent exactly (at most 17 significant digits, below 1.8e308); "
            f"got {_describe(value)}"
        )
    return number


def validate_price(name: str, value: object) -> Decimal:
    number = to_decimal(name, value)
    if number <= 0:
        raise InvalidRequestError(f"{name} must be above 0; got {_describe(value)}")
    return _sent_exactly(name, value, number)


def validate_callback_rate(value: object) -> Decimal:
    number = to_decimal("callback_rate", value)
    if number < MIN_CALLBACK_RATE:
        raise InvalidRequestError(
            f"callback_rate must be at least {MIN_CALLBACK_RATE} (0.1%); got {_describe(value)}"
        )
    return _sent_exactly("callback_rate", value, number)


MAX_LEVER_RATE = 1000


def validate_lever_rate(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_LEVER_RATE:
        raise InvalidRequestError(
            f"lever_rate must be an int from 1 to {MAX_LEVER_RATE}; got {_describe(value)}"
        )
    return value


def validate_reduce_only(value: object) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise InvalidRequestError(f"reduce_only must be True, False or None; got {_describe(value)}")


def validate_trade_type(value: object) -> TradeType | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        for trade_type in TRADE_TYPES:
            if trade_type == value:
                return trade_type
    allowed = ", ".join(map(str, TRADE_TYPES))
    raise InvalidRequestError(f"trade_type must be one of {allowed}; got {_describe(value)}")


def validate_days(value: object) -> int:
    """History depth in days: 1 to 90 (HTX keeps 90)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_HISTORY_DAYS:
        raise InvalidRequestError(
            f"days must be an int from 1 to {MAX_HISTORY_DAYS}; got {_describe(value)}"
        )
    return value
