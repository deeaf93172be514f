"""Each HTX operation the SDK calls, declared once: what the engine needs to send it safely.

An operation is data, as in botocore's operation model: the generated function that sends it,
the model of its ``ok`` reply and how to read that into the SDK's values, the rate limits it
draws on, and whether it may be repeated. ``_engine`` sends every one of them the same way;
adding an operation is adding a declaration here, never a copy of the send path.
"""

from __future__ import annotations

import enum
import functools
import importlib
from collections.abc import Awaitable, Callable, Iterator
from types import ModuleType
from typing import Any, Generic, TypeVar

from attrs import frozen

from htx_swap_client.types import Response

from ._orders import MarginMode
from ._replies import (
    CancelAnswer,
    Page,
    PlacedAnswer,
    UnreadableReply,
    read_cancel_reply,
    read_page,
    read_placed,
)

__all__ = [
    "CANCEL_TRAILING_ORDERS",
    "FAMILIES",
    "OPERATIONS",
    "POOLS",
    "TRADE_INTERFACE_LIMIT",
    "CancelAnswer",
    "Family",
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


# The generated client is named here and imported on first use: its models are some sixty attrs
# classes built at import (about 80 ms), which `import htx_swap` and `htx-swap --help` skip.
_GENERATED_OPERATIONS = "htx_swap_client.api.swap_strategy_order_interface"


@functools.cache
def _generated(module: str) -> ModuleType:
    return importlib.import_module(module)


@frozen
class Operation(Generic[T]):
    """One HTX operation: how to send it, read its reply, pace it and retry it."""

    name: str
    """What it does, for log lines: ``"cancel"``, ``"place"``..."""
    path: str
    """Its path on HTX; also the key of its per-interface limit."""
    generated: str
    """The generated module that sends it (``sync_detailed``, ``asyncio_detailed``)."""
    request_model: str
    """The name of the generated model of its request body."""
    reply_model: str
    """The name of the generated model of its ``status: ok`` envelope."""
    read: Callable[[Any], T]
    """Reads an ``ok`` envelope into the SDK's value; raises UnreadableReply on bad shapes."""
    safety: RetrySafety
    pool: Pool
    interface_limit: InterfaceLimit | None

    @property
    def send(self) -> Callable[..., Response[Any]]:
        """The generated ``sync_detailed``."""
        function: Callable[..., Response[Any]] = _generated(self.generated).sync_detailed
        return function

    @property
    def send_async(self) -> Callable[..., Awaitable[Response[Any]]]:
        """The generated ``asyncio_detailed``."""
        function: Callable[..., Awaitable[Response[Any]]]
        function = _generated(self.generated).asyncio_detailed
        return function

    def request(self, **fields: Any) -> Any:
        """Its request body: the generated request model, built from ``fields``."""
        return getattr(_generated("htx_swap_client.models"), self.request_model)(**fields)

    @property
    def reply_type(self) -> type[Any]:
        """The generated model of its ``status: ok`` envelope."""
        model: type[Any] = getattr(_generated("htx_swap_client.models"), self.reply_model)
        return model


def _declare(
    name: str,
    path: str,
    generated: str,
    request_model: str,
    reply_model: str,
    read: Callable[[Any], T],
    safety: RetrySafety,
    pool: Pool,
) -> Operation[T]:
    """An operation of the family: trade operations have HTX's 5/s interface limit too."""
    return Operation(
        name=name,
        path=f"/linear-swap-api/v1/{path}",
        generated=f"{_GENERATED_OPERATIONS}.{generated}",
        request_model=request_model,
        reply_model=reply_model,
        read=read,
        safety=safety,
        pool=pool,
        interface_limit=TRADE_INTERFACE_LIMIT if pool is Pool.TRADE else None,
    )


# Placing may not be repeated; cancel by ID and cancel-all may (an order cancelled twice stays
# cancelled: 1071); reads may.
_PLACE = (RetrySafety.NOT_IDEMPOTENT, Pool.TRADE)
_CANCEL = (RetrySafety.IDEMPOTENT, Pool.TRADE)
_READ = (RetrySafety.IDEMPOTENT, Pool.READ)
_ISOLATED, _CROSS = MarginMode.ISOLATED, MarginMode.CROSS


@frozen
class Family:
    """The five trailing-order operations of one margin mode."""

    place: Operation[PlacedAnswer]
    cancel: Operation[CancelAnswer]
    cancel_all: Operation[CancelAnswer]
    open_orders: Operation[Page]
    history: Operation[Page]

    def __iter__(self) -> Iterator[Operation[Any]]:
        return iter((self.place, self.cancel, self.cancel_all, self.open_orders, self.history))


FAMILIES = {
    _ISOLATED: Family(
        place=_declare("place", "swap_track_order", "place_trailing_order",
                       "PlaceTrailingOrderRequest", "PlaceTrailingOrderReply",
                       read_placed, *_PLACE),
        cancel=_declare("cancel", "swap_track_cancel", "cancel_trailing_orders",
                        "CancelTrailingOrdersRequest", "CancelTrailingOrdersReply",
                        read_cancel_reply, *_CANCEL),
        cancel_all=_declare("cancel all", "swap_track_cancelall", "cancel_all_trailing_orders",
                            "CancelAllTrailingOrdersRequest", "CancelAllTrailingOrdersReply",
                            read_cancel_reply, *_CANCEL),
        open_orders=_declare("list open orders", "swap_track_openorders",
                             "get_open_trailing_orders",
                             "GetOpenTrailingOrdersRequest", "GetOpenTrailingOrdersReply",
                             read_page(_ISOLATED, history=False), *_READ),
        history=_declare("read history", "swap_track_hisorders", "get_trailing_order_history",
                         "GetTrailingOrderHistoryRequest", "GetTrailingOrderHistoryReply",
                         read_page(_ISOLATED, history=True), *_READ),
    ),
    _CROSS: Family(
        place=_declare("place", "swap_cross_track_order", "place_cross_trailing_order",
                       "PlaceCrossTrailingOrderRequest", "PlaceCrossTrailingOrderReply",
                       read_placed, *_PLACE),
        cancel=_declare("cancel", "swap_cross_track_cancel", "cancel_cross_trailing_orders",
                        "CancelCrossTrailingOrdersRequest", "CancelCrossTrailingOrdersReply",
                        read_cancel_reply, *_CANCEL),
        cancel_all=_declare("cancel all", "swap_cross_track_cancelall",
                            "cancel_all_cross_trailing_orders",
                            "CancelAllCrossTrailingOrdersRequest",
                            "CancelAllCrossTrailingOrdersReply",
                            read_cancel_reply, *_CANCEL),
        open_orders=_declare("list open orders", "swap_cross_track_openorders",
                             "get_cross_open_trailing_orders",
                             "GetCrossOpenTrailingOrdersRequest",
                             "GetCrossOpenTrailingOrdersReply",
                             read_page(_CROSS, history=False), *_READ),
        history=_declare("read history", "swap_cross_track_hisorders",
                         "get_cross_trailing_order_history",
                         "GetCrossTrailingOrderHistoryRequest",
                         "GetCrossTrailingOrderHistoryReply",
                         read_page(_CROSS, history=True), *_READ),
    ),
}  # fmt: skip
CANCEL_TRAILING_ORDERS = FAMILIES[_ISOLATED].cancel

# Every operation the SDK sends; tests compare each declaration with the spec's x-rate-limit.
OPERATIONS: tuple[Operation[Any], ...] = (*FAMILIES[_ISOLATED], *FAMILIES[_CROSS])
