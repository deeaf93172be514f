"""SwapClient and AsyncSwapClient: HTX's trailing-order operations, signed, paced and retried.

The HTTP itself is the generated client's (``htx_swap_client``); every operation goes through
one engine (``_engine``), declared once in ``_operations``. This module holds the settings and
builds the engine; each method checks its input and hands a layer to the engine: cancelling
(``_batch``), placing (``_placing``), lists (``_listing``).
"""

from __future__ import annotations

import os
import weakref
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from decimal import Decimal
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import httpx

from htx_swap_client import Client

from ._auth import HtxAuth
from ._batch import Progress, plan_cancel, plan_cancel_all
from ._credentials import Credentials
from ._engine import MAX_IN_FLIGHT, MIN_IN_FLIGHT, Engine, Waits
from ._errors import InvalidRequestError
from ._http import (
    SYNC_TRANSPORTS,
    AsyncHttpClient,
    HttpClient,
    async_transport,
    check_transport,
    environment_proxy,
    sync_transport,
)
from ._listing import plan_history, plan_open_orders
from ._operations import POOLS, TRADE_INTERFACE_LIMIT, Pool, PoolLimit
from ._orders import PlacedTrailingOrder, TrailingOrder, TrailingOrderStatus
from ._placing import plan_place
from ._results import CancelAllResult, CancelResult
from ._retry import DEFAULT_MAX_RETRIES
from ._store import RATE_LIMIT_STORE_ENV, RateLimitStore, check_store_url
from ._validation import (
    check_max_retries,
    check_pool_limit,
    check_rate,
    check_timeout,
    validate_base_url,
)
from ._wire import (
    ACCEPT_ENCODING,
    on_request,
    on_request_async,
    on_response,
    on_response_async,
    redact_signatures,
)

if TYPE_CHECKING:
    import asyncio

    from ._aiohttp_send import AiohttpSender
    from ._h11_send import H11Sender

__all__ = ["MAX_IN_FLIGHT", "MIN_IN_FLIGHT", "AsyncSwapClient", "SwapClient"]

DEFAULT_BASE_URL = "https://api.hbdm.com"
# Where to send when the code doesn't say: `htx-swap sandbox` prints it, so README examples and
# scripts reach a sandbox unchanged.
BASE_URL_ENV = "HTX_BASE_URL"
DEFAULT_TIMEOUT = 10.0
# HTX's per-interface limit, the same for place, cancel and cancel-all.
DEFAULT_MAX_REQUESTS_PER_SECOND = float(
    TRADE_INTERFACE_LIMIT.requests / TRADE_INTERFACE_LIMIT.seconds
)
DEFAULT_POOL_LIMIT = POOLS[Pool.TRADE].requests
# Chunks in flight at once are sized by the engine (``Engine.in_flight``) from the rate and the
# round trip it observes, between MIN_IN_FLIGHT and MAX_IN_FLIGHT.


def resolve_base_url(base_url: str | None, *, allow_insecure_http: bool = False) -> str:
    """``base_url`` checked; when it is None, ``HTX_BASE_URL`` if set, else HTX's own host."""
    if base_url is not None:
        return validate_base_url(base_url, allow_insecure_http=allow_insecure_http)
    from_env = os.environ.get(BASE_URL_ENV)
    if not from_env:
        return DEFAULT_BASE_URL
    try:
        return validate_base_url(from_env, allow_insecure_http=allow_insecure_http)
    except InvalidRequestError as error:
        raise InvalidRequestError(f"environment variable {BASE_URL_ENV}: {error}") from None


class _BaseSwapClient:
    """What both clients share: checked settings, the signing, the engine and the batch plan."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_requests_per_second: float | None = DEFAULT_MAX_REQUESTS_PER_SECOND,
        pool_limit: int | None = DEFAULT_POOL_LIMIT,
        allow_insecure_http: bool = False,
        waits: Waits | None = None,
        rate_limit_store: str | None = None,
    ) -> None:
        self._base_url = resolve_base_url(base_url, allow_insecure_http=allow_insecure_http)
        self._timeout = check_timeout(timeout)
        self._max_retries = check_max_retries(max_retries)
        self._max_requests_per_second = check_rate(max_requests_per_second)
        self._pool_limit = check_pool_limit(pool_limit)
        self.auth = HtxAuth(credentials)
        redact_signatures()
        # The generated client, with our httpx clients in it: signing, hooks, no redirects.
        self.generated = Client(base_url=self._base_url, raise_on_unexpected_status=False)
        pools: dict[Pool, PoolLimit] | None = None
        if self._max_requests_per_second is not None and self._pool_limit is not None:
            pools = {pool: PoolLimit(self._pool_limit, POOLS[pool].seconds) for pool in Pool}
        # Windows shared with every process of the account (HTX counts per account), when a
        # store is given, here or in the environment; "" means none. An unpaced client has no
        # windows to share: the environment's store is not for it, and asking for one is an error.
        if rate_limit_store is None:
            url = check_store_url(os.environ.get(RATE_LIMIT_STORE_ENV), RATE_LIMIT_STORE_ENV)
            if self._max_requests_per_second is None:
                url = None
        else:
            url = check_store_url(rate_limit_store)
            if url is not None and self._max_requests_per_second is None:
                raise InvalidRequestError(
                    "rate_limit_store shares the client's pacing with other processes, and "
                    "max_requests_per_second=None turns pacing off: give a rate, or no store"
                )
        waits = Waits() if waits is None else waits
        self.rate_limit_store = (
            None
            if url is None
            else RateLimitStore(
                url,
                credentials.account_id,
                asynchronous=isinstance(self, AsyncSwapClient),
                clock=waits.monotonic,
            )
        )
        self._engine = Engine(
            generated=self.generated,
            auth=self.auth,
            base_url=self._base_url,
            timeout=self._timeout,
            max_retries=self._max_retries,
            max_requests_per_second=self._max_requests_per_second,
            pools=pools,
            waits=waits,
            rate_limit_store=self.rate_limit_store,
        )
        self._open_http()

    def _open_http(self) -> None:
        """Put this client's httpx client (sync or async) in the generated client."""
        raise NotImplementedError

    def _httpx_args(self) -> dict[str, Any]:
        return {
            "base_url": self._base_url,
            "timeout": httpx.Timeout(self._timeout),
            "auth": self.auth,
            "follow_redirects": False,
            "headers": {"Accept-Encoding": ACCEPT_ENCODING},
        }

    # Settings are read-only: the engine was built from them.

    @property
    def base_url(self) -> str:
        """Where requests go, e.g. ``https://api.hbdm.com`` (``HTX_BASE_URL`` when not given)."""
        return self._base_url

    @property
    def timeout(self) -> float:
        """Seconds an attempt may take, reply included, before it counts as lost."""
        return self._timeout

    @property
    def max_retries(self) -> int:
        """Retries after the first attempt of a request, for the failures that allow one."""
        return self._max_retries

    @property
    def max_requests_per_second(self) -> float | None:
        """Requests per second on each interface (HTX's limit: 5); None: no pacing at all."""
        return self._max_requests_per_second

    @property
    def pool_limit(self) -> int | None:
        """Requests per 3 s in each of HTX's per-user pools (trade, read); None: not paced."""
        return self._pool_limit

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(access_key={self.auth.access_key!r}, "
            f"base_url={self._base_url!r}, "
            f"max_requests_per_second={self._max_requests_per_second!r})"
        )


class SwapClient(_BaseSwapClient):
    """HTX USDT-margined swap client: signed, paced under the rate limits, retried safely.

    ``.generated`` is the generated client with signing in place, for any other endpoint.

    Every method takes ``params``: other request fields, sent as given, for a field the spec
    declares that the method has no argument for (one added to the spec reaches you after
    ``scripts/regenerate``). A name the spec doesn't declare for the operation, or one the method
    sets itself, is refused with InvalidRequestError before anything is sent; a None value leaves
    its field out.

    ``transport="h11"`` (the default) sends the SDK's own requests on sockets of its own, HTTP/1.1
    spoken by h11, without httpx's client layer (less CPU per request); ``"httpx"`` sends them
    through httpx's client, as ``.generated`` always does (for httpx's tooling, such as respx).
    A proxy from the environment (``HTTPS_PROXY``, ``NO_PROXY``... as httpx reads them) that
    applies to ``base_url`` is used, through httpx; ``transport`` then says ``"httpx"``. Every
    rule is the same on both.
    """

    # transport="h11": what sends the SDK's own requests.
    _sender: H11Sender | None = None

    def __init__(
        self,
        credentials: Credentials,
        *,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_requests_per_second: float | None = DEFAULT_MAX_REQUESTS_PER_SECOND,
        pool_limit: int | None = DEFAULT_POOL_LIMIT,
        allow_insecure_http: bool = False,
        transport: str = "h11",
        waits: Waits | None = None,
        rate_limit_store: str | None = None,
    ) -> None:
        self._transport = check_transport(transport, SYNC_TRANSPORTS)
        super().__init__(
            credentials,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            max_requests_per_second=max_requests_per_second,
            pool_limit=pool_limit,
            allow_insecure_http=allow_insecure_http,
            waits=waits,
            rate_limit_store=rate_limit_store,
        )

    @property
    def transport(self) -> str:
        """What sends the requests: ``"h11"`` (the SDK's own sockets) or ``"httpx"``."""
        return self._transport

    def _open_http(self) -> None:
        proxy = environment_proxy(self._base_url)
        http = HttpClient(
            **self._httpx_args(),
            transport=sync_transport(self._base_url, proxy),
            event_hooks={"request": [on_request], "response": [on_response]},
        )
        self.generated.set_httpx_client(http)
        if proxy is not None:
            self._transport = "httpx"  # only httpx speaks to a proxy
        if self._transport == "h11":
            # The SDK's own requests skip httpx's client layer; `.generated` keeps it.
            from ._h11_send import H11Sender

            self._sender = H11Sender(
                auth=self.auth, http=http, generated=self.generated, base_url=self._base_url
            )
            self._engine.sync_sender = self._sender.send

    def place_trailing_order(
        self,
        contract_code: str | None,
        *,
        direction: str,
        volume: int | str | Decimal | float,
        callback_rate: str | Decimal | float,
        active_price: int | str | Decimal | float,
        order_price_type: str,
        offset: str | None = None,
        lever_rate: int | None = None,
        reduce_only: bool | None = None,
        margin_mode: str = "isolated",
        pair: str | None = None,
        contract_type: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> PlacedTrailingOrder:
        """Place one trailing order; it is never sent twice.

        Isolated margin takes a perpetual ``contract_code`` (``BTC-USDT``); cross margin also a
        future (``BTC-USDT-211231``), or ``pair`` with ``contract_type`` instead. ``volume`` is
        a whole number of contracts; ``callback_rate`` at least 0.001 (0.1%); numbers as int,
        str or Decimal (or a float that means a short decimal). Everything is checked before a
        byte is sent (InvalidRequestError). If the request may have reached HTX but its reply
        was lost, raises HtxUnknownOutcomeError with the open orders that could be the one.
        """
        return self._engine.complete_sync(
            plan_place(
                self._engine,
                contract_code,
                margin_mode=margin_mode,
                pair=pair,
                contract_type=contract_type,
                direction=direction,
                volume=volume,
                callback_rate=callback_rate,
                active_price=active_price,
                order_price_type=order_price_type,
                offset=offset,
                lever_rate=lever_rate,
                reduce_only=reduce_only,
                params=params,
            )
        )

    def cancel_trailing_orders(
        self,
        contract_code: str | None,
        order_ids: Iterable[str | int],
        *,
        margin_mode: str = "isolated",
        progress: Progress | None = None,
        pair: str | None = None,
        contract_type: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> CancelResult:
        """Cancel any number of trailing orders of one contract; one outcome per distinct ID.

        ``progress``, if given, is called as ``progress(settled, total)`` (counts of orders) each
        time a chunk of up to 10 is done with, from the thread that did it.

        Raises InvalidRequestError before sending anything if the input is malformed, and
        HtxApiError / HtxAuthError / HtxRateLimitError / HtxTransportError, carrying the partial
        result as ``.result``, when HTX refuses every request or cannot be reached. Ctrl-C
        raises CancellationInterrupted (a KeyboardInterrupt) carrying the same.
        """
        return self._engine.complete_sync(
            plan_cancel(
                self._engine,
                contract_code,
                order_ids,
                margin_mode=margin_mode,
                pair=pair,
                contract_type=contract_type,
                progress=progress,
                params=params,
            )
        )

    def cancel_all_trailing_orders(
        self,
        contract_code: str | None,
        *,
        direction: str | None = None,
        offset: str | None = None,
        margin_mode: str = "isolated",
        pair: str | None = None,
        contract_type: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> CancelAllResult:
        """Cancel every open trailing order of a contract (of one direction or offset if given).

        One request, whatever the count. Nothing to cancel is an empty result, not an error;
        ``complete`` is False when a lost reply leaves what was cancelled unknown.
        """
        return self._engine.complete_sync(
            plan_cancel_all(
                self._engine,
                contract_code,
                margin_mode=margin_mode,
                pair=pair,
                contract_type=contract_type,
                direction=direction,
                offset=offset,
                params=params,
            )
        )

    def open_trailing_orders(
        self,
        contract_code: str | None = None,
        *,
        margin_mode: str = "isolated",
        trade_type: int | None = None,
        pair: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Iterator[TrailingOrder]:
        """Every open trailing order (of a contract, or on cross margin a pair or all), lazily.

        Pages of 50 are fetched as the iteration reaches them (none before it starts), paced on
        HTX's read pool; no order is yielded twice, even if the list shifts while it is read.
        """
        return plan_open_orders(
            self._engine,
            contract_code,
            margin_mode=margin_mode,
            pair=pair,
            trade_type=trade_type,
            params=params,
        ).iterate_sync()

    def trailing_order_history(
        self,
        contract_code: str | None = None,
        *,
        margin_mode: str = "isolated",
        status: TrailingOrderStatus | Iterable[TrailingOrderStatus] | None = None,
        trade_type: int | None = None,
        days: int | None = None,
        sort_by: str | None = None,
        pair: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Iterator[TrailingOrder]:
        """Finished trailing orders (triggered, failed, cancelled), newest first, lazily.

        ``status`` narrows to some end states (default: all); ``days`` looks back 1 to 90 days
        (default 90, all HTX keeps); ``sort_by`` is ``"created_at"`` (default) or
        ``"update_time"``. Paged as ``open_trailing_orders``.
        """
        return plan_history(
            self._engine,
            contract_code,
            margin_mode=margin_mode,
            pair=pair,
            status=status,
            trade_type=trade_type,
            days=days,
            sort_by=sort_by,
            params=params,
        ).iterate_sync()

    def close(self) -> None:
        """Close the connection pool (and the rate-limit store's connection)."""
        self.generated.get_httpx_client().close()
        if self._sender is not None:
            self._sender.close()
        if self.rate_limit_store is not None:
            self.rate_limit_store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncSwapClient(_BaseSwapClient):
    """The asyncio twin of SwapClient: same arguments, ``await`` the calls, ``async with`` it.

    ``transport="aiohttp"`` sends through aiohttp (httpx-aiohttp's transport; the ``aiohttp``
    extra: ``pip install "htx-swap[aiohttp]"``), which costs less CPU per request than httpx's
    own (``"httpx"``, the default). Every rule is the same on both.
    """

    # The event loop the connections belong to (a weak reference: a finished loop may go).
    _loop: weakref.ref[asyncio.AbstractEventLoop] | None = None
    # transport="aiohttp": what sends the SDK's own requests.
    _sender: AiohttpSender | None = None

    def __init__(
        self,
        credentials: Credentials,
        *,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_requests_per_second: float | None = DEFAULT_MAX_REQUESTS_PER_SECOND,
        pool_limit: int | None = DEFAULT_POOL_LIMIT,
        allow_insecure_http: bool = False,
        transport: str = "httpx",
        waits: Waits | None = None,
        rate_limit_store: str | None = None,
    ) -> None:
        self._transport = check_transport(transport)
        super().__init__(
            credentials,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            max_requests_per_second=max_requests_per_second,
            pool_limit=pool_limit,
            allow_insecure_http=allow_insecure_http,
            waits=waits,
            rate_limit_store=rate_limit_store,
        )

    @property
    def transport(self) -> str:
        """What sends the requests: ``"httpx"`` (httpx's own transport) or ``"aiohttp"``."""
        return self._transport

    def _open_http(self) -> None:
        http = AsyncHttpClient(
            **self._httpx_args(),
            transport=async_transport(self._base_url, self._transport),
            event_hooks={"request": [on_request_async], "response": [on_response_async]},
        )
        self.generated.set_async_httpx_client(http)
        if self._transport == "aiohttp":
            # The SDK's own requests skip httpx's client layer; `.generated` keeps it.
            from ._aiohttp_send import AiohttpSender

            self._sender = AiohttpSender(
                auth=self.auth, http=http, generated=self.generated, tls_for=self._base_url
            )
            self._engine.sender = self._sender.send

    def _abandon_http(self) -> None:
        """The connections' event loop is finished: drop them, and open new ones for the next."""
        http = self.generated.get_async_httpx_client()
        if isinstance(http, AsyncHttpClient):
            http.abandon()
        if self._sender is not None:
            self._sender.abandon()
        self._open_http()

    def _bind_loop(self) -> None:
        """Connections belong to one event loop: move to a new loop once the old one is done."""
        import asyncio  # here, not at the top: sync users never pay for it

        loop = asyncio.get_running_loop()
        previous = None if self._loop is None else self._loop()
        if previous is not loop:
            if previous is not None and previous.is_running():
                raise InvalidRequestError(
                    "this AsyncSwapClient is in use on another running event loop; "
                    "use one client per event loop"
                )
            if self._loop is not None:
                # The old loop is finished, and its connections with it: open new ones here.
                self._abandon_http()
            self._loop = weakref.ref(loop)

    async def place_trailing_order(
        self,
        contract_code: str | None,
        *,
        direction: str,
        volume: int | str | Decimal | float,
        callback_rate: str | Decimal | float,
        active_price: int | str | Decimal | float,
        order_price_type: str,
        offset: str | None = None,
        lever_rate: int | None = None,
        reduce_only: bool | None = None,
        margin_mode: str = "isolated",
        pair: str | None = None,
        contract_type: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> PlacedTrailingOrder:
        """As SwapClient.place_trailing_order."""
        return await self._engine.complete_async(
            plan_place(
                self._engine,
                contract_code,
                margin_mode=margin_mode,
                pair=pair,
                contract_type=contract_type,
                direction=direction,
                volume=volume,
                callback_rate=callback_rate,
                active_price=active_price,
                order_price_type=order_price_type,
                offset=offset,
                lever_rate=lever_rate,
                reduce_only=reduce_only,
                params=params,
            ),
            self._bind_loop,
        )

    async def cancel_trailing_orders(
        self,
        contract_code: str | None,
        order_ids: Iterable[str | int],
        *,
        margin_mode: str = "isolated",
        progress: Progress | None = None,
        pair: str | None = None,
        contract_type: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> CancelResult:
        """As SwapClient.cancel_trailing_orders."""
        return await self._engine.complete_async(
            plan_cancel(
                self._engine,
                contract_code,
                order_ids,
                margin_mode=margin_mode,
                pair=pair,
                contract_type=contract_type,
                progress=progress,
                params=params,
            ),
            self._bind_loop,
        )

    async def cancel_all_trailing_orders(
        self,
        contract_code: str | None,
        *,
        direction: str | None = None,
        offset: str | None = None,
        margin_mode: str = "isolated",
        pair: str | None = None,
        contract_type: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> CancelAllResult:
        """As SwapClient.cancel_all_trailing_orders."""
        return await self._engine.complete_async(
            plan_cancel_all(
                self._engine,
                contract_code,
                margin_mode=margin_mode,
                pair=pair,
                contract_type=contract_type,
                direction=direction,
                offset=offset,
                params=params,
            ),
            self._bind_loop,
        )

    def open_trailing_orders(
        self,
        contract_code: str | None = None,
        *,
        margin_mode: str = "isolated",
        trade_type: int | None = None,
        pair: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> AsyncIterator[TrailingOrder]:
        """As SwapClient.open_trailing_orders, for ``async for``."""
        return plan_open_orders(
            self._engine,
            contract_code,
            margin_mode=margin_mode,
            pair=pair,
            trade_type=trade_type,
            params=params,
        ).iterate_async(self._bind_loop)

    def trailing_order_history(
        self,
        contract_code: str | None = None,
        *,
        margin_mode: str = "isolated",
        status: TrailingOrderStatus | Iterable[TrailingOrderStatus] | None = None,
        trade_type: int | None = None,
        days: int | None = None,
        sort_by: str | None = None,
        pair: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> AsyncIterator[TrailingOrder]:
        """As SwapClient.trailing_order_history, for ``async for``."""
        return plan_history(
            self._engine,
            contract_code,
            margin_mode=margin_mode,
            pair=pair,
            status=status,
            trade_type=trade_type,
            days=days,
            sort_by=sort_by,
            params=params,
        ).iterate_async(self._bind_loop)

    async def close(self) -> None:
        """Close the connection pool (on a finished event loop, its connections went with it)."""
        import asyncio

        bound = None if self._loop is None else self._loop()
        if bound is not None and bound is not asyncio.get_running_loop():
            self._abandon_http()  # nothing to await here; start clean should it be reused
            return
        await self.generated.get_async_httpx_client().aclose()
        if self._sender is not None:
            await self._sender.aclose()
        if self.rate_limit_store is not None:
            await self.rate_limit_store.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
