"""HTX's error codes, named once, and how the SDK reads them off the wire.

HTX reports a refused request in the envelope's top-level ``err_code`` and a refused order in
``data.errors[].err_code``. The groups below say what the engine does with a request-level code;
per-order codes are read by the operation that asked (1071 means the order *is* cancelled).
"""

from __future__ import annotations

import enum
import re

__all__ = [
    "AUTH_CODES",
    "NOT_EXECUTED_CODES",
    "RETRY_LATER_CODES",
    "HtxCode",
    "normalize_code",
]


class HtxCode(enum.IntEnum):
    """HTX's error codes, named as the spec's ``x-htx-error-codes`` names them (a test checks)."""

    VERIFICATION_FAILURE = 403
    """The access key or signature was refused."""
    SYSTEM_ERROR = 1000
    SYSTEM_BUSY = 1004
    CONTRACT_NOT_FOUND = 1014
    """This contract doesn't exist."""
    # 1017, 1062, 1063 and 1071 come from HTX's general table; the trailing cancel pages
    # document only 1061 per order. Our assumption, harmless either way: an order's code is
    # reported as it came, and 1071 (the order *is* cancelled) is what a cancel wants.
    ORDER_NOT_FOUND = 1017
    INPUT_ERROR = 1030
    RATE_LIMITED = 1032
    """The number of access exceeded the limit."""
    NO_ORDERS_TO_CANCEL = 1051
    """Documented on the trigger-order cancel-all; assumed for the trailing one, which may
    answer ``ok`` with nothing instead: both read as nothing cancelled."""
    SETTLING = 1056
    ORDER_DOES_NOT_EXIST = 1061
    CANCELLING = 1062
    ORDER_EXECUTED = 1063
    PARAMETER_MISSING = 1066
    PARAMETER_ILLEGAL = 1067
    REPEATED_CANCELLATION = 1071
    """Repeated cancellation: the order is cancelled, which is what a cancel wants."""
    TRAILING_ORDER_NOT_PERMITTED = 1413
    CALLBACK_RATE_OUT_OF_RANGE = 1425
    ACTIVATION_PRICE_ON_WRONG_SIDE = 1426
    CONTRACT_TRAILING_ORDER_LIMIT = 1427
    TRAILING_ORDER_LIMIT = 1455
    FUTURES_TRAILING_ORDER_LIMIT = 1470
    REDUCE_ONLY_EXCEEDS_POSITION = 1492
    SIGNATURE_INVALID = 1253
    TIMESTAMP_OUT_OF_WINDOW = 12001
    """The signing timestamp is too far from HTX's clock (about five minutes: an assumption
    from HTX's spot documentation; the SDK signs each attempt when sent, whatever the length)."""
    SIGNATURE_VERSION_INVALID = 12002
    SIGNATURE_METHOD_INVALID = 12003
    ACCESS_KEY_EXPIRED = 12004
    IP_NOT_ALLOWED = 12005
    VERIFICATION_FAILED = 12008


# Refuse the key, the signature or its timestamp: every request fails alike, so stop. The whole
# 12001-12008 signing range counts, named or not.
AUTH_CODES: frozenset[int] = frozenset(
    {HtxCode.VERIFICATION_FAILURE, HtxCode.SIGNATURE_INVALID, *range(12001, 12009)}
)
# "Try later": retried with backoff, like a lost reply.
RETRY_LATER_CODES: frozenset[int] = frozenset(
    {HtxCode.RATE_LIMITED, HtxCode.SYSTEM_BUSY, HtxCode.SYSTEM_ERROR}
)
# Refused at the door, before anything was executed: safe to resend even an order placement.
# (A system error may come after execution began, so 1000 is not among them.)
NOT_EXECUTED_CODES: frozenset[int] = (
    frozenset({HtxCode.RATE_LIMITED, HtxCode.SYSTEM_BUSY}) | AUTH_CODES
)

_DECIMAL_CODE = re.compile(r"-?[0-9]{1,9}", re.ASCII)


def normalize_code(value: object) -> int | None:
    """An error code as HTX may send it (``1071``, ``1071.0``, ``"1071"``) as an int, else None.

    Codes are read once, here, where the reply is read: a code that is not a whole number
    (``"abc"``, ``1071.5``, ``true``) makes the reply unreadable rather than a failure with
    code 0.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and _DECIMAL_CODE.fullmatch(value):
        return int(value)
    return None
