"""Each HTX operation the SDK calls, declared once: what the engine needs to send it safely.

An operation is data, as in botocore's operation model: the generated function that sends it,
the model of its ``ok`` reply and how to read that into the SDK's values, the rate limits it
draws on, and whether it may be repeated. ``_engine`` sends every one of them the same way;
adding an operation is adding a declaration here, never a copy of the send path.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from attrs import frozen

from htx_swap_client.api.swap_strategy_order_interface import cancel_trailing_orders
from htx_swap_client.models import CancelTrailingOrdersReply
from htx_swap_client.types import Response, Unset

from ._codes import HtxCode, normalize_code
from ._results import OrderFailure

__all__ = [
    "CANCEL_TRAILING_ORDERS",
    "OPERATIONS",
    "POOLS",
    "TRADE_INTERFACE_LIMIT",
    "CancelAnswer",
    "InterfaceLimit",
    "Operation",
    "Pool",
    "PoolLimit",
    "RetrySafety",
    "UnreadableReply",
]

T = TypeVar("T")


class RetrySafety(enum.Enum):
    """Whether an attempt that may have reached HTX can be sent again."""

    IDEMPOTENT = "idempotent"
    """Repeating it changes nothing more (reads; cancel by ID, since 1071 means cancelled)."""
    NOT_IDEMPOTENT = "not idempotent"
    """Repeating it could do it twice (placing an order): resent only if it provably didn't
    reach HTX, otherwise its outcome is reported as unknown."""


class Pool(enum.StrEnum):
    """HTX's per-user request pools, shared by every interface of a kind."""

    TRADE = "trade"
    READ = "read"


@frozen
class InterfaceLimit:
    """At most ``requests`` in any ``seconds`` on one interface (path), per user."""

    requests: int
    seconds: float


@frozen
class PoolLimit:
    """At most ``requests`` in any ``seconds`` across every interface of a pool, per user."""

    requests: int
    seconds: float


# HTX's documented limits for the trailing-order family (TRAILING-FAMILY.md, section 1): place,
# cancel and cancel-all 5 per second each; 72 trade and 72 read requests per 3 s per user.
TRADE_INTERFACE_LIMIT = InterfaceLimit(requests=5, seconds=1.0)
POOLS = {Pool.TRADE: PoolLimit(requests=72, seconds=3.0), Pool.READ: PoolLimit(72, 3.0)}


class UnreadableReply(ValueError):
    """An ``ok`` reply whose fields don't have the shapes the operation needs."""


@frozen
class Operation(Generic[T]):
    """One HTX operation: how to send it, read its reply, pace it and retry it."""

    name: str
    """What it does, for log lines: ``"cancel"``, ``"place"``..."""
    path: str
    """Its path on HTX; also the key of its per-interface limit."""
    send: Callable[..., Response[Any]]
    """The generated ``sync_detailed``."""
    send_async: Callable[..., Awaitable[Response[Any]]]
    """The generated ``asyncio_detailed``."""
    reply_type: type[Any]
    """The generated model of its ``status: ok`` envelope."""
    read: Callable[[Any], T]
    """Reads an ``ok`` envelope into the SDK's value; raises UnreadableReply on bad shapes."""
    safety: RetrySafety
    pool: Pool
    interface_limit: InterfaceLimit | None


# --- cancel by ID -------------------------------------------------------------------------------


@frozen
class CancelAnswer:
    """What one cancel reply says: the orders it cancelled and those it refused, as listed."""

    cancelled: tuple[str, ...]
    failures: tuple[OrderFailure, ...]


# Order IDs as HTX writes them in `successes` and `errors[].order_id`.
_ORDER_ID = re.compile(r"[0-9]{1,19}", re.ASCII)


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
        order_id = getattr(error, "order_id", None)
        if not isinstance(order_id, str) or not _ORDER_ID.fullmatch(order_id):
            raise UnreadableReply("data.errors[].order_id is not an order ID string")
        raw_code = getattr(error, "err_code", None)
        # HTX's table marks err_code optional: an order refused without a code gets 0.
        code = 0 if raw_code is None or isinstance(raw_code, Unset) else normalize_code(raw_code)
        if code is None:
            raise UnreadableReply(f"data.errors[].err_code {raw_code!r} is not a whole number")
        if code == HtxCode.ALREADY_CANCELLED:
            cancelled.append(order_id)
            continue
        message = getattr(error, "err_msg", "")
        failures.append(OrderFailure(order_id, code, message if isinstance(message, str) else ""))
    return CancelAnswer(tuple(cancelled), tuple(failures))


CANCEL_TRAILING_ORDERS: Operation[CancelAnswer] = Operation(
    name="cancel",
    path="/linear-swap-api/v1/swap_track_cancel",
    send=cancel_trailing_orders.sync_detailed,
    send_async=cancel_trailing_orders.asyncio_detailed,
    reply_type=CancelTrailingOrdersReply,
    read=read_cancel_reply,
    safety=RetrySafety.IDEMPOTENT,
    pool=Pool.TRADE,
    interface_limit=TRADE_INTERFACE_LIMIT,
)


# Every operation the SDK sends; tests compare each declaration with the spec's x-rate-limit.
OPERATIONS: tuple[Operation[Any], ...] = (CANCEL_TRAILING_ORDERS,)
