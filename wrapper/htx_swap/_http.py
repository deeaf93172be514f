"""The httpx clients an SDK client sends through: cheap to build, TLS loaded once, no cookies.

- **TLS**: one context per process, built on the first request to an ``https://`` URL and shared
  by every client after it (loading the CA bundle costs about 30 ms). It is httpx's own default
  context (``httpx.create_ssl_context()``: certificates always verified, ``SSL_CERT_FILE`` and
  ``SSL_CERT_DIR`` honoured as httpx honours them, read when it is built). A client to an
  ``http://`` URL (the sandbox) never loads it.
- **Lazy transport**: the transport (and with it httpcore, or aiohttp) is created on the first
  request, so constructing a client costs next to nothing.
- **No cookie work**: HTX sets no cookies, so replies are not searched for them (about 20 µs a
  request) and none are sent.
- **URLs joined once**: a path is joined to the base URL once per client, not parsed again on
  every request.
- **Transports**: httpx's own (the default), or for ``AsyncSwapClient(transport="aiohttp")``
  httpx-aiohttp's, with send-time marking through aiohttp's trace hooks (``_aiohttp``).
"""

from __future__ import annotations

import importlib.util
import ssl
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx

from ._errors import InvalidRequestError

__all__ = [
    "SYNC_TRANSPORTS",
    "TRANSPORTS",
    "AsyncHttpClient",
    "HttpClient",
    "async_transport",
    "check_transport",
    "environment_proxy",
    "sync_transport",
    "tls_context",
]

TRANSPORTS = ("httpx", "aiohttp")
# SwapClient's: h11 on the SDK's own sockets (``_h11_send``), or httpx's client.
SYNC_TRANSPORTS = ("h11", "httpx")

_tls_lock = threading.Lock()
_tls: ssl.SSLContext | None = None
_no_trust: ssl.SSLContext | None = None


def tls_context() -> ssl.SSLContext:
    """The process's TLS context, built on first use: httpx's default (always verifying)."""
    global _tls
    with _tls_lock:
        if _tls is None:
            _tls = httpx.create_ssl_context(verify=True, trust_env=True)
        return _tls


def _untrusting_context() -> ssl.SSLContext:
    """For a transport to an ``http://`` URL, which needs a context but never uses one.

    It verifies certificates and hostnames and trusts no authority at all: should it ever be
    used, every server is refused. Building it loads nothing.
    """
    global _no_trust
    with _tls_lock:
        if _no_trust is None:
            _no_trust = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        return _no_trust


def _context_for(https: bool) -> ssl.SSLContext:
    return tls_context() if https else _untrusting_context()


def check_transport(transport: object, known: tuple[str, ...] = TRANSPORTS) -> str:
    """``transport`` checked: a known name, whose packages are installed."""
    if transport not in known:
        raise InvalidRequestError(
            f"transport must be one of {', '.join(map(repr, known))}; got {transport!r}"
        )
    assert isinstance(transport, str)
    if transport == "aiohttp" and not all(
        _installed(name) for name in ("aiohttp", "httpx_aiohttp")
    ):
        raise InvalidRequestError(
            "transport='aiohttp' needs the aiohttp extra: pip install 'htx-swap[aiohttp]'"
        )
    return transport


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ValueError:  # a module set to None in sys.modules: treated as missing
        return False


def _deadline_transport(https: bool, proxy: str | None = None) -> httpx.HTTPTransport:
    """httpx's transport (through ``proxy`` if given), every socket wait bounded by the
    attempt's deadline.

    httpx takes no network backend, so its pool's is replaced (a test checks the deadline
    holds, so an httpx that renamed it would be caught).
    """
    from ._deadline import DeadlineBackend  # with httpcore, which `import htx_swap` skips

    transport = httpx.HTTPTransport(verify=_context_for(https), proxy=proxy)
    transport._pool._network_backend = DeadlineBackend()
    return transport


class _LazyTransport(httpx.BaseTransport):
    """httpx's transport, created on the first request."""

    def __init__(self, https: bool, proxy: str | None) -> None:
        self._https = https
        self._proxy = proxy
        self._inner: httpx.BaseTransport | None = None
        self._lock = threading.Lock()

    def _transport(self) -> httpx.BaseTransport:
        inner = self._inner
        if inner is None:
            with self._lock:
                if self._inner is None:
                    self._inner = _deadline_transport(self._https, self._proxy)
                inner = self._inner
        return inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._transport().handle_request(request)
        if isinstance(response.stream, httpx.SyncByteStream):
            response.stream = _NoReuseAfterUnasked(response.stream)
        return response

    def close(self) -> None:
        if self._inner is not None:
            self._inner.close()


def _refuse_reuse_if_unasked(stream: object) -> None:
    """Before a reply's connection goes back to httpcore's pool: if h11 holds bytes read past
    the reply, the server wrote what nobody asked for, and on that connection it would pass for
    the next request's answer. The connection is then marked failed, so that httpcore closes it
    as it releases it, instead of pooling it. Only this reply's own connection is looked at (a
    connection another request is reading on holds part of its reply, not a stray); bytes that
    arrive after the release make the idle connection readable, which httpcore never reuses."""
    pool_request = getattr(getattr(stream, "_httpcore_stream", None), "_pool_request", None)
    connection = getattr(pool_request, "connection", None)
    for _ in range(3):  # HTTPConnection > (a proxy's forwarding connection >) HTTP11Connection
        state = getattr(connection, "_h11_state", None)
        if state is not None:
            trailing = getattr(state, "trailing_data", None)
            if trailing and trailing[0]:
                state.send_failed()
            return
        connection = getattr(connection, "_connection", None)


class _NoReuseAfterUnasked(httpx.SyncByteStream):
    """A reply's body, whose connection is never reused after unasked bytes (above)."""

    def __init__(self, inner: httpx.SyncByteStream) -> None:
        self._inner = inner

    def __iter__(self) -> Iterator[bytes]:
        yield from self._inner

    def close(self) -> None:
        _refuse_reuse_if_unasked(self._inner)
        self._inner.close()


class _AsyncNoReuseAfterUnasked(httpx.AsyncByteStream):
    """``_NoReuseAfterUnasked`` for the async httpx transport."""

    def __init__(self, inner: httpx.AsyncByteStream) -> None:
        self._inner = inner

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            yield chunk

    async def aclose(self) -> None:
        _refuse_reuse_if_unasked(self._inner)
        await self._inner.aclose()


class _CheckedAsyncHTTPTransport(httpx.AsyncHTTPTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if isinstance(response.stream, httpx.AsyncByteStream):
            response.stream = _AsyncNoReuseAfterUnasked(response.stream)
        return response


class _LazyAsyncTransport(httpx.AsyncBaseTransport):
    """An async transport, created on the first request (in the event loop that sends it)."""

    def __init__(self, create: Callable[[], httpx.AsyncBaseTransport]) -> None:
        self._create = create
        self._inner: httpx.AsyncBaseTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._inner is None:
            self._inner = self._create()
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        if self._inner is not None:
            await self._inner.aclose()

    def abandon(self) -> None:
        """Its event loop is gone: let go of the connections without awaiting anything."""
        abandon = getattr(self._inner, "abandon", None)
        if abandon is not None:
            abandon()


def sync_transport(base_url: str, proxy: str | None = None) -> httpx.BaseTransport:
    return _LazyTransport(base_url.startswith("https:"), proxy)


def environment_proxy(base_url: str) -> str | None:
    """The proxy httpx's own client would send to ``base_url`` through, read from the
    environment as it reads it (``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``, less
    ``NO_PROXY``, upper or lower case; urllib's system settings on macOS and Windows); None: none.
    """
    from httpx._utils import URLPattern, get_environment_proxies

    url = httpx.URL(base_url)
    for pattern, proxy in sorted((URLPattern(k), v) for k, v in get_environment_proxies().items()):
        if pattern.matches(url):
            return None if proxy is None else _usable_proxy(proxy, url.host)
    return None


def _usable_proxy(proxy: str, host: str) -> str:
    """``proxy`` if httpx can send through it here; else bad input, said before any byte is sent
    (httpx would fail every request instead: a SOCKS proxy needs socksio, another scheme none).
    Only the scheme is named: a proxy's URL may carry a password."""
    try:
        scheme = httpx.URL(proxy).scheme
    except httpx.InvalidURL:
        scheme = ""
    if scheme in ("http", "https"):
        return proxy
    if scheme in ("socks5", "socks5h"):
        if importlib.util.find_spec("socksio") is None:  # httpx's SOCKS support
            raise InvalidRequestError(
                f"the environment's proxy for {host} is a {scheme}:// proxy, which needs "
                f"`pip install 'httpx[socks]'`; or set NO_PROXY={host} to send directly"
            )
        return proxy
    raise InvalidRequestError(
        f"the environment's proxy for {host} has scheme {scheme!r}, which httpx can't send "
        f"through (http://, https://, socks5://); fix it, or set NO_PROXY={host}"
    )


def async_transport(base_url: str, transport: str) -> httpx.AsyncBaseTransport:
    https = base_url.startswith("https:")
    if transport == "aiohttp":
        from ._aiohttp import AiohttpTransport

        return _LazyAsyncTransport(lambda: AiohttpTransport(_context_for(https)))
    return _LazyAsyncTransport(lambda: _CheckedAsyncHTTPTransport(verify=_context_for(https)))


class _NoCookies(httpx.Cookies):
    """HTX sets no cookies: none are looked for in replies."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None


class _Lean:
    """What both httpx client classes below change: no cookie jar work, URLs joined once."""

    _cookies: httpx.Cookies
    _joined: dict[str, httpx.URL]
    _joined_to: httpx.URL | None

    def _lean(self) -> None:
        self._cookies = _NoCookies()
        self._joined = {}
        self._joined_to = None

    def _merge_url(self, url: httpx.URL | str) -> httpx.URL:
        base: httpx.URL = self.base_url  # type: ignore[attr-defined]
        if not isinstance(url, str):
            return super()._merge_url(url)  # type: ignore[misc,no-any-return]
        if base is not self._joined_to:  # the base URL was replaced: start again
            self._joined, self._joined_to = {}, base
        joined = self._joined.get(url)
        if joined is None:
            joined = super()._merge_url(url)  # type: ignore[misc]
            if len(self._joined) < 64:  # a client calls a handful of paths
                self._joined[url] = joined
        return joined


class HttpClient(_Lean, httpx.Client):
    """``httpx.Client`` with no cookie jar work and each path joined to the base URL once."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._lean()


class AsyncHttpClient(_Lean, httpx.AsyncClient):
    """``httpx.AsyncClient``, as ``HttpClient``."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._lean()

    def abandon(self) -> None:
        """Its event loop is gone: let go of its connections without awaiting anything."""
        transport = self._transport
        if isinstance(transport, _LazyAsyncTransport):
            transport.abandon()
