"""Lists of orders as a layer over the engine: pages of 50, fetched as the iteration needs them.

As openai-python's auto-paging iterators: ``for order in client.open_trailing_orders(...)``
(``async for`` on the async client) fetches the next page only when the iteration reaches it.
HTX's lists can shift while they are read (an order placed or cancelled between two pages moves
the others along), so an order already yielded is never yielded again, and when the list's size
changed on the way, it is walked once more for the orders the shift may have hidden.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from typing import Any, cast

from htx_swap_client.types import UNSET

from ._engine import Answered, Call, Engine, Refused, Scope
from ._errors import HtxTransportError, InvalidRequestError
from ._operations import FAMILIES, Operation
from ._orders import TrailingOrder, TrailingOrderStatus
from ._replies import Page
from ._validation import (
    MAX_HISTORY_DAYS,
    SORT_BY,
    validate_choice,
    validate_contract,
    validate_days,
    validate_trade_type,
)

__all__ = ["PAGE_SIZE", "Listing", "plan_history", "plan_open_orders"]

# HTX's largest page.
PAGE_SIZE = 50
# Walks of the whole list after the first, when its size changed while it was read.
MAX_REWALKS = 2


class Listing:
    """One iteration over a list of orders: its pages' calls, and what has been yielded."""

    def __init__(
        self,
        engine: Engine,
        operation: Operation[object, object, Page],
        filters: Mapping[str, Any],
        params: Mapping[str, Any] | None = None,
    ) -> None:
        operation.request(params, page_index=1, **filters)  # checked before any byte is sent
        self.scope = Scope()
        self._params = params
        self._engine = engine
        self._operation = operation
        self._filters = filters
        """The request's fields but ``page_index``."""
        self._seen: set[str] = set()
        self._number = 1
        self._rewalks = 0
        self._sizes: set[int] = set()
        self._fresh = 0
        """Orders the page being read added to what was yielded."""
        self._previous: frozenset[str] = frozenset()
        """The order IDs of the page read before, in this walk."""
        self.clock: tuple[float, float] | None = None
        """HTX's clock at its first answer that gave one, and ours (``time.monotonic``) as it
        was read: ``(server_time, monotonic)``."""

    def next_page(self, page: Page) -> int | None:
        """The page to fetch after ``page``, or None when the list is read.

        The server's numbers are checked, not trusted: a page that repeats the one before, or
        past the first that adds no order on the first walk (a list can't shift by a whole page
        between two reads), means the server is not paging, and the listing stops rather than
        read the same orders forever.
        """
        ids = frozenset(order.order_id for order in page.orders)
        repeated = self._number > 1 and ids and ids == self._previous
        stale = self._number > 1 and ids and not self._fresh and not self._rewalks
        self._previous, self._fresh = ids, 0
        if repeated or stale:
            raise self._not_paging(f"page {self._number} added no order to the ones before")
        self._sizes.add(page.total_size)
        if self._number < page.total_page and page.orders:
            self._number += 1
            return self._number
        if len(self._sizes) > 1 and self._rewalks < MAX_REWALKS:
            # The list changed size while it was read: walk it again for what shifted past us.
            self._rewalks += 1
            self._sizes.clear()
            self._number = 1
            self._previous = frozenset()
            return 1
        return None

    def call(self, number: int) -> Call[Page]:
        body = self._operation.request(self._params, page_index=number, **self._filters)
        label = f"{self._operation.name} page {number}"
        return self._engine.call(self._operation, body, self.scope, label=label, context=number)

    def _not_paging(self, problem: str) -> HtxTransportError:
        return HtxTransportError(
            f"{self._operation.name}: {problem}; the server is not paging as HTX does, so the "
            "list was not read to the end"
        )

    def _check(self, page: Page, number: int) -> None:
        """The page is the one asked for, and its counts agree with each other."""
        if page.current_page != number:
            raise self._not_paging(f"asked for page {number}, got page {page.current_page}")
        if page.total_size < 0 or page.total_page < 0 or len(page.orders) > PAGE_SIZE:
            raise self._not_paging(
                f"page {number} says {page.total_size} orders in {page.total_page} pages "
                f"and holds {len(page.orders)}"
            )
        if page.total_page > max(1, -(-page.total_size // PAGE_SIZE)):
            raise self._not_paging(
                f"{page.total_page} pages claimed for {page.total_size} orders ({PAGE_SIZE} a page)"
            )

    def read(self, call: Call[Page]) -> Page:
        """The page a finished call read, or the error that kept it from being read."""
        outcome = call.outcome
        if isinstance(outcome, Answered):
            page = outcome.value
            self._check(page, call.context)
            if self.clock is None and page.server_time is not None:
                self.clock = (page.server_time, time.monotonic())
            return page
        if isinstance(outcome, Refused):
            raise outcome.error()
        if self.scope.error is not None:
            raise self.scope.error
        reason = "no outcome" if outcome is None else outcome.reason
        raise HtxTransportError(
            f"no readable answer to {call.label} after {call.attempts} attempt(s) ({reason})"
        )

    def fresh(self, page: Page) -> Iterator[TrailingOrder]:
        """The page's orders not yielded before."""
        for order in page.orders:
            if order.order_id not in self._seen:
                self._seen.add(order.order_id)
                self._fresh += 1
                yield order

    def iterate_sync(self) -> Iterator[TrailingOrder]:
        number: int | None = 1
        while number is not None:
            call = self.call(number)
            self._engine.run_call_sync(call)
            page = self.read(call)
            yield from self.fresh(page)
            number = self.next_page(page)

    async def iterate_async(self, before: Callable[[], None]) -> AsyncIterator[TrailingOrder]:
        """As ``iterate_sync``; ``before`` runs first, when the iteration starts."""
        before()
        number: int | None = 1
        while number is not None:
            call = self.call(number)
            await self._engine.run_call_async(call)
            page = self.read(call)
            for order in self.fresh(page):
                yield order
            number = self.next_page(page)


def plan_open_orders(
    engine: Engine,
    contract_code: object,
    *,
    margin_mode: object,
    pair: object,
    trade_type: object,
    params: Mapping[str, Any] | None = None,
) -> Listing:
    """Check the filters before any byte is sent; the listing starts when iterated."""
    contract = validate_contract(margin_mode, contract_code, pair=pair, required=False)
    kind = validate_trade_type(trade_type)
    filters: dict[str, Any] = {
        **contract.given(),
        "trade_type": UNSET if kind is None else kind,
        "page_size": PAGE_SIZE,
    }
    return Listing(engine, FAMILIES[contract.margin_mode].open_orders, filters, params)


def plan_history(
    engine: Engine,
    contract_code: object,
    *,
    margin_mode: object,
    pair: object,
    status: object,
    trade_type: object,
    days: object,
    sort_by: object,
    params: Mapping[str, Any] | None = None,
) -> Listing:
    """Check the filters before any byte is sent; the listing starts when iterated."""
    # HTX's cross history needs one of contract_code and pair (its description; see the spec).
    contract = validate_contract(margin_mode, contract_code, pair=pair)
    kind = validate_trade_type(trade_type)
    filters: dict[str, Any] = {
        **contract.given(),
        "status": _history_status(status),
        "trade_type": 0 if kind is None else kind,
        "create_date": MAX_HISTORY_DAYS if days is None else validate_days(days),
        "sort_by": UNSET if sort_by is None else validate_choice("sort_by", sort_by, SORT_BY),
        "page_size": PAGE_SIZE,
    }
    return Listing(engine, FAMILIES[contract.margin_mode].history, filters, params)


# The end states history can be filtered on; HTX's "0" means all of them.
_END_STATES = (
    TrailingOrderStatus.SUBMITTED,
    TrailingOrderStatus.SUBMIT_FAILED,
    TrailingOrderStatus.CANCELLED,
)


def _history_status(value: object) -> str:
    """HTX's comma-separated ``status`` filter: "0" for all end states, else e.g. "4,6"."""
    if value is None:
        return "0"
    items = [value] if isinstance(value, int) else value
    if not isinstance(items, Iterable) or isinstance(items, str | bytes):
        items = [items]
    wanted = []
    for item in items:
        if isinstance(item, bool) or item not in _END_STATES:
            names = ", ".join(state.name for state in _END_STATES)
            raise InvalidRequestError(
                f"status must be one or more of TrailingOrderStatus.{names} (or None for all); "
                f"got {item!r}"
            )
        wanted.append(int(cast(int, item)))
    if not wanted:
        raise InvalidRequestError("status is empty; pass None for every end state")
    return ",".join(str(state) for state in sorted(set(wanted)))
