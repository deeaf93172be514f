"""The simulated exchange: trailing orders, the rules of `swap_track_cancel`, the record of it all.

Everything here is synchronous and guarded by one lock: the server's event loop calls in from
its thread while tests call the control methods from theirs.
"""

from __future__ import annotations

import enum
import json
import random
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping

from attrs import asdict, evolve, field, frozen

from htx_sandbox._credentials import DEFAULT_CREDENTIALS, Credentials
from htx_sandbox._faults import Fault, FaultPlan
from htx_sandbox._ratelimit import SlidingWindow, max_window_count
from htx_sandbox._signature import AuthResult, verify

CANCEL_PATH = "/linear-swap-api/v1/swap_track_cancel"
DEFAULT_CONTRACT_CODE = "BTC-USDT"
MAX_ORDER_IDS = 10

# HTX's code for a malformed body is not verified (FACTS.md has none); 1030 is its generic
# input-error code, and the message names the problem so a client's log is useful.
INPUT_ERROR = 1030
RATE_LIMITED = (1032, "The number of access exceeded the limit.")
UNKNOWN_CONTRACT = (1014, "This contract doesn't exist.")
ORDER_UNKNOWN = (1061, "This order doesn't exist.")
ORDER_EXECUTED = (1063, "The order has been executed.")
ORDER_CANCELLED = (1071, "Repeated cancellation. Your order has been canceled.")

BAD_GATEWAY_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
)

_ORDER_ID = re.compile(r"[0-9]{1,19}", re.ASCII)
_INT64_MAX = 2**63 - 1


class OrderState(enum.StrEnum):
    """Where a trailing order stands."""

    OPEN = "open"
    CANCELLED = "cancelled"
    EXECUTED = "executed"


@frozen
class RequestRecord:
    """One request to the cancel endpoint and what the sandbox did with it."""

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
    order_ids: tuple[str, ...] = ()


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
    """Orders cancelled by requests."""
    max_window_count: Mapping[str, int]
    """Per access key, the most authenticated requests that started in one rate-limit interval."""


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
    auth: AuthResult
    headers: Mapping[str, str]
    latency: float
    fault: Fault = Fault.NONE
    delay: float = 0.0
    refusal: Reply | None = None
    """The reply when the request was refused (auth or rate limit); None when admitted."""


class InputError(ValueError):
    """A cancel body HTX would refuse before looking at any order."""


def parse_cancel_body(body: bytes) -> tuple[str, tuple[str, ...]]:
    """The contract code and the distinct order IDs, in order, of a cancel body."""
    try:
        document = json.loads(body)
    except ValueError:
        raise InputError("Incorrect param. The body is not JSON.") from None
    if not isinstance(document, dict):
        raise InputError("Incorrect param. The body is not a JSON object.")
    contract_code = document.get("contract_code")
    if not isinstance(contract_code, str) or not contract_code:
        raise InputError("Incorrect param. contract_code must be a non-empty string.")
    joined = document.get("order_id")
    if not isinstance(joined, str):
        raise InputError("Incorrect param. order_id must be a string of IDs joined by ','.")
    parts = joined.split(",")
    if len(parts) > MAX_ORDER_IDS:
        raise InputError(f"Incorrect param. order_id holds at most {MAX_ORDER_IDS} IDs.")
    ids = [_canonical_order_id(part) for part in parts]
    if None in ids:
        raise InputError("Incorrect param. Each order ID must be a decimal integer.")
    return contract_code, tuple(dict.fromkeys(i for i in ids if i is not None))


def _canonical_order_id(text: str) -> str | None:
    if not _ORDER_ID.fullmatch(text) or int(text) > _INT64_MAX:
        return None
    return str(int(text))


class Exchange:
    """The sandbox's state and rules, safe to call from any thread."""

    def __init__(
        self,
        *,
        credentials: Credentials = DEFAULT_CREDENTIALS,
        rate: float | None = 5.0,
        interval: float = 1.0,
        faults: FaultPlan | None = None,
        latency: float = 0.0,
        clock: Callable[[], float] = time.time,
        seed: int = 0,
        contract_code: str = DEFAULT_CONTRACT_CODE,
        orders: int = 0,
        public_host: str | None = None,
    ) -> None:
        """Build an exchange knowing `contract_code`, with `orders` open orders seeded in it.

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
        self._secrets = {credentials.access_key: credentials.secret_key}
        self._initial = (rate, interval, faults, latency, seed, contract_code, orders)
        self._reset()

    # --- the HTX side, called by the app -------------------------------------------------------

    def admit(self, method: str, host: str, path: str, query_string: bytes) -> Admission:
        """Authenticate a request, then count it against its key's window and draw its fault.

        `host` is the request's `Host` header; a `public_host`, if set, is verified instead.
        """
        with self._lock:
            now = self._clock()
            signed_host = host if self.public_host is None else self.public_host
            auth = verify(method, signed_host, path, query_string, self._secrets, now)
            admission = Admission(
                time=now, method=method, path=path, auth=auth, headers={}, latency=self._latency
            )
            if auth.err_code is not None or auth.access_key is None:
                headers = self._peek_headers(auth.access_key, now)
                return self._refuse(admission, headers, auth.err_code or 403, auth.err_msg)
            self._seen.setdefault(auth.access_key, []).append(now)
            headers = {}
            if self._window is not None:
                reading = self._window.admit(auth.access_key, now)
                headers = self._headers(reading.remaining, reading.reset_ms)
                if not reading.admitted:
                    return self._refuse(admission, headers, *RATE_LIMITED)
            fault = self._fault_queue.popleft() if self._fault_queue else self._draw_fault()
            delay = (self._plan or FaultPlan()).delay
            return evolve(admission, headers=headers, fault=fault, delay=delay)

    def cancel(self, admission: Admission, body: bytes) -> Reply:
        """Apply an admitted request's cancels and build HTX's envelope for it."""
        with self._lock:
            contract_code: str | None = None
            order_ids: tuple[str, ...] = ()
            try:
                contract_code, order_ids = parse_cancel_body(body)
            except InputError as error:
                envelope = self._error(INPUT_ERROR, str(error))
            else:
                if contract_code in self._contracts:
                    envelope = self._apply(contract_code, order_ids)
                else:
                    envelope = self._error(*UNKNOWN_CONTRACT)
            self._record(
                admission,
                http_status=200,
                status=str(envelope["status"]),
                err_code=_int_or_none(envelope.get("err_code")),
                contract_code=contract_code,
                order_ids=order_ids,
            )
            return Reply(200, _json(envelope), headers=admission.headers)

    def bad_gateway(self, admission: Admission) -> Reply:
        """Record a request answered by a gateway's 502 page instead of by HTX."""
        with self._lock:
            self._record(admission, http_status=502, status=None, err_code=None)
        # A gateway's page carries none of HTX's rate-limit headers.
        return Reply(502, BAD_GATEWAY_PAGE, media_type="text/html")

    # --- control --------------------------------------------------------------------------------

    def now(self) -> float:
        """The sandbox clock, epoch seconds."""
        return self._clock()

    def add_credentials(self, credentials: Credentials) -> None:
        """Accept another access key (each key has its own rate-limit window)."""
        with self._lock:
            self._secrets[credentials.access_key] = credentials.secret_key

    def seed_orders(
        self,
        contract_code: str = DEFAULT_CONTRACT_CODE,
        *,
        open: Iterable[str | int] = (),
        executed: Iterable[str | int] = (),
        cancelled: Iterable[str | int] = (),
        generate: int = 0,
    ) -> tuple[str, ...]:
        """Add a contract's orders (replacing any with the same IDs); return the new open IDs.

        `generate` adds that many open orders with fresh random 18-digit IDs, beyond the float
        precision a careless client would lose them to.
        """
        if generate < 0:
            raise ValueError(f"generate must not be negative, got {generate}")
        with self._lock:
            self._contracts.add(contract_code)
            opened = [_seed_id(order_id) for order_id in open]
            for ids, state in (
                (opened, OrderState.OPEN),
                ([_seed_id(order_id) for order_id in executed], OrderState.EXECUTED),
                ([_seed_id(order_id) for order_id in cancelled], OrderState.CANCELLED),
            ):
                for order_id in ids:
                    self._orders[order_id] = (contract_code, state)
            for _ in range(generate):
                order_id = self._fresh_id()
                self._orders[order_id] = (contract_code, OrderState.OPEN)
                opened.append(order_id)
            return tuple(opened)

    def order_state(self, order_id: str | int) -> OrderState | None:
        """The state of an order, or None when the sandbox has no such order."""
        with self._lock:
            entry = self._orders.get(_canonical_order_id(str(order_id)) or str(order_id))
            return None if entry is None else entry[1]

    def orders(self, contract_code: str | None = None) -> dict[str, OrderState]:
        """Every order (of one contract, if given) and its state."""
        with self._lock:
            return {
                order_id: state
                for order_id, (code, state) in self._orders.items()
                if contract_code is None or code == contract_code
            }

    def cancelled_ids(self, contract_code: str | None = None) -> frozenset[str]:
        """The IDs of the cancelled orders (of one contract, if given)."""
        orders = self.orders(contract_code)
        return frozenset(i for i, state in orders.items() if state is OrderState.CANCELLED)

    def requests(self) -> tuple[RequestRecord, ...]:
        """Every request to the cancel endpoint since the last reset, in order of arrival."""
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
            cancelled = self._cancelled_count
            seen = {
                key: max_window_count(times, self._interval) for key, times in self._seen.items()
            }
        return Stats(
            requests=len(log),
            authenticated=sum(record.authenticated for record in log),
            rejections=dict(Counter(r.err_code for r in log if r.err_code is not None)),
            order_errors=order_errors,
            faults=dict(Counter(str(r.fault) for r in log if r.fault is not Fault.NONE)),
            cancelled=cancelled,
            max_window_count=seen,
        )

    def max_window_count(self, access_key: str | None = None) -> int:
        """The most authenticated requests one key (or any key) started in one interval."""
        counts = self.stats().max_window_count
        if access_key is not None:
            return counts.get(access_key, 0)
        return max(counts.values(), default=0)

    def set_faults(self, plan: FaultPlan | None) -> None:
        """Draw every later admitted request's fault from `plan` (None: no random faults)."""
        with self._lock:
            self._plan = plan

    def queue_faults(self, fault: Fault | str, count: int = 1) -> None:
        """Give the next `count` admitted requests `fault`, ahead of the plan's draws."""
        with self._lock:
            self._fault_queue.extend([Fault(fault)] * count)

    def set_latency(self, seconds: float) -> None:
        """Hold every later reply `seconds` before answering (without blocking other requests)."""
        latency = _latency(seconds)
        with self._lock:
            self._latency = latency

    def set_rate_limit(self, rate: float | None, interval: float = 1.0) -> None:
        """Allow `rate` requests per key in any `interval` seconds; None means unlimited."""
        window = _window(rate, interval)
        with self._lock:
            self._window = window
            self._interval = interval

    def settings(self) -> dict[str, object]:
        """The current rate limit, latency and faults, as plain JSON values."""
        with self._lock:
            window, plan = self._window, self._plan
            return {
                "rate": None if window is None else window.limit,
                "interval": self._interval,
                "latency": self._latency,
                "faults": None if plan is None else _plan_dict(plan),
                "queued_faults": [str(fault) for fault in self._fault_queue],
            }

    def reset(self) -> None:
        """Back to how the exchange was built: its initial orders and settings, no requests."""
        with self._lock:
            self._reset()

    # --- internals (callers hold the lock) ------------------------------------------------------

    def _reset(self) -> None:
        rate, interval, plan, latency, seed, contract_code, orders = self._initial
        self._window = _window(rate, interval)
        self._interval = interval
        self._plan = plan
        self._latency = _latency(latency)
        # Seeded, not secure, on purpose: a failing run must replay the same faults and IDs.
        self._fault_rng = random.Random(seed)  # noqa: S311
        self._id_rng = random.Random(seed + 1)  # noqa: S311
        self._fault_queue: deque[Fault] = deque()
        self._contracts = {contract_code}
        self._orders: dict[str, tuple[str, OrderState]] = {}
        # Drawn first from a freshly seeded RNG, so a reset brings back the very same IDs.
        for _ in range(orders):
            self._orders[self._fresh_id()] = (contract_code, OrderState.OPEN)
        self.initial_order_ids = tuple(self._orders)
        self._log: list[RequestRecord] = []
        self._order_errors: Counter[int] = Counter()
        self._seen: dict[str, list[float]] = {}
        self._cancelled_count = 0

    def _draw_fault(self) -> Fault:
        return Fault.NONE if self._plan is None else self._plan.draw(self._fault_rng)

    def _fresh_id(self) -> str:
        while True:
            order_id = str(self._id_rng.randrange(10**17, 10**18))
            if order_id not in self._orders:
                return order_id

    def _apply(self, contract_code: str, order_ids: tuple[str, ...]) -> dict[str, object]:
        successes: list[str] = []
        errors: list[dict[str, object]] = []
        for order_id in order_ids:
            code, state = self._orders.get(order_id, (None, None))
            if code != contract_code:
                failure = ORDER_UNKNOWN
            elif state is OrderState.OPEN:
                self._orders[order_id] = (contract_code, OrderState.CANCELLED)
                self._cancelled_count += 1
                successes.append(order_id)
                continue
            elif state is OrderState.CANCELLED:
                failure = ORDER_CANCELLED
            else:
                failure = ORDER_EXECUTED
            self._order_errors[failure[0]] += 1
            errors.append({"order_id": order_id, "err_code": failure[0], "err_msg": failure[1]})
        return {
            "status": "ok",
            "data": {"errors": errors, "successes": ",".join(successes)},
            "ts": self._ts(),
        }

    def _error(self, err_code: int, err_msg: str) -> dict[str, object]:
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
        contract_code: str | None = None,
        order_ids: tuple[str, ...] = (),
    ) -> None:
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
                contract_code=contract_code,
                order_ids=order_ids,
            )
        )

    def _peek_headers(self, access_key: str | None, now: float) -> Mapping[str, str]:
        if self._window is None:
            return {}
        if access_key in self._secrets:
            assert access_key is not None
            reading = self._window.peek(access_key, now)
            return self._headers(reading.remaining, reading.reset_ms)
        return self._headers(self._window.limit, round(now * 1000))

    def _headers(self, remaining: int, reset_ms: int) -> Mapping[str, str]:
        assert self._window is not None
        return {
            "ratelimit-limit": str(self._window.limit),
            "ratelimit-interval": str(round(self._window.interval * 1000)),
            "ratelimit-remaining": str(remaining),
            "ratelimit-reset": str(reset_ms),
        }


def _seed_id(order_id: str | int) -> str:
    canonical = _canonical_order_id(str(order_id))
    if canonical is None:
        raise ValueError(f"order IDs are decimal int64 values, got {order_id!r}")
    return canonical


def _window(rate: float | None, interval: float) -> SlidingWindow | None:
    if interval <= 0:
        raise ValueError(f"interval must be positive, got {interval}")
    if rate is None:
        return None
    if not float(rate).is_integer():
        raise ValueError(f"rate counts requests per interval and must be whole, got {rate}")
    return SlidingWindow(int(rate), interval)


def _latency(seconds: float) -> float:
    if seconds < 0:
        raise ValueError(f"latency must not be negative, got {seconds}")
    return seconds


def _json(document: Mapping[str, object]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _plan_dict(plan: FaultPlan) -> dict[str, object]:
    return asdict(plan)
