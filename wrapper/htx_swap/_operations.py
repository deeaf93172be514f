"""Each HTX operation the SDK calls, declared once: what the engine needs to send it safely.

An operation is data, as in botocore's operation model: the generated function that sends it,
the model of its ``ok`` reply and how to read that into the SDK's values, the rate limits it
draws on, and whether it may be repeated. ``_engine`` sends every one of them the same way;
adding an operation is adding a declaration here, never a copy of the send path.
"""

from __future__ import annotations

import enum
import functools
import math
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import attrs
from attrs import frozen

from htx_swap_client import Client
from htx_swap_client.types import Response

from ._errors import InvalidRequestError
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

if TYPE_CHECKING:
    from htx_swap_client import models as m

__all__ = [
    "CANCEL_TRAILING_ORDERS",
    "FAMILIES",
    "OPERATIONS",
    "POOLS",
    "TRADE_INTERFACE_LIMIT",
    "CancelAnswer",
    "Family",
    "Generated",
    "GeneratedApi",
    "InterfaceLimit",
    "Operation",
    "Pool",
    "PoolLimit",
    "RetrySafety",
    "UnreadableReply",
]

T = TypeVar("T")
Req = TypeVar("Req", covariant=True)
Rep = TypeVar("Rep", covariant=True)
_Body = TypeVar("_Body", contravariant=True)


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


# The generated client is imported on first use, by the typed loaders below: its models are some
# sixty attrs classes built at import (about 80 ms), which `import htx_swap` and `htx-swap --help`
# skip. mypy sees the real types through the loaders' annotations.


class GeneratedApi(Protocol[_Body]):
    """A generated operation module: sends a body of its request model (``api/...``)."""

    def sync_detailed(self, *, client: Client, body: _Body) -> Response[Any]: ...

    async def asyncio_detailed(self, *, client: Client, body: _Body) -> Response[Any]: ...


class Generated(Generic[Req, Rep]):
    """An operation's generated module, request model and ``status: ok`` reply model. (A plain
    class: an attrs class costs more to build at ``import htx_swap``.)"""

    __slots__ = ("api", "reply", "request")

    def __init__(self, api: GeneratedApi[Req], request: type[Req], reply: type[Rep]) -> None:
        self.api = api
        self.request = request
        self.reply = reply


@frozen
class Operation(Generic[Req, Rep, T]):
    """One HTX operation: how to send it, read its reply, pace it and retry it.

    Generic over its generated request model, its generated reply model and the SDK's value.
    """

    name: str
    """What it does, for log lines: ``"cancel"``, ``"place"``..."""
    path: str
    """Its path on HTX; also the key of its per-interface limit."""
    load: Callable[[], Generated[Req, Rep]]
    """Imports its generated module and models (on first use; cached)."""
    read: Callable[[Rep], T]
    """Reads an ``ok`` envelope into the SDK's value; raises UnreadableReply on bad shapes."""
    safety: RetrySafety
    pool: Pool
    interface_limit: InterfaceLimit | None

    @property
    def send(self) -> Callable[..., Response[Any]]:
        """The generated ``sync_detailed``."""
        return self.load().api.sync_detailed

    @property
    def send_async(self) -> Callable[..., Awaitable[Response[Any]]]:
        """The generated ``asyncio_detailed``."""
        return self.load().api.asyncio_detailed

    def request(self, params: Mapping[str, Any] | None = None, /, **fields: Any) -> Req:
        """Its request body: the generated request model, built from ``fields`` (what the
        method sets) and the caller's ``params`` (any other field the spec declares)."""
        model = self.load().request
        return model(**fields, **_checked_params(self.name, model, params, fields))

    @property
    def reply_type(self) -> type[Rep]:
        """The generated model of its ``status: ok`` envelope."""
        return self.load().reply


# The contract fields: set by every method from its own arguments, whether given or not.
_CONTRACT_FIELDS = frozenset({"contract_code", "pair", "contract_type"})
_JSON_SCALARS = (str, int, float, bool)


def _checked_params(
    operation: str, model: type[Any], params: object, owned: Iterable[str]
) -> dict[str, Any]:
    """The caller's extra request fields, checked before any byte is sent: each one a field
    the spec declares for the request (the generated model's), none the method sets itself,
    each value JSON. A None value leaves its field out."""
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        raise InvalidRequestError(
            f"params must be a mapping of request field names to values; got {params!r:.80}"
        )
    declared = {attribute.name for attribute in attrs.fields(model) if attribute.init}
    taken = _CONTRACT_FIELDS | set(owned)
    checked: dict[str, Any] = {}
    for name, value in params.items():
        if not isinstance(name, str) or name not in declared:
            known = ", ".join(sorted(declared - taken)) or "none"
            raise InvalidRequestError(
                f"params: {name!r:.80} is not a field of the {operation} request in the spec "
                f"(the fields params may set: {known})"
            )
        if name in taken:
            raise InvalidRequestError(
                f"params: {name!r} is set by the method itself: use its own argument"
            )
        if not _is_json(value):
            raise InvalidRequestError(
                f"params: {name} must be a JSON value (str, int, float, bool, list, dict); "
                f"got {type(value).__name__}"
            )
        if value is not None:
            checked[name] = value
    return checked


def _is_json(value: object, depth: int = 0) -> bool:
    if value is None or isinstance(value, _JSON_SCALARS):
        return not isinstance(value, float) or math.isfinite(value)
    if depth > 8:
        return False
    if isinstance(value, list | tuple):
        return all(_is_json(item, depth + 1) for item in value)
    if isinstance(value, Mapping):
        return all(
            isinstance(key, str) and _is_json(item, depth + 1) for key, item in value.items()
        )
    return False


def _declare(
    name: str,
    path: str,
    load: Callable[[], Generated[Req, Rep]],
    read: Callable[[Rep], T],
    safety: RetrySafety,
    pool: Pool,
) -> Operation[Req, Rep, T]:
    """An operation of the family: trade operations have HTX's 5/s interface limit too."""
    return Operation(
        name=name,
        path=f"/linear-swap-api/v1/{path}",
        load=functools.cache(load),
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


# The typed loaders: one per operation, each naming its generated module and models once.


def _place() -> Generated[m.PlaceTrailingOrderRequest, m.PlaceTrailingOrderReply]:
    from htx_swap_client import models as m
    from htx_swap_client.api.swap_strategy_order_interface import place_trailing_order as api

    return Generated(api, m.PlaceTrailingOrderRequest, m.PlaceTrailingOrderReply)


def _cancel() -> Generated[m.CancelTrailingOrdersRequest, m.CancelTrailingOrdersReply]:
    from htx_swap_client import models as m
    from htx_swap_client.api.swap_strategy_order_interface import cancel_trailing_orders as api

    return Generated(api, m.CancelTrailingOrdersRequest, m.CancelTrailingOrdersReply)


def _cancel_all() -> Generated[m.CancelAllTrailingOrdersRequest, m.CancelAllTrailingOrdersReply]:
    from htx_swap_client import models as m
    from htx_swap_client.api.swap_strategy_order_interface import (
        cancel_all_trailing_orders as api,
    )

    return Generated(api, m.CancelAllTrailingOrdersRequest, m.CancelAllTrailingOrdersReply)


def _open_orders() -> Generated[m.GetOpenTrailingOrdersRequest, m.GetOpenTrailingOrdersReply]:
    from htx_swap_client import models as m
    from htx_swap_client.api.swap_strategy_order_interface import get_open_trailing_orders as api

    return Generated(api, m.GetOpenTrailingOrdersRequest, m.GetOpenTrailingOrdersReply)


def _history() -> Generated[m.GetTrailingOrderHistoryRequest, m.GetTrailingOrderHistoryReply]:
    from htx_swap_client import models as m
    from htx_swap_client.api.swap_strategy_order_interface import (
        get_trailing_order_history as api,
    )

    return Generated(api, m.GetTrailingOrderHistoryRequest, m.GetTrailingOrderHistoryReply)


def _cross_place() -> Generated[m.PlaceCrossTrailingOrderRequest, m.PlaceCrossTrailingOrderReply]:
    from htx_swap_client import models as m
    from htx_swap_client.api.swap_strategy_order_interface import (
        place_cross_trailing_order as api,
    )

    return Generated(api, m.PlaceCrossTrailingOrderRequest, m.PlaceCrossTrailingOrderReply)


def _cross_cancel() -> Generated[
    m.CancelCrossTrailingOrdersRequest, m.CancelCrossTrailingOrdersReply
]:
    from htx_swap_client import models as m
    from htx_swap_client.api.swap_strategy_order_interface import (
        cancel_cross_trailing_orders as api,
    )

    return Generated(api, m.CancelCrossTrailingOrdersRequest, m.CancelCrossTrailingOrdersReply)


def _cross_cancel_all() -> Generated[
    m.CancelAllCrossTrailingOrdersRequest, m.CancelAllCrossTrailingOrdersReply
]:
    from htx_swap_client import models as m
    from htx_swap_client.api.swap_strategy_order_interface import (
        cancel_all_cross_trailing_orders as api,
    )

    return Generated(
        api, m.CancelAllCrossTrailingOrdersRequest, m.CancelAllCrossTrailingOrdersReply
    )


def _cross_open_orders() -> Generated[
    m.GetCrossOpenTrailingOrdersRequest, m.GetCrossOpenTrailingOrdersReply
]:
    from htx_swap_client import models as m
    from htx_swap_client.api.swap_strategy_order_interface import (
        get_cross_open_trailing_orders as api,
    )

    return Generated(api, m.GetCrossOpenTrailingOrdersRequest, m.GetCrossOpenTrailingOrdersReply)


def _cross_history() -> Generated[
    m.GetCrossTrailingOrderHistoryRequest, m.GetCrossTrailingOrderHistoryReply
]:
    from htx_swap_client import models as m
    from htx_swap_client.api.swap_strategy_order_interface import (
        get_cross_trailing_order_history as api,
    )

    return Generated(
        api, m.GetCrossTrailingOrderHistoryRequest, m.GetCrossTrailingOrderHistoryReply
    )


@frozen
class Family:
    """The five trailing-order operations of one margin mode (the request and reply models of
    either mode, as the layers build and read them)."""

    place: Operation[
        m.PlaceTrailingOrderRequest | m.PlaceCrossTrailingOrderRequest,
        m.PlaceTrailingOrderReply | m.PlaceCrossTrailingOrderReply,
        PlacedAnswer,
    ]
    cancel: Operation[
        m.CancelTrailingOrdersRequest | m.CancelCrossTrailingOrdersRequest,
        m.CancelTrailingOrdersReply | m.CancelCrossTrailingOrdersReply,
        CancelAnswer,
    ]
    cancel_all: Operation[
        m.CancelAllTrailingOrdersRequest | m.CancelAllCrossTrailingOrdersRequest,
        m.CancelAllTrailingOrdersReply | m.CancelAllCrossTrailingOrdersReply,
        CancelAnswer,
    ]
    open_orders: Operation[
        m.GetOpenTrailingOrdersRequest | m.GetCrossOpenTrailingOrdersRequest,
        m.GetOpenTrailingOrdersReply | m.GetCrossOpenTrailingOrdersReply,
        Page,
    ]
    history: Operation[
        m.GetTrailingOrderHistoryRequest | m.GetCrossTrailingOrderHistoryRequest,
        m.GetTrailingOrderHistoryReply | m.GetCrossTrailingOrderHistoryReply,
        Page,
    ]

    def __iter__(self) -> Iterator[Operation[Any, Any, Any]]:
        return iter((self.place, self.cancel, self.cancel_all, self.open_orders, self.history))


FAMILIES = {
    _ISOLATED: Family(
        place=_declare("place", "swap_track_order", _place, read_placed, *_PLACE),
        cancel=_declare("cancel", "swap_track_cancel", _cancel, read_cancel_reply, *_CANCEL),
        cancel_all=_declare("cancel all", "swap_track_cancelall", _cancel_all,
                            read_cancel_reply, *_CANCEL),
        open_orders=_declare("list open orders", "swap_track_openorders", _open_orders,
                             read_page(_ISOLATED, history=False), *_READ),
        history=_declare("read history", "swap_track_hisorders", _history,
                         read_page(_ISOLATED, history=True), *_READ),
    ),
    _CROSS: Family(
        place=_declare("place", "swap_cross_track_order", _cross_place, read_placed, *_PLACE),
        cancel=_declare("cancel", "swap_cross_track_cancel", _cross_cancel, read_cancel_reply,
                        *_CANCEL),
        cancel_all=_declare("cancel all", "swap_cross_track_cancelall", _cross_cancel_all,
                            read_cancel_reply, *_CANCEL),
        open_orders=_declare("list open orders", "swap_cross_track_openorders",
                             _cross_open_orders, read_page(_CROSS, history=False), *_READ),
        history=_declare("read history", "swap_cross_track_hisorders", _cross_history,
                         read_page(_CROSS, history=True), *_READ),
    ),
}  # fmt: skip
CANCEL_TRAILING_ORDERS = FAMILIES[_ISOLATED].cancel

# Every operation the SDK sends; tests compare each declaration with the spec's x-rate-limit.
OPERATIONS: tuple[Operation[Any, Any, Any], ...] = (*FAMILIES[_ISOLATED], *FAMILIES[_CROSS])
