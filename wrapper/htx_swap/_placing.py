"""Placing a trailing order as a layer over the engine: one call that is never sent twice.

Placing is not idempotent: the engine resends it only when an attempt provably did not reach
HTX. When one may have (a lost reply), the outcome is unknown and the caller gets
``HtxUnknownOutcomeError`` with the open orders that could be the one placed, looked up once.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from attrs import asdict, frozen

from htx_swap_client.types import UNSET

from ._engine import Answered, Call, Engine, Refused, Scope, Unsettled, Work
from ._errors import HtxTransportError, HtxUnknownOutcomeError, InvalidRequestError
from ._listing import Listing, plan_history, plan_open_orders
from ._operations import FAMILIES
from ._orders import MarginMode, PlacedTrailingOrder, TrailingOrder
from ._replies import PlacedAnswer
from ._validation import (
    DIRECTIONS,
    ORDER_PRICE_TYPES,
    PLACE_OFFSETS,
    Contract,
    validate_callback_rate,
    validate_choice,
    validate_contract,
    validate_lever_rate,
    validate_price,
    validate_reduce_only,
    validate_volume,
)

if TYPE_CHECKING:
    from htx_swap_client.models.direction import Direction
    from htx_swap_client.models.trailing_order_offset import TrailingOrderOffset
    from htx_swap_client.models.trailing_order_price_type import TrailingOrderPriceType

__all__ = ["PlaceRequest", "Placing", "check_place", "plan_place"]

# HTX's clock may be this far from ours without refusing a signature (12001): an order created
# by the lost attempt is at most this much "older" than our clock says the attempt began. Used
# only when the lookup's reply gives no clock reading of its own.
_CLOCK_TOLERANCE = timedelta(minutes=5)
# With the lookup reply's ``ts``: HTX's stamps (``ts``, ``created_at``) may come from different
# machines of HTX's, and are in whole milliseconds.
_STAMP_TOLERANCE = timedelta(seconds=1)


@frozen
class PlaceRequest:
    """A trailing order to place, its parameters checked."""

    margin_mode: MarginMode
    contract_code: str | None
    pair: str | None
    contract_type: str | None
    direction: Direction
    volume: int
    callback_rate: Decimal
    active_price: Decimal
    order_price_type: TrailingOrderPriceType
    offset: TrailingOrderOffset | None
    lever_rate: int | None
    reduce_only: bool | None
    extra: Mapping[str, Any] | None = None
    """The caller's ``params``: other request fields the spec declares."""

    def body(self) -> Any:
        """The generated request model (decimals go out as JSON numbers, volume as an integer)."""
        contract = Contract(self.margin_mode, self.contract_code, self.pair, self.contract_type)
        return FAMILIES[self.margin_mode].place.request(
            self.extra,
            **contract.given(),
            direction=self.direction,
            volume=self.volume,
            callback_rate=float(self.callback_rate),
            active_price=float(self.active_price),
            order_price_type=self.order_price_type,
            offset=UNSET if self.offset is None else self.offset,
            lever_rate=UNSET if self.lever_rate is None else self.lever_rate,
            reduce_only=UNSET if self.reduce_only is None else int(self.reduce_only),
        )

    def params(self) -> dict[str, object]:
        """What was asked for, as a caller reads it back (the given ones only)."""
        given = asdict(self, recurse=False)
        given["margin_mode"] = str(self.margin_mode)
        given.pop("extra")  # not a parameter an order is listed with
        return {name: value for name, value in given.items() if value is not None}

    def matches(self, order: TrailingOrder) -> bool:
        """Whether ``order`` has every parameter this request gave (an order lists them all)."""
        return all(getattr(order, name) == value for name, value in self.params().items())


class Placing(Work[PlacedTrailingOrder]):
    """One placement: its call, and what its outcome means."""

    def __init__(self, engine: Engine, request: PlaceRequest) -> None:
        self.scope = Scope()
        self.request = request
        # When the attempt began, on HTX's clock as far as we know it, and on ours.
        self.began = datetime.fromtimestamp(engine.server_now(), UTC)
        self.began_monotonic = time.monotonic()
        self._engine = engine
        self._lookup: PlacementLookup | None = None
        label = f"place {request.direction} {request.volume} on {_where(request)}"
        self.call: Call[PlacedAnswer] = engine.call(
            FAMILIES[request.margin_mode].place, request.body(), self.scope, label=label
        )

    def calls(self) -> Iterator[Call[PlacedAnswer]]:
        yield self.call

    def follow_up(self) -> PlacementLookup | None:
        """When the outcome is unknown: the orders, open or ended, that could be the one."""
        if self.outcome_unknown:
            self._lookup = self.lookup()
            return self._lookup
        return None

    @property
    def outcome_unknown(self) -> bool:
        """An attempt may have placed the order, and no answer says whether it did."""
        return isinstance(self.call.outcome, Unsettled) and self.call.maybe_applied

    def finish(self, found: list[Any] | None = None) -> PlacedTrailingOrder:
        """The placed order, or the error that says why it wasn't placed: with an unknown
        outcome, HtxUnknownOutcomeError with the orders ``found`` that could be the one."""
        if self.outcome_unknown:
            # Never "not placed" for an order that may have been: without the follow-up read,
            # the error says so with no candidates.
            raise self.unknown_outcome(self._lookup or self.lookup(), found)
        outcome = self.call.outcome
        if isinstance(outcome, Answered):
            request = self.request
            placed = outcome.value
            return PlacedTrailingOrder(
                placed.order_id, request.contract_code, request.margin_mode, raw=placed.raw
            )
        if isinstance(outcome, Refused):
            raise outcome.error()
        if self.scope.error is not None:
            raise self.scope.error
        reason = "no outcome" if outcome is None else outcome.reason
        raise HtxTransportError(f"the order was not placed: {reason}")

    def lookup(self) -> PlacementLookup:
        """The one read of the orders where the lost order would be (its contract and margin
        mode): the open ones, then the history since the attempt began (it may have triggered,
        failed or been cancelled already), for ``unknown_outcome``."""
        request = self.request
        open_orders = plan_open_orders(
            self._engine,
            request.contract_code,
            margin_mode=request.margin_mode,
            pair=request.pair,
            trade_type=None,
        )
        history = plan_history(
            self._engine,
            request.contract_code,
            margin_mode=request.margin_mode,
            pair=request.pair,
            status=None,
            trade_type=None,
            days=1,
            sort_by=None,
        )
        return PlacementLookup(open_orders, history, self.began - _CLOCK_TOLERANCE)

    def unknown_outcome(
        self, lookup: PlacementLookup, open_orders: Iterable[TrailingOrder] | None
    ) -> HtxUnknownOutcomeError:
        """The error for an unknown outcome, with the orders that could be the one:
        ``open_orders`` as ``lookup`` read them (open, then ended), or None if it couldn't.

        ``lookup.clock``: HTX's time in the lookup's reply and our monotonic time as it was
        read. HTX's time then, less what our clock says has passed since the attempt began, is
        no later than HTX's time at the attempt's start (the reply also spent time on the way
        back): orders created before it are not the lost one, whatever the offset between the
        two clocks.
        """
        candidates = None
        clock = lookup.clock
        if open_orders is not None:
            if clock is None:
                since = self.began - _CLOCK_TOLERANCE
            else:
                server_time, read_at = clock
                elapsed = max(0.0, read_at - self.began_monotonic)
                since = datetime.fromtimestamp(server_time - elapsed, UTC) - _STAMP_TOLERANCE
            candidates = tuple(
                order
                for order in open_orders
                if order.created_at >= since and self.request.matches(order)
            )
        outcome = self.call.outcome
        reason = f" ({outcome.reason})" if isinstance(outcome, Unsettled) else ""
        return HtxUnknownOutcomeError(
            f"the trailing order may or may not have been placed on {_where(self.request)}: "
            f"its reply was lost{reason}, and it was not sent again",
            params=self.request.params(),
            candidates=candidates,
        )


class PlacementLookup:
    """The open orders, then the history newest first down to ``since`` (HTX's clock, with the
    tolerance for our clock's offset already taken off): every order the lost one could be."""

    def __init__(self, open_orders: Listing, history: Listing, since: datetime) -> None:
        self._open = open_orders
        self._history = history
        self._since = since

    @property
    def clock(self) -> tuple[float, float] | None:
        """HTX's clock as the first read saw it (``Listing.clock``)."""
        return self._open.clock or self._history.clock

    def iterate_sync(self) -> Iterator[TrailingOrder]:
        seen: set[str] = set()
        for order in self._open.iterate_sync():
            seen.add(order.order_id)
            yield order
        for order in self._history.iterate_sync():
            if order.created_at < self._since:
                return  # newest first: the rest is older still
            if order.order_id not in seen:  # it ended between the two reads
                yield order

    async def iterate_async(self, before: Callable[[], None]) -> AsyncIterator[TrailingOrder]:
        seen: set[str] = set()
        async for order in self._open.iterate_async(before):
            seen.add(order.order_id)
            yield order
        async for order in self._history.iterate_async(before):
            if order.created_at < self._since:
                return
            if order.order_id not in seen:
                yield order


def plan_place(engine: Engine, contract_code: object, **arguments: Any) -> Placing:
    """A placement of the order ``check_place`` checks (nothing is sent until the engine runs)."""
    return Placing(engine, check_place(contract_code, **arguments))


def check_place(
    contract_code: object,
    *,
    margin_mode: object,
    pair: object,
    contract_type: object,
    direction: object,
    volume: object,
    callback_rate: object,
    active_price: object,
    order_price_type: object,
    offset: object,
    lever_rate: object,
    reduce_only: object,
    params: Mapping[str, Any] | None = None,
) -> PlaceRequest:
    """Check every parameter before any byte is sent (InvalidRequestError naming the value)."""
    contract = validate_contract(
        margin_mode, contract_code, pair=pair, contract_type=contract_type, pair_needs_type=True
    )
    if offset == "open" and lever_rate is None:
        # HTX refuses an opening order without its leverage (1066, a parameter missing).
        raise InvalidRequestError("lever_rate is required with offset='open'")
    return PlaceRequest(
        margin_mode=contract.margin_mode,
        contract_code=contract.contract_code,
        pair=contract.pair,
        contract_type=contract.contract_type,
        direction=validate_choice("direction", direction, DIRECTIONS),
        volume=validate_volume(volume),
        callback_rate=validate_callback_rate(callback_rate),
        active_price=validate_price("active_price", active_price),
        order_price_type=validate_choice("order_price_type", order_price_type, ORDER_PRICE_TYPES),
        offset=None if offset is None else validate_choice("offset", offset, PLACE_OFFSETS),
        lever_rate=validate_lever_rate(lever_rate),
        reduce_only=validate_reduce_only(reduce_only),
        extra=params,
    )


def _where(request: PlaceRequest) -> str:
    where = request.contract_code or f"{request.pair} {request.contract_type or ''}".strip()
    return f"{where} ({request.margin_mode})"
