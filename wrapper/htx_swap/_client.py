"""SwapClient and AsyncSwapClient: HTX's trailing-order operations, signed, paced and retried.

The HTTP itself is the generated client's (``htx_swap_client``); every operation goes through
one engine (``_engine``), declared once in ``_operations``. This module holds the settings,
builds the engine, and shapes each operation's result (cancel by ID: ``_batch``).
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import httpx

from htx_swap_client import Client
from htx_swap_client.models import CancelTrailingOrdersRequest

from ._auth import HtxAuth
from ._batch import CancelBatch, Progress
from ._credentials import Credentials
from ._engine import Engine, Waits
from ._errors import CancellationInterrupted, InvalidRequestError
from ._operations import CANCEL_TRAILING_ORDERS, POOLS, TRADE_INTERFACE_LIMIT, Pool, PoolLimit
from ._results import CancelResult
from ._retry import DEFAULT_MAX_RETRIES
from ._validation import (
    check_max_retries,
    check_pool_limit,
    check_rate,
    check_timeout,
    normalize_order_ids,
    validate_base_url,
    validate_contract_code,
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

__all__ = ["AsyncSwapClient", "SwapClient"]

DEFAULT_BASE_URL = "https://api.hbdm.com"
DEFAULT_TIMEOUT = 10.0
# HTX's per-interface limit, the same for place, cancel and cancel-all.
DEFAULT_MAX_REQUESTS_PER_SECOND = float(
    TRADE_INTERFACE_LIMIT.requests / TRADE_INTERFACE_LIMIT.seconds
)
DEFAULT_POOL_LIMIT = POOLS[Pool.TRADE].requests
# Chunks in flight at once: enough to keep the limiter busy through two-second round trips,
# bounded so an effectively unlimited rate doesn't start hundreds of threads. (Measured: 16
# left a 20/s window a third unfilled at 300 ms latency, 0.91 of the fastest schedule
# against 0.97 with 32.)
MIN_IN_FLIGHT = 4
MAX_IN_FLIGHT = 32


class _BaseSwapClient:
    """What both clients share: checked settings, the signing, the engine and the batch plan."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_requests_per_second: float | None = DEFAULT_MAX_REQUESTS_PER_SECOND,
        pool_limit: int | None = DEFAULT_POOL_LIMIT,
        allow_insecure_http: bool = False,
        waits: Waits | None = None,
    ) -> None:
        self._base_url = validate_base_url(base_url, allow_insecure_http=allow_insecure_http)
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
        self._engine = Engine(
            generated=self.generated,
            auth=self.auth,
            base_url=self._base_url,
            timeout=self._timeout,
            max_retries=self._max_retries,
            max_requests_per_second=self._max_requests_per_second,
            pools=pools,
            waits=Waits() if waits is None else waits,
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
        """Where requests go, e.g. ``https://api.hbdm.com``."""
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

    def _cancel_batch(
        self, contract_code: object, order_ids: object, progress: Progress | None
    ) -> CancelBatch:
        """Check the input before any byte is sent, and plan its chunks of at most 10."""
        if progress is not None and not callable(progress):
            raise InvalidRequestError(f"progress must be callable, got {progress!r}")
        code = validate_contract_code(contract_code)
        return CancelBatch(
            self._engine,
            CANCEL_TRAILING_ORDERS,
            normalize_order_ids(order_ids),
            lambda chunk: CancelTrailingOrdersRequest(contract_code=code, order_id=",".join(chunk)),
            progress,
        )

    def _in_flight(self, calls: int) -> int:
        rate = self._max_requests_per_second
        wanted = MAX_IN_FLIGHT if rate is None else math.ceil(rate * 2)
        return min(calls, max(MIN_IN_FLIGHT, min(MAX_IN_FLIGHT, wanted)))

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(access_key={self.auth.access_key!r}, "
            f"base_url={self._base_url!r}, "
            f"max_requests_per_second={self._max_requests_per_second!r})"
        )


class SwapClient(_BaseSwapClient):
    """HTX USDT-margined swap client: signed, paced under the rate limits, retried safely.

    ``.generated`` is the generated client with signing in place, for any other endpoint.
    """

    def _open_http(self) -> None:
        self.generated.set_httpx_client(
            httpx.Client(
                **self._httpx_args(),
                event_hooks={"request": [on_request], "response": [on_response]},
            )
        )

    def cancel_trailing_orders(
        self,
        contract_code: str,
        order_ids: Iterable[str | int],
        *,
        progress: Progress | None = None,
    ) -> CancelResult:
        """Cancel any number of trailing orders of one contract; one outcome per distinct ID.

        ``progress``, if given, is called as ``progress(settled, total)`` (counts of orders) each
        time a chunk of up to 10 is settled, from the thread that settled it.

        Raises InvalidRequestError before sending anything if the input is malformed, and
        HtxApiError / HtxAuthError / HtxRateLimitError / HtxTransportError, carrying the partial
        result as ``.result``, when HTX refuses every request or cannot be reached. Ctrl-C
        raises CancellationInterrupted (a KeyboardInterrupt) carrying the same.
        """
        batch = self._cancel_batch(contract_code, order_ids, progress)
        try:
            self._engine.run_sync(batch, self._in_flight(len(batch.chunks)))
        except CancellationInterrupted:
            raise
        except KeyboardInterrupt as interrupt:
            raise batch.interrupted() from interrupt
        return batch.finish()

    def close(self) -> None:
        """Close the connection pool."""
        self.generated.get_httpx_client().close()

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
    """The asyncio twin of SwapClient: same arguments, ``await`` the calls, ``async with`` it."""

    # The event loop the connections belong to (a weak reference: a finished loop may go).
    _loop: weakref.ref[asyncio.AbstractEventLoop] | None = None

    def _open_http(self) -> None:
        self.generated.set_async_httpx_client(
            httpx.AsyncClient(
                **self._httpx_args(),
                event_hooks={"request": [on_request_async], "response": [on_response_async]},
            )
        )

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
                self._open_http()
            self._loop = weakref.ref(loop)

    async def cancel_trailing_orders(
        self,
        contract_code: str,
        order_ids: Iterable[str | int],
        *,
        progress: Progress | None = None,
    ) -> CancelResult:
        """Cancel any number of trailing orders of one contract; one outcome per distinct ID.

        ``progress`` and the errors raised are as for SwapClient.cancel_trailing_orders.
        """
        batch = self._cancel_batch(contract_code, order_ids, progress)
        self._bind_loop()
        try:
            await self._engine.run_async(batch, self._in_flight(len(batch.chunks)))
        except CancellationInterrupted:
            raise
        except KeyboardInterrupt as interrupt:
            raise batch.interrupted() from interrupt
        return batch.finish()

    async def close(self) -> None:
        """Close the connection pool (on a finished event loop, its connections went with it)."""
        import asyncio

        bound = None if self._loop is None else self._loop()
        if bound is not None and bound is not asyncio.get_running_loop():
            self._open_http()  # nothing to close here; start clean should the client be reused
            return
        await self.generated.get_async_httpx_client().aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
