"""Cancelling as layers over the engine: by ID in chunks of at most 10, or all in one request.

The engine runs each call; these layers only say what a finished call means for the orders. A
reply settles only the IDs its own request carried.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from htx_swap_client.types import UNSET

from ._codes import HtxCode
from ._engine import Answered, Call, Engine, Refused, Scope, Work
from ._errors import CancellationInterrupted, InvalidRequestError
from ._operations import FAMILIES, Operation
from ._replies import CancelAnswer
from ._results import CancelAllResult, CancelResult, OrderFailure, _ResultBuilder
from ._validation import (
    CANCEL_ALL_OFFSETS,
    DIRECTIONS,
    chunk_order_ids,
    normalize_order_ids,
    validate_choice,
    validate_contract,
)

__all__ = ["CancelAll", "CancelBatch", "Progress", "plan_cancel", "plan_cancel_all"]

logger = logging.getLogger("htx_swap")

# progress(settled, total): how many orders are settled (cancelled or failed) so far, of all.
Progress = Callable[[int, int], None]


class CancelBatch(Work[CancelResult]):
    """One cancel of any number of IDs: its chunks, its result so far, and its scope."""

    def __init__(
        self,
        engine: Engine,
        operation: Operation[object, object, CancelAnswer],
        order_ids: tuple[str, ...],
        body_for: Callable[[tuple[str, ...]], Any],
        progress: Progress | None = None,
    ) -> None:
        self.scope = Scope()
        self.result = _ResultBuilder(order_ids)
        self.chunks = chunk_order_ids(order_ids)
        self.operation = operation
        self._engine = engine
        self._body_for = body_for
        self._progress = progress
        self._settled = 0
        self._lock = threading.Lock()
        self._taken = 0
        """Chunks handed out as calls; the rest were never sent."""
        self.first_body: Any = None
        """The first chunk's body, if built already (by the plan, checking ``params``)."""

    def calls(self) -> Iterator[Call[CancelAnswer]]:
        for index, chunk in enumerate(self.chunks):
            self._taken += 1  # the engine takes calls one at a time, under its lock
            body = self.first_body if index == 0 and self.first_body is not None else None
            yield self._engine.call(
                self.operation,
                self._body_for(chunk) if body is None else body,
                self.scope,
                label=f"{self.operation.name} {len(chunk)} order(s)",
                context=chunk,
            )

    def workers(self) -> int:
        if len(self.chunks) == 1:
            return 1
        return self._engine.in_flight(self.operation, len(self.chunks))

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
        elif not call.maybe_applied:
            # No attempt may have been applied: HTX refused the request at the door (say, a
            # refused key), or none reached HTX. Either way this call changed nothing.
            refusal = call.refusal
            if refusal is not None:
                self.result.record_failed(
                    OrderFailure(order_id, refusal.err_code, refusal.err_msg) for order_id in chunk
                )
            else:
                self.result.record_not_sent(chunk)
        if self._progress is not None and not call.cut_short:
            with self._lock:
                self._settled += settled
                self._progress(self._settled, len(self.result.order_ids))

    def _record(self, chunk: tuple[str, ...], answer: CancelAnswer) -> int:
        """Record the answer for the chunk's own orders; return how many it settled."""
        if answer.cancelled == chunk and not answer.failures:
            # The common answer: every order cancelled, as asked. Nothing to sort out.
            self.result.record_cancelled(chunk)
            return len(chunk)
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

    def _untaken(self) -> None:
        """The chunks no call was made for: never sent."""
        for chunk in self.chunks[self._taken :]:
            self.result.record_not_sent(chunk)

    def finish(self, found: object = None) -> CancelResult:
        """The result, or the error that stopped the batch carrying the result so far."""
        self._untaken()
        result = self.result.build()
        error = self.scope.error
        if error is not None:
            error.result = result
            raise error
        return result

    def interrupted(self, interrupt: KeyboardInterrupt | None = None) -> CancellationInterrupted:
        """What to raise when Ctrl-C stops the batch: what was settled, what was never sent,
        the rest unresolved."""
        self._untaken()
        return CancellationInterrupted(self.result.build())


def plan_cancel(
    engine: Engine,
    contract_code: object,
    order_ids: object,
    *,
    margin_mode: object,
    pair: object,
    contract_type: object,
    progress: Progress | None,
    params: Mapping[str, Any] | None = None,
) -> CancelBatch:
    """Check the input before any byte is sent, and plan its chunks of at most 10."""
    if progress is not None and not callable(progress):
        raise InvalidRequestError(f"progress must be callable, got {progress!r}")
    contract = validate_contract(
        margin_mode, contract_code, pair=pair, contract_type=contract_type, pair_needs_type=True
    )
    ids = normalize_order_ids(order_ids)
    operation = FAMILIES[contract.margin_mode].cancel

    given = contract.given()

    def body(chunk: tuple[str, ...]) -> Any:
        return operation.request(params, order_id=",".join(chunk), **given)

    batch = CancelBatch(engine, operation, ids, body, progress)
    batch.first_body = body(batch.chunks[0])  # params are checked now, before any byte is sent
    return batch


class CancelAll(Work[CancelAllResult]):
    """One cancel-all: a single request, whatever the count; repeated only after a lost reply."""

    def __init__(
        self, engine: Engine, operation: Operation[object, object, CancelAnswer], body: Any
    ) -> None:
        self.scope = Scope()
        self.call: Call[CancelAnswer] = engine.call(
            operation, body, self.scope, label=operation.name
        )

    def calls(self) -> Iterator[Call[CancelAnswer]]:
        yield self.call

    def finish(self, found: object = None) -> CancelAllResult:
        """What HTX said it cancelled; ``complete`` only if no earlier reply went missing."""
        outcome = self.call.outcome
        complete = not self.call.maybe_applied
        if isinstance(outcome, Answered):
            answer = outcome.value
            return CancelAllResult(answer.cancelled, answer.failures, complete)
        if isinstance(outcome, Refused):
            if outcome.err_code == HtxCode.NO_ORDERS_TO_CANCEL:
                return CancelAllResult(complete=complete)
            raise outcome.error()
        error = self.scope.error
        if error is not None and not self.call.maybe_applied:
            raise error
        if error is not None:
            # A later attempt was refused or couldn't get through, after one that may have
            # cancelled everything: that says nothing of the orders, so no error claims it.
            logger.warning(
                "%s: %s after an attempt whose reply was lost; what it cancelled is unknown",
                self.call.label,
                error,
            )
        # Gave up after lost or unreadable replies: something may have been cancelled.
        return CancelAllResult(complete=False)


def plan_cancel_all(
    engine: Engine,
    contract_code: object,
    *,
    margin_mode: object,
    pair: object,
    contract_type: object,
    direction: object,
    offset: object,
    params: Mapping[str, Any] | None = None,
) -> CancelAll:
    """Check the filters before any byte is sent."""
    contract = validate_contract(
        margin_mode, contract_code, pair=pair, contract_type=contract_type, pair_needs_type=True
    )
    filters: dict[str, Any] = {
        "direction": UNSET
        if direction is None
        else validate_choice("direction", direction, DIRECTIONS),
        "offset": UNSET
        if offset is None
        else validate_choice("offset", offset, CANCEL_ALL_OFFSETS),
    }
    operation = FAMILIES[contract.margin_mode].cancel_all
    body = operation.request(params, **contract.given(), **filters)
    return CancelAll(engine, operation, body)
