"""What a batched cancellation did to each order."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

from attrs import frozen

__all__ = ["CancelAllResult", "CancelResult", "OrderFailure", "_ResultBuilder"]


@frozen
class OrderFailure:
    """One order HTX refused to cancel, with HTX's per-order error."""

    order_id: str
    err_code: int
    err_msg: str


@frozen
class CancelResult:
    """Every requested order ID, in exactly one of four buckets, in input order.

    ``cancelled``: HTX confirmed the cancellation (including 1071, "already cancelled").
    ``failed``: HTX answered with an error, for the order (for example 1061, "doesn't exist")
    or for the whole request that carried it (for example 403, a refused key, or 1014, an
    unknown contract): either way this call did not cancel it.
    ``not_sent``: the batch stopped before a request carrying the order reached HTX (or its
    request provably never got through): this call did not touch it.
    ``unresolved``: a request carrying the order may have been applied, but no definitive
    answer arrived; the order may or may not be cancelled: query it before acting on it.
    """

    cancelled: tuple[str, ...] = ()
    failed: tuple[OrderFailure, ...] = ()
    unresolved: tuple[str, ...] = ()
    not_sent: tuple[str, ...] = ()

    @property
    def all_cancelled(self) -> bool:
        """True iff no order failed, was not sent or is unresolved.

        Like ``all()``, a result with no orders at all is all-cancelled; the client never
        produces one, because it rejects an empty list of order IDs before sending.
        """
        return not self.failed and not self.unresolved and not self.not_sent


@frozen
class CancelAllResult:
    """What one cancel-all did: the orders HTX said it cancelled, and those it refused.

    ``complete`` is False when an attempt's reply was lost and the answer that came later can't
    account for what that attempt did: orders may have been cancelled that ``cancelled`` doesn't
    list. List the open orders before acting on an incomplete result.
    """

    cancelled: tuple[str, ...] = ()
    failed: tuple[OrderFailure, ...] = ()
    complete: bool = True


class _ResultBuilder:
    """Thread-safe accumulator of per-order answers for one batched cancellation.

    Only the orders given at construction are tracked; IDs HTX reports that were not
    asked for are ignored (and returned by the ``record_*`` methods, for logging).
    An order recorded more than once keeps its best-known state:

    - a cancellation is final: a later failure (say, 1061 on a retry after a lost
      reply, because the order is already gone) never overturns it;
    - a later failure replaces an earlier failure, and a later cancellation
      replaces an earlier failure.

    Orders never recorded are ``unresolved``: none is put in a bucket on a guess. An order is
    ``not_sent`` only when recorded so, and nothing else was recorded for it.
    """

    def __init__(self, order_ids: Sequence[str]) -> None:
        # dict keeps input order and drops repeated IDs, first occurrence kept.
        self._order_ids: tuple[str, ...] = tuple(dict.fromkeys(order_ids))
        self._known = frozenset(self._order_ids)
        self._cancelled: set[str] = set()
        self._failed: dict[str, OrderFailure] = {}
        self._not_sent: set[str] = set()
        self._lock = threading.Lock()

    @property
    def order_ids(self) -> tuple[str, ...]:
        """The distinct order IDs being tracked, in input order."""
        return self._order_ids

    def record_cancelled(self, order_ids: Iterable[str]) -> tuple[str, ...]:
        """Mark orders cancelled; return the IDs that were not being tracked."""
        if not isinstance(order_ids, list | tuple):
            order_ids = list(order_ids)
        unknown: list[str] = []
        with self._lock:
            if not self._failed and self._known.issuperset(order_ids):
                self._cancelled.update(order_ids)  # the common case: one C call
                return ()
            for order_id in order_ids:
                if order_id not in self._known:
                    unknown.append(order_id)
                    continue
                self._cancelled.add(order_id)
                self._failed.pop(order_id, None)
        return tuple(unknown)

    def record_failed(self, failures: Iterable[OrderFailure]) -> tuple[str, ...]:
        """Record per-order failures; return the IDs that were not being tracked."""
        unknown: list[str] = []
        with self._lock:
            for failure in failures:
                if failure.order_id not in self._known:
                    unknown.append(failure.order_id)
                    continue
                if failure.order_id not in self._cancelled:
                    self._failed[failure.order_id] = failure
        return tuple(unknown)

    def record_not_sent(self, order_ids: Iterable[str]) -> None:
        """Mark orders that no request reached HTX with (their chunk was never sent)."""
        with self._lock:
            self._not_sent.update(order_id for order_id in order_ids if order_id in self._known)

    def build(self) -> CancelResult:
        """Snapshot the result so far; anything not yet recorded is unresolved."""
        cancelled: list[str] = []
        failed: list[OrderFailure] = []
        unresolved: list[str] = []
        not_sent: list[str] = []
        with self._lock:
            if len(self._cancelled) == len(self._order_ids):  # every one (a subset of them)
                return CancelResult(cancelled=self._order_ids)
            for order_id in self._order_ids:
                if order_id in self._cancelled:
                    cancelled.append(order_id)
                elif order_id in self._failed:
                    failed.append(self._failed[order_id])
                elif order_id in self._not_sent:
                    not_sent.append(order_id)
                else:
                    unresolved.append(order_id)
        return CancelResult(
            cancelled=tuple(cancelled),
            failed=tuple(failed),
            unresolved=tuple(unresolved),
            not_sent=tuple(not_sent),
        )
