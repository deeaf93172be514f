"""The one request path every HTX operation goes through.

Three parts, as in openai-python's request loop but split so that sync and async share the rules:

- ``Call`` is the sans-I/O core: the attempts at one request of one operation. It judges each
  attempt's outcome (a reply of either envelope, an HTTP status, a lost or unreadable reply) and
  says what next: settled, retry after a delay, or stop. Retries follow the operation's retry
  safety: an idempotent operation is repeated after any failure; one that is not (placing an
  order) only when the attempt provably did not reach HTX.
- ``Engine`` sends: it paces each attempt on the operation's per-interface limiter and its pool's,
  marks what went out on the wire (``_wire``), sleeps between attempts, and drives many calls at
  once, with threads (``run_sync``) or an ``asyncio.TaskGroup`` (``run_async``).
- ``Scope`` is what the calls of one public method share: once it is stopped (an error that fails
  every request alike, or the caller going away), no call sends anything more.

What each operation does with its result (per-order outcomes, pages) is a layer on top: the
engine hands back each finished ``Call`` with its ``outcome``.
"""

from __future__ import annotations

import contextlib
import logging
import math
import random
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import httpx
from attrs import field, frozen

from htx_swap_client import Client
from htx_swap_client.types import Response

from ._codes import (
    AUTH_CODES,
    NOT_EXECUTED_CODES,
    RETRY_LATER_CODES,
    HtxCode,
    normalize_code,
)
from ._errors import (
    AUTH_HTTP_STATUSES,
    CancellationInterrupted,
    HtxApiError,
    HtxError,
    HtxTransportError,
)
from ._operations import Operation, Pool, PoolLimit, RetrySafety, UnreadableReply
from ._pacing import Limiter, SlidingWindowLimiter, hold_if_nearly_spent
from ._replies import ReadReply, server_time
from ._retry import RETRY_HINT_MAX, is_retryable_status, retry_delay
from ._send import send_async, send_sync
from ._wire import AttemptTrace, current_attempt, redact_error

if TYPE_CHECKING:
    import asyncio

    from htx_swap_client.models import ErrorReply

    from ._auth import HtxAuth
    from ._store import RateLimitStore, SharedLimiter

# asyncio is imported where it is used: `import htx_swap` stays cheap for sync users.

__all__ = [
    "ASSUMED_ROUND_TRIP",
    "MAX_IN_FLIGHT",
    "MIN_IN_FLIGHT",
    "Answered",
    "AsyncSender",
    "Call",
    "Engine",
    "Job",
    "Lookup",
    "Outcome",
    "Refused",
    "Scope",
    "SyncSender",
    "Unsettled",
    "Waits",
    "Work",
]

logger = logging.getLogger("htx_swap")

T = TypeVar("T")
R = TypeVar("R")

# The generated parser's errors on a body that is neither envelope (HTML, truncated JSON, wrong
# shapes, JSON nested too deep for Python's decoder, numbers too big for a float). Caught only
# around a reply that arrived: anywhere else they are bugs, and propagate.
_PARSE_ERRORS = (
    ValueError,
    TypeError,
    LookupError,
    AttributeError,
    ArithmeticError,
    RecursionError,
)
# Failures that prove nothing was sent: no connection was made.
_NEVER_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ProxyError,
    httpx.UnsupportedProtocol,
)

# Calls in flight at once (threads, or tasks) for a batch: as many as the limiters let start
# within one round trip, so that every slot of every window finds a caller ready (a window's
# whole capacity goes at once, as the fastest schedule has it), and no more: each one beyond
# that only waits, and costs CPU (GIL hand-offs, httpcore's pool scans, asyncio's task probes).
# At least MIN_IN_FLIGHT (when there are that many calls); never more than MAX_IN_FLIGHT, which
# bounds the threads a high rate could ask for. With nothing to pace (no rate), the CPU is the
# limit: MIN_IN_FLIGHT overlap the network with the client's own work. (Measured, unlimited
# sandbox: 32 tasks 3,600 IDs/s, 4 tasks 8,300.)
MIN_IN_FLIGHT = 4
MAX_IN_FLIGHT = 32
# The round trip assumed until one is observed: a second, which with the headroom below gives
# twice a window's capacity (the fixed ceil(2R) before sizing): a client's first batch never
# runs short of callers.
ASSUMED_ROUND_TRIP = 1.0
# Jitter: a caller must be back before its next slot opens even when its reply is slow.
_ROUND_TRIP_HEADROOM = 1.5
# Weight of each new round trip in the running estimate (an exponentially weighted mean).
_ROUND_TRIP_WEIGHT = 0.2


class AsyncSender(Protocol):
    """Sends one async attempt of an operation with its body, tracing it on ``attempt``."""

    def __call__(
        self, operation: Operation[Any, Any, Any], body: Any, attempt: AttemptTrace, /
    ) -> Awaitable[Response[Any]]: ...


class SyncSender(Protocol):
    """Sends one sync attempt of an operation with its body, tracing it on ``attempt``."""

    def __call__(
        self, operation: Operation[Any, Any, Any], body: Any, attempt: AttemptTrace, /
    ) -> Response[Any]: ...


class Waits:
    """How the engine tells time and waits. Tests pass one that runs on virtual time."""

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float, wake: threading.Event) -> None:
        """Sleep ``seconds``, or less if ``wake`` is set (the call's scope stopped)."""
        wake.wait(seconds)

    async def sleep_async(self, seconds: float, wake: asyncio.Event) -> None:
        import asyncio

        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), seconds)


# --- outcomes -----------------------------------------------------------------------------------


@frozen
class Answered(Generic[T]):
    """HTX processed the request; ``value`` is the operation's reading of the ok reply."""

    value: T


@frozen
class Refused:
    """HTX refused the request as a whole, and no attempt of it may have been applied."""

    err_code: int
    err_msg: str
    response: httpx.Response | None = field(default=None, eq=False, repr=False)
    """The reply that said so (its ``request`` is the one refused)."""

    def error(self) -> HtxApiError:
        """The refusal as the typed error a caller gets."""
        response = self.response
        return HtxApiError.for_code(
            self.err_code,
            self.err_msg,
            request=None if response is None else response.request,
            response=response,
        )


@frozen
class Unsettled:
    """No definitive answer: the call gave up, or its scope stopped it.

    ``maybe_applied``: an attempt may have reached HTX (and been acted on) without an answer.
    """

    reason: str
    maybe_applied: bool


Outcome = Answered[T] | Refused | Unsettled


class Scope:
    """What the calls of one public method share: whether to go on, and the error that stopped."""

    def __init__(self) -> None:
        self.error: HtxError | None = None
        self._abandoned = False
        self._lock = threading.Lock()
        self._wake: threading.Event | None = None
        self._wake_async: asyncio.Event | None = None

    @property
    def stopped(self) -> bool:
        """No new call or attempt starts."""
        return self.error is not None or self._abandoned

    def stop(self, error: HtxError) -> None:
        """Stop sending; the first error is the one raised."""
        with self._lock:
            if self.error is None:
                self.error = error
        self._wake_all()

    def abandon(self) -> None:
        """The caller went away (Ctrl-C, a failing callback, a cancelled task)."""
        self._abandoned = True
        self._wake_all()

    @property
    def wake(self) -> threading.Event:
        """Set once stopped: a thread sleeping between attempts returns at once. Made on first
        use (most calls never wait), set at once if the scope has stopped already."""
        wake = self._wake
        if wake is None:
            with self._lock:
                if self._wake is None:
                    self._wake = threading.Event()
                    if self.stopped:
                        self._wake.set()
                wake = self._wake
        return wake

    def wake_async(self) -> asyncio.Event:
        """The asyncio twin of ``wake``, for the running loop."""
        if self._wake_async is None:
            import asyncio

            self._wake_async = asyncio.Event()
            if self.stopped:
                self._wake_async.set()
        return self._wake_async

    def _wake_all(self) -> None:
        with self._lock:
            wake = self._wake
        if wake is not None:
            wake.set()
        if self._wake_async is not None:
            self._wake_async.set()


class Job(Protocol):
    """A layer's work for the engine: its scope, its calls, and what to do as each finishes."""

    scope: Scope

    def calls(self) -> Iterator[Call[Any]]: ...

    def on_done(self, call: Call[Any]) -> None: ...


class Lookup(Protocol):
    """A read the engine makes after a job when its outcome is unknown (the open orders a lost
    placement could be), as ``Listing`` iterates."""

    def iterate_sync(self) -> Iterator[Any]: ...

    def iterate_async(self, before: Callable[[], None]) -> AsyncIterator[Any]: ...


class Work(Generic[R]):
    """A job of one public method, from its planned calls to its result: what
    ``Engine.complete_sync`` / ``complete_async`` need besides the calls. Defaults: one call at a
    time, Ctrl-C raised as it is, no follow-up read."""

    scope: Scope

    def calls(self) -> Iterator[Call[Any]]:
        raise NotImplementedError

    def on_done(self, call: Call[Any]) -> None:
        """A call finished (its ``outcome`` is set)."""

    def workers(self) -> int:
        """Calls to keep in flight at once."""
        return 1

    def interrupted(self, interrupt: KeyboardInterrupt) -> BaseException:
        """What to raise when the caller is interrupted (Ctrl-C) while the calls run."""
        return interrupt

    def follow_up(self) -> Lookup | None:
        """A read to make before finishing, when the outcome needs one; None: finish at once."""
        return None

    def finish(self, found: list[Any] | None) -> R:
        """The method's result, or its error; ``found``: what ``follow_up`` read (None if there
        was none, or it failed)."""
        raise NotImplementedError


# --- the attempt core (no I/O) ------------------------------------------------------------------


class Call(Generic[T]):
    """The attempts at one request of one operation: judges each, says whether and when to retry.

    ``outcome`` is set once the call is done. ``context`` is the layer's own (say, the chunk of
    order IDs the request carries), passed through untouched.
    """

    def __init__(
        self,
        engine: Engine,
        operation: Operation[Any, Any, T],
        body: Any,
        scope: Scope,
        *,
        label: str,
        context: Any = None,
    ) -> None:
        self.operation = operation
        self.body = body
        self.scope = scope
        self.label = label
        self.context = context
        self.outcome: Outcome[T] | None = None
        self.attempts = 0
        self.maybe_applied = False
        """Some attempt may have reached HTX without a definitive answer."""
        self.cut_short = False
        """The scope stopped the call before it was done with."""
        self.refusal: Refused | None = None
        """HTX's latest refusal of an attempt as a whole, at the door (nothing of it was done):
        with ``maybe_applied`` False, the call is known to have changed nothing."""
        self._engine = engine
        self._retries = 0
        self._clock_corrected = False

    # Each judge_* returns the seconds to wait before the next attempt, or None when done.

    def judge_reply(
        self, response: Response[Any], attempt: AttemptTrace, latency: float
    ) -> float | None:
        """Judge a reply the generated parser read (either envelope, or an HTTP status)."""
        self._engine.observe_limits(self.operation, response.headers)
        reply = response.parsed
        if isinstance(reply, ReadReply):  # an ok reply, read in one pass as it was decoded
            self._log(latency, "answered")
            self.outcome = Answered(reply.value)
            return None
        if isinstance(reply, self.operation.reply_type):
            try:
                value = self.operation.read(reply)
            except (UnreadableReply, *_PARSE_ERRORS) as error:
                problem = error if isinstance(error, UnreadableReply) else type(error).__name__
                return self._lost(f"unreadable reply ({problem})", latency, reached=True)
            self._log(latency, "answered")
            self.outcome = Answered(value)
            return None
        from htx_swap_client.models import ErrorReply  # loaded with the first reply (_operations)

        if isinstance(reply, ErrorReply):
            return self._judge_error_envelope(reply, response.headers, attempt, latency)
        status = int(response.status_code)
        if is_retryable_status(status):
            return self._lost(f"HTTP {status}", latency, reached=True, headers=response.headers)
        self._log(latency, f"HTTP {status}")
        http = attempt.response
        request = None if http is None else http.request
        if status in AUTH_HTTP_STATUSES:
            # A gateway refused the key or the address: nothing reached HTX.
            self.scope.stop(
                HtxApiError.for_status(
                    status,
                    f"unexpected HTTP {status} from {self._engine.base_url}",
                    request=request,
                    response=http,
                )
            )
            self.outcome = Unsettled(f"HTTP {status}", self.maybe_applied)
            return None
        # Any other status HTX doesn't send (201, 202, 3xx, 404...) proves nothing about what
        # was done with a request that went out: the outcome is unknown, not a refusal. Every
        # request would meet the same answer, so nothing more is sent.
        self.maybe_applied = True
        self.scope.stop(
            HtxTransportError(
                f"unexpected HTTP {status} from {self._engine.base_url}: "
                "what the request did is unknown",
                request=request,
                response=http,
            )
        )
        self.outcome = Unsettled(f"HTTP {status}", True)
        return None

    def judge_failure(
        self, error: Exception, attempt: AttemptTrace, latency: float
    ) -> float | None:
        """Judge an attempt that got no readable reply: lost in transit, or unparseable."""
        if attempt.response is not None and not isinstance(error, httpx.TransportError):
            return self._lost(f"unreadable reply ({type(error).__name__})", latency, reached=True)
        reached = _may_have_reached(error, attempt)
        return self._lost(
            type(error).__name__,
            latency,
            reached=reached,
            unreachable=None if reached else error,
        )

    def stop_unsent(self) -> None:
        """The scope stopped before the next attempt went out."""
        self.cut_short = True
        self.outcome = Unsettled("stopped before sending", self.maybe_applied)

    def _judge_error_envelope(
        self,
        reply: ErrorReply,
        headers: Mapping[str, str],
        attempt: AttemptTrace,
        latency: float,
    ) -> float | None:
        code = normalize_code(reply.err_code)
        if code is None:
            return self._lost("unreadable reply (err_code)", latency, reached=True)
        message = reply.err_msg if isinstance(reply.err_msg, str) else ""
        server_now = server_time(reply.ts)
        if code == HtxCode.TIMESTAMP_OUT_OF_WINDOW and not self._clock_corrected:
            if server_now is None:
                return self._lost("unreadable reply (ts)", latency, reached=True)
            # Our clock is off by minutes: adopt HTX's and try once more, at once. Refused at
            # the door, so this is safe even for an order placement.
            self._clock_corrected = True
            offset = self._engine.auth.correct_clock(int(server_now * 1000))
            self._log(latency, f"HTX {code}; clock corrected by {offset.total_seconds():+.1f}s")
            return 0.0
        http = attempt.response
        request = None if http is None else http.request
        if code in AUTH_CODES or code == HtxCode.CONTRACT_NOT_FOUND:
            # These fail every request alike: stop rather than repeat them.
            self._log(latency, f"HTX {code}")
            self.refusal = Refused(code, message, http)
            self.scope.stop(HtxApiError.for_code(code, message, request=request, response=http))
            self.outcome = Unsettled(f"HTX {code}", self.maybe_applied)
            return None
        if code in RETRY_LATER_CODES:
            if code == HtxCode.RATE_LIMITED:
                self._engine.rate_limited(self.operation)
            if code in NOT_EXECUTED_CODES:
                self.refusal = Refused(code, message, http)
            return self._lost(
                f"HTX {code}",
                latency,
                reached=code not in NOT_EXECUTED_CODES,
                headers=headers,
                server_now=server_now,
                refusal=HtxApiError.for_code(code, message, request=request, response=http),
            )
        self._log(latency, f"HTX {code}")
        if self.maybe_applied:
            # A refusal of this attempt says nothing of an earlier one that may have been
            # applied (a cancel whose reply was lost): no definitive answer.
            self.outcome = Unsettled(f"HTX {code} after a lost reply", True)
            return None
        self.outcome = Refused(code, message, http)
        return None

    def _lost(
        self,
        outcome: str,
        latency: float,
        *,
        reached: bool,
        headers: Mapping[str, str] | None = None,
        server_now: float | None = None,
        refusal: HtxApiError | None = None,
        unreachable: Exception | None = None,
    ) -> float | None:
        """No definitive answer from this attempt: retry if safe and allowed, else give up."""
        self._log(latency, outcome)
        if reached:
            self.maybe_applied = True
        if self.scope.stopped:
            self.cut_short = True
            self.outcome = Unsettled(outcome, self.maybe_applied)
            return None
        if self.operation.safety is RetrySafety.NOT_IDEMPOTENT and self.maybe_applied:
            # It may have been done: doing it again could do it twice.
            self.outcome = Unsettled(outcome, True)
            return None
        engine = self._engine
        if self._retries < engine.max_retries:
            delay = retry_delay(
                self._retries + 1,
                headers=headers,
                rng=engine.rng,
                server_now=engine.server_now() if server_now is None else server_now,
            )
            if delay is not None:
                self._retries += 1
                return delay
            outcome = f"{outcome}; asked to wait over {RETRY_HINT_MAX:g} s"
        logger.warning(
            "giving up on %s after %d attempt(s) (%s): no definitive answer",
            self.label,
            self.attempts,
            outcome,
        )
        if refusal is not None:
            # HTX kept saying "try later" (1032, 1004, 1000): stop, as it will say so again.
            self.scope.stop(refusal)
        elif unreachable is not None:
            failure = HtxTransportError(
                f"cannot reach {engine.base_url}: {type(unreachable).__name__}",
                request=_request_of(unreachable),
            )
            redact_error(unreachable)
            failure.__cause__ = unreachable
            self.scope.stop(failure)
        self.outcome = Unsettled(outcome, self.maybe_applied)
        return None

    def _log(self, latency: float, outcome: str) -> None:
        logger.debug(
            "%s: attempt %d -> %s in %.0f ms", self.label, self.attempts, outcome, latency * 1000
        )


def _may_have_reached(error: BaseException, attempt: AttemptTrace) -> bool:
    """Whether a failed attempt's request may have reached HTX (and been acted on)."""
    if attempt.body_sent:
        return True
    if isinstance(error, _NEVER_SENT):
        return False
    # httpcore reported the request starting but never finishing: an incomplete request is not
    # executed. Without a trace (another transport), nothing proves it wasn't.
    return not attempt.headers_started


def _request_of(error: Exception) -> httpx.Request | None:
    try:
        return error.request if isinstance(error, httpx.RequestError) else None
    except RuntimeError:  # httpx raises when the error was made without its request
        return None


# --- the drivers --------------------------------------------------------------------------------


class Engine:
    """Sends calls: pacing, the attempt loop, and many calls at once. One per client."""

    def __init__(
        self,
        *,
        generated: Client,
        auth: HtxAuth,
        base_url: str,
        timeout: float,
        max_retries: int,
        max_requests_per_second: float | None,
        pools: Mapping[Pool, PoolLimit] | None,
        waits: Waits,
        rate_limit_store: RateLimitStore | None = None,
    ) -> None:
        self.generated = generated
        self.auth = auth
        self.base_url = base_url
        self.timeout = timeout
        self.max_retries = max_retries
        self.waits = waits
        self.rng = random.Random()  # noqa: S311 - jitter, not cryptography
        self._max_requests_per_second = max_requests_per_second
        self._interface_limiters: dict[str, SlidingWindowLimiter] = {}
        self._pool_limiters = {
            pool: SlidingWindowLimiter.per_window(
                limit.requests, limit.seconds, clock=waits.monotonic
            )
            for pool, limit in (pools or {}).items()
        }
        self.rate_limit_store = rate_limit_store
        self._shared_limiters: dict[str, SharedLimiter] = {}
        self._lock = threading.Lock()
        self.round_trip: float | None = None
        """Seconds from an attempt's start to its reply, a running mean; None until seen."""
        self.sender: AsyncSender | None = None
        """Sends an async attempt instead of the generated client's httpx path (aiohttp)."""
        self.sync_sender: SyncSender | None = None
        """Sends a sync attempt instead of the generated client's httpx path (h11)."""

    def observe_round_trip(self, seconds: float) -> None:
        """Fold one answered attempt's round trip into the estimate."""
        previous = self.round_trip
        self.round_trip = (
            seconds if previous is None else previous + _ROUND_TRIP_WEIGHT * (seconds - previous)
        )

    def in_flight(self, operation: Operation[Any, Any, Any], calls: int) -> int:
        """How many of ``calls`` calls of ``operation`` to keep in flight at once."""
        limiters = self.limiters(operation)
        if not limiters:
            wanted = MIN_IN_FLIGHT
        else:
            round_trip = ASSUMED_ROUND_TRIP if self.round_trip is None else self.round_trip
            # Within any span of one round trip, a limiter lets at most its capacity start per
            # window the span touches: that many callers keep it busy.
            wanted = min(
                limiter.capacity * math.ceil(round_trip * _ROUND_TRIP_HEADROOM / limiter.window)
                for limiter in limiters
            )
        return max(1, min(calls, max(MIN_IN_FLIGHT, min(MAX_IN_FLIGHT, wanted))))

    def call(
        self,
        operation: Operation[Any, Any, T],
        body: Any,
        scope: Scope,
        *,
        label: str,
        context: Any = None,
    ) -> Call[T]:
        """A call of ``operation`` with ``body``, to be run in ``scope``."""
        return Call(self, operation, body, scope, label=label, context=context)

    def server_now(self) -> float:
        """HTX's clock as far as we know it: ours, corrected by the signing offset."""
        return time.time() + self.auth.clock_offset.total_seconds()

    def limiters(self, operation: Operation[Any, Any, Any]) -> tuple[Limiter, ...]:
        """The limiters an attempt of ``operation`` waits for: its interface's, then its pool's;
        with a shared store, one limiter booking both there."""
        local = self._local_limiters(operation)
        store = self.rate_limit_store
        if store is None or not local:
            return local
        with self._lock:
            shared = self._shared_limiters.get(operation.path)
            if shared is None:
                from ._store import SharedLimiter

                # Load the generated module now, not between a reserved slot and its request:
                # a first request that leaves late crowds the slots others reserved after it.
                operation.send  # noqa: B018 - imported on first access
                # Named as _local_limiters finds them: the interface's, then the pool's.
                names = [f"pool:{operation.pool}"] if operation.pool in self._pool_limiters else []
                if len(local) > len(names):
                    names.insert(0, f"interface:{operation.path}")
                shared = SharedLimiter(store, tuple(names), local)
                self._shared_limiters[operation.path] = shared
        return (shared,)

    def rate_limited(self, operation: Operation[Any, Any, Any]) -> None:
        """HTX said 1032: something else draws on the account's windows. Every worker of this
        client slows (a jittered pause, then a smaller share of the window), not only the
        call that was refused."""
        for limiter in self.limiters(operation):
            limiter.slow_down(limiter.window * (0.5 + self.rng.random()))

    def observe_limits(
        self, operation: Operation[Any, Any, Any], headers: Mapping[str, str]
    ) -> None:
        """Slow a window HTX reports nearly spent (``ratelimit-remaining``) before it refuses."""
        if "ratelimit-remaining" in headers:
            hold_if_nearly_spent(self.limiters(operation), headers, self.server_now())

    def _local_limiters(
        self, operation: Operation[Any, Any, Any]
    ) -> tuple[SlidingWindowLimiter, ...]:
        found: list[SlidingWindowLimiter] = []
        rate = self._max_requests_per_second
        if rate is not None and operation.interface_limit is not None:
            with self._lock:
                limiter = self._interface_limiters.get(operation.path)
                if limiter is None:
                    limiter = SlidingWindowLimiter(rate, clock=self.waits.monotonic)
                    self._interface_limiters[operation.path] = limiter
            found.append(limiter)
        pool = self._pool_limiters.get(operation.pool)
        if pool is not None:
            found.append(pool)
        return tuple(found)

    # --- a public method's whole life ----------------------------------------------------------

    def complete_sync(self, work: Work[R]) -> R:
        """Run ``work``'s calls, its follow-up read if it needs one, and return its result."""
        try:
            self.run_sync(work, work.workers())
        except CancellationInterrupted:
            raise
        except KeyboardInterrupt as interrupt:
            raised = work.interrupted(interrupt)
            if raised is interrupt:
                raise
            raise raised from interrupt
        lookup = work.follow_up()
        found: list[Any] | None = None
        if lookup is not None:
            try:
                found = list(lookup.iterate_sync())
            except HtxError:
                found = None
        return work.finish(found)

    async def complete_async(self, work: Work[R], before: Callable[[], None]) -> R:
        """``complete_sync`` for asyncio; ``before`` runs first (the client's loop check)."""
        before()
        try:
            await self.run_async(work, work.workers())
        except CancellationInterrupted:
            raise
        except KeyboardInterrupt as interrupt:
            raised = work.interrupted(interrupt)
            if raised is interrupt:
                raise
            raise raised from interrupt
        lookup = work.follow_up()
        found: list[Any] | None = None
        if lookup is not None:
            try:
                found = [item async for item in lookup.iterate_async(before)]
            except HtxError:
                found = None
        return work.finish(found)

    # --- sync ----------------------------------------------------------------------------------

    def run_sync(self, job: Job, workers: int) -> None:
        """Run every call of ``job``, ``workers`` at a time; return when all are done.

        If a worker raises (a bug, a failing callback) or the caller is interrupted, the scope is
        abandoned and the error raised at once: the calls in flight finish in the background and
        nothing more is sent.
        """
        take = _Taker(job)
        if workers <= 1:
            try:
                while (call := take()) is not None:
                    self.run_call_sync(call)
                    job.on_done(call)
            except BaseException:
                job.scope.abandon()
                raise
            return
        finished = threading.Event()
        failures: list[BaseException] = []
        running = [workers]
        lock = threading.Lock()

        def work() -> None:
            try:
                while (call := take()) is not None:
                    self.run_call_sync(call)
                    job.on_done(call)
            except BaseException as error:  # handed to the caller's thread below
                job.scope.abandon()
                with lock:
                    failures.append(error)
                finished.set()
            finally:
                with lock:
                    running[0] -= 1
                    if running[0] == 0:
                        finished.set()

        # Daemon threads: an interrupted caller (Ctrl-C) must not wait for, or be kept alive by,
        # an attempt still in flight.
        for number in range(workers):
            threading.Thread(target=work, name=f"htx-swap-{number}", daemon=True).start()
        try:
            finished.wait()
        except BaseException:
            job.scope.abandon()
            raise
        if failures:
            raise failures[0]

    def run_call_sync(self, call: Call[Any]) -> None:
        """Attempt ``call`` until it is settled, given up or stopped."""
        delay: float | None = 0.0
        while delay is not None:
            if delay:
                self.waits.sleep(delay, call.scope.wake)
            delay = self._attempt_sync(call)

    def _attempt_sync(self, call: Call[Any]) -> float | None:
        slots = self._book_sync(call)
        if slots is None:
            call.stop_unsent()
            return None
        attempt = AttemptTrace(slots, time.monotonic() + self.timeout)
        call.attempts += 1
        token = current_attempt.set(attempt)
        started = time.perf_counter()
        try:
            if self.sync_sender is None:
                response = send_sync(call.operation, self.generated, call.body)
            else:
                response = self.sync_sender(call.operation, call.body, attempt)
        except HtxError:
            raise
        except httpx.RequestError as error:
            return call.judge_failure(error, attempt, time.perf_counter() - started)
        except _PARSE_ERRORS as error:
            if attempt.response is None:
                raise  # not about a reply: a bug, not an unreadable reply
            return call.judge_failure(error, attempt, time.perf_counter() - started)
        finally:
            current_attempt.reset(token)
        latency = time.perf_counter() - started
        self.observe_round_trip(latency)
        return call.judge_reply(response, attempt, latency)

    def _book_sync(self, call: Call[Any]) -> tuple[tuple[Limiter, Any], ...] | None:
        """Wait for a slot on each of the call's limiters; None if the scope stopped meanwhile."""
        booked: list[tuple[Limiter, Any]] = []
        for limiter in self.limiters(call.operation):
            slot = limiter.book()
            while (delay := limiter.delay(slot)) > 0:
                if call.scope.stopped:
                    return None
                self.waits.sleep(delay, call.scope.wake)
            limiter.mark_started(slot)
            booked.append((limiter, slot))
        return None if call.scope.stopped else tuple(booked)

    # --- async ---------------------------------------------------------------------------------

    async def run_async(self, job: Job, workers: int) -> None:
        """``run_sync`` for asyncio: the workers are tasks of one ``asyncio.TaskGroup``."""
        import asyncio

        take = _Taker(job)

        async def work() -> None:
            try:
                while (call := take()) is not None:
                    await self.run_call_async(call)
                    job.on_done(call)
            except BaseException:
                # Stop the scope in this very step: the TaskGroup cancels the other workers only
                # from a done-callback, and one of them may run first and take another call.
                job.scope.abandon()
                raise

        try:
            if workers <= 1:
                await work()
            else:
                async with asyncio.TaskGroup() as group:
                    for _ in range(workers):
                        group.create_task(work())
        except BaseExceptionGroup as failed:
            job.scope.abandon()
            raise failed.exceptions[0] from None
        except BaseException:
            job.scope.abandon()
            raise

    async def run_call_async(self, call: Call[Any]) -> None:
        delay: float | None = 0.0
        while delay is not None:
            if delay:
                await self.waits.sleep_async(delay, call.scope.wake_async())
            delay = await self._attempt_async(call)

    async def _attempt_async(self, call: Call[Any]) -> float | None:
        import asyncio

        limiters = self.limiters(call.operation)
        if limiters:
            slots = await self._book_async(call, limiters)
        else:  # nothing to wait for (unpaced)
            slots = None if call.scope.stopped else ()
        if slots is None:
            call.stop_unsent()
            return None
        attempt = AttemptTrace(slots, time.monotonic() + self.timeout)
        call.attempts += 1
        token = current_attempt.set(attempt)
        started = time.perf_counter()
        try:
            # The attempt's whole deadline, even for a server that trickles its reply.
            async with asyncio.timeout(self.timeout):
                if self.sender is None:
                    response = await send_async(call.operation, self.generated, call.body)
                else:
                    response = await self.sender(call.operation, call.body, attempt)
        except HtxError:
            raise
        except (httpx.RequestError, TimeoutError) as error:
            return call.judge_failure(error, attempt, time.perf_counter() - started)
        except _PARSE_ERRORS as error:
            if attempt.response is None:
                raise
            return call.judge_failure(error, attempt, time.perf_counter() - started)
        finally:
            current_attempt.reset(token)
        latency = time.perf_counter() - started
        self.observe_round_trip(latency)
        return call.judge_reply(response, attempt, latency)

    async def _book_async(
        self, call: Call[Any], limiters: tuple[Limiter, ...]
    ) -> tuple[tuple[Limiter, Any], ...] | None:
        booked: list[tuple[Limiter, Any]] = []
        for limiter in limiters:
            slot = await limiter.book_async()
            while (delay := limiter.delay(slot)) > 0:
                if call.scope.stopped:
                    return None
                await self.waits.sleep_async(delay, call.scope.wake_async())
            limiter.mark_started(slot)
            booked.append((limiter, slot))
        return None if call.scope.stopped else tuple(booked)


class _Taker:
    """Hands out a job's calls one at a time to any thread, and none once its scope stopped."""

    def __init__(self, job: Job) -> None:
        self._calls = job.calls()
        self._scope = job.scope
        self._lock = threading.Lock()

    def __call__(self) -> Call[Any] | None:
        with self._lock:
            if self._scope.stopped:
                return None
            return next(self._calls, None)
