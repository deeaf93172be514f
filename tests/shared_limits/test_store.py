"""The shared store on a real Redis: exact windows across clients, per account, and its faults."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator, Sequence

import pytest

from htx_swap import Credentials, InvalidRequestError
from htx_swap import _store as store_module
from htx_swap._pacing import SlidingWindowLimiter
from htx_swap._store import RateLimitStore, SharedLimiter, check_store_url

from .conftest import RedisServer

CAPACITY = 5


def _limiter(store: RateLimitStore) -> SharedLimiter:
    local = (SlidingWindowLimiter(CAPACITY), SlidingWindowLimiter.per_window(72, 3.0))
    return SharedLimiter(store, ("interface:/cancel", "pool:trade"), local)


def _store(url: str, account: str = "account-1", **options: float) -> RateLimitStore:
    return RateLimitStore(url, account, asynchronous=False, **options)


def _assert_windows(starts: Sequence[int], capacity: int, window_us: int) -> None:
    ordered = sorted(starts)
    for first, last in zip(ordered, ordered[capacity:], strict=False):
        assert last - first >= window_us, f"{capacity + 1} starts within the window"


@pytest.fixture
def far_horizon(monkeypatch: pytest.MonkeyPatch) -> None:
    # Reserve every slot at once, however far ahead: the windows' arithmetic without waiting.
    monkeypatch.setattr(store_module, "HORIZON", 1e6)


@pytest.mark.usefixtures("far_horizon")
def test_clients_of_one_account_share_exact_windows(redis_url: str) -> None:
    stores = [_store(redis_url) for _ in range(3)]
    limiters = [_limiter(store) for store in stores]
    starts: list[int] = []
    lock = threading.Lock()

    def book(limiter: SharedLimiter) -> None:
        for _ in range(20):
            slot = limiter.book()
            assert slot.member is not None  # booked in the store, not locally
            with lock:
                starts.append(slot.start_us)

    threads = [threading.Thread(target=book, args=(limiter,)) for limiter in limiters * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    window_us = round(limiters[0].local[0].window * 1e6)
    assert len(starts) == 120
    _assert_windows(starts, CAPACITY, window_us)
    # Nothing lost or counted twice: every reservation is in the window's set, once.
    import redis

    with redis.Redis.from_url(redis_url) as client:
        assert client.zcard(limiters[0].keys[0]) == 120
        assert client.zcard(limiters[0].keys[-1]) == 3  # three clients seen
    assert stores[0].clients == 3
    assert stores[0].up


@pytest.mark.usefixtures("far_horizon")
def test_other_accounts_have_their_own_windows(redis_url: str) -> None:
    first, second = _limiter(_store(redis_url, "a")), _limiter(_store(redis_url, "b"))
    a = [first.book().start_us for _ in range(CAPACITY)]
    b = [second.book().start_us for _ in range(CAPACITY)]
    # Each account's first CAPACITY starts go at once: no one waits for the other account.
    assert max(a) - min(a) < round(first.local[0].window * 1e6)
    assert max(b) - min(b) < round(first.local[0].window * 1e6)
    assert first.keys[0] != second.keys[0]


def test_the_store_never_sees_the_account_id(redis_url: str) -> None:
    limiter = _limiter(_store(redis_url, "my-access-key-123"))
    limiter.book()
    import redis

    with redis.Redis.from_url(redis_url) as client:
        keys = [key.decode() for key in client.keys("*")]
    assert keys
    assert not any("my-access-key-123" in key for key in keys)


def test_a_slot_whose_request_left_late_moves_in_the_store(redis_url: str) -> None:
    clock = [100.0]
    store = RateLimitStore(redis_url, "a", asynchronous=False, clock=lambda: clock[0])
    limiter = _limiter(store)
    slot = limiter.book()
    assert slot.member is not None
    clock[0] = slot.due + 0.2  # the request's bytes left 200 ms after its slot opened
    limiter.mark_started(slot)
    import redis

    with redis.Redis.from_url(redis_url) as client:
        for key in limiter.keys[:-1]:
            assert client.zscore(key, slot.member) == slot.start_us + 200_000
    limiter.mark_started(slot)  # marked again at once: nothing moves further
    with redis.Redis.from_url(redis_url) as client:
        assert client.zscore(limiter.keys[0], slot.member) == slot.start_us + 200_000


def test_a_full_window_is_not_reserved_beyond_the_horizon(redis_url: str) -> None:
    store = _store(redis_url)
    limiter = _limiter(store)
    for _ in range(CAPACITY):
        limiter.book()
    # The next start is a window away: the script says when, and reserves nothing yet.
    keys = limiter.keys
    delay, _, start_us = store.reserve_sync(keys, store.reserve_args(limiter.local, "probe"))
    assert start_us == 0
    assert delay > store_module.HORIZON
    import redis

    with redis.Redis.from_url(redis_url) as client:
        assert client.zscore(keys[0], "probe") is None


# --- faults ------------------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server that accepts and never answers: a store that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(listener.getsockname()[1])
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_a_store_down_at_start_paces_locally_at_a_conservative_share_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = _store(f"redis://127.0.0.1:{_closed_port()}/0", retry_after=1e6)
    limiter = _limiter(store)
    with caplog.at_level(logging.WARNING, logger="htx_swap"):
        slots = [limiter.book() for _ in range(10)]
    assert all(slot.member is None for slot in slots)  # local slots
    assert not store.up
    [warning] = _warnings(caplog)
    assert "rate-limit store unreachable" in warning
    assert "20%" in warning
    # The interface's 5 per window at a fifth: one start per window, the pool's 72 at 14.
    assert limiter.local[0].fraction == store_module.UNKNOWN_SHARE
    interface_slots = [local for limiter_, local in slots[0].local if limiter_ is limiter.local[0]]
    assert interface_slots
    second = next(local for limiter_, local in slots[1].local if limiter_ is limiter.local[0])
    assert second.previous is interface_slots[0]  # each start waits a window for the last


def test_a_store_that_never_answers_does_not_hang_the_client(
    silent_server: int, caplog: pytest.LogCaptureFixture
) -> None:
    store = _store(f"redis://127.0.0.1:{silent_server}/0", deadline=0.2, retry_after=1e6)
    limiter = _limiter(store)
    with caplog.at_level(logging.WARNING, logger="htx_swap"):
        slot = limiter.book()  # returns (its deadline passed), pacing locally
    assert slot.member is None
    assert store.failures == 1
    assert len(_warnings(caplog)) == 1


def test_a_restarted_store_is_used_again_and_the_client_says_so(
    own_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    store = _store(own_redis.url, retry_after=0.0)
    limiter = _limiter(store)
    assert limiter.book().member is not None
    own_redis.stop()  # killed: its windows are lost
    with caplog.at_level(logging.WARNING, logger="htx_swap"):
        down = limiter.book()
        assert down.member is None
        own_redis.start()
        back = limiter.book()
    assert back.member is not None
    assert store.up
    messages = _warnings(caplog)
    assert len(messages) == 2
    assert "unreachable" in messages[0]
    assert "back" in messages[1]
    # While down it paced at 1/clients (one client seen): all of the window, no more.
    assert limiter.local[0].fraction == 1.0


def test_while_the_store_is_down_others_wait_for_one_probe() -> None:
    store = _store(f"redis://127.0.0.1:{_closed_port()}/0", retry_after=0.0)
    store.failed(ConnectionError("down"))
    assert store.should_try()  # this caller probes
    assert not store.should_try()  # the others pace locally meanwhile
    store.failed(ConnectionError("still down"))
    assert store.should_try()


def test_starts_paced_through_the_store_count_in_the_local_fallback(redis_url: str) -> None:
    limiter = _limiter(_store(redis_url))
    for _ in range(CAPACITY):
        slot = limiter.book()
        limiter.mark_started(slot)
        limiter.mark_started(slot)  # the wire marks it again: counted once
    # A fall back now keeps a window from those starts: the next local slot waits for them.
    local = limiter.local[0].book()
    assert local.previous is not None
    assert limiter.local[0].delay(local) > 0


# --- settings ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["http://host:6379", "host:6379", "redis", "memcached://x"])
def test_a_store_url_that_is_not_redis_is_refused(url: str) -> None:
    with pytest.raises(InvalidRequestError, match="rate_limit_store must be a redis://"):
        check_store_url(url)


def test_a_refused_url_never_shows_its_password() -> None:
    with pytest.raises(InvalidRequestError) as caught:
        check_store_url("http://user:hunter2-secret@host:6379")
    assert "hunter2" not in str(caught.value)


# A password with "#", "/" or "?" unencoded cuts the URL where redis's parser does not expect it:
# its message then quotes part of the password ("Port could not be cast ... as 's3cr'").
UNREADABLE_URLS = [
    "redis://:s3cr#et@127.0.0.1:6379/0",
    "redis://user:s3cr/et@127.0.0.1:6379/0",
    "rediss://:s3cr?et@127.0.0.1/0",
    "redis://:s3cret@[::1/0",
    "redis://:s3cret@127.0.0.1:6379/0?socket_timeout=s3cret",
]


@pytest.mark.parametrize("url", UNREADABLE_URLS)
def test_a_url_redis_cannot_read_is_refused_without_its_password(url: str) -> None:
    with pytest.raises(InvalidRequestError, match="rate_limit_store is not a URL") as caught:
        check_store_url(url)
    assert "s3cr" not in str(caught.value)
    assert "s3cr" not in repr(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None


def test_no_store_for_none_or_empty() -> None:
    assert check_store_url(None) is None
    assert check_store_url("") is None
    with pytest.raises(InvalidRequestError, match="must be a str"):
        check_store_url(6379)


def test_without_the_redis_package_the_client_says_which_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(__import__("sys").modules, "redis", None)
    with pytest.raises(InvalidRequestError, match=r"htx-swap\[redis\]"):
        RateLimitStore("redis://127.0.0.1:1/0", "a", asynchronous=False)


def test_the_store_repr_shows_no_url_password(redis_url: str) -> None:
    store = _store(redis_url.replace("redis://", "redis://:pa55word-xyz@"))
    assert "pa55word" not in repr(store)


def test_account_id_defaults_to_the_access_key() -> None:
    assert Credentials("key-1", "secret").account_id == "key-1"
    assert Credentials("key-1", "secret", account_id="uid-9").account_id == "uid-9"
    for bad in ("", " uid", 9):
        with pytest.raises(InvalidRequestError, match="account_id"):
            Credentials("key-1", "secret", account_id=bad)  # type: ignore[arg-type]


def test_account_id_from_the_environment() -> None:
    env = {"HTX_ACCESS_KEY": "k", "HTX_SECRET_KEY": "s"}
    assert Credentials.from_env(env).account_id == "k"
    assert Credentials.from_env({**env, "HTX_ACCOUNT_ID": "uid-1"}).account_id == "uid-1"


def test_while_the_store_is_down_no_local_slot_is_held_beyond_the_horizon() -> None:
    # Slots booked far ahead on the local limiters would still go, on top of the store's
    # windows, after the store comes back: a caller books locally only a slot due soon, and
    # otherwise waits (until then, or until the store may be tried again).
    now = [50.0]
    clock = lambda: now[0]  # noqa: E731
    store = RateLimitStore(
        f"redis://127.0.0.1:{_closed_port()}/0",
        "a",
        asynchronous=False,
        retry_after=0.5,
        clock=clock,
    )
    store.failed(ConnectionError("down"))
    local = (SlidingWindowLimiter(CAPACITY, clock=clock),)
    limiter = SharedLimiter(store, ("interface:/cancel",), local)
    first = limiter._local_step()
    assert not isinstance(first, float)
    assert first.member is None
    # A fifth of 5 per window: the next local start is a window away. Wait for the store's
    # retry (0.5 s), which comes first, and book nothing meanwhile.
    wait = limiter._local_step()
    assert wait == pytest.approx(0.5)
    assert len(local[0]._slots) == 1
    now[0] += 0.9  # the store's retry is past: wait only until the slot is within the horizon
    store.failed(ConnectionError("still down"))
    wait = limiter._local_step()
    assert isinstance(wait, float)
    assert wait == pytest.approx(local[0].window - 0.9 - store_module.HORIZON)


def test_a_move_the_store_cannot_take_switches_to_local_pacing(
    own_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    store = _store(own_redis.url, retry_after=1e6)
    limiter = _limiter(store)
    slot = limiter.book()
    own_redis.stop()
    time.sleep(0.02)  # the request leaves later than its slot's start: it moves the slot
    with caplog.at_level(logging.WARNING, logger="htx_swap"):
        limiter.mark_started(slot)  # the move fails: no error, the client paces locally
    assert not store.up
    assert len(_warnings(caplog)) == 1
    assert limiter.book().member is None


def test_refusals_and_spent_windows_slow_the_store_s_local_stand_in(redis_url: str) -> None:
    limiter = _limiter(_store(redis_url))
    limiter.slow_down(1.0)
    assert all(local.fraction == 0.5 for local in limiter.local)
    limiter.hold_window(3.0, 2.0)  # the pool's window: the interface's is not held
    assert limiter.local[1].next_start() > limiter.local[0].next_start()
    assert "interface:/cancel" in repr(limiter)


def test_a_refusal_or_a_spent_window_holds_the_starts_booked_in_the_store(redis_url: str) -> None:
    # The store holds the account's windows, but not HTX's view of them: a 1032 (someone
    # outside the store) or a nearly spent pool holds this client's store-booked starts too.
    now = [100.0]
    store = _store(redis_url, clock=lambda: now[0])
    interface = SlidingWindowLimiter(CAPACITY, clock=lambda: now[0])
    pool = SlidingWindowLimiter.per_window(72, 3.0, clock=lambda: now[0])
    limiter = SharedLimiter(store, ("interface:/cancel", "pool:trade"), (interface, pool))
    waiting = limiter.book()  # a worker already waiting for its slot when HTX refuses
    assert waiting.member is not None
    assert limiter.delay(waiting) <= 0.1
    limiter.slow_down(1.5)
    assert limiter.delay(waiting) >= 1.5
    later = limiter.book()
    assert later.member is not None
    assert limiter.delay(later) >= 1.5
    now[0] += 1.5
    assert limiter.delay(later) <= 0.1
    # A nearly spent pool holds every request drawing on it, other interfaces' too.
    limiter.hold_window(3.0, 2.0)
    other = SharedLimiter(
        store,
        ("interface:/other", "pool:trade"),
        (SlidingWindowLimiter(CAPACITY, clock=lambda: now[0]), pool),
    )
    assert limiter.delay(limiter.book()) >= 2.0
    assert other.delay(other.book()) >= 2.0
