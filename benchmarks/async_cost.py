"""Client CPU per request, bulk throughput, call-to-wire latency and listing cost, interleaved.

Issue 25's figures in one run: AsyncSwapClient (aiohttp and httpx transports), SwapClient, ccxt
(async and sync) and raw aiohttp, each cancelling 10 IDs a request against a local server that
answers at once (in a child process, so this process's CPU time is the client's alone). The
contenders take turns round by round (the order rotated), so a loaded machine slows them alike:
the ratios, taken within each round, are the figures to read; the absolute ones move with load.

    .venv/bin/python benchmarks/async_cost.py [--rounds 7] [--requests 300] [--bulk 10000]

Prints a Markdown table (and writes it to ``--out`` if given). No test asserts on it.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import gc
import hashlib
import hmac
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar
from urllib.parse import quote

CONTRACT = "BTC-USDT"
CANCEL_PATH = "/linear-swap-api/v1/swap_track_cancel"
OPEN_ORDERS_PATH = "/linear-swap-api/v1/swap_track_openorders"
ACCESS_KEY, SECRET_KEY = "bench-access-key", "bench-secret-key"
LISTED_ORDERS = 1000
PAGE_SIZE = 50

# --- the instant server (a child process) --------------------------------------------------------


def _order(number: int) -> dict[str, Any]:
    order_id = 172757217426062276 + number
    return {
        "symbol": "BTC",
        "contract_code": CONTRACT,
        "volume": 1,
        "order_type": 1,
        "direction": "sell",
        "offset": "close",
        "lever_rate": 5,
        "order_id": order_id,
        "order_id_str": str(order_id),
        "order_source": "api",
        "created_at": 1796587378290 - number,
        "order_price_type": "formula_price",
        "status": 2,
        "callback_rate": 0.01,
        "active_price": 50000.5,
        "is_active": 0,
        "margin_mode": "isolated",
        "margin_account": CONTRACT,
        "reduce_only": 0,
    }


def open_orders_page(page_index: int) -> bytes:
    """Page ``page_index`` of LISTED_ORDERS open orders, as HTX writes it."""
    pages = LISTED_ORDERS // PAGE_SIZE
    first = (page_index - 1) * PAGE_SIZE
    orders = [_order(n) for n in range(first, min(first + PAGE_SIZE, LISTED_ORDERS))]
    data = {
        "orders": orders,
        "total_page": pages,
        "current_page": page_index,
        "total_size": LISTED_ORDERS,
    }
    reply = {"status": "ok", "data": data, "ts": 1796587378399}
    return json.dumps(reply, separators=(",", ":")).encode()


class _Server(asyncio.Protocol):
    """HTTP/1.1 keep-alive, answers at once: cancel echoes its IDs as cancelled; pages of orders."""

    received: ClassVar[list[float]] = []  # one server per process
    pages: ClassVar[dict[int, bytes]] = {
        n: open_orders_page(n) for n in range(1, LISTED_ORDERS // PAGE_SIZE + 1)
    }

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = self.buffer[:head_end].decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if len(self.buffer) < head_end + 4 + length:
                return
            body = self.buffer[head_end + 4 : head_end + 4 + length]
            self.buffer = self.buffer[head_end + 4 + length :]
            self.answer(head.split(" ")[1], body)

    def answer(self, target: str, body: bytes) -> None:
        path = target.partition("?")[0]
        if path == "/_times":
            reply = json.dumps(_Server.received).encode()
            _Server.received = []
        else:
            _Server.received.append(time.monotonic())
            request = json.loads(body) if body else {}
            if path.endswith("swap_track_openorders"):
                reply = self.pages.get(int(request.get("page_index", 1)), self.pages[1])
            else:
                data = {"errors": [], "successes": request.get("order_id", "")}
                reply = json.dumps({"status": "ok", "data": data, "ts": 1796587378399}).encode()
        self.transport.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            + str(len(reply)).encode()
            + b"\r\n\r\n"
            + reply
        )


def serve() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(_Server, "127.0.0.1", 0)
        print(server.sockets[0].getsockname()[1], flush=True)
        await loop.run_in_executor(None, sys.stdin.read)  # until the parent closes our stdin

    asyncio.run(main())


@contextlib.contextmanager
def instant_server() -> Iterator[str]:
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert child.stdout is not None
    assert child.stdin is not None
    try:
        port = int(child.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        child.stdin.close()
        child.wait(timeout=10)


# --- contenders ----------------------------------------------------------------------------------


def raw_params(host: str) -> dict[str, str]:
    """HTX Signature V2 for the cancel POST, inline: what a hand-rolled client writes."""
    params = {
        "AccessKeyId": ACCESS_KEY,
        "SignatureMethod": "HmacSHA256",
        "SignatureVersion": "2",
        "Timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()),
    }
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in sorted(params.items()))
    text = f"POST\n{host}\n{CANCEL_PATH}\n{query}".encode()
    digest = hmac.new(SECRET_KEY.encode(), text, hashlib.sha256).digest()
    params["Signature"] = base64.b64encode(digest).decode("ascii")
    return params


def ccxt_exchange(base_url: str, *, asynchronous: bool) -> Any:
    if asynchronous:
        import ccxt.async_support as ccxt_module  # type: ignore[import-untyped]
    else:
        import ccxt as ccxt_module  # type: ignore[import-untyped]
    exchange = ccxt_module.htx(
        {"apiKey": ACCESS_KEY, "secret": SECRET_KEY, "enableRateLimit": False}
    )
    exchange.urls["hostnames"]["contract"] = base_url.removeprefix("http://")
    exchange.urls["api"]["contract"] = "http://{hostname}"
    return exchange


def cancelled_all(reply: Any, chunk: Sequence[str]) -> bool:
    if isinstance(reply, dict):
        return bool(reply.get("status") == "ok" and reply["data"]["successes"].split(",") == chunk)
    return len(reply.cancelled) == len(chunk)


SDK_AIOHTTP = 'AsyncSwapClient(transport="aiohttp")'
SDK_ASYNC = "AsyncSwapClient (httpx)"
SDK_SYNC = "SwapClient"
CCXT_ASYNC = "ccxt async"
CCXT_SYNC = "ccxt sync"
RAW_AIOHTTP = "raw aiohttp"

Cancel = Callable[[list[str]], Awaitable[bool]]
# Each contender, and what its ratio is taken of.
CPU_BASES = {
    RAW_AIOHTTP: CCXT_ASYNC,
    CCXT_ASYNC: CCXT_ASYNC,
    SDK_AIOHTTP: CCXT_ASYNC,
    SDK_ASYNC: CCXT_ASYNC,
    CCXT_SYNC: CCXT_SYNC,
    SDK_SYNC: CCXT_SYNC,
}


class Contenders:
    """Every contender's 10-ID cancel, opened on one event loop."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.host = base_url.removeprefix("http://")

    async def open(self) -> None:
        import aiohttp

        from htx_swap import AsyncSwapClient, Credentials, SwapClient

        keys = Credentials(ACCESS_KEY, SECRET_KEY)
        unpaced: dict[str, Any] = {
            "base_url": self.base_url,
            "allow_insecure_http": True,
            "max_requests_per_second": None,
        }
        self.sdk_aiohttp = AsyncSwapClient(keys, transport="aiohttp", **unpaced)
        self.sdk_async = AsyncSwapClient(keys, **unpaced)
        self.sdk_sync = SwapClient(keys, **unpaced)
        self.ccxt_async = ccxt_exchange(self.base_url, asynchronous=True)
        self.ccxt_sync = ccxt_exchange(self.base_url, asynchronous=False)
        self.session = aiohttp.ClientSession()

    async def close(self) -> None:
        await self.sdk_aiohttp.close()
        await self.sdk_async.close()
        self.sdk_sync.close()
        await self.ccxt_async.close()
        await self.session.close()

    def cancels(self) -> dict[str, Cancel]:
        url = self.base_url + CANCEL_PATH

        async def raw(chunk: list[str]) -> bool:
            body = {"contract_code": CONTRACT, "order_id": ",".join(chunk)}
            async with self.session.post(url, params=raw_params(self.host), json=body) as reply:
                return cancelled_all(json.loads(await reply.read()), chunk)

        async def ccxt_async(chunk: list[str]) -> bool:
            body = {"contract_code": CONTRACT, "order_id": ",".join(chunk)}
            reply = await self.ccxt_async.request(
                "swap_track_cancel", ["contract", "private"], "POST", body
            )
            return cancelled_all(reply, chunk)

        def ccxt_sync(chunk: list[str]) -> bool:
            body = {"contract_code": CONTRACT, "order_id": ",".join(chunk)}
            reply = self.ccxt_sync.request(
                "swap_track_cancel", ["contract", "private"], "POST", body
            )
            return cancelled_all(reply, chunk)

        async def sdk(chunk: list[str], client: Any) -> bool:
            return cancelled_all(await client.cancel_trailing_orders(CONTRACT, chunk), chunk)

        def sdk_sync(chunk: list[str]) -> bool:
            return cancelled_all(self.sdk_sync.cancel_trailing_orders(CONTRACT, chunk), chunk)

        async def in_thread(cancel: Callable[[list[str]], bool], chunk: list[str]) -> bool:
            return cancel(chunk)  # sync contenders run on the loop's thread: no thread hop

        return {
            RAW_AIOHTTP: raw,
            CCXT_ASYNC: ccxt_async,
            SDK_AIOHTTP: lambda chunk: sdk(chunk, self.sdk_aiohttp),
            SDK_ASYNC: lambda chunk: sdk(chunk, self.sdk_async),
            CCXT_SYNC: lambda chunk: in_thread(ccxt_sync, chunk),
            SDK_SYNC: lambda chunk: in_thread(sdk_sync, chunk),
        }


def chunks(count: int, start: int = 0) -> list[list[str]]:
    return [[str(10**17 + start + i * 10 + j) for j in range(10)] for i in range(count)]


def rotated(items: Sequence[str], by: int) -> list[str]:
    by %= len(items)
    return [*items[by:], *items[:by]]


def spread(values: Sequence[float], fmt: str) -> str:
    middle, low, high = statistics.median(values), min(values), max(values)
    return f"{fmt.format(middle)} [{fmt.format(low)}, {fmt.format(high)}]"


# --- the runs ------------------------------------------------------------------------------------


async def cpu_per_request(
    cancels: dict[str, Cancel], rounds: int, requests: int
) -> dict[str, list[float]]:
    """µs of this process's CPU per 10-ID cancel, one in flight, per round."""
    names = list(cancels)
    cpu: dict[str, list[float]] = {name: [] for name in names}
    for name in names:  # warm up: connections open, modules loaded
        for chunk in chunks(20):
            assert await cancels[name](chunk), name
    for round_index in range(rounds):
        for name in rotated(names, round_index):
            work = chunks(requests)
            gc.collect()
            started = time.process_time()
            for chunk in work:
                if not await cancels[name](chunk):
                    raise SystemExit(f"{name}: a cancel was not answered as expected")
            cpu[name].append((time.process_time() - started) / requests * 1e6)
    return cpu


async def call_to_wire(
    cancels: dict[str, Cancel], base_url: str, session: Any, calls: int, rounds: int
) -> dict[str, list[float]]:
    """µs from the call to the server's receipt of the whole request (p50 per round)."""
    names = [RAW_AIOHTTP, CCXT_ASYNC, SDK_AIOHTTP, SDK_ASYNC, CCXT_SYNC, SDK_SYNC]
    p50: dict[str, list[float]] = {name: [] for name in names}
    for round_index in range(rounds):
        for name in rotated(names, round_index):
            async with session.get(base_url + "/_times") as reply:
                await reply.read()
            starts = []
            for chunk in chunks(calls):
                starts.append(time.monotonic())
                await cancels[name](chunk)
            async with session.get(base_url + "/_times") as reply:
                received = json.loads(await reply.read())
            assert len(received) == len(starts), (name, len(received), len(starts))
            p50[name].append(
                statistics.median(r - s for r, s in zip(received, starts, strict=True)) * 1e6
            )
    return p50


async def bulk(
    contenders: Contenders, ids: int, rounds: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """IDs per second cancelling ``ids`` IDs unpaced, 4 requests in flight for every contender,
    and this process's CPU µs per ID meanwhile (steadier than wall time on a loaded machine)."""
    from htx_swap._engine import MIN_IN_FLIGHT

    cancels = contenders.cancels()
    every = [order_id for chunk in chunks(ids // 10) for order_id in chunk]

    async def sdk(client: Any) -> bool:
        result = await client.cancel_trailing_orders(CONTRACT, every)
        return len(result.cancelled) == ids

    async def pooled(cancel: Cancel) -> bool:
        work = iter(chunks(ids // 10))
        answered = [0]

        async def worker() -> None:
            for chunk in work:
                ok = await cancel(chunk)  # awaited before the sum is read
                answered[0] += ok

        await asyncio.gather(*(worker() for _ in range(MIN_IN_FLIGHT)))
        return answered[0] == ids // 10

    runs: dict[str, Callable[[], Awaitable[bool]]] = {
        RAW_AIOHTTP: lambda: pooled(cancels[RAW_AIOHTTP]),
        CCXT_ASYNC: lambda: pooled(cancels[CCXT_ASYNC]),
        SDK_AIOHTTP: lambda: sdk(contenders.sdk_aiohttp),
        SDK_ASYNC: lambda: sdk(contenders.sdk_async),
    }
    rates: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    for round_index in range(rounds):
        for name in rotated(list(runs), round_index):
            gc.collect()
            started, cpu_started = time.perf_counter(), time.process_time()
            assert await runs[name](), name
            rates[name].append(ids / (time.perf_counter() - started))
            cpu[name].append((time.process_time() - cpu_started) / ids * 1e6)
    return rates, cpu


def listing_cpu(base_url: str, rounds: int) -> dict[str, list[float]]:
    """ms of CPU to list LISTED_ORDERS open orders: SwapClient, its reading alone, the floor."""
    from htx_swap import Credentials, SwapClient
    from htx_swap._operations import FAMILIES
    from htx_swap._orders import MarginMode

    pages = [open_orders_page(n) for n in range(1, LISTED_ORDERS // PAGE_SIZE + 1)]
    operation = FAMILIES[MarginMode.ISOLATED].open_orders

    def floor() -> int:
        count = 0
        for page in pages:
            document = json.loads(page)
            for order in document["data"]["orders"]:
                Decimal(str(order["volume"]))
                Decimal(str(order["callback_rate"]))
                Decimal(str(order["active_price"]))
                datetime.fromtimestamp(order["created_at"] / 1000, UTC)
                order["order_id_str"]
                count += 1
        return count

    client = SwapClient(
        Credentials(ACCESS_KEY, SECRET_KEY),
        base_url=base_url,
        allow_insecure_http=True,
        max_requests_per_second=None,
        pool_limit=None,
    )
    module = sys.modules[operation.send.__module__]

    class _Reply:  # what the generated parser reads of a reply
        status_code = 200

        def __init__(self, content: bytes) -> None:
            self.content = content

        def json(self) -> Any:
            return json.loads(self.content)

    def sdk_reading() -> int:
        from htx_swap._send import parse

        return sum(
            len(parse(operation, module, client.generated, 200, page, _Reply(page)).value.orders)
            for page in pages
        )

    def generated_reading() -> int:
        return sum(
            len(
                operation.read(
                    module._parse_response(client=client.generated, response=_Reply(page))
                ).orders
            )
            for page in pages
        )

    def sdk_listing() -> int:
        return len(list(client.open_trailing_orders(CONTRACT)))

    runs = {
        "floor": floor,
        "reply reading, one pass": sdk_reading,
        "reply reading, generated models + readers": generated_reading,
        "SwapClient listing (HTTP included)": sdk_listing,
    }
    if getattr(operation.read, "document", None) is None:  # the code before one-pass reading
        del runs["reply reading, one pass"]
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    for name, run in runs.items():
        assert run() == LISTED_ORDERS, name
    for round_index in range(rounds):
        for name in rotated(list(runs), round_index):
            gc.collect()
            started = time.process_time()
            run = runs[name]
            for _ in range(5):
                run()
            cpu[name].append((time.process_time() - started) / 5 * 1e3)
    client.close()
    return cpu


def memory_per_id(base_url: str, ids: int) -> float:
    """Peak traced memory growth per ID cancelling ``ids`` IDs with AsyncSwapClient(aiohttp)."""
    from htx_swap import AsyncSwapClient, Credentials

    every = [order_id for chunk in chunks(ids // 10) for order_id in chunk]

    async def run() -> float:
        async with AsyncSwapClient(
            Credentials(ACCESS_KEY, SECRET_KEY),
            base_url=base_url,
            allow_insecure_http=True,
            max_requests_per_second=None,
            transport="aiohttp",
        ) as client:
            await client.cancel_trailing_orders(CONTRACT, every[:100])  # warm
            gc.collect()
            tracemalloc.start()
            base = tracemalloc.get_traced_memory()[0]
            result = await client.cancel_trailing_orders(CONTRACT, every)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            assert len(result.cancelled) == ids
            return (peak - base) / ids

    return asyncio.run(run())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--bulk", type=int, default=10_000)
    parser.add_argument("--memory", type=int, default=0, help="IDs for the memory row (0: skip)")
    parser.add_argument("--only", default="cpu,bulk,wire,listing")
    parser.add_argument("--contenders", help="comma-separated names (default: all)")
    parser.add_argument("--out")
    options = parser.parse_args(argv)
    if options.serve:
        serve()
        return 0
    only = set(options.only.split(","))
    lines = [
        f"Interleaved, {options.rounds} rounds; medians [min, max] over rounds; "
        f"ratios taken within each round. CPython {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs (shared, loaded: read the ratios).",
        "",
        "| Figure | Contender | Measured | Ratio |",
        "|---|---|---|---|",
    ]

    def row(
        figure: str,
        name: str,
        values: list[float],
        fmt: str,
        base: list[float] | None,
        base_name: str,
    ) -> None:
        ratio = "—"
        if base is not None and values is not base:
            ratio = spread([v / b for v, b in zip(values, base, strict=True)], "{:.2f}x")
            ratio += f" of {base_name}"
        lines.append(f"| {figure} | {name} | {spread(values, fmt)} | {ratio} |")

    with instant_server() as base_url:
        runner = asyncio.Runner()
        contenders = Contenders(base_url)
        runner.run(contenders.open())
        cancels = contenders.cancels()
        if options.contenders:
            cancels = {n: c for n, c in cancels.items() if n in options.contenders.split(",")}
        try:
            if "cpu" in only:
                cpu = runner.run(cpu_per_request(cancels, options.rounds, options.requests))
                for name, base in CPU_BASES.items():
                    if name in cpu and base in cpu:
                        row("CPU µs per 10-ID cancel", name, cpu[name], "{:.0f}", cpu[base], base)
            if "bulk" in only:
                rates, bulk_cpu = runner.run(bulk(contenders, options.bulk, options.rounds))
                for name, values in rates.items():
                    row(
                        f"Bulk {options.bulk:,} IDs unpaced, 4 in flight, IDs/s",
                        name,
                        values,
                        "{:,.0f}",
                        rates[CCXT_ASYNC],
                        CCXT_ASYNC,
                    )
                for name, values in bulk_cpu.items():
                    row(
                        f"Bulk {options.bulk:,} IDs unpaced, CPU µs per ID",
                        name,
                        values,
                        "{:.1f}",
                        bulk_cpu[CCXT_ASYNC],
                        CCXT_ASYNC,
                    )
            if "wire" in only:
                wire = runner.run(
                    call_to_wire(cancels, base_url, contenders.session, 200, options.rounds)
                )
                for name in (RAW_AIOHTTP, CCXT_ASYNC, SDK_AIOHTTP, SDK_ASYNC):
                    row(
                        "Call to wire p50 µs",
                        name,
                        wire[name],
                        "{:.0f}",
                        wire[CCXT_ASYNC],
                        CCXT_ASYNC,
                    )
                for name in (CCXT_SYNC, SDK_SYNC):
                    row(
                        "Call to wire p50 µs",
                        name,
                        wire[name],
                        "{:.0f}",
                        wire[CCXT_SYNC],
                        CCXT_SYNC,
                    )
        finally:
            runner.run(contenders.close())
            runner.close()
        if "listing" in only:
            listing = listing_cpu(base_url, options.rounds)
            for name, values in listing.items():
                row(
                    f"CPU ms to list {LISTED_ORDERS:,} orders",
                    name,
                    values,
                    "{:.1f}",
                    listing["floor"],
                    "the parse floor",
                )
        if options.memory:
            per_id = memory_per_id(base_url, options.memory)
            lines.append(
                f"| Memory, {options.memory:,} IDs (AsyncSwapClient aiohttp) | peak "
                f"traced growth | {per_id:.0f} B/ID | — |"
            )
    table = "\n".join(lines)
    print(table)
    if options.out:
        with open(options.out, "w") as out:
            out.write(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
