"""Cancel by ID as a layer over the engine: chunks of at most 10 IDs, one outcome per order.

The engine runs each chunk's call; this layer only says what a finished call means for the
chunk's orders. A reply settles only the IDs its own request carried.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

from ._engine import Answered, Call, Engine, Refused, Scope
from ._errors import CancellationInterrupted
from ._operations import CancelAnswer, Operation
from ._results import CancelResult, OrderFailure, _ResultBuilder
from ._validation import chunk_order_ids

__all__ = ["CancelBatch", "Progress"]

logger = logging.getLogger("htx_swap")

# progress(settled, total): how many orders are settled (cancelled or failed) so far, of all.
Progress = Callable[[int, int], None]


class CancelBatch:
    """One cancel of any number of IDs: its chunks, its result so far, and its scope."""

    def __init__(
        self,
        engine: Engine,
        operation: Operation[CancelAnswer],
        order_ids: tuple[str, ...],
        body_for: Callable[[tuple[str, ...]], Any],
        progress: Progress | None = None,
    ) -> None:
        self.scope = Scope()
        self.result = _ResultBuilder(order_ids)
        self.chunks = chunk_order_ids(order_ids)
        self._engine = engine
        self._operation = operation
        self._body_for = body_for
        self._progress = progress
        self._settled = 0
        self._lock = threading.Lock()

    def calls(self) -> Iterator[Call[CancelAnswer]]:
        for chunk in self.chunks:
            yield self._engine.call(
                self._operation,
                self._body_for(chunk),
                self.scope,
                label=f"{self._operation.name} {len(chunk)} order(s)",
                context=chunk,
            )

    def on_done(self, call: Call[Any]) -> None:
        """Record what the chunk's own call said about the chunk's own orders."""
        chunk: tuple[str, ...] = call.context
        outcome = call.outcome
        settled = 0
        if isinstance(outcome, Answered):
            settled = self._record(chunk, outcome.value)
        elif isinstance(outcome, Refused):
            # A definitive answer for the whole chunk: HTX refused it, so none was cancelled.
            self.result.record_failed(
                OrderFailure(order_id, outcome.err_code, outcome.err_msg) for order_id in chunk
            )
            settled = len(chunk)
        if self._progress is not None and not call.cut_short:
            with self._lock:
                self._settled += settled
                self._progress(self._settled, len(self.result.order_ids))

    def _record(self, chunk: tuple[str, ...], answer: CancelAnswer) -> int:
        """Record the answer for the chunk's own orders; return how many it settled."""
        asked = frozenset(chunk)
        strangers = [
            order_id
            for order_id in (*answer.cancelled, *(f.order_id for f in answer.failures))
            if order_id not in asked
        ]
        if strangers:
            logger.warning(
                "HTX's reply named orders its request did not carry; ignored: %s",
                ", ".join(strangers),
            )
        cancelled = [order_id for order_id in answer.cancelled if order_id in asked]
        failures = [failure for failure in answer.failures if failure.order_id in asked]
        self.result.record_cancelled(cancelled)
        self.result.record_failed(failures)
        answered = {*cancelled, *(failure.order_id for failure in failures)}
        if silent := [order_id for order_id in chunk if order_id not in answered]:
            logger.warning(
                "HTX's reply did not mention %d order(s); they stay unresolved", len(silent)
            )
        return len(answered)

    def finish(self) -> CancelResult:
        """The result, or the error that stopped the batch carrying the result so far."""
        result = self.result.build()
        error = self.scope.error
        if error is not None:
            error.result = result
            raise error
        return result

    def interrupted(self) -> CancellationInterrupted:
        """What to raise when Ctrl-C stops the batch: what was settled, the rest unresolved."""
        return CancellationInterrupted(self.result.build())
