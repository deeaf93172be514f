"""Every contender, as data: a name, a label for the table, and how it runs (a client in this
process, sync or async, opened by a factory; or htx-swap in a child interpreter). Each in-process
contender is a client with `cancel(ids) -> IDs cancelled` and `close()` (coroutines for an async
one)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import Any, Literal
from urllib.parse import quote

import httpx

from benchmarks.harness import CANCEL_PATH, CONTRACT, stopwatch
from benchmarks.processes import Server
from htx_swap import AsyncSwapClient, CancelResult, SwapClient


def cancel_body(order_ids: Sequence[str]) -> dict[str, str]:
    return {"contract_code": CONTRACT, "order_id": ",".join(order_ids)}


def successes(reply: dict[str, Any]) -> int:
    """How many IDs an HTX cancel reply lists as cancelled (0 for an error envelope)."""
    data = reply.get("data") or {}
    if reply.get("status") != "ok":
        return 0
    return len([i for i in data.get("successes", "").split(",") if i])


def cancelled(result: CancelResult) -> int:
    return len(result.cancelled)


class RawSigner:
    """HTX Signature V2 for a POST, inline: what a hand-rolled client writes from FACTS.md."""

    def __init__(self, server: Server) -> None:
        self.url = server.base_url + CANCEL_PATH
        self._prefix = f"POST\n{server.host.lower()}\n{CANCEL_PATH}\n"
        self._access_key = server.credentials.access_key
        secret = server.credentials.secret_key
        assert secret is not None, "an HMAC key"
        self._secret = secret.encode("utf-8")

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


class RawHttpx:
    """The floor: one reused httpx.Client, signing inline, json.loads the reply."""

    def __init__(self, server: Server) -> None:
        self._signer = RawSigner(server)
        self._client = httpx.Client()

    def cancel(self, ids: list[str]) -> int:
        reply = self._client.post(
            self._signer.url, params=self._signer.params(), json=cancel_body(ids)
        )
        return successes(json.loads(reply.content))

    def close(self) -> None:
        self._client.close()


class RawAsyncHttpx:
    """The async floor: the same, with one reused httpx.AsyncClient."""

    def __init__(self, server: Server) -> None:
        self._signer = RawSigner(server)
        self._client = httpx.AsyncClient()

    async def cancel(self, ids: list[str]) -> int:
        reply = await self._client.post(
            self._signer.url, params=self._signer.params(), json=cancel_body(ids)
        )
        return successes(json.loads(reply.content))

    async def close(self) -> None:
        await self._client.aclose()


class RawAiohttp:
    """The aiohttp floor: one aiohttp.ClientSession, signing inline, json.loads the reply."""

    def __init__(self, server: Server) -> None:
        import aiohttp

        self._signer = RawSigner(server)
        self.session = aiohttp.ClientSession()

    async def cancel(self, ids: list[str]) -> int:
        params, body = self._signer.params(), cancel_body(ids)
        async with self.session.post(self._signer.url, params=params, json=body) as reply:
            return successes(json.loads(await reply.read()))

    async def close(self) -> None:
        await self.session.close()


def make_ccxt(server: Server, *, asynchronous: bool = False) -> Any:
    """ccxt's htx exchange, its contract API pointed at the server, its own throttle off."""
    if asynchronous:
        import ccxt.async_support as ccxt_module  # type: ignore[import-untyped]
    else:
        import ccxt as ccxt_module

    exchange = ccxt_module.htx(
        {
            "apiKey": server.credentials.access_key,
            "secret": server.credentials.secret_key,
            "enableRateLimit": False,
        }
    )
    # The new (linear-swap) endpoints sign with urls['hostnames'][type] and are sent to
    # urls['api'][type]: the server's host:port, over plain http.
    exchange.urls["hostnames"]["contract"] = server.host
    exchange.urls["api"]["contract"] = "http://{hostname}"
    return exchange


# ccxt's generic request(): path, api (the contract API, private: signed), method, params.
CCXT_PATH = CANCEL_PATH.lstrip("/")
CCXT_API = ["contract", "private"]


class Ccxt:
    def __init__(self, server: Server) -> None:
        self.exchange = make_ccxt(server)

    def cancel(self, ids: list[str]) -> int:
        return successes(self.exchange.request(CCXT_PATH, CCXT_API, "POST", cancel_body(ids)))

    def close(self) -> None:
        self.exchange.session.close()


class CcxtAsync:
    def __init__(self, server: Server) -> None:
        self.exchange = make_ccxt(server, asynchronous=True)

    async def cancel(self, ids: list[str]) -> int:
        reply = await self.exchange.request(CCXT_PATH, CCXT_API, "POST", cancel_body(ids))
        return successes(reply)

    async def close(self) -> None:
        await self.exchange.close()


class Sdk:
    """SwapClient, pacing off unless `options` say otherwise."""

    def __init__(self, server: Server, **options: Any) -> None:
        options = {"max_requests_per_second": None} | options
        self.client = SwapClient(server.credentials, base_url=server.base_url, **options)

    def cancel(self, ids: list[str]) -> int:
        return cancelled(self.client.cancel_trailing_orders(CONTRACT, ids))

    def close(self) -> None:
        self.client.close()


class SdkAsync:
    """AsyncSwapClient on a transport, pacing off unless `options` say otherwise."""

    def __init__(self, server: Server, transport: str = "httpx", **options: Any) -> None:
        options = {"max_requests_per_second": None} | options
        self.client = AsyncSwapClient(
            server.credentials, base_url=server.base_url, transport=transport, **options
        )

    async def cancel(self, ids: list[str]) -> int:
        return cancelled(await self.client.cancel_trailing_orders(CONTRACT, ids))

    async def close(self) -> None:
        await self.client.close()


def sdk_aiohttp(server: Server, **options: Any) -> SdkAsync:
    return SdkAsync(server, "aiohttp", **options)


def sdk_httpx(server: Server, **options: Any) -> Sdk:
    return Sdk(server, transport="httpx", **options)


# The factories of htx-swap's clients: they take client options (`opened(..., **options)`).
SDK_FACTORIES = (Sdk, SdkAsync, sdk_aiohttp, sdk_httpx)


@dataclass(frozen=True)
class Contender:
    name: str
    """Short: what the ratios name."""
    label: str
    """For the table; `{before}` names the revision before stands for."""
    kind: Literal["sync", "async", "child"]
    open: Callable[..., Any] | None = None
    """sync/async: the factory (the server, then client options) of the client."""
    client: Literal["sync", "async"] = "sync"
    """child: which client the child runs."""
    tree: Literal["now", "before"] = "now"
    """child: this tree's code, or the code before."""


CCXT_VERSION = metadata.version("ccxt")
RAW, RAW_ASYNC, RAW_AIOHTTP = "raw httpx.Client", "raw httpx.AsyncClient", "raw aiohttp"
SYNC_SDK, ASYNC_SDK, AIOHTTP_SDK = "SwapClient", "AsyncSwapClient", "AsyncSwapClient on aiohttp"
SYNC_HTTPX = "SwapClient on httpx"
SYNC_BEFORE, ASYNC_BEFORE = "SwapClient before", "AsyncSwapClient before"
SYNC_CHILD, ASYNC_CHILD = "SwapClient in a child", "AsyncSwapClient in a child"
CCXT, CCXT_ASYNC = "ccxt", "ccxt async"

CONTENDERS = {
    c.name: c
    for c in (
        Contender(RAW, "raw httpx.Client + inline HMAC (the floor)", "sync", RawHttpx),
        Contender(
            RAW_ASYNC, "raw httpx.AsyncClient + inline HMAC (async floor)", "async", RawAsyncHttpx
        ),
        Contender(RAW_AIOHTTP, "raw aiohttp + inline HMAC (aiohttp floor)", "async", RawAiohttp),
        Contender(SYNC_SDK, "SwapClient (h11 transport, the default)", "sync", Sdk),
        Contender(SYNC_HTTPX, 'SwapClient(transport="httpx")', "sync", sdk_httpx),
        Contender(ASYNC_SDK, "AsyncSwapClient (httpx transport, the default)", "async", SdkAsync),
        Contender(AIOHTTP_SDK, 'AsyncSwapClient(transport="aiohttp")', "async", sdk_aiohttp),
        Contender(
            SYNC_BEFORE,
            "SwapClient before (at {before}, in a child interpreter)",
            "child",
            tree="before",
        ),
        Contender(
            ASYNC_BEFORE,
            "AsyncSwapClient before (at {before}, in a child interpreter)",
            "child",
            client="async",
            tree="before",
        ),
        Contender(SYNC_CHILD, "SwapClient now, in a child interpreter as before is", "child"),
        Contender(
            ASYNC_CHILD,
            "AsyncSwapClient now (httpx), in a child interpreter as before is",
            "child",
            client="async",
        ),
        Contender(CCXT, f"ccxt {CCXT_VERSION} htx, request() (requests)", "sync", Ccxt),
        Contender(
            CCXT_ASYNC,
            f"ccxt {CCXT_VERSION} htx async_support, request() (aiohttp)",
            "async",
            CcxtAsync,
        ),
    )
}

AsyncCancel = Callable[[list[str]], Awaitable[int]]


@dataclass
class Opened:
    """In-process contenders open on one event loop, each as a coroutine function (a sync one
    called on the loop's thread: no thread hop) returning how many IDs it cancelled, 0 when it
    raised (the first error of each is kept for the report)."""

    runner: asyncio.Runner
    cancels: dict[str, AsyncCancel]
    clients: dict[str, Any]
    errors: dict[str, str]


def close_on(runner: asyncio.Runner, client: Any) -> None:
    runner.run(client.close())


@contextlib.contextmanager
def opened(server: Server, names: Sequence[str], **options: Any) -> Iterator[Opened]:
    """The in-process contenders among `names`, open on `server` while the block runs; `options`
    go to the SDK clients."""
    in_process = [CONTENDERS[name] for name in names if CONTENDERS[name].kind != "child"]

    def factory(contender: Contender) -> Any:
        assert contender.open is not None
        if contender.open in SDK_FACTORIES:
            return contender.open(server, **options)
        return contender.open(server)

    async def open_async() -> dict[str, Any]:  # on the loop: aiohttp wants one
        return {c.name: factory(c) for c in in_process if c.kind == "async"}

    with asyncio.Runner() as runner, contextlib.ExitStack() as cleanup:
        clients = {c.name: factory(c) for c in in_process if c.kind == "sync"}
        for client in clients.values():
            cleanup.callback(client.close)
        async_clients = runner.run(open_async())
        for client in async_clients.values():
            cleanup.callback(close_on, runner, client)
        clients |= async_clients
        errors: dict[str, str] = {}

        def guarded(name: str, client: Any, asynchronous: bool) -> AsyncCancel:
            async def cancel(ids: list[str]) -> int:
                try:
                    return await client.cancel(ids) if asynchronous else int(client.cancel(ids))
                except Exception as error:  # ccxt raises for HTX's error envelopes, and more
                    errors.setdefault(name, repr(error))
                    return 0

            return cancel

        cancels = {c.name: guarded(c.name, clients[c.name], c.kind == "async") for c in in_process}
        yield Opened(runner, cancels, clients, errors)


async def cpu_round(cancel: AsyncCancel, chunks: list[list[str]]) -> tuple[float, int]:
    """This process's CPU seconds cancelling the chunks one request each, and the requests whose
    every ID was cancelled."""
    answered = 0
    with stopwatch() as took:
        for chunk in chunks:
            answered += await cancel(chunk) == len(chunk)
    return took.cpu, answered
