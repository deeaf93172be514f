"""Input checks that run before any byte is sent to HTX.

Every rejection raises ``InvalidRequestError`` naming the offending value with ``repr``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ._errors import InvalidRequestError

__all__ = [
    "MAX_ORDER_ID",
    "MAX_ORDER_IDS_PER_REQUEST",
    "chunk_order_ids",
    "normalize_order_ids",
    "validate_contract_code",
]

# HTX order IDs are int64; HTX rejects more than 10 IDs in one swap_track_cancel.
MAX_ORDER_ID = 2**63 - 1
MAX_ORDER_IDS_PER_REQUEST = 10

# Explicit ASCII ranges: \d, int() and str.isdigit() also accept non-ASCII digits (U+FF11...).
_CONTRACT_CODE = re.compile(r"[A-Z0-9]{1,32}-USDT")
_ORDER_ID = re.compile(r"[1-9][0-9]{0,18}")
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
        normalized.setdefault(_normalize_order_id(order_id, position), None)
    if not normalized:
        raise InvalidRequestError(f"order_ids is empty; got {order_ids!r}")
    return tuple(normalized)


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
    """``repr(value)``, except for an int too long for Python to print (over 4300 digits)."""
    try:
        return repr(value)
    except ValueError:
        if isinstance(value, int):
            return f"<int of {value.bit_length()} bits>"
        raise


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
