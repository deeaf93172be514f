"""Clients of one account through the sandbox (it counts limits per account, as HTX does), with
and without a shared store. Clients in threads of one process pace as separate processes do:
each has its own limiters."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability.remote import RemoteSandbox, remote_sandbox

import htx_sandbox
from htx_swap import (
    AsyncSwapClient,
    CancelResult,
    Credentials,
    HtxError,
    InvalidRequestError,
    SwapClient,
)
from htx_swap._pacing import SlidingWindowLimiter, hold_if_nearly_spent

CONTRACT = "BTC-USDT"
REMOTE_KEYS = htx_sandbox.Credentials("shared-limits-key", "shared-limits-secret")
COMMAND = str(Path(sys.executable).with_name("htx-swap"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The command, with no HTX_ setting from the test's environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HTX_")}
    return subprocess.run(
        [COMMAND, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.fixture
def sandbox() -> Iterator[htx_sandbox.Sandbox]:
    # HTX's limits: 5 per second per interface, 72 per 3 s per pool, per account.
    with htx_sandbox.running(rate=5.0) as running:
        yield running


def _keys(
    sandbox: htx_sandbox.Sandbox, count: int, ids: int
) -> list[tuple[Credentials, list[str]]]:
    account = sandbox.credentials.access_key
    found = []
    for number in range(count):
        keys = htx_sandbox.Credentials(f"shared-key-{number}", f"shared-secret-{number}")
        sandbox.control.add_credentials(keys, uid=account)
        opened = sandbox.control.seed_orders(CONTRACT, generate=ids, access_key=keys.access_key)
        credentials = Credentials(keys.access_key, keys.secret_key, account_id=account)
        found.append((credentials, list(opened)))
    return found


def _cancel_in_threads(
    sandbox: htx_sandbox.Sandbox, clients: int, ids: int, store: str
) -> list[CancelResult | BaseException]:
    work = _keys(sandbox, clients, ids)
    results: list[CancelResult | BaseException] = [RuntimeError("not run")] * clients
    go = threading.Barrier(clients)

    def cancel(number: int) -> None:
        credentials, opened = work[number]
        with SwapClient(credentials, base_url=sandbox.base_url, rate_limit_store=store) as client:
            go.wait()
            try:
                results[number] = client.cancel_trailing_orders(CONTRACT, opened)
            except HtxError as error:
                results[number] = error

    threads = [threading.Thread(target=cancel, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _assert_all_cancelled(sandbox: htx_sandbox.Sandbox, results: list[object]) -> None:
    for result in results:
        assert isinstance(result, CancelResult), result
        assert not result.failed
        assert not result.unresolved
        for order_id in result.cancelled:
            assert sandbox.control.order_state(order_id) == htx_sandbox.OrderState.CANCELLED


@pytest.fixture
def remote(tmp_path: Path) -> Iterator[RemoteSandbox]:
    # In its own process, as HTX is: arrival stamps that don't drift with the client threads'
    # scheduling (see reliability/remote.py).
    with remote_sandbox(tmp_path / "sandbox.log", rate=5.0, credentials=REMOTE_KEYS) as running:
        yield running


def test_three_clients_of_one_account_through_the_store_are_not_refused(
    remote: RemoteSandbox, redis_url: str
) -> None:
    # Three clients of one key (the account defaults to it), each with its own limiters: three
    # times the account's limit between them, unless they share its windows.
    groups = [remote.seed_orders(CONTRACT, generate=60) for _ in range(3)]
    results: list[object] = []
    go = threading.Barrier(3)
    keys = Credentials(REMOTE_KEYS.access_key, REMOTE_KEYS.secret_key)

    def cancel(ids: list[str]) -> None:
        with SwapClient(keys, base_url=remote.base_url, rate_limit_store=redis_url) as client:
            go.wait()
            results.append(client.cancel_trailing_orders(CONTRACT, ids))

    threads = [threading.Thread(target=cancel, args=(ids,)) for ids in groups]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 3
    for result in results:
        assert isinstance(result, CancelResult)
        assert not result.failed
        assert not result.unresolved
    assert remote.cancelled_ids(CONTRACT) == {i for ids in groups for i in ids}
    stats = remote.stats()
    assert stats.rejections == {}
    assert remote.max_window_count() <= 5


def test_three_clients_of_one_account_without_a_store_all_finish(
    sandbox: htx_sandbox.Sandbox,
) -> None:
    # Three times the account's limit between them: HTX refuses some (1032), each client slows
    # down on its refusals, and every order is still cancelled without an error.
    results = _cancel_in_threads(sandbox, 3, 60, "")
    _assert_all_cancelled(sandbox, list(results))
    print(f"shared limits without a store: rejections {sandbox.control.rejections()}")


@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
def test_an_async_client_shares_the_store_with_a_sync_one(
    sandbox: htx_sandbox.Sandbox, redis_url: str, transport: str
) -> None:
    (sync_keys, sync_ids), (async_keys, async_ids) = _keys(sandbox, 2, 40)

    async def cancel_async() -> CancelResult:
        async with AsyncSwapClient(
            async_keys, base_url=sandbox.base_url, rate_limit_store=redis_url, transport=transport
        ) as client:
            return await client.cancel_trailing_orders(CONTRACT, async_ids)

    results: list[object] = []

    def cancel_sync() -> None:
        with SwapClient(sync_keys, base_url=sandbox.base_url, rate_limit_store=redis_url) as c:
            results.append(c.cancel_trailing_orders(CONTRACT, sync_ids))

    thread = threading.Thread(target=cancel_sync)
    thread.start()
    results.append(asyncio.run(cancel_async()))
    thread.join()
    _assert_all_cancelled(sandbox, results)
    stats = sandbox.control.stats()
    assert stats.rejections.get(1032, 0) <= stats.requests // 10


def test_the_store_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, redis_url: str
) -> None:
    keys = Credentials("k", "s")
    monkeypatch.setenv("HTX_RATE_LIMIT_STORE", redis_url)
    with SwapClient(keys) as client:
        assert client.rate_limit_store is not None
    with SwapClient(keys, rate_limit_store="") as client:  # "" turns it off
        assert client.rate_limit_store is None
    monkeypatch.delenv("HTX_RATE_LIMIT_STORE")
    with SwapClient(keys) as client:
        assert client.rate_limit_store is None
    monkeypatch.setenv("HTX_RATE_LIMIT_STORE", "localhost:6379")
    with pytest.raises(InvalidRequestError, match="HTX_RATE_LIMIT_STORE must be a redis://"):
        SwapClient(keys)


def test_the_command_takes_a_store(redis_url: str) -> None:
    finished = run(
        "trailing",
        "list",
        "--sandbox",
        "--contract-code",
        CONTRACT,
        "--rate-limit-store",
        redis_url,
        "--json",
    )
    assert finished.returncode == 0, finished.stderr
    bad = run(
        "trailing",
        "list",
        "--sandbox",
        "--contract-code",
        CONTRACT,
        "--rate-limit-store",
        "http://x:1",
    )
    assert bad.returncode == 2
    assert "rate_limit_store must be a redis://" in bad.stderr


UNREADABLE_STORE = "redis://:s3cr#et@127.0.0.1:6379/0"


def test_a_sync_client_refuses_a_store_url_redis_cannot_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keys = Credentials("k", "s")
    with pytest.raises(InvalidRequestError, match="rate_limit_store is not a URL") as caught:
        SwapClient(keys, rate_limit_store=UNREADABLE_STORE)
    assert "s3cr" not in str(caught.value)
    monkeypatch.setenv("HTX_RATE_LIMIT_STORE", UNREADABLE_STORE)
    with pytest.raises(InvalidRequestError, match="HTX_RATE_LIMIT_STORE is not a URL") as caught:
        SwapClient(keys)
    assert "s3cr" not in str(caught.value)


@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
def test_an_async_client_refuses_a_store_url_redis_cannot_read_before_any_call(
    monkeypatch: pytest.MonkeyPatch, transport: str
) -> None:
    # Its connection to Redis is made at the first booking: the URL is read when it is given.
    keys = Credentials("k", "s")
    with pytest.raises(InvalidRequestError, match="rate_limit_store is not a URL") as caught:
        AsyncSwapClient(keys, rate_limit_store=UNREADABLE_STORE, transport=transport)
    assert "s3cr" not in str(caught.value)
    monkeypatch.setenv("HTX_RATE_LIMIT_STORE", UNREADABLE_STORE)
    with pytest.raises(InvalidRequestError, match="HTX_RATE_LIMIT_STORE is not a URL") as caught:
        AsyncSwapClient(keys, transport=transport)
    assert "s3cr" not in str(caught.value)


def test_the_command_refuses_a_store_url_redis_cannot_read() -> None:
    listing = ("trailing", "list", "--sandbox", "--contract-code", CONTRACT)
    given = run(*listing, "--rate-limit-store", UNREADABLE_STORE)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HTX_")}
    env["HTX_RATE_LIMIT_STORE"] = UNREADABLE_STORE
    from_env = subprocess.run(
        [COMMAND, *listing], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    for finished, name in ((given, "rate_limit_store"), (from_env, "HTX_RATE_LIMIT_STORE")):
        assert finished.returncode == 2, finished.stderr
        assert f"{name} is not a URL" in finished.stderr
        assert "internal error" not in finished.stderr
        assert "s3cr" not in finished.stderr + finished.stdout


def test_the_command_runs_when_its_store_is_down() -> None:
    finished = run(
        "trailing",
        "list",
        "--sandbox",
        "--contract-code",
        CONTRACT,
        "--rate-limit-store",
        "redis://127.0.0.1:1/0",
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stderr.count("rate-limit store unreachable") == 1


# --- without a store: slowing down before and after HTX refuses -----------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_refusal_slows_every_later_start_and_halves_the_share() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(5, clock=clock)
    limiter.slow_down(1.5)
    first = limiter.book()
    assert first.start == 1.5  # every worker's next start waits, not only the refused call's
    assert limiter.fraction == 0.5
    # Half of 5: two starts per window, then a window's wait.
    second, third = limiter.book(), limiter.book()
    assert third.previous is first
    assert limiter.delay(third) == pytest.approx(first.start + limiter.window)
    assert second.previous is None
    # Quiet windows give the share back, one slot per two windows.
    clock.now = 100.0
    limiter.book()
    assert limiter.fraction == 1.0


def test_refusals_slow_down_to_a_floor() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(5, clock=clock)
    limiter.slow_down(0.0)
    limiter.slow_down(0.0)  # the same burst's refusals: halved once
    assert limiter.fraction == 0.5
    for _ in range(10):
        clock.now += limiter.window
        limiter.slow_down(0.0)
    assert limiter.fraction == 1 / 16
    # Less than one start per window: one start per stretched window.
    first, second = limiter.book(), limiter.book()
    assert second.previous is first
    assert second.window == pytest.approx(limiter.window / (5 / 16))


def _headers(remaining: int, reset_ms: int) -> dict[str, str]:
    return {
        "ratelimit-limit": "72",
        "ratelimit-interval": "3000",
        "ratelimit-remaining": str(remaining),
        "ratelimit-reset": str(reset_ms),
    }


def test_a_nearly_spent_pool_holds_its_limiter_until_it_frees() -> None:
    clock = Clock()
    interface = SlidingWindowLimiter(5, clock=clock)
    pool = SlidingWindowLimiter.per_window(72, 3.0, clock=clock)
    hold_if_nearly_spent((interface, pool), _headers(3, 1_000_002_000), server_now=1_000_000.0)
    assert pool.book().start == pytest.approx(2.0)  # reset is 2 s away on HTX's clock
    assert interface.book().start == 0.0  # the header spoke of the pool's window only


@pytest.mark.parametrize(
    "headers",
    [
        _headers(40, 1_000_002_000),  # plenty left
        _headers(3, 999_999_000),  # already reset
        {"ratelimit-remaining": "x"},  # unreadable
        {},
    ],
)
def test_a_pool_with_room_is_not_held(headers: dict[str, str]) -> None:
    clock = Clock()
    pool = SlidingWindowLimiter.per_window(72, 3.0, clock=clock)
    hold_if_nearly_spent((pool,), headers, server_now=1_000_000.0)
    assert pool.book().start == 0.0


def test_a_far_reset_holds_no_longer_than_the_window() -> None:
    clock = Clock()
    pool = SlidingWindowLimiter.per_window(72, 3.0, clock=clock)
    hold_if_nearly_spent((pool,), _headers(0, 2_000_000_000_000), server_now=1_000_000.0)
    assert pool.book().start == 3.0


def test_a_refusal_during_a_batch_slows_the_whole_client(
    sandbox: htx_sandbox.Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A client twice as fast as the account allows (as if another process shared it): its
    # first ten requests go at once and HTX refuses five. Each refusal slows the limiters every
    # worker books on (the interface's and the pool's), not only the refused call.
    slowed: list[SlidingWindowLimiter] = []
    original = SlidingWindowLimiter.slow_down

    def spy(self: SlidingWindowLimiter, seconds: float) -> None:
        slowed.append(self)
        original(self, seconds)

    monkeypatch.setattr(SlidingWindowLimiter, "slow_down", spy)
    ((keys, opened),) = _keys(sandbox, 1, 100)
    with SwapClient(keys, base_url=sandbox.base_url, max_requests_per_second=10) as client:
        result = client.cancel_trailing_orders(CONTRACT, opened)
    refused = sandbox.control.rejections().get(1032, 0)
    assert refused > 0
    assert len(slowed) == 2 * refused
    assert len({id(limiter) for limiter in slowed}) == 2
    _assert_all_cancelled(sandbox, [result])


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_a_refusal_through_the_store_holds_the_next_start(
    redis_url: str, monkeypatch: pytest.MonkeyPatch, asynchronous: bool
) -> None:
    # On virtual time: HTX refuses the first request (1032); the next one, booked in the store
    # (where the windows are empty), still starts no earlier than the hold the refusal set.
    import httpx
    import respx
    from virtual_time import RecordingWaits

    from htx_swap._store import SharedLimiter

    waits = RecordingWaits()
    holds: list[float] = []
    original = SharedLimiter.slow_down

    def spy(self: SharedLimiter, seconds: float) -> None:
        holds.append(waits.now + seconds)
        original(self, seconds)

    monkeypatch.setattr(SharedLimiter, "slow_down", spy)
    starts: list[float] = []
    refused = {"status": "error", "err_code": 1032, "err_msg": "limit", "ts": 1_700_000_000_000}

    def answer(request: httpx.Request) -> httpx.Response:
        starts.append(waits.now)
        if len(starts) == 1:
            return httpx.Response(200, json=refused)
        data = {"errors": [], "successes": "2"}
        return httpx.Response(200, json={"status": "ok", "data": data, "ts": 1_700_000_000_000})

    base_url = "https://api.hbdm.com"
    keys = Credentials("k", "s")
    options = {"base_url": base_url, "rate_limit_store": redis_url, "max_retries": 0}
    with respx.mock() as htx:
        htx.post(f"{base_url}/linear-swap-api/v1/swap_track_cancel").mock(side_effect=answer)
        if asynchronous:

            async def cancel_twice() -> CancelResult:
                async with AsyncSwapClient(keys, waits=waits, **options) as client:
                    with pytest.raises(HtxError):
                        await client.cancel_trailing_orders(CONTRACT, ["1"])
                    return await client.cancel_trailing_orders(CONTRACT, ["2"])

            result = asyncio.run(cancel_twice())
        else:
            # respx mocks httpx: the sync client sends through it.
            with SwapClient(keys, waits=waits, transport="httpx", **options) as client:
                with pytest.raises(HtxError):
                    client.cancel_trailing_orders(CONTRACT, ["1"])
                result = client.cancel_trailing_orders(CONTRACT, ["2"])
    assert result.cancelled == ("2",)
    assert len(holds) == 1
    assert len(starts) == 2
    assert starts[1] >= holds[0] > starts[0]


def test_an_async_client_works_on_while_its_store_is_down(
    sandbox: htx_sandbox.Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    import logging
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    ((keys, opened),) = _keys(sandbox, 1, 30)

    async def cancel() -> CancelResult:
        async with AsyncSwapClient(
            keys, base_url=sandbox.base_url, rate_limit_store=f"redis://127.0.0.1:{closed}/0"
        ) as client:
            return await client.cancel_trailing_orders(CONTRACT, opened)

    with caplog.at_level(logging.WARNING, logger="htx_swap"):
        result = asyncio.run(cancel())
    _assert_all_cancelled(sandbox, [result])
    assert sandbox.control.rejections() == {}
    down = [r for r in caplog.records if "rate-limit store unreachable" in r.getMessage()]
    assert len(down) == 1
