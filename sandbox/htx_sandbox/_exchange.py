"""The simulated exchange: trailing orders, the ten operations' rules, the record of it all.

Everything here is synchronous and guarded by one lock: the server's event loop calls in from
its thread while tests call the control methods from theirs.

Who sees what. Every access key belongs to an account (its UID; by default each key is its own
account, `add_credentials(..., uid=...)` shares one). Orders belong to an account and a margin
mode: isolated and cross are separate books, so an isolated order's ID sent to a cross endpoint
is 1061, and the reverse, as is an order of another account or another contract.

Limits, as HTX states them (FACTS.md, TRAILING-FAMILY.md §1):
- per interface: place, cancel and cancel-all allow `rate` requests per UID in any `interval`
  seconds (5 per 1 s), each path counted on its own; reads have no such limit. HTX doesn't say
  whether per user or per key; the spec says per user, the stricter reading, so every key of
  an account draws on the same windows;
- per UID, on top: a trade pool (place, cancel, cancel-all of both modes) and a read pool (open
  orders and history of both modes), each `pool_rate` requests in any `pool_interval` seconds
  (72 per 3 s).
A request over any of them is refused with 1032 and takes no slot in any. The `ratelimit-*`
headers describe the request's pool, as HTX's do; with the pools off, the interface window
(trade operations only); with no limits, there are none. `rate=None` turns every limit off.

Answers HTX's docs leave open, and what the sandbox does:
- cancel-all with no open order matching: `{"status":"error","err_code":1051,
  "err_msg":"No orders to cancel.","ts":...}` (1051 is HTX's code for nothing to cancel on the
  trigger-order cancel-all; for the trailing one it is our assumption);
- per-order cancel codes 1063 (executed) and 1071 (already cancelled) come from HTX's general
  table: the trailing cancel pages document only 1061, so these are our assumption too;
- `ratelimit-reset` is sent as epoch milliseconds, an assumption (HTX: "upper limit of reset
  time ..., unit: ms");
- cancelling an order that failed on its trigger (status 5): 1063, as for one that triggered;
- `lever_rate` left out (closing orders may) is recorded as 5;
- `offset` left out (one-way mode) is recorded as `both`;
- open orders and history list newest first (history: by `sort_by`), ties by creation order;
  `total_page` is 0 when nothing matches; a page past the end is empty;
- `create_date` counts days back from now by `created_at`.
Not modelled: positions, prices (1426), order-count caps (1427, 1455, 1470), one-way mode's
reduce-only check (1492), permissions (1413).
"""

from __future__ import annotations

import json
import math
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from attrs import asdict, evolve, field, frozen

from htx_sandbox._contracts import Contract, contract, quarter_code
from htx_sandbox._credentials import DEFAULT_CREDENTIALS, Credentials
from htx_sandbox._faults import MAX_WAIT, Fault, FaultPlan
from htx_sandbox._operations import (
    TRADE_TYPES,
    CancelAllRequest,
    CancelRequest,
    ContractRef,
    InputError,
    Kind,
    ListRequest,
    Operation,
    PlaceRequest,
    Pool,
    Request,
    RequestError,
    canonical_order_id,
    order_fields,
    parse,
    parse_cancel_body,
)
from htx_sandbox._orders import (
    DEFAULT_FAIL,
    MarginMode,
    OrderState,
    TrailingOrder,
)
from htx_sandbox._ratelimit import SlidingWindow, max_window_count, window
from htx_sandbox._signature import AuthResult, verify

__all__ = [  # what the package and the tests import from here
    "CANCEL_PATH",
    "DEFAULT_CONTRACT_CODE",
    "Admission",
    "Exchange",
    "InputError",
    "OrderState",
    "Reply",
    "RequestRecord",
    "Stats",
    "parse_cancel_body",
]

CANCEL_PATH = Operation.CANCEL.path
DEFAULT_CONTRACT_CODE = "BTC-USDT"
DEFAULT_POOL_RATE = 72
DEFAULT_POOL_INTERVAL = 3.0
MAX_GENERATE = 1_000_000
MIN_CALLBACK_RATE = Decimal("0.001")
DAY_MS = 86_400_000

RATE_LIMITED = (1032, "The number of access exceeded the limit.")
UNKNOWN_CONTRACT = (1014, "This contract doesn't exist.")
NOTHING_TO_CANCEL = (1051, "No orders to cancel.")
ORDER_UNKNOWN = (1061, "This order doesn't exist.")
ORDER_EXECUTED = (1063, "The order has been executed.")
ORDER_CANCELLED = (1071, "Repeated cancellation. Your order has been canceled.")
CALLBACK_RATE = (
    1425,
    f"The callback rate should be no less than {MIN_CALLBACK_RATE}. Please modify and resubmit.",
)

BAD_GATEWAY_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
)


@frozen
class RequestRecord:
    """One request to a trailing-order endpoint and what the sandbox did with it."""

    time: float
    """Arrival on the sandbox clock, epoch seconds."""
    method: str
    path: str
    access_key: str | None
    """The key the request claimed, even when it was refused."""
    authenticated: bool
    http_status: int
    status: str | None
    """The envelope's `status` ("ok" or "error"); None for a 502 page."""
    err_code: int | None
    """The request-level error code; None when the envelope is "ok" or there is none."""
    fault: Fault = Fault.NONE
    contract_code: str | None = None
    """The contract the request named (a cross pair + contract type resolved to its code)."""
    order_ids: tuple[str, ...] = ()
    """The IDs a cancel named."""
    operation: Operation | None = None
    created_ids: tuple[str, ...] = ()
    """The order a place created (even if the client never heard of it)."""
    cancelled_ids: tuple[str, ...] = ()
    """The orders a cancel or cancel-all cancelled."""


@frozen
class Stats:
    """Totals over every request seen since the last reset."""

    requests: int
    authenticated: int
    rejections: Mapping[int, int]
    """Request-level error code to count."""
    order_errors: Mapping[int, int]
    """Per-order error code (in `data.errors`) to count."""
    faults: Mapping[str, int]
    cancelled: int
    """Orders cancelled by requests (cancel and cancel-all)."""
    max_window_count: Mapping[str, int]
    """Per UID, the most authenticated requests to one limited interface (place, cancel,
    cancel-all; each path on its own) that started in one `interval`, from any of its keys."""
    max_pool_count: Mapping[str, Mapping[str, int]] = field(factory=dict)
    """Per UID, per pool (`trade`, `read`), the most authenticated requests that started in one
    `pool_interval`."""
    operations: Mapping[str, int] = field(factory=dict)
    """Operation (`swap_track_order`, ...) to how many requests reached it."""
    placed: int = 0
    """Orders created by place requests."""


@frozen
class Reply:
    """An HTTP reply as the app should send it."""

    status_code: int
    body: bytes
    media_type: str = "application/json"
    headers: Mapping[str, str] = field(factory=dict)


@frozen
class Admission:
    """A request past the door: its verdict, its rate-limit headers and the fault it drew."""

    time: float
    method: str
    path: str
    operation: Operation
    auth: AuthResult
    headers: Mapping[str, str]
    latency: float
    fault: Fault = Fault.NONE
    delay: float = 0.0
    refusal: Reply | None = None
    """The reply when the request was refused (auth or rate limit); None when admitted."""


@frozen
class Limits:
    """The limits in force: `pool_rate` is None whenever `rate` is (no limits at all)."""

    rate: int | None
    interval: float
    pool_rate: int | None
    pool_interval: float

    @classmethod
    def of(
        cls, rate: float | None, interval: float, pool_rate: float | None, pool_interval: float
    ) -> Limits:
        """Checked limits; ValueError names the first absurd one (NaN, infinite, negative, ...)."""
        interface = window(rate, interval)
        pool = window(pool_rate, pool_interval, names=("pool_rate", "pool_interval"))
        return cls(
            rate=None if interface is None else interface.limit,
            interval=float(interval),
            pool_rate=None if interface is None or pool is None else pool.limit,
            pool_interval=float(pool_interval),
        )


@frozen
class _Outcome:
    """What a request did, for its record."""

    contract_code: str | None = None
    order_ids: tuple[str, ...] = ()
    created_ids: tuple[str, ...] = ()
    cancelled_ids: tuple[str, ...] = ()


_Envelope = dict[str, object]

# The realistic mix `mix=True` seeds beside the primary contract's orders: (margin mode, which
# contract, the orders' fields with prices as fractions of the symbol's price, active or not).
_MIX: tuple[tuple[MarginMode, str, tuple[tuple[dict[str, object], bool], ...]], ...] = (
    (
        MarginMode.ISOLATED,
        "other",
        (
            ({"direction": "sell", "offset": "close", "volume": 3, "lever_rate": 10}, False),
            ({"direction": "buy", "offset": "open", "volume": 2, "lever_rate": 10}, True),
        ),
    ),
    (
        MarginMode.CROSS,
        "swap",
        (
            ({"direction": "sell", "offset": "close", "volume": 5, "lever_rate": 20}, True),
            ({"direction": "buy", "offset": "close", "volume": 1, "lever_rate": 20}, False),
            ({"direction": "buy", "offset": "open", "volume": 4, "lever_rate": 20}, False),
        ),
    ),
    (
        MarginMode.CROSS,
        "quarter",
        (
            ({"direction": "sell", "offset": "open", "volume": 2, "lever_rate": 5}, False),
            ({"direction": "buy", "offset": "close", "volume": 2, "lever_rate": 5}, False),
        ),
    ),
)
_PRICES = {"BTC": 60_000, "ETH": 3_000}


class Exchange:
    """The sandbox's state and rules, safe to call from any thread."""

    def __init__(
        self,
        *,
        credentials: Credentials = DEFAULT_CREDENTIALS,
        rate: float | None = 5.0,
        interval: float = 1.0,
        pool_rate: float | None = DEFAULT_POOL_RATE,
        pool_interval: float = DEFAULT_POOL_INTERVAL,
        faults: FaultPlan | None = None,
        latency: float = 0.0,
        clock: Callable[[], float] = time.time,
        seed: int = 0,
        contract_code: str = DEFAULT_CONTRACT_CODE,
        orders: int = 0,
        mix: bool = False,
        public_host: str | None = None,
    ) -> None:
        """Build an exchange knowing `contract_code` (and, in cross margin, its quarter futures),
        with `orders` open isolated orders in it.

        `rate` per `interval` is each limited interface's limit per UID and `pool_rate` per
        `pool_interval` each per-UID pool's; `rate=None` means no limits at all. `mix` also
        seeds open orders on a second isolated contract and, in cross margin, on the contract's
        swap and its quarter futures (see `initial_orders`).

        `public_host` is the host clients address, when a proxy stands between them and the
        sandbox and forwards with the sandbox's own `Host`: signatures are verified against it.
        None (the default) verifies against each request's own `Host` header, as HTX does.
        """
        if orders < 0:
            raise ValueError(f"orders must not be negative, got {orders}")
        if public_host is not None and (not public_host or public_host != public_host.strip()):
            raise ValueError(f"public_host must be a host[:port], got {public_host!r}")
        self._lock = threading.Lock()
        self._clock = clock
        self.public_host = public_host
        self.primary_key = credentials.access_key
        self._secrets: dict[str, str] = {}
        self._public_keys: dict[str, bytes] = {}
        self._store_key(credentials)
        self._uids = {credentials.access_key: credentials.access_key}
        limits = Limits.of(rate, interval, pool_rate, pool_interval)
        check_latency(latency)
        contract(contract_code, self._today())  # a malformed code fails here, not at reset
        self._initial = (limits, faults, latency, seed, contract_code, orders, mix)
        self._reset()

    # --- the HTX side, called by the app -------------------------------------------------------

    def admit(self, method: str, host: str, path: str, query_string: bytes) -> Admission:
        """Authenticate a request, then count it against its limits and draw its fault.

        `host` is the request's `Host` header; a `public_host`, if set, is verified instead.
        `path` is one of the ten operations' (ValueError otherwise).
        """
        operation = Operation.for_path(path)
        with self._lock:
            now = self._clock()
            signed_host = host if self.public_host is None else self.public_host
            auth = verify(
                method, signed_host, path, query_string, self._secrets, now, self._public_keys
            )
            admission = Admission(
                time=now,
                method=method,
                path=path,
                operation=operation,
                auth=auth,
                headers={},
                latency=self._latency,
            )
            if auth.err_code is not None or auth.access_key is None:
                headers = self._peek_headers(auth.access_key, operation, now)
                return self._refuse(admission, headers, auth.err_code or 403, auth.err_msg)
            uid = self._uids[auth.access_key]
            if operation.limited:
                self._seen.setdefault((uid, operation), []).append(now)
            self._pool_seen.setdefault((uid, operation.pool), []).append(now)
            windows = self._windows_for(uid, operation)
            admitted = all(limit.has_room(slot, now) for limit, slot in windows)
            if admitted:
                for limit, slot in windows:
                    limit.admit(slot, now)
            headers = self._headers(windows, now)
            if not admitted:
                return self._refuse(admission, headers, *RATE_LIMITED)
            fault = self._fault_queue.popleft() if self._fault_queue else self._draw_fault()
            delay = (self._plan or FaultPlan()).delay
            return evolve(admission, headers=headers, fault=fault, delay=delay)

    def apply(self, admission: Admission, body: bytes) -> Reply:
        """Carry out an admitted request and build HTX's envelope for it."""
        operation = admission.operation
        assert admission.auth.access_key is not None, "only admitted requests are applied"
        with self._lock:
            uid = self._uids[admission.auth.access_key]
            try:
                request = parse(operation, body)
                envelope, outcome = self._carry_out(operation, uid, request)
            except _Refused as refused:
                envelope, outcome = self._error(refused.err_code, refused.err_msg), refused.outcome
            except RequestError as error:
                envelope, outcome = self._error(error.err_code, error.err_msg), _Outcome()
            self._record(
                admission,
                http_status=200,
                status=str(envelope["status"]),
                err_code=_int_or_none(envelope.get("err_code")),
                outcome=outcome,
            )
            return Reply(200, _json(envelope), headers=admission.headers)

    cancel = apply
    """The name `apply` had when the sandbox served only the cancel endpoint."""

    def bad_gateway(self, admission: Admission) -> Reply:
        """Record a request answered by a gateway's 502 page instead of by HTX."""
        with self._lock:
            self._record(admission, http_status=502, status=None, err_code=None)
        # A gateway's page carries none of HTX's rate-limit headers.
        return Reply(502, BAD_GATEWAY_PAGE, media_type="text/html")

    # --- control: keys, orders and their life cycle ------------------------------------------

    def now(self) -> float:
        """The sandbox clock, epoch seconds."""
        return self._clock()

    def add_credentials(self, credentials: Credentials, *, uid: str | None = None) -> None:
        """Accept another access key: its own account, or the account `uid` names.

        Keys of one account share its per-interface windows and its pools, and see its orders.
        The account of the sandbox's own key is that key.
        """
        with self._lock:
            self._store_key(credentials)
            self._uids[credentials.access_key] = credentials.access_key if uid is None else uid

    def _store_key(self, credentials: Credentials) -> None:
        """Accept `credentials`' key with its one signature method (replacing any before)."""
        self._secrets.pop(credentials.access_key, None)
        self._public_keys.pop(credentials.access_key, None)
        if credentials.ed25519_public_key is not None:
            self._public_keys[credentials.access_key] = credentials.ed25519_public_key
        else:
            self._secrets[credentials.access_key] = credentials.secret_key

    def seed_orders(
        self,
        contract_code: str = DEFAULT_CONTRACT_CODE,
        *,
        open: Iterable[str | int] = (),
        executed: Iterable[str | int] = (),
        cancelled: Iterable[str | int] = (),
        failed: Iterable[str | int] = (),
        generate: int = 0,
        margin_mode: MarginMode | str = MarginMode.ISOLATED,
        access_key: str | None = None,
        fields: Mapping[str, object] | None = None,
    ) -> tuple[str, ...]:
        """Add orders to a contract (replacing any with the same IDs); return the new open IDs.

        `open`, `executed` (triggered: status 4), `cancelled` and `failed` (status 5) give IDs
        in each state; `generate` adds that many open orders with fresh random 18-digit IDs,
        beyond the float precision a careless client would lose them to. The orders belong to
        `access_key`'s account (default: the sandbox's own key) in `margin_mode`, and take
        `fields` (direction, offset, volume, lever_rate, callback_rate, active_price,
        order_price_type, reduce_only, order_source, created_at in ms) over the defaults.
        With no orders at all, it makes the contract known. Nothing changes on a ValueError.
        """
        if not 0 <= generate <= MAX_GENERATE:
            raise ValueError(f"generate must not be negative nor over {MAX_GENERATE}: {generate}")
        mode = MarginMode(margin_mode)
        attributes = order_fields(fields or {})
        seeded = {
            state: [_seed_id(order_id) for order_id in ids]
            for state, ids in (
                (OrderState.OPEN, open),
                (OrderState.EXECUTED, executed),
                (OrderState.CANCELLED, cancelled),
                (OrderState.FAILED, failed),
            )
        }
        with self._lock:
            uid = self._uid(access_key)
            known = self._learn(contract_code, mode)
            for state, ids in seeded.items():
                for order_id in ids:
                    self._orders[order_id] = self._settled(
                        self._new_order(order_id, uid, mode, known, attributes), state
                    )
            opened = list(seeded[OrderState.OPEN])
            for _ in range(generate):
                order = self._new_order(self._fresh_id(), uid, mode, known, attributes)
                self._orders[order.order_id] = order
                opened.append(order.order_id)
            return tuple(opened)

    def order(self, order_id: str | int) -> TrailingOrder | None:
        """The whole record of an order, or None when the sandbox has no such order."""
        with self._lock:
            order = self._orders.get(_lookup_id(order_id))
            return None if order is None else order.snapshot()

    def order_state(self, order_id: str | int) -> OrderState | None:
        """The state of an order, or None when the sandbox has no such order."""
        order = self.order(order_id)
        return None if order is None else order.state

    def orders(
        self,
        contract_code: str | None = None,
        *,
        margin_mode: MarginMode | str | None = None,
        access_key: str | None = None,
    ) -> dict[str, OrderState]:
        """Every order (of one contract, margin mode or key's account, if given) and its state."""
        mode = None if margin_mode is None else MarginMode(margin_mode)
        with self._lock:
            uid = None if access_key is None else self._uid(access_key)
            return {
                order_id: order.state
                for order_id, order in self._orders.items()
                if (contract_code is None or order.contract.code == contract_code)
                and (mode is None or order.margin_mode is mode)
                and (uid is None or order.uid == uid)
            }

    def open_ids(
        self, contract_code: str | None = None, *, margin_mode: MarginMode | str | None = None
    ) -> frozenset[str]:
        """The IDs of the open orders (of one contract or margin mode, if given)."""
        return self._ids(OrderState.OPEN, contract_code, margin_mode)

    def cancelled_ids(
        self, contract_code: str | None = None, *, margin_mode: MarginMode | str | None = None
    ) -> frozenset[str]:
        """The IDs of the cancelled orders (of one contract or margin mode, if given)."""
        return self._ids(OrderState.CANCELLED, contract_code, margin_mode)

    def triggered_ids(
        self, contract_code: str | None = None, *, margin_mode: MarginMode | str | None = None
    ) -> frozenset[str]:
        """The IDs of the triggered (executed) orders (of one contract or margin mode, if given)."""
        return self._ids(OrderState.EXECUTED, contract_code, margin_mode)

    def failed_ids(
        self, contract_code: str | None = None, *, margin_mode: MarginMode | str | None = None
    ) -> frozenset[str]:
        """The IDs of the orders that failed on their trigger (of one contract or mode, if any)."""
        return self._ids(OrderState.FAILED, contract_code, margin_mode)

    def activate(self, order_id: str | int) -> TrailingOrder:
        """The price reached an open order's `active_price`: it trails from now on (`is_active` 1).

        KeyError for an unknown order; OrderStateError (a ValueError) unless it is open and
        not yet active.
        """
        return self._step(order_id, lambda order, now_ms: order.activate(now_ms))

    def trigger(
        self, order_id: str | int, *, price: Decimal | float | str | None = None
    ) -> TrailingOrder:
        """An open order triggers at `price` (by default: `active_price` moved by the callback).

        It leaves the open orders for the history with status 4, `triggered_price` and a
        `relation_order_id` (its limit order); a later cancel of it gets 1063. It need not
        have been activated first. KeyError for an unknown order; OrderStateError unless open.
        """
        at = _price(price)
        return self._step(
            order_id, lambda order, now_ms: order.trigger(now_ms, self._fresh_id(), at)
        )

    def fail(
        self,
        order_id: str | int,
        *,
        fail_code: int = DEFAULT_FAIL[0],
        fail_reason: str = DEFAULT_FAIL[1],
        price: Decimal | float | str | None = None,
    ) -> TrailingOrder:
        """An open order triggers but its limit order is refused: status 5 with `fail_code` and
        `fail_reason`.

        KeyError for an unknown order; OrderStateError unless it is open.
        """
        if (
            isinstance(fail_code, bool)
            or not isinstance(fail_code, int)
            or not 0 < fail_code < 10**6
        ):
            raise ValueError(
                f"fail_code must be an HTX error code (1 to 999999), got {fail_code!r}"
            )
        if not isinstance(fail_reason, str) or not fail_reason:
            raise ValueError("fail_reason must be a non-empty string")
        at = _price(price)
        return self._step(
            order_id, lambda order, now_ms: order.fail(now_ms, fail_code, fail_reason, at)
        )

    # --- control: what happened -----------------------------------------------------------------

    def requests(self) -> tuple[RequestRecord, ...]:
        """Every request to a trailing-order endpoint since the last reset, in order of arrival."""
        with self._lock:
            return tuple(sorted(self._log, key=lambda record: record.time))

    def rejections(self) -> dict[int, int]:
        """Request-level error code to how many requests got it."""
        return dict(self.stats().rejections)

    def stats(self) -> Stats:
        """Totals over every request since the last reset."""
        with self._lock:
            log = list(self._log)
            order_errors = dict(self._order_errors)
            cancelled, placed = self._cancelled_count, self._placed_count
            interfaces: dict[str, int] = {}
            for (uid, _), times in self._seen.items():
                count = max_window_count(times, self._limits.interval)
                interfaces[uid] = max(interfaces.get(uid, 0), count)
            pools: dict[str, dict[str, int]] = {}
            for (uid, pool), times in self._pool_seen.items():
                count = max_window_count(times, self._limits.pool_interval)
                pools.setdefault(uid, {})[str(pool)] = count
        return Stats(
            requests=len(log),
            authenticated=sum(record.authenticated for record in log),
            rejections=dict(Counter(r.err_code for r in log if r.err_code is not None)),
            order_errors=order_errors,
            faults=dict(Counter(str(r.fault) for r in log if r.fault is not Fault.NONE)),
            cancelled=cancelled,
            max_window_count=interfaces,
            max_pool_count=pools,
            operations=dict(Counter(str(r.operation) for r in log if r.operation is not None)),
            placed=placed,
        )

    def max_window_count(self, access_key: str | None = None) -> int:
        """The most authenticated requests the account of `access_key` (or any account) started
        to one limited interface in one `interval`, from any of its keys."""
        counts = self.stats().max_window_count
        if access_key is not None:
            with self._lock:
                uid = self._uids.get(access_key)
            return 0 if uid is None else counts.get(uid, 0)
        return max(counts.values(), default=0)

    def max_pool_count(self, pool: Pool | str = Pool.TRADE, uid: str | None = None) -> int:
        """The most authenticated requests one account (or any) started in `pool` in one
        `pool_interval`."""
        name = str(Pool(pool))
        counts = self.stats().max_pool_count
        if uid is not None:
            return counts.get(uid, {}).get(name, 0)
        return max((by_pool.get(name, 0) for by_pool in counts.values()), default=0)

    # --- control: faults and limits -------------------------------------------------------------

    def set_faults(self, plan: FaultPlan | None) -> None:
        """Draw every later admitted request's fault from `plan` (None: no random faults)."""
        with self._lock:
            self._plan = plan

    def queue_faults(self, fault: Fault | str, count: int = 1) -> None:
        """Give the next `count` admitted requests `fault`, ahead of the plan's draws."""
        queued = Fault(fault)
        with self._lock:
            self._fault_queue.extend([queued] * count)

    def set_latency(self, seconds: float) -> None:
        """Hold every later reply `seconds` before answering (without blocking other requests)."""
        check_latency(seconds)
        with self._lock:
            self._latency = float(seconds)

    def set_rate_limit(
        self,
        rate: float | None,
        interval: float = 1.0,
        *,
        pool_rate: float | None = DEFAULT_POOL_RATE,
        pool_interval: float = DEFAULT_POOL_INTERVAL,
    ) -> None:
        """Allow `rate` requests per UID to each limited interface in any `interval` seconds
        and `pool_rate` per UID to each pool in any `pool_interval`; `rate=None` means no limits
        at all, `pool_rate=None` no pools. The windows start afresh. Nothing changes on a
        ValueError."""
        limits = Limits.of(rate, interval, pool_rate, pool_interval)
        with self._lock:
            self._set_limits(limits)

    def settings(self) -> dict[str, object]:
        """The current limits, latency and faults, as plain JSON values."""
        with self._lock:
            plan = self._plan
            return {
                **asdict(self._limits),
                "latency": self._latency,
                "faults": None if plan is None else asdict(plan),
                "queued_faults": [str(fault) for fault in self._fault_queue],
            }

    def reset(self) -> None:
        """Back to how the exchange was built: its initial orders and settings, no requests."""
        with self._lock:
            self._reset()

    # --- internals (callers hold the lock) ------------------------------------------------------

    def _reset(self) -> None:
        limits, plan, latency, seed, contract_code, orders, mix = self._initial
        self._set_limits(limits)
        self._plan = plan
        self._latency = float(latency)
        # Seeded, not secure, on purpose: a failing run must replay the same faults and IDs.
        self._fault_rng = random.Random(seed)  # noqa: S311
        self._id_rng = random.Random(seed + 1)  # noqa: S311
        self._fault_queue: deque[Fault] = deque()
        self._contracts: dict[str, Contract] = {}
        self._orders: dict[str, TrailingOrder] = {}
        self._sequence = 0
        primary = self._learn(contract_code, MarginMode.ISOLATED)
        quarter = quarter_code(primary.pair, self._today())
        if quarter is not None:  # HTX lists each pair's futures beside its swap
            self._learn(quarter, MarginMode.CROSS)
        # Drawn first from a freshly seeded RNG, so a reset brings back the very same IDs.
        uid = self._uids[self.primary_key]
        for _ in range(orders):
            order = self._new_order(self._fresh_id(), uid, MarginMode.ISOLATED, primary, {})
            self._orders[order.order_id] = order
        self.initial_order_ids = tuple(self._orders)
        initial = {MarginMode.ISOLATED: {contract_code: self.initial_order_ids}}
        if mix:
            for mode, code, ids in self._seed_mix(primary):
                initial.setdefault(mode, {})[code] = ids
        self.initial_orders: Mapping[MarginMode, Mapping[str, tuple[str, ...]]] = initial
        self._log: list[RequestRecord] = []
        self._order_errors: Counter[int] = Counter()
        self._seen: dict[tuple[str, Operation], list[float]] = {}  # by UID
        self._pool_seen: dict[tuple[str, Pool], list[float]] = {}
        self._cancelled_count = 0
        self._placed_count = 0

    def _seed_mix(self, primary: Contract) -> Iterable[tuple[MarginMode, str, tuple[str, ...]]]:
        other = "ETH-USDT" if primary.code != "ETH-USDT" else "BTC-USDT"
        codes = {"other": other, "swap": primary.code}
        quarter = quarter_code(primary.pair, self._today())
        if quarter is not None:
            codes["quarter"] = quarter
        uid = self._uids[self.primary_key]
        now_ms = self._now_ms()
        minutes_ago = 0
        for mode, which, templates in _MIX:
            if which not in codes:
                continue
            known = self._learn(codes[which], mode)
            price = _PRICES.get(known.symbol, 100)
            ids = []
            for fields, active in templates:
                minutes_ago += 7
                buy = fields["direction"] == "buy"
                attributes = {
                    **fields,
                    "volume": Decimal(str(fields["volume"])),
                    "callback_rate": Decimal("0.02") if buy else Decimal("0.01"),
                    "active_price": Decimal(price) * (Decimal("0.95") if buy else Decimal("1.05")),
                    "order_price_type": "optimal_5" if buy else "formula_price",
                    "created_at": now_ms - minutes_ago * 60_000,
                }
                order = self._new_order(self._fresh_id(), uid, mode, known, attributes)
                if active:
                    order.activate(order.created_at + 60_000)
                self._orders[order.order_id] = order
                ids.append(order.order_id)
            yield mode, codes[which], tuple(ids)

    def _set_limits(self, limits: Limits) -> None:
        self._limits = limits
        self._interface = window(limits.rate, limits.interval)
        self._pools: dict[Pool, SlidingWindow] = {}
        if limits.pool_rate is not None:
            for pool in Pool:
                self._pools[pool] = SlidingWindow(limits.pool_rate, limits.pool_interval)

    def _windows_for(self, uid: str, operation: Operation) -> list[tuple[SlidingWindow, object]]:
        """The windows a request counts in, each with its slot key; the pool's first. Both are
        the account's: HTX's interface limit read as per user, as the spec has it."""
        windows: list[tuple[SlidingWindow, object]] = []
        pool = self._pools.get(operation.pool)
        if pool is not None:
            windows.append((pool, uid))
        if self._interface is not None and operation.limited:
            windows.append((self._interface, (uid, operation)))
        return windows

    def _headers(self, windows: list[tuple[SlidingWindow, object]], now: float) -> dict[str, str]:
        """HTX's `ratelimit-*` headers, for the first of the request's windows (its pool's)."""
        if not windows:
            return {}
        limit, slot = windows[0]
        reading = limit.peek(slot, now)
        return {
            "ratelimit-limit": str(limit.limit),
            "ratelimit-interval": str(round(limit.interval * 1000)),
            "ratelimit-remaining": str(reading.remaining),
            "ratelimit-reset": str(reading.reset_ms),
        }

    def _peek_headers(
        self, access_key: str | None, operation: Operation, now: float
    ) -> dict[str, str]:
        if access_key in self._uids:
            assert access_key is not None
            return self._headers(self._windows_for(self._uids[access_key], operation), now)
        # A key the sandbox doesn't know has used nothing yet.
        return self._headers(self._windows_for("", operation), now)

    def _draw_fault(self) -> Fault:
        return Fault.NONE if self._plan is None else self._plan.draw(self._fault_rng)

    def _fresh_id(self) -> str:
        # 18 digits and never a float's exact value: a client that parses `order_id` as a
        # float visibly gets another number.
        while True:
            number = self._id_rng.randrange(10**17, 10**18)
            order_id = str(number)
            if int(float(number)) != number and order_id not in self._orders:
                return order_id

    def _today(self) -> date:
        return datetime.fromtimestamp(self._clock(), UTC).date()

    def _now_ms(self) -> int:
        return round(self._clock() * 1000)

    def _uid(self, access_key: str | None) -> str:
        if access_key is None:
            return self._uids[self.primary_key]
        if access_key not in self._uids:
            raise ValueError(f"no such access key: {access_key!r}")
        return self._uids[access_key]

    def _learn(self, contract_code: str, mode: MarginMode) -> Contract:
        """Make a contract known (seeding does); isolated margin trades perpetuals only."""
        known = self._contracts.get(contract_code) or contract(contract_code, self._today())
        if mode is MarginMode.ISOLATED and not known.is_swap:
            raise ValueError(f"isolated margin trades perpetual swaps only, not {contract_code}")
        self._contracts[contract_code] = known
        return known

    def _new_order(
        self,
        order_id: str,
        uid: str,
        mode: MarginMode,
        known: Contract,
        attributes: Mapping[str, object],
    ) -> TrailingOrder:
        self._sequence += 1
        values: dict[str, Any] = dict(attributes)
        created_at = values.pop("created_at", None)
        return TrailingOrder(
            order_id=order_id,
            uid=uid,
            margin_mode=mode,
            contract=known,
            sequence=self._sequence,
            created_at=created_at if isinstance(created_at, int) else self._now_ms(),
            **values,
        )

    def _settled(self, order: TrailingOrder, state: OrderState) -> TrailingOrder:
        now_ms = max(self._now_ms(), order.created_at)
        if state is OrderState.CANCELLED:
            order.cancel(now_ms)
        elif state is OrderState.EXECUTED:
            order.trigger(now_ms, self._fresh_id())
        elif state is OrderState.FAILED:
            order.fail(now_ms)
        return order

    def _step(
        self, order_id: str | int, change: Callable[[TrailingOrder, int], None]
    ) -> TrailingOrder:
        with self._lock:
            order = self._orders.get(_lookup_id(order_id))
            if order is None:
                raise KeyError(f"no such order: {order_id}")
            change(order, max(self._now_ms(), order.created_at))
            return order.snapshot()

    def _ids(
        self,
        state: OrderState,
        contract_code: str | None,
        margin_mode: MarginMode | str | None,
    ) -> frozenset[str]:
        orders = self.orders(contract_code, margin_mode=margin_mode)
        return frozenset(i for i, found in orders.items() if found is state)

    # --- the operations -------------------------------------------------------------------------

    def _carry_out(
        self, operation: Operation, uid: str, request: Request
    ) -> tuple[_Envelope, _Outcome]:
        mode = operation.margin_mode
        if isinstance(request, PlaceRequest):
            return self._place(mode, uid, request)
        if isinstance(request, CancelRequest):
            return self._cancel(mode, uid, request)
        if isinstance(request, CancelAllRequest):
            return self._cancel_all(mode, uid, request)
        assert operation.kind in (Kind.OPEN_ORDERS, Kind.HISTORY)
        return self._list(mode, uid, request, history=operation.kind is Kind.HISTORY)

    def _place(
        self, mode: MarginMode, uid: str, request: PlaceRequest
    ) -> tuple[_Envelope, _Outcome]:
        known = self._resolve(mode, request.contract)
        outcome = _Outcome(contract_code=known.code)
        if request.callback_rate < MIN_CALLBACK_RATE:
            raise _Refused(*CALLBACK_RATE, outcome)
        order = self._new_order(
            self._fresh_id(),
            uid,
            mode,
            known,
            {
                "direction": request.direction,
                "offset": request.offset,
                "volume": request.volume,
                "lever_rate": 5 if request.lever_rate is None else request.lever_rate,
                "callback_rate": request.callback_rate,
                "active_price": request.active_price,
                "order_price_type": request.order_price_type,
                "reduce_only": request.reduce_only,
            },
        )
        self._orders[order.order_id] = order
        self._placed_count += 1
        data = {"order_id": int(order.order_id), "order_id_str": order.order_id}
        return self._ok(data), evolve(outcome, created_ids=(order.order_id,))

    def _cancel(
        self, mode: MarginMode, uid: str, request: CancelRequest
    ) -> tuple[_Envelope, _Outcome]:
        known = self._resolve(mode, request.contract)
        successes: list[str] = []
        errors: list[dict[str, object]] = []
        for order_id in request.order_ids:
            order = self._orders.get(order_id)
            if order is None or not self._owns(order, uid, mode, known):
                failure = ORDER_UNKNOWN
            elif order.state is OrderState.OPEN:
                self._cancel_order(order)
                successes.append(order_id)
                continue
            elif order.state is OrderState.CANCELLED:
                failure = ORDER_CANCELLED
            else:
                failure = ORDER_EXECUTED
            self._order_errors[failure[0]] += 1
            errors.append({"order_id": order_id, "err_code": failure[0], "err_msg": failure[1]})
        outcome = _Outcome(known.code, request.order_ids, cancelled_ids=tuple(successes))
        return self._ok({"errors": errors, "successes": ",".join(successes)}), outcome

    def _cancel_all(
        self, mode: MarginMode, uid: str, request: CancelAllRequest
    ) -> tuple[_Envelope, _Outcome]:
        known = self._resolve(mode, request.contract)
        matching = sorted(
            (
                order
                for order in self._orders.values()
                if self._owns(order, uid, mode, known)
                and order.state is OrderState.OPEN
                and request.direction in (None, order.direction)
                and request.offset in (None, order.offset)
            ),
            key=lambda order: order.sequence,
        )
        if not matching:
            raise _Refused(*NOTHING_TO_CANCEL, _Outcome(known.code))
        for order in matching:
            self._cancel_order(order)
        cancelled = tuple(order.order_id for order in matching)
        outcome = _Outcome(known.code, cancelled_ids=cancelled)
        return self._ok({"errors": [], "successes": ",".join(cancelled)}), outcome

    def _list(
        self, mode: MarginMode, uid: str, request: ListRequest, *, history: bool
    ) -> tuple[_Envelope, _Outcome]:
        ref = request.contract
        code: str | None = None
        if ref.code is not None:
            code = self._resolve(mode, ref).code
        elif ref.pair is not None and not any(c.pair == ref.pair for c in self._contracts.values()):
            raise _Refused(*UNKNOWN_CONTRACT, _Outcome())
        states = request.states if history else frozenset({OrderState.OPEN})
        assert states is not None
        side = TRADE_TYPES[request.trade_type]
        since = self._now_ms() - (request.days or 0) * DAY_MS
        chosen = [
            order
            for order in self._orders.values()
            if order.uid == uid
            and order.margin_mode is mode
            and (code is None or order.contract.code == code)
            and (ref.pair is None or order.contract.pair == ref.pair)
            and order.state in states
            and (side is None or (order.direction, order.offset) == side)
            and (not history or order.created_at >= since)
        ]
        sort_key = _by_update_time if request.sort_by == "update_time" else _by_created_at
        chosen.sort(key=sort_key, reverse=True)
        size, index = request.page_size, request.page_index
        page = chosen[(index - 1) * size : index * size]
        render = TrailingOrder.history_json if history else TrailingOrder.open_order_json
        data = {
            "orders": [render(order) for order in page],
            "total_page": -(-len(chosen) // size),
            "current_page": index,
            "total_size": len(chosen),
        }
        return self._ok(data), _Outcome(contract_code=code)

    def _resolve(self, mode: MarginMode, ref: ContractRef) -> Contract:
        """The contract a request names; 1014 when there is none (or it isn't in this mode)."""
        if ref.code is not None:
            known = self._contracts.get(ref.code)
        elif ref.pair is not None and ref.contract_type is not None:
            known = next(
                (
                    c
                    for c in self._contracts.values()
                    if c.pair == ref.pair and c.contract_type == ref.contract_type
                ),
                None,
            )
        else:
            known = None
        if known is None or (mode is MarginMode.ISOLATED and not known.is_swap):
            raise _Refused(*UNKNOWN_CONTRACT, _Outcome(contract_code=ref.code))
        return known

    @staticmethod
    def _owns(order: TrailingOrder, uid: str, mode: MarginMode, known: Contract) -> bool:
        return order.uid == uid and order.margin_mode is mode and order.contract == known

    def _cancel_order(self, order: TrailingOrder) -> None:
        order.cancel(max(self._now_ms(), order.created_at))
        self._cancelled_count += 1

    # --- envelopes and the record -------------------------------------------------------------

    def _ok(self, data: object) -> _Envelope:
        return {"status": "ok", "data": data, "ts": self._ts()}

    def _error(self, err_code: int, err_msg: str) -> _Envelope:
        return {"status": "error", "err_code": err_code, "err_msg": err_msg, "ts": self._ts()}

    def _ts(self) -> int:
        return round(self._clock() * 1000)

    def _refuse(
        self, admission: Admission, headers: Mapping[str, str], err_code: int, err_msg: str
    ) -> Admission:
        reply = Reply(200, _json(self._error(err_code, err_msg)), headers=headers)
        refused = evolve(admission, headers=headers, refusal=reply)
        self._record(refused, http_status=200, status="error", err_code=err_code)
        return refused

    def _record(
        self,
        admission: Admission,
        *,
        http_status: int,
        status: str | None,
        err_code: int | None,
        outcome: _Outcome | None = None,
    ) -> None:
        done = outcome or _Outcome()
        self._log.append(
            RequestRecord(
                time=admission.time,
                method=admission.method,
                path=admission.path,
                access_key=admission.auth.access_key,
                authenticated=admission.auth.ok,
                http_status=http_status,
                status=status,
                err_code=err_code,
                fault=admission.fault,
                contract_code=done.contract_code,
                order_ids=done.order_ids,
                operation=admission.operation,
                created_ids=done.created_ids,
                cancelled_ids=done.cancelled_ids,
            )
        )


class _Refused(RequestError):
    """A request refused after its body was read: its code, message and what it named."""

    def __init__(self, err_code: int, err_msg: str, outcome: _Outcome) -> None:
        super().__init__(err_code, err_msg)
        self.outcome = outcome


def _by_created_at(order: TrailingOrder) -> tuple[int, int]:
    return order.created_at, order.sequence


def _by_update_time(order: TrailingOrder) -> tuple[int, int]:
    return order.update_time or order.created_at, order.sequence


def _seed_id(order_id: str | int) -> str:
    canonical = canonical_order_id(str(order_id))
    if canonical is None:
        raise ValueError(f"order IDs are decimal int64 values, got {order_id!r}")
    return canonical


def _lookup_id(order_id: str | int) -> str:
    return canonical_order_id(str(order_id)) or str(order_id)


def _price(price: Decimal | float | str | None) -> Decimal | None:
    if price is None:
        return None
    try:
        value = Decimal(str(price)) if not isinstance(price, bool) else Decimal("NaN")
    except ArithmeticError:
        raise ValueError(f"price must be a positive number, got {price!r}") from None
    if not value.is_finite() or value <= 0 or value >= 10**18:
        raise ValueError(f"price must be a positive number, got {price!r}")
    return value


def check_latency(seconds: float) -> None:
    """ValueError unless `seconds` is a latency the sandbox can hold: finite, 0 to 600 s."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise ValueError(f"latency must be a number of seconds, got {seconds!r}")
    if not (math.isfinite(seconds) and 0 <= seconds <= MAX_WAIT):
        raise ValueError(f"latency must be from 0 to {MAX_WAIT:g} s, got {seconds}")


def _json(document: Mapping[str, object]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode(
        "utf-8"
    )


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) else None
