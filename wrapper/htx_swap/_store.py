"""Pacing shared by every process of one account, through Redis.

HTX counts its limits per account, whatever key or process sends; a limiter per client object
lets three processes of one account send three times the limit. With ``rate_limit_store=`` a
client reserves each start in Redis instead: one Lua script per start books, atomically and on
Redis's clock (``TIME``), the earliest time every window of the request allows (its interface's
and its pool's), so processes on several machines share exact sliding windows and never count a
slot twice or lose one.

Why a script and not the ``limits`` library: ``limits``' Redis strategies answer "may I go now?"
(hit or refuse) on approximated or fixed windows, so a refused caller polls; a reservation here
says "go at T" in one round trip, keeps first come first served across processes, covers two
windows (interface and pool) in one atomic step, and can move a slot to when its request's
bytes actually left.

Faults of the store never make the client faster than HTX allows, nor hang it: every call has a
deadline; a failed call switches the client to its local limiters at a conservative share of
the limits (1 / the number of clients last seen in the store, or ``UNKNOWN_SHARE``), with one
WARNING, and a later booking tries the store again (``RETRY_AFTER``). A restarted Redis has lost
its windows: processes book from empty ones, so the first window after a restart may overshoot
by what was sent just before it (the local 1032 handling then slows them).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import math
import random
import threading
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ._errors import InvalidRequestError
from ._pacing import SlidingWindowLimiter, Slot

if TYPE_CHECKING:
    import asyncio

__all__ = [
    "DEADLINE",
    "HORIZON",
    "RATE_LIMIT_STORE_ENV",
    "RETRY_AFTER",
    "UNKNOWN_SHARE",
    "RateLimitStore",
    "SharedLimiter",
    "SharedSlot",
    "check_store_url",
]

logger = logging.getLogger("htx_swap")

RATE_LIMIT_STORE_ENV = "HTX_RATE_LIMIT_STORE"
# Seconds a store call may take (connecting included) before the client paces locally.
DEADLINE = 0.25
# Seconds between attempts to get back to a store that failed.
RETRY_AFTER = 1.0
# Part of the limits a client uses when the store fails before it saw how many clients share it.
UNKNOWN_SHARE = 0.2
# A client counts as sharing the account's windows for this long after its last booking.
CLIENT_TTL = 10.0
# A request that leaves later than its slot by more than this moves its slot in the store (a
# second, rare, round trip); below it, the windows' margin absorbs the lateness.
LATE_TOLERANCE = 0.005
# A slot is reserved at most this far ahead of its start: a request that leaves late (a new
# connection, a busy machine) moves its slot when its bytes leave, and a successor reserved later
# than that keeps its distance from the real time. A caller whose slot is further off waits and
# asks again (a second round trip, only when the windows are full).
HORIZON = 0.1
_SCHEMES = ("redis", "rediss", "unix")

# KEYS: the request's windows, then the account's set of clients. ARGV: the slot's member, the
# client's ID, the client TTL (us), the horizon (us), then per window its capacity and length
# (us). Returns the slot's start after now (us), the number of clients seen in the TTL, and the
# start on Redis's clock (us), or 0 when the start is past the horizon (nothing reserved).
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local n = #KEYS - 1
local start = now
for i = 1, n do
  local capacity = tonumber(ARGV[3 + 2 * i])
  local window = tonumber(ARGV[4 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  local last = redis.call('ZREVRANGE', KEYS[i], 0, 0, 'WITHSCORES')
  if last[2] then start = math.max(start, tonumber(last[2])) end
  local kth = redis.call('ZREVRANGE', KEYS[i], capacity - 1, capacity - 1, 'WITHSCORES')
  if kth[2] then start = math.max(start, tonumber(kth[2]) + window) end
end
local ttl = tonumber(ARGV[3])
redis.call('ZADD', KEYS[n + 1], now, ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[n + 1], '-inf', now - ttl)
redis.call('PEXPIRE', KEYS[n + 1], math.ceil(ttl / 1000))
local clients = redis.call('ZCARD', KEYS[n + 1])
if start - now > tonumber(ARGV[4]) then return {start - now, clients, 0} end
for i = 1, n do
  local window = tonumber(ARGV[4 + 2 * i])
  redis.call('ZADD', KEYS[i], start, ARGV[1])
  redis.call('PEXPIRE', KEYS[i], math.ceil((start - now + window) / 1000) + 1000)
end
return {start - now, clients, start}
"""
# KEYS: the slot's windows. ARGV: its member, and when (us, Redis's clock) its request left.
_MOVE = """
local left = tonumber(ARGV[2])
for i = 1, #KEYS do
  local score = redis.call('ZSCORE', KEYS[i], ARGV[1])
  if score and tonumber(score) < left then redis.call('ZADD', KEYS[i], 'XX', left, ARGV[1]) end
end
return 0
"""


def check_store_url(url: object, name: str = "rate_limit_store") -> str | None:
    """The store's URL (``redis://``, ``rediss://``, ``unix://``), or None for "no store".

    ``name`` is where it came from (the parameter, or the environment variable), for messages.
    """
    if url is None or url == "":
        return None
    if not isinstance(url, str):
        raise InvalidRequestError(f"{name} must be a str URL; got {type(url).__name__}")
    try:
        scheme = urlsplit(url).scheme
    except ValueError:  # "Invalid IPv6 URL": its own message quotes nothing, still say ours
        scheme = None
    if scheme is not None and scheme not in _SCHEMES:
        # The URL may carry a password: name only its scheme.
        raise InvalidRequestError(
            f"{name} must be a redis://, rediss:// or unix:// URL; got scheme {scheme!r}"
        )
    if scheme is None or not _readable_by_redis(url):
        # Neither the URL nor the parser's message: both may quote part of the password.
        raise InvalidRequestError(
            f"{name} is not a URL redis can read: check its host, port, database and options;"
            " a password with '#', '/', '?' or '@' must be percent-encoded"
        )
    return url


def _readable_by_redis(url: str) -> bool:
    """Whether redis's own parsers (sync and asyncio) take ``url``, as the store will."""
    try:
        from redis.asyncio.connection import parse_url as parse_async
        from redis.connection import parse_url
    except ImportError:  # the store says which extra it needs; urllib reads the port meanwhile
        parsers: tuple[Callable[[str], object], ...] = (lambda u: urlsplit(u).port,)
    else:
        parsers = (parse_url, parse_async)
    try:
        for parse in parsers:
            parse(url)
    except (ValueError, TypeError):
        return False
    return True


def _account_tag(account_id: str) -> str:
    # Redis sees a digest, not the key: the store may be shared with other applications.
    return hashlib.sha256(account_id.encode()).hexdigest()[:24]


class SharedSlot:
    """A start booked in the store (``member``), or on the local limiters when it failed."""

    __slots__ = (
        "_redis_at_asked",
        "asked",
        "due",
        "left_us",
        "local",
        "member",
        "recorded",
        "start_us",
    )

    def __init__(
        self,
        due: float,
        member: str | None,
        start_us: int = 0,
        asked: float = 0.0,
        delay: float = 0.0,
        local: tuple[tuple[SlidingWindowLimiter, Slot], ...] = (),
    ) -> None:
        self.due = due
        """Monotonic time it may go (store slots): the reply's arrival plus the delay, so never
        before the start Redis reserved, however late the reply was read."""
        self.member = member
        self.start_us = start_us
        """Its start in the store, on Redis's clock (microseconds)."""
        self.asked = asked
        """Monotonic time the reservation was sent: Redis read its clock after it."""
        self.left_us = start_us
        """When its request left as far as the store knows (on Redis's clock)."""
        self._redis_at_asked = start_us - round(delay * 1e6)
        self.local = local
        self.recorded = False

    def latest_redis_time(self, monotonic: float) -> int:
        """The latest Redis time ``monotonic`` (our clock) can be: Redis read ``TIME`` no
        earlier than we asked, so time since then is added to that reading."""
        return self._redis_at_asked + round((monotonic - self.asked) * 1e6)


class RateLimitStore:
    """One client's connection to the store, and whether it works. Shared by its limiters."""

    def __init__(
        self,
        url: str,
        account_id: str,
        *,
        asynchronous: bool,
        deadline: float = DEADLINE,
        retry_after: float = RETRY_AFTER,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        try:
            import redis
        except ImportError:
            raise InvalidRequestError(
                "rate_limit_store needs the redis package: pip install 'htx-swap[redis]'"
            ) from None
        self.url = url
        self.asynchronous = asynchronous
        self.deadline = deadline
        self.retry_after = retry_after
        self.clock = clock
        self.prefix = f"htx-swap:{{{_account_tag(account_id)}}}"
        self.client_id = uuid.uuid4().hex
        # Spreads the callers that wait for a full window, so they don't all ask at once.
        self.rng = random.Random()  # noqa: S311 - jitter, not cryptography
        self._members = itertools.count()
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._retry_at = 0.0
        self._probing = False
        self.clients = 0
        """Clients seen sharing the account's windows at the last booking (0: never seen)."""
        self.failures = 0
        """Store calls that failed or ran out of time."""
        # What a store call may raise when Redis is down, slow or restarted (a deadline passing
        # is a TimeoutError, or redis's own, a RedisError).
        self.errors: tuple[type[Exception], ...] = (redis.RedisError, OSError, TimeoutError)
        options: dict[str, Any] = {
            "socket_timeout": deadline,
            "socket_connect_timeout": deadline,
            "health_check_interval": 0,
        }
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        if asynchronous:
            import redis.asyncio
            from redis.asyncio.retry import Retry as AsyncRetry

            self._async_options = {**options, "retry": AsyncRetry(NoBackoff(), 0)}
            self._async: dict[int, Any] = {}
            self._sync: Any = None
        else:
            self._sync = redis.Redis.from_url(url, retry=Retry(NoBackoff(), 0), **options)
            self._reserve = self._sync.register_script(_RESERVE)
            self._move = self._sync.register_script(_MOVE)

    def __repr__(self) -> str:
        # The URL may carry a password.
        return f"RateLimitStore(account={self.prefix!r}, up={self._down_since is None!r})"

    @property
    def up(self) -> bool:
        """The last store call worked."""
        return self._down_since is None

    def key(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    def member(self) -> str:
        return f"{self.client_id}:{next(self._members)}"

    def should_try(self) -> bool:
        """Whether this booking goes to the store: it works, or it is time to try it again
        (one caller at a time; the others pace locally meanwhile)."""
        with self._lock:
            if self._down_since is None:
                return True
            if self._probing or self.clock() < self._retry_at:
                return False
            self._probing = True
            return True

    def retry_in(self) -> float:
        """Seconds until the store may be tried again (0 if now)."""
        with self._lock:
            return max(0.0, self._retry_at - self.clock())

    def succeeded(self, clients: int) -> None:
        with self._lock:
            self.clients = clients
            self._probing = False
            if self._down_since is not None:
                logger.warning(
                    "rate-limit store is back after %.1f s: pacing through it again",
                    self.clock() - self._down_since,
                )
                self._down_since = None

    def failed(self, error: BaseException) -> None:
        with self._lock:
            self.failures += 1
            self._probing = False
            now = self.clock()
            self._retry_at = now + self.retry_after
            if self._down_since is None:
                self._down_since = now
                logger.warning(
                    "rate-limit store unreachable (%s): pacing locally at %.0f%% of HTX's limits"
                    " until it is back",
                    type(error).__name__,
                    self.fallback_share() * 100,
                )

    def fallback_share(self) -> float:
        """The part of the limits one client takes while the store is away."""
        return UNKNOWN_SHARE if self.clients <= 0 else 1.0 / self.clients

    def reserve_args(self, limiters: tuple[SlidingWindowLimiter, ...], member: str) -> list[Any]:
        args: list[Any] = [member, self.client_id, round(CLIENT_TTL * 1e6), round(HORIZON * 1e6)]
        for limiter in limiters:
            args += [limiter.capacity, round(limiter.window * 1e6)]
        return args

    # --- sync ---

    def reserve_sync(self, keys: list[str], args: list[Any]) -> tuple[float, int, int]:
        delay_us, clients, start_us = self._reserve(keys=keys, args=args)
        return int(delay_us) / 1e6, int(clients), int(start_us)

    def move_sync(self, keys: list[str], member: str, left_us: int) -> None:
        try:
            self._move(keys=keys, args=[member, left_us])
        except self.errors as error:
            self.failed(error)

    # --- async ---

    def _async_client(self) -> tuple[Any, Any, Any]:
        import asyncio

        import redis.asyncio

        # A connection belongs to one event loop; a client may be used from several in turn.
        loop = asyncio.get_running_loop()
        entry = self._async.get(id(loop))
        if entry is None or entry[0] is not loop:
            client = redis.asyncio.Redis.from_url(self.url, **self._async_options)
            entry = (
                loop,
                client,
                client.register_script(_RESERVE),
                client.register_script(_MOVE),
            )
            self._async = {id(loop): entry}
        return entry[1], entry[2], entry[3]

    async def reserve_async(self, keys: list[str], args: list[Any]) -> tuple[float, int, int]:
        import asyncio

        _, reserve, _ = self._async_client()
        # Connecting and the reply both have socket deadlines; this one bounds the whole call.
        async with asyncio.timeout(self.deadline * 2):
            delay_us, clients, start_us = await reserve(keys=keys, args=args)
        return int(delay_us) / 1e6, int(clients), int(start_us)

    async def move_async(self, keys: list[str], member: str, left_us: int) -> None:
        import asyncio

        try:
            _, _, move = self._async_client()
            async with asyncio.timeout(self.deadline * 2):
                await move(keys=keys, args=[member, left_us])
        except self.errors as error:
            self.failed(error)

    def close(self) -> None:
        if self._sync is not None:
            self._sync.close()

    async def aclose(self) -> None:
        for _, client, _, _ in list(self._async.values()):
            # Closed already, or bound to another (finished) loop: nothing left to close.
            with contextlib.suppress(RuntimeError, *self.errors):
                await client.aclose()
        self._async = {}


class SharedLimiter:
    """The windows one request draws on (its interface's and its pool's), booked in the store.

    Looks like a ``SlidingWindowLimiter`` to the engine (``book``/``delay``/``mark_started``).
    ``local`` are the client's own limiters for the same windows: the store's stand-in while it
    is away (at ``RateLimitStore.fallback_share``), kept up to date with every start here.
    """

    def __init__(
        self, store: RateLimitStore, names: tuple[str, ...], local: tuple[SlidingWindowLimiter, ...]
    ) -> None:
        self.store = store
        self.local = local
        self.keys = [store.key(name) for name in names] + [store.key("clients")]
        self._window_keys = self.keys[:-1]
        # For the engine's sizing of calls in flight: the first (tightest) window.
        self.capacity = local[0].capacity
        self.window = local[0].window
        self._pending: set[asyncio.Task[None]] = set()

    # Booking: through the store when it works (or it is time to try it again); else on the
    # local limiters, but only a slot due within HORIZON, so that no caller holds a local slot
    # far ahead when the store comes back (it would go on top of the store's windows).

    def book(self) -> SharedSlot:
        store = self.store
        while True:
            if store.should_try():
                member = store.member()
                asked = store.clock()
                try:
                    delay, clients, start_us = store.reserve_sync(
                        self.keys, store.reserve_args(self.local, member)
                    )
                except store.errors as error:
                    store.failed(error)
                else:
                    store.succeeded(clients)
                    if start_us:
                        return SharedSlot(store.clock() + delay, member, start_us, asked, delay)
                    time.sleep(delay - HORIZON * store.rng.random())
                    continue
            step = self._local_step()
            if isinstance(step, SharedSlot):
                return step
            time.sleep(step)

    async def book_async(self) -> SharedSlot:
        import asyncio

        store = self.store
        while True:
            if store.should_try():
                member = store.member()
                asked = store.clock()
                try:
                    delay, clients, start_us = await store.reserve_async(
                        self.keys, store.reserve_args(self.local, member)
                    )
                except store.errors as error:
                    store.failed(error)
                else:
                    store.succeeded(clients)
                    if start_us:
                        return SharedSlot(store.clock() + delay, member, start_us, asked, delay)
                    await asyncio.sleep(delay - HORIZON * store.rng.random())
                    continue
            step = self._local_step()
            if isinstance(step, SharedSlot):
                return step
            await asyncio.sleep(step)

    def _local_step(self) -> SharedSlot | float:
        """A local slot due within HORIZON, or the seconds to wait before looking again (until
        the store may be tried again, or the local slot comes within the horizon)."""
        store = self.store
        share = store.fallback_share()
        for limiter in self.local:
            limiter.set_share(share)
        due = max(limiter.next_start() for limiter in self.local) - store.clock()
        if due <= HORIZON:
            booked = tuple((limiter, limiter.book()) for limiter in self.local)
            return SharedSlot(math.inf, None, local=booked)
        return max(0.001, min(due - HORIZON, store.retry_in()))

    def delay(self, slot: SharedSlot) -> float:
        if slot.member is None:
            return max((limiter.delay(local) for limiter, local in slot.local), default=0.0)
        return max(slot.due, self.held_until) - self.store.clock()

    def mark_started(self, slot: SharedSlot) -> None:
        if slot.member is None:
            for limiter, local in slot.local:
                limiter.mark_started(local)
            return
        # Marked when its wait ends, and again when its bytes leave: HTX counts the latter.
        if not slot.recorded:
            slot.recorded = True
            for limiter in self.local:
                limiter.record()
        left_us = slot.latest_redis_time(self.store.clock())
        if left_us > slot.left_us + LATE_TOLERANCE * 1e6:
            slot.left_us = left_us
            self._move(slot.member, left_us)

    def _move(self, member: str, left_us: int) -> None:
        store = self.store
        if not store.asynchronous:
            store.move_sync(self._window_keys, member, left_us)
            return
        import asyncio

        try:
            task = asyncio.get_running_loop().create_task(
                store.move_async(self._window_keys, member, left_us)
            )
        except RuntimeError:  # no loop running: nothing to send it with
            return
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    # A 1032 or a nearly spent window means something outside the store draws on the account's
    # windows: every start of this client waits, the store's slots too (``delay``). The hold is
    # kept on the local limiters, the store's stand-in, which also share a pool's hold with
    # every operation of the pool, as without a store.
    @property
    def held_until(self) -> float:
        """No start through these windows before this time (our clock)."""
        return max(limiter.held_until for limiter in self.local)

    def slow_down(self, seconds: float) -> None:
        for limiter in self.local:
            limiter.slow_down(seconds)

    def hold_window(self, interval: float, seconds: float) -> None:
        for limiter in self.local:
            limiter.hold_window(interval, seconds)

    def __repr__(self) -> str:
        return f"SharedLimiter(keys={self._window_keys!r})"
