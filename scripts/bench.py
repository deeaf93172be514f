"""htx-swap benchmarks, run by `scripts/bench` (`make bench`).

Every figure comes from one run, on one machine, against the same sandbox: the sandbox runs in a
child process (so `time.process_time()` here counts only client work), the contenders of a section
take turns round by round (the order rotating each round, so drift hits all of them alike), and
each ratio is taken within a round before the median, min and max over the rounds.

1. Per-request overhead: client CPU time per single-chunk cancel (10 IDs), sandbox unlimited:
   SwapClient, AsyncSwapClient, a raw httpx.Client with inline signing (the floor) and ccxt's htx
   signer through its generic request(). Target: the SDK within 1.2x of raw, faster than ccxt.
2. Bulk cancel at the ceiling: 1,000 IDs, sandbox limit 20 requests per 1 s sliding window and
   0.3 s latency: SwapClient, AsyncSwapClient and a naive loop. Target: >= 0.95 of the limit
   with no 1032 rejection.
3. Cold start: `import htx_swap` against `import httpx, attrs` and `import ccxt`, each in a fresh
   interpreter, less an empty interpreter's start. Target: within 1.3x of httpx + attrs.
4. Regeneration: wall time of `scripts/regenerate`, run on a copy of the tree.
5. Scale: time, CPU and peak traced memory per ID for 10,000 and 100,000 IDs, sandbox unlimited.
   Target: flat per-ID cost (linear growth).
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import base64
import contextlib
import datetime as dt
import filecmp
import gc
import hashlib
import hmac
import json
import math
import os
import platform
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from htx_swap import AsyncSwapClient, CancelResult, Credentials, HtxError, SwapClient

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "benchmarks" / "results.md"
CONTRACT = "BTC-USDT"
CANCEL_PATH = "/linear-swap-api/v1/swap_track_cancel"
CHUNK = 10  # order IDs per request: HTX's cap, and the SDK's chunk size
UNLIMITED = None  # the SDK's max_requests_per_second where the sandbox has no limit: no pacing

BULK_TARGET = 0.95
COLD_TARGET = 1.3
# Issue 15's targets.
SYNC_VS_CCXT_TARGET = 0.9  # SwapClient's CPU per request, of ccxt's sync request()
AIOHTTP_VS_CCXT_TARGET = 2.0  # AsyncSwapClient on aiohttp, of ccxt's async request()
ASYNC_BEFORE_VS_CCXT = 3.07  # AsyncSwapClient's ratio to ccxt async before (2026-11-26 table)
UNLIMITED_TARGET = 2.0  # unlimited async bulk: IDs/s, of the code before
CONSTRUCTION_TARGET = 0.5  # client construction time, of the code before
# The code before issue 15 (main at 8617263): its figures are measured in the same run, in a
# child interpreter importing that revision's wrapper/ and generated/ (git archive).
BEFORE = "8617263"
FLAT_TOLERANCE = 1.25  # "flat": the larger run's per-ID cost within this factor of the smaller's

T = TypeVar("T")

# Why this run's figures mean nothing (a contender not authenticating or not cancelling), if so.
_FAILURES: list[str] = []
# Stray errors that do not spoil the figures, reported under the table.
_REMARKS: list[str] = []


@dataclass(frozen=True)
class Settings:
    """How much of each section to run."""

    overhead_rounds: int = 7
    overhead_requests: int = 200
    bulk_rounds: int = 3
    bulk_ids: int = 1_000
    bulk_rate: int = 20
    bulk_latency: float = 0.3
    cold_runs: int = 20
    regen_runs: int = 3
    scale_rounds: int = 2
    scale_sizes: tuple[int, ...] = (10_000, 100_000)
    scale_rate: float = 10_000.0
    unlimited_rounds: int = 3
    unlimited_ids: int = 10_000
    construction_runs: int = 10
    cancel_runs: int = 10
    warm_calls: int = 1_000
    listing_rounds: int = 3
    listing_orders: int = 1_000
    listing_latency: float = 0.05


SMOKE = Settings(
    overhead_rounds=2,
    overhead_requests=3,
    bulk_rounds=1,
    bulk_ids=40,
    bulk_latency=0.05,
    cold_runs=2,
    regen_runs=1,
    scale_rounds=1,
    scale_sizes=(100, 1_000),
    unlimited_rounds=1,
    unlimited_ids=200,
    construction_runs=1,
    cancel_runs=1,
    warm_calls=5,
    listing_rounds=1,
    listing_orders=120,
    listing_latency=0.0,
)


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    section: str
    contender: str
    measured: str
    ratio: str = "—"
    target: str = "—"
    met: str = "—"
    refused: str = "—"
    """Requests the sandbox refused with 403 (authentication) / requests sent, or — for none."""


class BenchError(RuntimeError):
    """A run whose figures would mean nothing: a contender did not authenticate or cancel."""


# --- the sandbox, in its own process --------------------------------------------------------------

_SANDBOX_MAIN = """
import json, sys
import htx_sandbox
with htx_sandbox.running(**json.loads(sys.argv[1])) as sandbox:
    keys = sandbox.credentials
    print(json.dumps({"base_url": sandbox.base_url, "host": sandbox.host,
                      "access_key": keys.access_key, "secret_key": keys.secret_key}), flush=True)
    sys.stdin.read()  # until the benchmark closes our stdin
"""


@dataclass(frozen=True)
class SandboxProcess:
    """A sandbox in a child process, driven through its `/_sandbox` admin API."""

    base_url: str
    host: str
    credentials: Credentials
    admin: httpx.Client

    def seed(self, count: int) -> list[str]:
        """Open `count` fresh orders in the contract; return their IDs."""
        reply = self.admin.post(
            "/_sandbox/orders", json={"contract_code": CONTRACT, "generate": count}
        )
        reply.raise_for_status()
        ids: list[str] = reply.json()["open"]
        return ids

    def reset(self) -> None:
        """Forget every request and order; start the rate-limit window afresh."""
        self.admin.post("/_sandbox/reset", json={}).raise_for_status()

    def stats(self) -> dict[str, Any]:
        reply = self.admin.get("/_sandbox/stats")
        reply.raise_for_status()
        stats: dict[str, Any] = reply.json()
        return stats

    def request_times(self) -> list[float]:
        reply = self.admin.get("/_sandbox/requests")
        reply.raise_for_status()
        return [record["time"] for record in reply.json()["requests"]]


@contextlib.contextmanager
def sandbox_process(
    verify: ssl.SSLContext | None = None, **options: Any
) -> Iterator[SandboxProcess]:
    """Run `htx_sandbox.running(**options)` in a child Python process while the block runs.

    `verify`: the TLS context the admin client trusts, for a sandbox serving HTTPS."""
    child = subprocess.Popen(
        [sys.executable, "-c", _SANDBOX_MAIN, json.dumps(options)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdin is not None
    assert child.stdout is not None
    try:
        line = child.stdout.readline()
        if not line:
            raise BenchError(f"the sandbox process exited with {child.wait()} before starting")
        info = json.loads(line)
        with httpx.Client(
            base_url=info["base_url"], timeout=60.0, verify=True if verify is None else verify
        ) as admin:
            yield SandboxProcess(
                base_url=info["base_url"],
                host=info["host"],
                credentials=Credentials(info["access_key"], info["secret_key"]),
                admin=admin,
            )
    finally:
        child.stdin.close()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def refused_403(before: dict[str, Any], after: dict[str, Any]) -> tuple[int, int]:
    """(403 refusals, requests) between two sandbox stats readings."""
    refused = after["rejections"].get("403", 0) - before["rejections"].get("403", 0)
    return refused, after["requests"] - before["requests"]


# --- contenders for the per-request overhead -----------------------------------------------------


class _RawSigner:
    """HTX Signature V2 for a POST, inline: what a hand-rolled client writes from FACTS.md."""

    def __init__(self, sandbox: SandboxProcess) -> None:
        self.url = sandbox.base_url + CANCEL_PATH
        self._prefix = f"POST\n{sandbox.host.lower()}\n{CANCEL_PATH}\n"
        self._access_key = sandbox.credentials.access_key
        self._secret = sandbox.credentials.secret_key.encode("utf-8")

    def params(self) -> dict[str, str]:
        params = {
            "AccessKeyId": self._access_key,
            "SignatureMethod": "HmacSHA256",
            "SignatureVersion": "2",
            "Timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()),
        }
        query = "&".join(f"{k}={quote(v, safe='')}" for k, v in sorted(params.items()))
        digest = hmac.new(self._secret, (self._prefix + query).encode(), hashlib.sha256).digest()
        params["Signature"] = base64.b64encode(digest).decode("ascii")
        return params


def cancel_body(order_ids: Sequence[str]) -> dict[str, str]:
    return {"contract_code": CONTRACT, "order_id": ",".join(order_ids)}


class RawHttpx:
    """The floor: one reused httpx.Client, signing inline, json.loads the reply."""

    def __init__(self, sandbox: SandboxProcess) -> None:
        self._signer = _RawSigner(sandbox)
        self._client = httpx.Client()

    def cancel(self, order_ids: Sequence[str]) -> dict[str, Any]:
        reply = self._client.post(
            self._signer.url, params=self._signer.params(), json=cancel_body(order_ids)
        )
        document: dict[str, Any] = json.loads(reply.content)
        return document

    def close(self) -> None:
        self._client.close()


class RawAsyncHttpx:
    """The async floor: the same, with one reused httpx.AsyncClient."""

    def __init__(self, sandbox: SandboxProcess) -> None:
        self._signer = _RawSigner(sandbox)
        self._client = httpx.AsyncClient()

    async def cancel(self, order_ids: Sequence[str]) -> dict[str, Any]:
        reply = await self._client.post(
            self._signer.url, params=self._signer.params(), json=cancel_body(order_ids)
        )
        document: dict[str, Any] = json.loads(reply.content)
        return document

    async def close(self) -> None:
        await self._client.aclose()


def make_ccxt(sandbox: SandboxProcess, *, asynchronous: bool = False) -> Any:
    """ccxt's htx exchange, its contract API pointed at the sandbox, its own throttle off."""
    if asynchronous:
        import ccxt.async_support as ccxt_module  # type: ignore[import-untyped]
    else:
        import ccxt as ccxt_module

    exchange = ccxt_module.htx(
        {
            "apiKey": sandbox.credentials.access_key,
            "secret": sandbox.credentials.secret_key,
            "enableRateLimit": False,
        }
    )
    # The new (linear-swap) endpoints sign with urls['hostnames'][type] and are sent to
    # urls['api'][type]: the sandbox's host:port, over plain http.
    exchange.urls["hostnames"]["contract"] = sandbox.host
    exchange.urls["api"]["contract"] = "http://{hostname}"
    return exchange


# --- the code before, in child interpreters -----------------------------------------------------

# Run with `python -c`, the command as JSON on stdin; prints one JSON line. Only the public API,
# which the code before shares: the same program measures the code of this tree (editable
# install) or, with PYTHONPATH in front, the code before.
_CHILD_MAIN = r"""
import asyncio, gc, json, sys, time
command = json.loads(sys.stdin.read())
from htx_swap import AsyncSwapClient, Credentials, SwapClient
kind, client_kind = command["kind"], command["client"]
if kind == "construct":
    keys = Credentials("bench-access-key", "bench-secret-key")
    make = SwapClient if client_kind == "sync" else AsyncSwapClient
    started = time.perf_counter()
    make(keys, base_url=command["base_url"])
    first = time.perf_counter()
    make(keys, base_url=command["base_url"])
    print(json.dumps({"first": first - started, "next": time.perf_counter() - first}))
    sys.exit()
keys = Credentials(command["access_key"], command["secret_key"])
options = {"base_url": command["base_url"], "max_requests_per_second": None}
def ok(result, ids):
    return result.all_cancelled and len(result.cancelled) == len(ids)
async def run_async():
    async with AsyncSwapClient(keys, **options) as client:
        for chunk in command["warmup"]:
            await client.cancel_trailing_orders("BTC-USDT", chunk)
        gc.collect()
        wall, cpu, answered = time.perf_counter(), time.process_time(), 0
        for chunk in command["chunks"]:
            answered += ok(await client.cancel_trailing_orders("BTC-USDT", chunk), chunk)
        return time.perf_counter() - wall, time.process_time() - cpu, answered
if client_kind == "sync":
    with SwapClient(keys, **options) as client:
        for chunk in command["warmup"]:
            client.cancel_trailing_orders("BTC-USDT", chunk)
        gc.collect()
        wall, cpu, answered = time.perf_counter(), time.process_time(), 0
        for chunk in command["chunks"]:
            answered += ok(client.cancel_trailing_orders("BTC-USDT", chunk), chunk)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
else:
    wall, cpu, answered = asyncio.run(run_async())
print(json.dumps({"wall": wall, "cpu": cpu, "ok": answered}))
"""

_PYCACHE = tempfile.mkdtemp(prefix="htx-bench-pyc-")
atexit.register(shutil.rmtree, _PYCACHE, ignore_errors=True)


def bytecode_env() -> dict[str, str]:
    """Every module from bytecode, as after a pip install (this environment may forbid writing
    it: PYTHONDONTWRITEBYTECODE), cached in a private folder: the work tree stays clean."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = _PYCACHE
    return env


class Child:
    """htx-swap measured in a child interpreter: this tree's, or the code before's."""

    def __init__(self, tree: Path | None) -> None:
        self.env = bytecode_env()
        if tree is not None:
            # Not this tree's code: coverage (make test follows subprocesses) must not count it.
            self.env.pop("COVERAGE_ON_IMPORT", None)
            self.env["PYTHONPATH"] = os.pathsep.join(
                [str(tree / "wrapper"), str(tree / "generated")]
            )

    def run(self, command: dict[str, Any]) -> dict[str, Any]:
        completed = subprocess.run(
            [sys.executable, "-c", _CHILD_MAIN],
            input=json.dumps(command),
            capture_output=True,
            text=True,
            env=self.env,
            timeout=600,
            check=False,
        )
        if completed.returncode != 0:
            raise BenchError(f"a child run failed: {completed.stderr[-2000:]}")
        reply: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
        return reply

    def cancel(
        self, client: str, sandbox: SandboxProcess, warmup: list[list[str]], chunks: list[list[str]]
    ) -> dict[str, Any]:
        """Cancel `chunks` one call each, after `warmup`: wall and CPU time, calls all settled."""
        keys = sandbox.credentials
        return self.run(
            {
                "kind": "cancel",
                "client": client,
                "base_url": sandbox.base_url,
                "access_key": keys.access_key,
                "secret_key": keys.secret_key,
                "warmup": warmup,
                "chunks": chunks,
            }
        )


_BEFORE: list[Child] = []


def before() -> Child:
    """The code at BEFORE (wrapper/ and generated/, from git), once per run."""
    if not _BEFORE:
        tree = Path(tempfile.mkdtemp(prefix="htx-bench-before-"))
        atexit.register(shutil.rmtree, tree, ignore_errors=True)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", "--format=tar", BEFORE, "wrapper", "generated"],
            capture_output=True,
            check=False,
        )
        if archive.returncode != 0:
            raise BenchError(f"cannot read {BEFORE} from git: {archive.stderr.decode()[-500:]}")
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
        _BEFORE.append(Child(tree))
    return _BEFORE[0]


# ccxt's generic request(): path, api (the contract API, private: signed), method, params.
CCXT_PATH = CANCEL_PATH.lstrip("/")
CCXT_API = ["contract", "private"]


def reply_ok(reply: dict[str, Any], order_ids: Sequence[str]) -> bool:
    data = reply.get("data") or {}
    return reply.get("status") == "ok" and len(data.get("successes", "").split(",")) == len(
        order_ids
    )


def result_ok(result: CancelResult, order_ids: Sequence[str]) -> bool:
    return result.all_cancelled and len(result.cancelled) == len(order_ids)


# A round of a contender: cancel these chunks, one request each; return (CPU seconds, replies ok).
RoundRunner = Callable[[list[list[str]]], tuple[float, int]]
SyncCancel = Callable[[list[str]], bool]
AsyncCancel = Callable[[list[str]], Awaitable[bool]]


def sync_round(cancel: SyncCancel) -> RoundRunner:
    def run(chunks: list[list[str]]) -> tuple[float, int]:
        ok = 0
        gc.collect()
        started = time.process_time()
        for chunk in chunks:
            ok += cancel(chunk)
        return time.process_time() - started, ok

    return run


def async_round(runner: asyncio.Runner, cancel: AsyncCancel) -> RoundRunner:
    async def run(chunks: list[list[str]]) -> tuple[float, int]:
        ok = 0
        gc.collect()
        started = time.process_time()
        for chunk in chunks:
            ok += await cancel(chunk)
        return time.process_time() - started, ok

    return lambda chunks: runner.run(run(chunks))


RAW, RAW_ASYNC = "raw httpx.Client", "raw httpx.AsyncClient"
SYNC_SDK, ASYNC_SDK = "SwapClient", "AsyncSwapClient"
AIOHTTP_SDK = "AsyncSwapClient on aiohttp"
SYNC_BEFORE, ASYNC_BEFORE = "SwapClient before", "AsyncSwapClient before"
SYNC_CHILD, ASYNC_CHILD = "SwapClient in a child", "AsyncSwapClient in a child"
CCXT, CCXT_ASYNC = "ccxt", "ccxt async"
OVERHEAD_LABELS = {
    RAW: "raw httpx.Client + inline HMAC (the floor)",
    RAW_ASYNC: "raw httpx.AsyncClient + inline HMAC (async floor)",
    SYNC_SDK: "SwapClient",
    ASYNC_SDK: "AsyncSwapClient (httpx transport, the default)",
    AIOHTTP_SDK: 'AsyncSwapClient(transport="aiohttp")',
    SYNC_BEFORE: f"SwapClient before (at {BEFORE}, in a child interpreter)",
    ASYNC_BEFORE: f"AsyncSwapClient before (at {BEFORE}, in a child interpreter)",
    SYNC_CHILD: "SwapClient now, in a child interpreter as before is",
    ASYNC_CHILD: "AsyncSwapClient now (httpx), in a child interpreter as before is",
    CCXT: "ccxt 4.5.90 htx, request() (requests)",
    CCXT_ASYNC: "ccxt 4.5.90 htx async_support, request() (aiohttp)",
}
# Contenders run in a child interpreter, one per round (their own warm-up included).
IN_CHILD = {SYNC_BEFORE: "sync", ASYNC_BEFORE: "async", SYNC_CHILD: "sync", ASYNC_CHILD: "async"}


def bench_overhead(settings: Settings) -> list[Row]:
    section = "1. Per-request overhead (client CPU per 10-ID cancel)"
    names = list(OVERHEAD_LABELS)
    warmup = 3
    per_round = settings.overhead_requests
    rounds = settings.overhead_rounds
    needed = (warmup + rounds * per_round + rounds * warmup) * len(names) * CHUNK
    cpu: dict[str, list[float]] = {name: [] for name in names}
    ok = dict.fromkeys(names, 0)
    sent = dict.fromkeys(names, 0)
    refused = dict.fromkeys(names, 0)
    with (
        sandbox_process(rate=None) as sandbox,
        asyncio.Runner() as runner,
        contextlib.ExitStack() as cleanup,
    ):
        ids = sandbox.seed(needed)
        chunks = iter([ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)])
        credentials, base_url = sandbox.credentials, sandbox.base_url

        raw = RawHttpx(sandbox)
        cleanup.callback(raw.close)
        sdk = SwapClient(credentials, base_url=base_url, max_requests_per_second=UNLIMITED)
        cleanup.callback(sdk.close)
        exchange = make_ccxt(sandbox)
        cleanup.callback(exchange.session.close)

        async def open_async() -> tuple[RawAsyncHttpx, AsyncSwapClient, AsyncSwapClient, Any]:
            return (
                RawAsyncHttpx(sandbox),
                AsyncSwapClient(credentials, base_url=base_url, max_requests_per_second=UNLIMITED),
                AsyncSwapClient(
                    credentials,
                    base_url=base_url,
                    max_requests_per_second=UNLIMITED,
                    transport="aiohttp",
                ),
                make_ccxt(sandbox, asynchronous=True),
            )

        raw_async, sdk_async, sdk_aiohttp, exchange_async = runner.run(open_async())
        cleanup.callback(lambda: runner.run(raw_async.close()))
        cleanup.callback(lambda: runner.run(sdk_async.close()))
        cleanup.callback(lambda: runner.run(sdk_aiohttp.close()))
        cleanup.callback(lambda: runner.run(exchange_async.close()))

        # The first error each contender met, if any: it goes into the failure report.
        errors: dict[str, str] = {}

        def sdk_cancel(chunk: list[str]) -> bool:
            try:
                return result_ok(sdk.cancel_trailing_orders(CONTRACT, chunk), chunk)
            except HtxError as error:
                errors.setdefault(SYNC_SDK, repr(error))
                return False

        async def sdk_async_cancel(chunk: list[str]) -> bool:
            try:
                return result_ok(await sdk_async.cancel_trailing_orders(CONTRACT, chunk), chunk)
            except HtxError as error:
                errors.setdefault(ASYNC_SDK, repr(error))
                return False

        async def sdk_aiohttp_cancel(chunk: list[str]) -> bool:
            try:
                return result_ok(await sdk_aiohttp.cancel_trailing_orders(CONTRACT, chunk), chunk)
            except HtxError as error:
                errors.setdefault(AIOHTTP_SDK, repr(error))
                return False

        def in_child(client: str, child: Callable[[], Child]) -> RoundRunner:
            def run(chunks: list[list[str]]) -> tuple[float, int]:
                reply = child().cancel(client, sandbox, chunks[:warmup], chunks[warmup:])
                return reply["cpu"], reply["ok"]

            return run

        now = Child(None)

        def ccxt_cancel(chunk: list[str]) -> bool:
            try:
                reply = exchange.request(CCXT_PATH, CCXT_API, "POST", cancel_body(chunk))
            except Exception as error:  # ccxt raises for HTX's error envelopes, and more
                errors.setdefault(CCXT, repr(error))
                return False
            return reply_ok(reply, chunk)

        async def ccxt_async_cancel(chunk: list[str]) -> bool:
            try:
                reply = await exchange_async.request(
                    CCXT_PATH, CCXT_API, "POST", cancel_body(chunk)
                )
            except Exception as error:
                errors.setdefault(CCXT_ASYNC, repr(error))
                return False
            return reply_ok(reply, chunk)

        async def raw_async_cancel(chunk: list[str]) -> bool:
            return reply_ok(await raw_async.cancel(chunk), chunk)

        runners: dict[str, RoundRunner] = {
            RAW: sync_round(lambda chunk: reply_ok(raw.cancel(chunk), chunk)),
            RAW_ASYNC: async_round(runner, raw_async_cancel),
            SYNC_SDK: sync_round(sdk_cancel),
            ASYNC_SDK: async_round(runner, sdk_async_cancel),
            AIOHTTP_SDK: async_round(runner, sdk_aiohttp_cancel),
            SYNC_BEFORE: in_child("sync", before),
            ASYNC_BEFORE: in_child("async", before),
            SYNC_CHILD: in_child("sync", lambda: now),
            ASYNC_CHILD: in_child("async", lambda: now),
            CCXT: sync_round(ccxt_cancel),
            CCXT_ASYNC: async_round(runner, ccxt_async_cancel),
        }

        def measure(name: str, count: int) -> tuple[float, int]:
            if name in IN_CHILD:  # a fresh interpreter: its warm-up goes with each round
                count += warmup
            stats = sandbox.stats()
            seconds, answered = runners[name]([next(chunks) for _ in range(count)])
            rejected, requests = refused_403(stats, sandbox.stats())
            refused[name] += rejected
            sent[name] += requests
            return seconds, answered

        for name in names:  # connections open, lazy imports done, caches warm
            if name not in IN_CHILD:
                measure(name, warmup)
        for round_index in range(settings.overhead_rounds):
            progress(f"per-request overhead: round {round_index + 1}")
            for name in rotated(names, round_index):
                seconds, answered = measure(name, per_round)
                cpu[name].append(seconds / per_round)
                ok[name] += answered

    total = settings.overhead_rounds * per_round
    for name in names:
        failed = total - ok[name]
        if not failed and not refused[name]:
            continue
        report = (
            f"{section}: {name}: {failed} of {total} cancels failed "
            f"({refused[name]} requests refused with 403; first error: "
            f"{errors.get(name, 'none raised')})"
        )
        # A refusal means the contender is not doing the real work; a stray transport error
        # (say, a keep-alive connection the server closed) does not spoil its CPU figure.
        if refused[name] or failed > max(1, total // 100):
            _FAILURES.append(report)
        else:
            _REMARKS.append(report)

    def versus(name: str, base: str) -> list[float]:
        return ratios(cpu[name], cpu[base])

    def median_versus(name: str, base: str) -> float:
        return statistics.median(versus(name, base))

    rows = []
    for name in names:
        measured = spread([s * 1e6 for s in cpu[name]], "{:.0f} µs") + f"; {ok[name]}/{total} ok"
        bases = {
            RAW: [],
            RAW_ASYNC: [RAW],
            SYNC_SDK: [CCXT, RAW],
            ASYNC_SDK: [CCXT_ASYNC, RAW_ASYNC],
            AIOHTTP_SDK: [CCXT_ASYNC, ASYNC_SDK, RAW_ASYNC],
            SYNC_BEFORE: [CCXT],
            ASYNC_BEFORE: [CCXT_ASYNC],
            SYNC_CHILD: [SYNC_BEFORE],
            ASYNC_CHILD: [ASYNC_BEFORE],
            CCXT: [RAW],
            CCXT_ASYNC: [RAW_ASYNC],
        }[name]
        ratio = "; ".join(f"{spread(versus(name, base), '{:.2f}x')} of {base}" for base in bases)
        row = Row(
            section,
            OVERHEAD_LABELS[name],
            measured,
            ratio or "1.00x (the floor)",
            refused=f"{refused[name]} of {sent[name]}",
        )
        # Issue 15's targets.
        if name == SYNC_SDK:
            met = median_versus(name, CCXT) <= SYNC_VS_CCXT_TARGET
            row = replace(row, target=f"≤ {SYNC_VS_CCXT_TARGET}x {CCXT}", met=yes_no(met))
        elif name == ASYNC_SDK:
            met = (
                median_versus(name, CCXT_ASYNC) <= ASYNC_BEFORE_VS_CCXT
                and median_versus(ASYNC_CHILD, ASYNC_BEFORE) <= 1.0
            )
            target = (
                f"no worse than before: ≤ {ASYNC_BEFORE_VS_CCXT}x {CCXT_ASYNC}, and "
                f"{ASYNC_CHILD} ≤ 1x {ASYNC_BEFORE}"
            )
            row = replace(row, target=target, met=yes_no(met))
        elif name == AIOHTTP_SDK:
            met = median_versus(name, CCXT_ASYNC) <= AIOHTTP_VS_CCXT_TARGET
            target = f"≤ {AIOHTTP_VS_CCXT_TARGET}x {CCXT_ASYNC}"
            row = replace(row, target=target, met=yes_no(met))
        rows.append(row)
    return rows


# --- bulk cancel at the ceiling -------------------------------------------------------------------


@dataclass(frozen=True)
class BulkRun:
    requests: int
    wall: float
    rate_limited: int
    refused: int
    peak_window: int
    cancelled: int


def bench_bulk(settings: Settings) -> list[Row]:
    section = f"2. Bulk cancel, {settings.bulk_ids:,} IDs at {settings.bulk_rate}/s"
    rate, latency = settings.bulk_rate, settings.bulk_latency
    names = ["SwapClient", "AsyncSwapClient", AIOHTTP_SDK, "naive loop"]
    runs: dict[str, list[BulkRun]] = {name: [] for name in names}
    # Measured against the per-interface limit alone: a bulk rate above 24/s would otherwise run
    # into the per-UID pool (72 per 3 s); the clients leave it unpaced too.
    with sandbox_process(rate=rate, interval=1.0, pool_rate=None, latency=latency) as sandbox:
        base_url, credentials = sandbox.base_url, sandbox.credentials

        options: dict[str, Any] = {
            "base_url": base_url,
            "max_requests_per_second": rate,
            "pool_limit": None,
        }

        def sync_bulk(ids: list[str]) -> tuple[float, int]:
            with SwapClient(credentials, **options) as client:
                result = client.cancel_trailing_orders(CONTRACT, ids)
                return time.time(), len(result.cancelled)

        async def async_bulk(ids: list[str], transport: str = "httpx") -> tuple[float, int]:
            async with AsyncSwapClient(credentials, transport=transport, **options) as client:
                result = await client.cancel_trailing_orders(CONTRACT, ids)
                return time.time(), len(result.cancelled)

        def naive_bulk(ids: list[str]) -> tuple[float, int]:
            # One chunk per call, each call waiting for its reply: paced by the SDK's limiter,
            # but never more than one request in flight.
            cancelled = 0
            with SwapClient(credentials, **options) as client:
                for start in range(0, len(ids), CHUNK):
                    chunk = ids[start : start + CHUNK]
                    cancelled += len(client.cancel_trailing_orders(CONTRACT, chunk).cancelled)
            return time.time(), cancelled

        runners: dict[str, Callable[[list[str]], tuple[float, int]]] = {
            "SwapClient": sync_bulk,
            "AsyncSwapClient": lambda ids: asyncio.run(async_bulk(ids)),
            AIOHTTP_SDK: lambda ids: asyncio.run(async_bulk(ids, "aiohttp")),
            "naive loop": naive_bulk,
        }
        for round_index in range(settings.bulk_rounds):
            for name in rotated(names, round_index):
                progress(f"bulk cancel: round {round_index + 1}, {name}")
                sandbox.reset()
                ids = sandbox.seed(settings.bulk_ids)
                try:
                    ended, cancelled = runners[name](ids)
                except HtxError as error:
                    ended, cancelled = time.time(), 0
                    _FAILURES.append(f"{section}: {name} raised {error!r}")
                stats = sandbox.stats()
                times = sandbox.request_times()
                runs[name].append(
                    BulkRun(
                        requests=stats["requests"],
                        wall=ended - min(times),
                        rate_limited=stats["rejections"].get("1032", 0),
                        refused=stats["rejections"].get("403", 0),
                        peak_window=max(stats["max_window_count"].values(), default=0),
                        cancelled=cancelled,
                    )
                )

    chunks = math.ceil(settings.bulk_ids / CHUNK)
    # The fastest the limit allows: a full window at once, the next a second later, ... and the
    # last reply one latency after the last start.
    fastest = (math.ceil(chunks / rate) - 1) * 1.0 + latency
    rows = []
    for name in names:
        name_runs = runs[name]
        for run in name_runs:
            if run.cancelled != settings.bulk_ids or run.refused:
                _FAILURES.append(
                    f"{section}: {name} cancelled {run.cancelled} of {settings.bulk_ids} "
                    f"({run.refused} refused with 403)"
                )
        achieved = [run.requests / run.wall for run in name_runs]
        of_limit = [a / rate for a in achieved]
        of_fastest = [fastest / run.wall for run in name_runs]
        limited = sum(run.rate_limited for run in name_runs)
        peak = max(run.peak_window for run in name_runs)
        measured = (
            spread(achieved, "{:.1f} req/s")
            + f"; 1032 rejections: {limited}; peak {peak} per 1 s window"
        )
        ratio = (
            spread(of_limit, "{:.2f}")
            + " of limit; "
            + spread(of_fastest, "{:.2f}")
            + " of fastest schedule"
        )
        refused = f"{sum(r.refused for r in name_runs)} of {sum(r.requests for r in name_runs)}"
        if name == "naive loop":
            label = "naive loop (SwapClient, one 10-ID call at a time)"
            rows.append(Row(section, label, measured, ratio, refused=refused))
            continue
        met = statistics.median(of_fastest) >= BULK_TARGET and limited == 0
        target = f"≥ {BULK_TARGET} of fastest schedule, no 1032"
        rows.append(Row(section, name, measured, ratio, target, yes_no(met), refused))
    return rows


# --- cold start -----------------------------------------------------------------------------------


# Run in the child first: the interpreter then behaves as if httpx's optional CLI dependencies
# (httpx[cli]: click, rich, pygments) were not installed. The dev venv has them (through other
# dev tools) and `import httpx` imports its CLI whenever click is importable: about 60 ms that
# a user's install of htx-swap alone does not pay.
NO_HTTPX_CLI = "import sys; sys.modules.update(click=None, rich=None, pygments=None); "


def bench_cold_start(settings: Settings) -> list[Row]:
    section = "3. Cold start (fresh interpreter)"
    empty, base, ours = "python -c pass", "import httpx, attrs", "import htx_swap"
    clean_base, clean_ours = f"{base}, no httpx[cli]", f"{ours}, no httpx[cli]"
    programs = {
        empty: "pass",
        base: "import httpx, attrs",
        ours: "import htx_swap",
        "import ccxt": "import ccxt",
        clean_base: NO_HTTPX_CLI + "import httpx, attrs",
        clean_ours: NO_HTTPX_CLI + "import htx_swap",
    }
    names = list(programs)
    with tempfile.TemporaryDirectory(prefix="htx-bench-pyc-") as pycache:
        # Every module from bytecode, as after a pip install: this environment may forbid
        # writing it (PYTHONDONTWRITEBYTECODE), which would leave the project's own modules,
        # and only those, compiled from source on every start. A private cache keeps the
        # work tree free of __pycache__ (generated/ is compared byte for byte).
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = pycache

        def once(code: str) -> float:
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-c", code], check=True, stdout=subprocess.DEVNULL, env=env
            )
            return time.perf_counter() - started

        for code in programs.values():  # bytecode written, files in the page cache
            once(code)
        seconds: dict[str, list[float]] = {name: [] for name in names}
        for run_index in range(settings.cold_runs):
            if run_index % 5 == 0:
                progress(f"cold start: run {run_index + 1}")
            for name in rotated(names, run_index):
                seconds[name].append(once(programs[name]))
    start = seconds[empty]
    own = {name: [s - e for s, e in zip(seconds[name], start, strict=True)] for name in names}
    rows = [Row(section, f"{empty} (interpreter start)", spread_ms(start))]
    for name in names[1:]:
        measured = spread_ms(own[name]) + " over the empty start"
        baseline = clean_base if name in (clean_base, clean_ours) else base
        if name == baseline:
            rows.append(Row(section, name, measured, "1.00x (baseline)"))
            continue
        versus = ratios(own[name], own[baseline])
        ratio = spread(versus, "{:.2f}x") + f" of {baseline}"
        if name in (ours, clean_ours):
            met = statistics.median(versus) <= COLD_TARGET
            target = f"≤ {COLD_TARGET}x httpx + attrs"
            rows.append(Row(section, name, measured, ratio, target, yes_no(met)))
        else:
            rows.append(Row(section, name, measured, ratio))
    return rows


# --- regeneration ---------------------------------------------------------------------------------


def bench_regenerate(settings: Settings) -> list[Row]:
    """Time scripts/regenerate on a copy of what it reads and writes: the work tree stays as is."""
    section = "4. Regeneration"
    seconds: list[float] = []
    identical = True
    for run_index in range(settings.regen_runs):
        progress(f"regeneration: run {run_index + 1}")
        with tempfile.TemporaryDirectory(prefix="htx-bench-") as scratch:
            copy = Path(scratch)
            (copy / "scripts").mkdir()
            shutil.copy2(ROOT / "scripts" / "regenerate", copy / "scripts" / "regenerate")
            shutil.copy2(ROOT / "generator-config.yml", copy / "generator-config.yml")
            shutil.copytree(ROOT / "openapi", copy / "openapi")
            shutil.copytree(ROOT / "generated", copy / "generated")
            (copy / ".venv").symlink_to(ROOT / ".venv")
            started = time.perf_counter()
            subprocess.run(
                [str(copy / "scripts" / "regenerate")], check=True, stdout=subprocess.DEVNULL
            )
            seconds.append(time.perf_counter() - started)
            identical = identical and same_tree(ROOT / "generated", copy / "generated")
    note = "output identical to generated/" if identical else "output differs from generated/"
    return [Row(section, "scripts/regenerate", spread(seconds, "{:.2f} s") + f"; {note}")]


def same_tree(left: Path, right: Path) -> bool:
    comparison = filecmp.dircmp(left, right, ignore=["__pycache__"])
    return _same(comparison)


def _same(comparison: filecmp.dircmp[str]) -> bool:
    if comparison.left_only or comparison.right_only or comparison.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(
        comparison.left, comparison.right, comparison.common_files, shallow=False
    )
    if mismatch or errors:
        return False
    return all(_same(sub) for sub in comparison.subdirs.values())


# --- scale ----------------------------------------------------------------------------------------


def bench_scale(settings: Settings) -> list[Row]:
    section = "5. Scale (SwapClient, sandbox unlimited)"
    sizes = list(settings.scale_sizes)
    wall: dict[int, list[float]] = {size: [] for size in sizes}
    cpu: dict[int, list[float]] = {size: [] for size in sizes}
    peak: dict[int, int] = {}
    refused: dict[int, list[int]] = {size: [0, 0] for size in sizes}
    with sandbox_process(rate=None) as sandbox:

        def run(size: int, *, trace: bool) -> None:
            sandbox.reset()
            ids = sandbox.seed(size)
            with SwapClient(
                sandbox.credentials,
                base_url=sandbox.base_url,
                max_requests_per_second=settings.scale_rate,
                pool_limit=None,  # HTX's 72 per 3 s would be the bottleneck, not the client
            ) as client:
                gc.collect()
                if trace:
                    tracemalloc.start()
                started, started_cpu = time.perf_counter(), time.process_time()
                result = client.cancel_trailing_orders(CONTRACT, ids)
                elapsed, elapsed_cpu = (
                    time.perf_counter() - started,
                    time.process_time() - started_cpu,
                )
                if trace:
                    peak[size] = tracemalloc.get_traced_memory()[1]
                    tracemalloc.stop()
            stats = sandbox.stats()
            refused[size][0] += stats["rejections"].get("403", 0)
            refused[size][1] += stats["requests"]
            if not result_ok(result, ids):
                _FAILURES.append(
                    f"{section}: {len(result.cancelled)} of {size} cancelled "
                    f"({stats['rejections']})"
                )
            if not trace:
                wall[size].append(elapsed / size)
                cpu[size].append(elapsed_cpu / size)

        for round_index in range(settings.scale_rounds):
            for size in rotated(sizes, round_index):
                progress(f"scale: round {round_index + 1}, {size:,} IDs")
                run(size, trace=False)
        for size in sizes:
            progress(f"scale: peak memory, {size:,} IDs")
            run(size, trace=True)

    rows = []
    smallest = sizes[0]
    for size in sizes:
        measured = (
            spread([s * 1e6 for s in wall[size]], "{:.1f} µs")
            + " wall/ID; "
            + spread([s * 1e6 for s in cpu[size]], "{:.1f} µs")
            + f" CPU/ID; peak {peak[size] / size:.0f} B/ID ({peak[size] / 2**20:.1f} MiB)"
        )
        label = f"{size:,} IDs ({math.ceil(size / CHUNK):,} requests)"
        refusals = f"{refused[size][0]} of {refused[size][1]}"
        if size == smallest:
            rows.append(Row(section, label, measured, "1.00x (per-ID baseline)", refused=refusals))
            continue
        time_growth = statistics.median(wall[size]) / statistics.median(wall[smallest])
        memory_growth = (peak[size] / size) / (peak[smallest] / smallest)
        ratio = f"{time_growth:.2f}x time/ID, {memory_growth:.2f}x memory/ID of {smallest:,}"
        met = time_growth <= FLAT_TOLERANCE and memory_growth <= FLAT_TOLERANCE
        target = f"flat per ID (≤ {FLAT_TOLERANCE}x)"
        rows.append(Row(section, label, measured, ratio, target, yes_no(met), refusals))
    return rows


# --- unlimited bulk -------------------------------------------------------------------------------


def bench_unlimited(settings: Settings) -> list[Row]:
    """One cancel of many IDs with nothing paced: IDs/s, now and before."""
    size = settings.unlimited_ids
    section = f"6. Unlimited bulk, {size:,} IDs (sandbox unlimited, no pacing)"
    # Before runs in a child interpreter; so does "now, in a child", and the targets compare
    # those two (a child is somewhat slower than this process: like with like).
    names = [SYNC_SDK, ASYNC_SDK, AIOHTTP_SDK, SYNC_BEFORE, ASYNC_BEFORE, SYNC_CHILD, ASYNC_CHILD]
    per_second: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    refused = {name: [0, 0] for name in names}
    with sandbox_process(rate=None) as sandbox:
        credentials, base_url = sandbox.credentials, sandbox.base_url
        options: dict[str, Any] = {"base_url": base_url, "max_requests_per_second": None}

        def now_sync(ids: list[str]) -> tuple[float, float, bool]:
            with SwapClient(credentials, **options) as client:
                gc.collect()
                wall, cpu_time = time.perf_counter(), time.process_time()
                result = client.cancel_trailing_orders(CONTRACT, ids)
                wall, cpu_time = time.perf_counter() - wall, time.process_time() - cpu_time
            return wall, cpu_time, result_ok(result, ids)

        async def now_async(ids: list[str], transport: str) -> tuple[float, float, bool]:
            async with AsyncSwapClient(credentials, transport=transport, **options) as client:
                gc.collect()
                wall, cpu_time = time.perf_counter(), time.process_time()
                result = await client.cancel_trailing_orders(CONTRACT, ids)
                wall, cpu_time = time.perf_counter() - wall, time.process_time() - cpu_time
            return wall, cpu_time, result_ok(result, ids)

        now = Child(None)

        def in_child(client: str, ids: list[str], child: Child) -> tuple[float, float, bool]:
            reply = child.cancel(client, sandbox, [], [ids])
            return reply["wall"], reply["cpu"], reply["ok"] == 1

        runners: dict[str, Callable[[list[str]], tuple[float, float, bool]]] = {
            SYNC_SDK: now_sync,
            ASYNC_SDK: lambda ids: asyncio.run(now_async(ids, "httpx")),
            AIOHTTP_SDK: lambda ids: asyncio.run(now_async(ids, "aiohttp")),
            SYNC_BEFORE: lambda ids: in_child("sync", ids, before()),
            ASYNC_BEFORE: lambda ids: in_child("async", ids, before()),
            SYNC_CHILD: lambda ids: in_child("sync", ids, now),
            ASYNC_CHILD: lambda ids: in_child("async", ids, now),
        }
        for round_index in range(settings.unlimited_rounds):
            for name in rotated(names, round_index):
                progress(f"unlimited bulk: round {round_index + 1}, {name}")
                sandbox.reset()
                ids = sandbox.seed(size)
                wall, cpu_time, all_cancelled = runners[name](ids)
                stats = sandbox.stats()
                refused[name][0] += stats["rejections"].get("403", 0)
                refused[name][1] += stats["requests"]
                if not all_cancelled:
                    _FAILURES.append(f"{section}: {name} did not cancel all {size} IDs")
                per_second[name].append(size / wall)
                cpu[name].append(cpu_time / size)

    versus = {
        SYNC_SDK: SYNC_BEFORE,
        ASYNC_SDK: ASYNC_BEFORE,
        AIOHTTP_SDK: ASYNC_BEFORE,
        SYNC_CHILD: SYNC_BEFORE,
        ASYNC_CHILD: ASYNC_BEFORE,
    }
    rows = []
    for name in names:
        measured = (
            spread(per_second[name], "{:,.0f} IDs/s")
            + "; "
            + spread([c * 1e6 for c in cpu[name]], "{:.0f} µs")
            + " CPU/ID"
        )
        row = Row(
            section,
            OVERHEAD_LABELS[name],
            measured,
            refused=f"{refused[name][0]} of {refused[name][1]}",
        )
        base = versus.get(name)
        if base is not None:
            gains = ratios(per_second[name], per_second[base])
            row = replace(row, ratio=spread(gains, "{:.2f}x") + f" the IDs/s of {base}")
            if name == ASYNC_CHILD:
                met = statistics.median(gains) >= UNLIMITED_TARGET
                row = replace(row, target=f"≥ {UNLIMITED_TARGET}x before", met=yes_no(met))
            elif name == SYNC_CHILD:
                met = statistics.median(gains) >= 1.0
                row = replace(row, target="no worse than before (≥ 1x)", met=yes_no(met))
        rows.append(row)
    return rows


# --- client construction --------------------------------------------------------------------------


def bench_construction(settings: Settings) -> list[Row]:
    """Constructing a client to an https:// URL, in a fresh interpreter: now and before."""
    section = "7. Client construction (fresh interpreter, https:// URL)"
    now = Child(None)
    cases = {
        ("sync", "first"): "SwapClient, the first in a process",
        ("sync", "next"): "SwapClient, the next one",
        ("async", "first"): "AsyncSwapClient, the first in a process",
        ("async", "next"): "AsyncSwapClient, the next one",
    }
    seconds: dict[tuple[str, str, str], list[float]] = {}
    contenders = [("sync", "now"), ("sync", "before"), ("async", "now"), ("async", "before")]
    for run_index in range(settings.construction_runs):
        progress(f"client construction: run {run_index + 1}")
        for client, when in rotated(contenders, run_index):
            child = now if when == "now" else before()
            reply = child.run(
                {"kind": "construct", "client": client, "base_url": "https://api.hbdm.com"}
            )
            for which in ("first", "next"):
                seconds.setdefault((client, which, when), []).append(reply[which])
    rows = []
    for (client, which), label in cases.items():
        now_s, before_s = seconds[(client, which, "now")], seconds[(client, which, "before")]
        measured = (
            spread([s * 1000 for s in now_s], "{:.2f} ms")
            + "; before "
            + spread([s * 1000 for s in before_s], "{:.1f} ms")
        )
        versus = ratios(now_s, before_s)
        met = statistics.median(versus) <= CONSTRUCTION_TARGET
        rows.append(
            Row(
                section,
                label,
                measured,
                spread(versus, "{:.3f}x") + " of before",
                f"≤ {CONSTRUCTION_TARGET}x before",
                yes_no(met),
            )
        )
    return rows


# --- time to cancel -------------------------------------------------------------------------------

# ccxt in a fresh process: one 10-ID cancel over TLS, exit status 0 only if all 10 were
# cancelled. ccxt's requests session ignores the environment unless `requests_trust_env`: with
# it, requests trusts REQUESTS_CA_BUNDLE (the test CA), verifying as always.
_CCXT_CANCEL_MAIN = r"""
import json, sys
import ccxt
info = json.loads(sys.argv[1])
exchange = ccxt.htx({"apiKey": info["access_key"], "secret": info["secret_key"],
                     "enableRateLimit": False, "requests_trust_env": True})
exchange.urls["hostnames"]["contract"] = info["host"]
exchange.urls["api"]["contract"] = "https://{hostname}"
reply = exchange.request(info["path"], ["contract", "private"], "POST",
                         {"contract_code": info["contract"], "order_id": ",".join(info["ids"])})
successes = (reply.get("data") or {}).get("successes", "").split(",")
sys.exit(0 if reply.get("status") == "ok" and len(successes) == len(info["ids"]) else 1)
"""

CLI = "htx-swap trailing cancel"
CCXT_PROCESS = "ccxt 4.5.90 htx, request()"


def bench_time_to_cancel(settings: Settings) -> list[Row]:
    """(a) a fresh process cancelling 10 IDs over TLS; (b) a warm client cancelling one chunk."""
    import trustme

    rows: list[Row] = []
    section = "8a. Time to cancel: a fresh process, 10 IDs over TLS (wall time to exit)"
    authority = trustme.CA()
    with tempfile.TemporaryDirectory(prefix="htx-bench-tls-") as scratch:
        folder = Path(scratch)
        served = authority.issue_cert("127.0.0.1")
        cert, key, bundle = folder / "cert.pem", folder / "key.pem", folder / "ca.pem"
        served.private_key_and_cert_chain_pem.write_to_path(str(cert))
        served.private_key_pem.write_to_path(str(key))
        authority.cert_pem.write_to_path(str(bundle))
        trusting = ssl.create_default_context()
        authority.configure_trust(trusting)
        with sandbox_process(
            verify=trusting, rate=None, ssl_certfile=str(cert), ssl_keyfile=str(key)
        ) as sandbox:
            keys = sandbox.credentials
            env = bytecode_env() | {
                "SSL_CERT_FILE": str(bundle),  # httpx's default context reads it
                "REQUESTS_CA_BUNDLE": str(bundle),  # requests' (ccxt's)
                "HTX_ACCESS_KEY": keys.access_key,
                "HTX_SECRET_KEY": keys.secret_key,
            }

            def command(name: str, ids: list[str]) -> list[str]:
                if name == CLI:
                    return [
                        str(Path(sys.executable).with_name("htx-swap")),
                        *("trailing", "cancel", "--contract-code", CONTRACT),
                        *("--base-url", sandbox.base_url, *ids),
                    ]
                info = {
                    "access_key": keys.access_key,
                    "secret_key": keys.secret_key,
                    "host": sandbox.host,
                    "path": CCXT_PATH,
                    "contract": CONTRACT,
                    "ids": ids,
                }
                return [sys.executable, "-c", _CCXT_CANCEL_MAIN, json.dumps(info)]

            def once(name: str) -> float:
                ids = sandbox.seed(CHUNK)
                started = time.perf_counter()
                completed = subprocess.run(
                    command(name, ids), env=env, capture_output=True, text=True, check=False
                )
                took = time.perf_counter() - started
                if completed.returncode != 0:
                    _FAILURES.append(
                        f"{section}: {name} exited {completed.returncode}: "
                        f"{completed.stderr[-500:]}"
                    )
                return took

            names = [CLI, CCXT_PROCESS]
            for name in names:  # bytecode written, files in the page cache
                once(name)
            stats = sandbox.stats()
            walls: dict[str, list[float]] = {name: [] for name in names}
            for run_index in range(settings.cancel_runs):
                progress(f"time to cancel (a): run {run_index + 1}")
                for name in rotated(names, run_index):
                    walls[name].append(once(name))
            refused, requests = refused_403(stats, sandbox.stats())
    versus = ratios(walls[CLI], walls[CCXT_PROCESS])
    rows.append(
        Row(
            section,
            f"{CLI} (SSL_CERT_FILE names the test CA)",
            spread_ms(walls[CLI]),
            spread(versus, "{:.2f}x") + " of ccxt",
            "≤ ccxt's",
            yes_no(statistics.median(versus) <= 1.0),
            refused=f"{refused} of {requests}",
        )
    )
    rows.append(
        Row(
            section,
            f"{CCXT_PROCESS} (REQUESTS_CA_BUNDLE names the test CA)",
            spread_ms(walls[CCXT_PROCESS]),
            refused=f"{refused} of {requests}",
        )
    )
    rows.extend(bench_warm_cancel(settings))
    return rows


def bench_warm_cancel(settings: Settings) -> list[Row]:
    """(b) A warm client cancelling one 10-ID chunk: p50 and p99 wall time per call."""
    calls = settings.warm_calls
    section = f"8b. Time to cancel: a warm client, one 10-ID chunk ({calls:,} calls each)"
    names = [SYNC_SDK, ASYNC_SDK, AIOHTTP_SDK, CCXT, CCXT_ASYNC]
    block = max(1, min(100, calls // 5))  # calls per turn: contenders interleave in blocks
    walls: dict[str, list[float]] = {name: [] for name in names}
    failed = dict.fromkeys(names, 0)
    with (
        sandbox_process(rate=None) as sandbox,
        asyncio.Runner() as runner,
        contextlib.ExitStack() as cleanup,
    ):
        credentials, base_url = sandbox.credentials, sandbox.base_url
        options: dict[str, Any] = {"base_url": base_url, "max_requests_per_second": None}
        sdk = SwapClient(credentials, **options)
        cleanup.callback(sdk.close)
        exchange = make_ccxt(sandbox)
        cleanup.callback(exchange.session.close)

        async def open_async() -> tuple[AsyncSwapClient, AsyncSwapClient, Any]:
            return (
                AsyncSwapClient(credentials, **options),
                AsyncSwapClient(credentials, transport="aiohttp", **options),
                make_ccxt(sandbox, asynchronous=True),
            )

        sdk_async, sdk_aiohttp, exchange_async = runner.run(open_async())
        cleanup.callback(lambda: runner.run(sdk_async.close()))
        cleanup.callback(lambda: runner.run(sdk_aiohttp.close()))
        cleanup.callback(lambda: runner.run(exchange_async.close()))

        def timed(cancel: Callable[[list[str]], bool]) -> Callable[[list[list[str]]], list[float]]:
            def run(chunks: list[list[str]]) -> list[float]:
                took = []
                for chunk in chunks:
                    started = time.perf_counter()
                    ok = cancel(chunk)
                    took.append(time.perf_counter() - started)
                    if not ok:
                        raise BenchError("a cancel was not settled")
                return took

            return run

        def timed_async(
            cancel: Callable[[list[str]], Awaitable[bool]],
        ) -> Callable[[list[list[str]]], list[float]]:
            async def run(chunks: list[list[str]]) -> list[float]:
                took = []
                for chunk in chunks:
                    started = time.perf_counter()
                    ok = await cancel(chunk)
                    took.append(time.perf_counter() - started)
                    if not ok:
                        raise BenchError("a cancel was not settled")
                return took

            return lambda chunks: runner.run(run(chunks))

        async def sdk_async_cancel(chunk: list[str]) -> bool:
            return result_ok(await sdk_async.cancel_trailing_orders(CONTRACT, chunk), chunk)

        async def sdk_aiohttp_cancel(chunk: list[str]) -> bool:
            return result_ok(await sdk_aiohttp.cancel_trailing_orders(CONTRACT, chunk), chunk)

        async def ccxt_async_cancel(chunk: list[str]) -> bool:
            reply = await exchange_async.request(CCXT_PATH, CCXT_API, "POST", cancel_body(chunk))
            return reply_ok(reply, chunk)

        runners = {
            SYNC_SDK: timed(lambda c: result_ok(sdk.cancel_trailing_orders(CONTRACT, c), c)),
            ASYNC_SDK: timed_async(sdk_async_cancel),
            AIOHTTP_SDK: timed_async(sdk_aiohttp_cancel),
            CCXT: timed(
                lambda c: reply_ok(exchange.request(CCXT_PATH, CCXT_API, "POST", cancel_body(c)), c)
            ),
            CCXT_ASYNC: timed_async(ccxt_async_cancel),
        }
        stats = sandbox.stats()

        def chunks(count: int) -> list[list[str]]:
            ids = sandbox.seed(count * CHUNK)
            return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]

        for name in names:  # connections open, lazy imports done
            runners[name](chunks(3))
        done = 0
        turn = 0
        while done < calls:
            size = min(block, calls - done)
            progress(f"time to cancel (b): calls {done + 1} to {done + size}")
            for name in rotated(names, turn):
                try:
                    walls[name].extend(runners[name](chunks(size)))
                except Exception as error:  # any contender's failure spoils its figure
                    failed[name] += 1
                    _FAILURES.append(f"{section}: {name}: {error!r}")
            done += size
            turn += 1
        refused, requests = refused_403(stats, sandbox.stats())

    def quantile(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]

    p50 = {name: quantile(walls[name], 0.5) for name in names}
    p99 = {name: quantile(walls[name], 0.99) for name in names}
    rows = []
    for name in names:
        measured = f"p50 {p50[name] * 1000:.2f} ms, p99 {p99[name] * 1000:.2f} ms"
        ratio = "—"
        if name in (SYNC_SDK, ASYNC_SDK, AIOHTTP_SDK):
            ratio = "; ".join(
                f"p50 {p50[name] / p50[base]:.2f}x, p99 {p99[name] / p99[base]:.2f}x of {base}"
                for base in (CCXT, CCXT_ASYNC)
            )
        rows.append(
            Row(section, OVERHEAD_LABELS[name], measured, ratio, refused=f"{refused} of {requests}")
        )
    return rows


# --- listing open orders --------------------------------------------------------------------------

LISTING_SDK = "SwapClient.open_trailing_orders (pages of 50, paced on the read pool)"
LISTING_NAIVE = "naive loop (generated client, one page of 20 at a time)"


def bench_listing(settings: Settings) -> list[Row]:
    """Issue 14: every open order of a contract, the SDK's pages against a naive loop."""
    count, latency = settings.listing_orders, settings.listing_latency
    section = f"9. List {count:,} open orders (HTX's limits: rate 5, read pool 72 per 3 s)"
    names = [LISTING_SDK, LISTING_NAIVE]
    walls: dict[str, list[float]] = {name: [] for name in names}
    sent: dict[str, list[int]] = {name: [] for name in names}
    limited = dict.fromkeys(names, 0)
    refused = dict.fromkeys(names, 0)
    with sandbox_process(rate=5, pool_rate=72, pool_interval=3.0, latency=latency) as sandbox:
        credentials, base_url = sandbox.credentials, sandbox.base_url

        def sdk_list() -> int:
            with SwapClient(credentials, base_url=base_url) as client:
                return len(list(client.open_trailing_orders(CONTRACT)))

        def naive_list() -> int:
            # One page after another through the generated client (signed), HTX's default page
            # size, waiting a second and asking again when HTX says 1032.
            from htx_swap_client.api.swap_strategy_order_interface import (
                get_open_trailing_orders,
            )
            from htx_swap_client.models import (
                GetOpenTrailingOrdersReply,
                GetOpenTrailingOrdersRequest,
            )

            seen: set[str] = set()
            with SwapClient(credentials, base_url=base_url) as client:
                page, pages = 1, 1
                while page <= pages:
                    reply = get_open_trailing_orders.sync_detailed(
                        client=client.generated,
                        body=GetOpenTrailingOrdersRequest(CONTRACT, page_index=page),
                    ).parsed
                    if not isinstance(reply, GetOpenTrailingOrdersReply):
                        time.sleep(1.0)
                        continue
                    seen.update(order.order_id_str for order in reply.data.orders)
                    pages = reply.data.total_page
                    page += 1
            return len(seen)

        runners = {LISTING_SDK: sdk_list, LISTING_NAIVE: naive_list}
        for round_index in range(settings.listing_rounds):
            for name in rotated(names, round_index):
                progress(f"listing: round {round_index + 1}, {name.split(' ')[0]}")
                sandbox.reset()
                sandbox.seed(count)
                started = time.perf_counter()
                listed = runners[name]()
                walls[name].append(time.perf_counter() - started)
                stats = sandbox.stats()
                sent[name].append(stats["requests"])
                limited[name] += stats["rejections"].get("1032", 0)
                refused[name] += stats["rejections"].get("403", 0)
                if listed != count:
                    _FAILURES.append(f"{section}: {name} listed {listed} of {count}")
    rows = []
    for name in names:
        measured = (
            spread_ms(walls[name])
            + f"; {statistics.median(sent[name]):.0f} requests; 1032 rejections: {limited[name]}"
        )
        ratio = "—"
        if name == LISTING_SDK:
            ratio = spread(ratios(walls[name], walls[LISTING_NAIVE]), "{:.2f}x") + " the naive time"
        rows.append(
            Row(
                section,
                name,
                measured,
                ratio,
                "no 1032" if name == LISTING_SDK else "—",
                yes_no(limited[name] == 0) if name == LISTING_SDK else "—",
                f"{refused[name]} of {sum(sent[name])}",
            )
        )
    return rows


# --- figures and the table ------------------------------------------------------------------------


def rotated(items: Sequence[T], by: int) -> list[T]:
    """The items, starting `by` places in: each round a different contender goes first."""
    shift = by % len(items)
    return [*items[shift:], *items[:shift]]


def ratios(values: Sequence[float], bases: Sequence[float]) -> list[float]:
    """Round-by-round ratios of two contenders measured side by side."""
    return [value / base for value, base in zip(values, bases, strict=True)]


def spread(values: Sequence[float], fmt: str) -> str:
    """`median [min, max]`."""
    middle = fmt.format(statistics.median(values))
    return f"{middle} [{fmt.format(min(values))}, {fmt.format(max(values))}]"


def spread_ms(seconds: Sequence[float]) -> str:
    return spread([s * 1000 for s in seconds], "{:.0f} ms")


def yes_no(met: bool) -> str:
    return "yes" if met else "**no**"


HEADER = (
    "Benchmark",
    "Contender",
    "Measured: median [min, max]",
    "Ratio: median [min, max]",
    "Target",
    "Met",
    "403 refusals",
)


def table(rows: Sequence[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for row in rows:
        cells = (
            row.section,
            row.contender,
            row.measured,
            row.ratio,
            row.target,
            row.met,
            row.refused,
        )
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def cpu_name() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def machine() -> str:
    versions = ", ".join(
        f"{package} {metadata.version(package)}" for package in ("httpx", "attrs", "ccxt")
    )
    return (
        f"{cpu_name()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
        f"{platform.python_implementation()} {platform.python_version()}; {versions}"
    )


NOTES = """\
## How each figure is taken

All in one run; the sandbox (`htx_sandbox.running`) in a separate process on loopback, so this
process's CPU time is the client's alone.

- **Per-request overhead**: CPU time of this process (`time.process_time`) per cancel of one
  10-ID chunk, {requests} cancels per contender per round, {rounds} rounds, contenders rotating.
  Every order is seeded open, so every reply lists 10 successes; every contender's replies are
  checked (`status: ok`, all 10 cancelled) and the sandbox's 403 count is read around each
  block. The floor is one reused `httpx.Client`, the four signing parameters sorted and
  percent-encoded inline, HMAC-SHA256, `client.post(url, params=..., json=body)` and
  `json.loads`; the async floor is the same on `httpx.AsyncClient`. ccxt is `ccxt.htx` (and
  `ccxt.async_support.htx`, on aiohttp) with `urls['hostnames']['contract']` set to the
  sandbox's `host:port` and `urls['api']['contract']` to `http://{{hostname}}`, its throttle
  off, calling `request('linear-swap-api/v1/swap_track_cancel', ['contract', 'private'],
  'POST', params)`: its own htx signer, its linear-swap methods being gone. The SDK clients run
  with pacing off (`max_requests_per_second=None`). AsyncSwapClient runs on each transport.
  "Before" is the code at {before} (issue 15's starting point): its `wrapper/` and `generated/`
  from `git archive`, imported in a child interpreter (PYTHONPATH in front of this tree), one
  child per round with its own 3-cancel warm-up, measured the same way (`process_time` around
  the same loop); so is this tree's code in the same kind of child ("now, in a child"), and
  "now" is compared with "before" between the two children. Issue 15's targets: SwapClient
  ≤ 0.9x ccxt; AsyncSwapClient on aiohttp ≤ 2.0x ccxt async; on httpx no worse than before
  (≤ 1x before, between the children, and ≤ 3.07x ccxt async, the 2026-11-26 ratio).
- **Bulk cancel**: the sandbox allows {rate} requests per account in any 1 s (strict sliding window)
  and holds every reply {latency} s; the clients run with `max_requests_per_second={rate}`, a
  fresh client per run. Achieved rate = requests the sandbox recorded (rejected ones included)
  / (its first arrival to the client's last reply). A finite run can exceed 1.00 of the limit:
  a sliding window admits a full window's requests at once, so N requests need only about
  (N/{rate} - 1) s plus one latency. "Fastest schedule" is that minimum over the measured time
  (1.00 = as fast as the limit allows). "Peak" is the sandbox's most authenticated requests in
  any 1 s, rejected ones included. The naive loop is `SwapClient.cancel_trailing_orders` called
  once per 10-ID chunk, one call after another (the SDK's limiter paces it, but it never has
  more than one request in flight). The clients leave HTX's pools unpaced (`pool_limit=None`),
  as the sandbox does. Target: ≥ 0.95 of the fastest schedule, no 1032. Rounds: {bulk_rounds}.
- **Cold start**: wall time of `python -c "<imports>"` in a fresh interpreter, {cold} runs each,
  interleaved, less the same run's `python -c pass`; the ratio is taken run by run. Every module
  loads from bytecode (a private `PYTHONPYCACHEPREFIX`, warmed first), as after a pip install.
  "no httpx[cli]" blocks click, rich and pygments: the dev venv has them, and `import httpx`
  then imports its command-line client too (about 60 ms), which a user's install lacks.
- **Regeneration**: wall time of `scripts/regenerate` (its pip checks, openapi-python-client,
  the ruff hooks, the copy) on a scratch copy of `scripts/regenerate`, `openapi/`,
  `generator-config.yml` and `generated/` sharing `.venv`, so the work tree is never written;
  the output is compared with `generated/`. Runs: {regen}.
- **Scale**: one `SwapClient.cancel_trailing_orders` call over all IDs (every one seeded open),
  `max_requests_per_second={scale_rate:g}`, sandbox unlimited; wall and CPU time per ID over
  {scale_rounds} rounds, peak memory from `tracemalloc` in one more run per size (tracing slows
  the client, so that run is not timed). Memory counts what the call allocates, not the input.
- **Unlimited bulk**: one `cancel_trailing_orders` call over {unlimited_ids:,} IDs (all seeded
  open), pacing off, sandbox unlimited, a fresh client per run (its construction not timed);
  IDs/s = IDs / the call's wall time, and CPU per ID; the code before in a child interpreter as
  above, and this tree's code in the same kind of child. Rounds: {unlimited_rounds}, contenders
  rotating. Target (issue 15), judged child against child: AsyncSwapClient ≥ 2x before on the
  default transport; SwapClient no worse.
- **Client construction**: in a fresh interpreter (bytecode cached, as for cold start), the
  wall time of constructing a client to `https://api.hbdm.com` (nothing sent), the first in the
  process and the next one; `import htx_swap` is done before the clock starts. Now and before
  alternate, {construction} runs each. Target: ≤ 0.5x before.
- **Time to cancel (a)**: the sandbox serves HTTPS with a certificate for 127.0.0.1 from a CA
  made in the run (`trustme`). `htx-swap trailing cancel --contract-code BTC-USDT --base-url
  https://127.0.0.1:PORT` with 10 fresh IDs, in a fresh process, trusting the CA through
  `SSL_CERT_FILE` (httpx's default context reads it; nothing insecure), against the same cancel
  through ccxt's `request()` in a fresh process (`requests_trust_env` on, so requests trusts
  `REQUESTS_CA_BUNDLE`): wall time from start to exit, {cancel_runs} runs each, alternating,
  bytecode cached. Each must exit 0 (all 10 cancelled). Target: ≤ ccxt's.
- **Time to cancel (b)**: a warm client (connection open, imports done) cancelling one 10-ID
  chunk, {warm_calls:,} calls per contender, in blocks of up to 100 that rotate; plain HTTP,
  sandbox unlimited; each call's wall time, p50 and p99 (nearest rank).
- **Listing**: the sandbox with HTX's limits (5 per interface per second; read pool 72 per
  3 s) and {listing_latency} s per reply, {listing_orders:,} open orders; `list(SwapClient(...).
  open_trailing_orders("BTC-USDT"))` with default settings against a naive loop: the generated
  client's `get_open_trailing_orders` (signed by the SDK's client, unpaced), HTX's default page
  size (20), one page after another, waiting 1 s and asking again on a refusal. Wall time,
  requests and 1032 rejections; the sandbox reset before each run. Rounds: {listing_rounds}.
- The timing is never a pass/fail test; `make test` runs `scripts/bench --smoke` only to keep
  this script working.
"""

FINDINGS = """\
## What issue 15 changed (2026-11-27, this machine)

- **Per call** (py-spy, cProfile and `timeit` of the pieces): the signed URL was parsed again
  by `URL.copy_with` (about 43 µs: httpx scans the whole signed URL), each path joined to the
  base URL by another parse (about 39 µs), and every reply searched for cookies (about 21 µs;
  HTX sets none). **Done**: the signed query goes straight into httpx's parsed URL (its parts
  are a named tuple; `copy_with` when they aren't), each path is joined once per client, and the
  clients' cookie jar does nothing. `htx_swap.signing`'s public steps are unchanged. The rest is
  httpx, httpcore and h11 (or aiohttp).
- **Async transport**: `AsyncSwapClient(transport="aiohttp")` through httpx-aiohttp. httpcore's
  trace never fires there, so aiohttp's `on_request_headers_sent` marks the pacing slots and
  `on_request_chunk_sent` counts the body out (both fire just before aiohttp writes: "sent"
  errs on the safe side); httpx-aiohttp's error mapping (every connection error a
  `ConnectTimeout`, others unmapped) is replaced by httpcore's classes (only a failed connect is
  "never sent"). Replies are not decompressed by aiohttp: the SDK's guard caps them.
- **Workers sized to need**: from the limiters and a running mean of the round trip (see the
  README's Concurrency), 4 with pacing off: unpaced bulk costs a third to a half less CPU per ID.
- **Start-up**: constructing a client loaded the CA bundle (about 30 ms, even for `http://`)
  and imported httpcore (about 20 ms, the first time). **Done**: one TLS context per process,
  built on the first `https://` request; transports created on the first request.
- **Cold start**: with the family's ten operations the generated client grew to some sixty
  models, each an attrs class built at import: `import htx_swap` came to 1.38x `import httpx,
  attrs` (about 80 ms of generated models, `-X importtime`). **Done**: the operations are
  declared by the generated module's and model's names and loaded with the first request;
  request models are imported where they are built. A constructed client loads none of them.

## Earlier run (2026-11-26), kept for comparison: superseded by the run above

What profiling found then, and what was done, as written that day. Where it differs from the
run above, the run above holds: workers are now sized from the measured round trip (4 with
pacing off; the cap is still 32), AsyncSwapClient on aiohttp meets issue 15's async
per-request target (row 1), and cold start is within its 1.3x target again (row 3).

- **AsyncSwapClient costs what `httpx.AsyncClient` costs.** cProfile of 200 async cancels: the
  SDK's own code is noise; the time is in httpx/httpcore/anyio. A quarter of it (about 450 µs of
  about 1,750 µs per request) was `httpcore._synchronization.current_async_library()` running
  `import sniffio` four times per request: httpx 0.28 no longer installs sniffio, so every probe
  was a failed import searching all of `sys.path`. **Done**: `sniffio` is a runtime dependency
  (A/B: 1,724 -> 1,289 µs per AsyncSwapClient cancel). The rest of the gap to the *sync* floor
  is httpx's async transport itself (raw `httpx.AsyncClient` costs 1.4-2.0x raw `httpx.Client`;
  ccxt's aiohttp path about 600 µs): closing it would take another async transport (aiohttp) or
  running sync requests in worker threads, so **the async per-request target is not met**;
  AsyncSwapClient is within 1.1x of its like-for-like floor, raw `httpx.AsyncClient`.
- **Bulk: 1032 rejections when the first wave went out late.** The limiter booked slot N+1 one
  window after slot 1's *booking*, but the first wave left late: a fresh `AsyncClient`'s first
  request spends about 25 ms in first-use setup and 20 new connections open before any header
  is written, so wave 1 reached the sandbox 45-50 ms after its bookings, more than the 30 ms
  margin (async: 1 to 21 rejections per run; sync too under CPU load). **Done**: each slot is
  stamped when its request really goes out (httpcore's `trace` extension,
  `*.send_request_headers.started`, set by an httpx request hook), and a waiting slot keeps a
  window from the actual start of the request N places before it: 0 rejections since, in every
  bulk run here and in every soak and concurrency test of `make test`.
- **Scale: worker threads cost CPU.** With `max_requests_per_second=10,000` the client runs 32
  threads (ceil(2R), capped at 32). Against the unlimited sandbox, 10,000 IDs cost 151 µs CPU per
  ID with 32 workers and 94 µs with 4 or 8: GIL hand-offs. Capping at 16 instead left a 20/s
  window a third unfilled at 300 ms latency (0.91 of the fastest schedule against 0.97), so the
  cap stays 32. Growth stays linear either way; sizing the worker count from the measured round
  trip (R x RTT, plus one) would save the CPU and is not done.
- **Cold start** is within target: `import htx_swap` adds 15-25 ms (`-X importtime`) to
  httpx + attrs, spread over about 30 modules with no hot spot; the largest share is attrs
  building 12 classes (generated models and `Client`, `CancelResult`, `OrderFailure`,
  `Credentials`; 17 `compile()` calls, about 4 ms). This environment sets
  PYTHONDONTWRITEBYTECODE, which left the project's modules, and only those, compiled from
  source on every start (22 ms of `compile()`): hence the private bytecode cache above.
"""


def document(rows: Sequence[Row], settings: Settings, started: dt.datetime, took: float) -> str:
    notes = NOTES.format(
        requests=settings.overhead_requests,
        rounds=settings.overhead_rounds,
        rate=settings.bulk_rate,
        latency=settings.bulk_latency,
        bulk_rounds=settings.bulk_rounds,
        cold=settings.cold_runs,
        regen=settings.regen_runs,
        scale_rate=settings.scale_rate,
        scale_rounds=settings.scale_rounds,
        before=BEFORE,
        unlimited_ids=settings.unlimited_ids,
        unlimited_rounds=settings.unlimited_rounds,
        construction=settings.construction_runs,
        cancel_runs=settings.cancel_runs,
        warm_calls=settings.warm_calls,
        listing_latency=settings.listing_latency,
        listing_orders=settings.listing_orders,
        listing_rounds=settings.listing_rounds,
    )
    failures = "".join(f"- {failure}\n" for failure in _FAILURES)
    failure_block = f"\n**Invalid run:**\n\n{failures}" if failures else ""
    remarks = "".join(f"- {remark}\n" for remark in _REMARKS)
    if remarks:
        failure_block += f"\nErrors that do not affect the figures:\n\n{remarks}"
    return (
        "# htx-swap benchmarks\n\n"
        f"Measured by `make bench` on {started:%Y-%m-%d %H:%M} UTC, in {took:.0f} s: "
        f"{machine()}.\n\n"
        f"{table(rows)}\n{failure_block}\n{notes}\n{FINDINGS}"
    )


README = ROOT / "README.md"


def refresh_readme(readme: Path, results: str) -> None:
    """Put the newest run's first line ("Measured by ...") and its table into ``readme``'s
    Benchmarks section, in place of the ones there (a full run only: a partial one would leave
    rows of two runs side by side)."""
    lines = results.splitlines()
    measured = next(line for line in lines if line.startswith("Measured by `make bench`"))
    start = lines.index(next(line for line in lines if line.startswith("| Benchmark |")))
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
    text = readme.read_text(encoding="utf-8").splitlines()
    section = text.index("## Benchmarks")
    old_measured = next(
        i for i in range(section, len(text)) if text[i].startswith("Measured by `make bench`")
    )
    old_start = next(i for i in range(section, len(text)) if text[i].startswith("| Benchmark |"))
    old_end = next(i for i in range(old_start, len(text)) if not text[i].startswith("|"))
    text[old_start:old_end] = lines[start:end]
    text[old_measured] = measured
    readme.write_text("\n".join(text) + "\n", encoding="utf-8")


_STARTED = time.perf_counter()


def progress(message: str) -> None:
    elapsed = time.perf_counter() - _STARTED
    print(f"bench [{elapsed:5.0f} s]: {message}", file=sys.stderr, flush=True)


SECTIONS: dict[str, Callable[[Settings], list[Row]]] = {
    "overhead": bench_overhead,
    "bulk": bench_bulk,
    "cold": bench_cold_start,
    "regenerate": bench_regenerate,
    "scale": bench_scale,
    "unlimited": bench_unlimited,
    "construction": bench_construction,
    "time-to-cancel": bench_time_to_cancel,
    "listing": bench_listing,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/bench", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--smoke", action="store_true", help="a few requests of every section (seconds)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        metavar="N",
        help="rounds of every section (default 7 per-request, 3 bulk and regeneration, "
        "2 scale; cold start runs 4N times, default 20)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="default: %(default)s")
    parser.add_argument(
        "--only", choices=list(SECTIONS), action="append", help="run only these sections"
    )
    args = parser.parse_args(argv)
    settings = SMOKE if args.smoke else Settings()
    if args.rounds is not None:
        if args.rounds < 1:
            parser.error("--rounds must be at least 1")
        n = args.rounds
        settings = replace(
            settings,
            overhead_rounds=n,
            bulk_rounds=n,
            scale_rounds=n,
            regen_runs=n,
            cold_runs=4 * n,
        )
    started = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    rows: list[Row] = []
    for name, section in SECTIONS.items():
        if args.only is None or name in args.only:
            rows.extend(section(settings))
    text = document(rows, settings, started, time.perf_counter() - clock)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    if args.out == DEFAULT_OUT and args.only is None and not args.smoke and not _FAILURES:
        refresh_readme(README, text)
        progress(f"refreshed the table in {README.name}")
    print(table(rows))
    if _FAILURES:
        for failure in _FAILURES:
            print(f"bench: invalid run: {failure}", file=sys.stderr)
        return 1
    progress(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
