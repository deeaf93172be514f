"""``AsyncSwapClient(transport="aiohttp")``: httpx-aiohttp's transport, traced and mapped.

httpx-aiohttp (the aiohttp transport for httpx that openai-python offers) sends each request
through an ``aiohttp.ClientSession``. Two things the engine relies on are added here:

- **Send-time marks**. httpcore's trace never fires on aiohttp, so aiohttp's own trace hooks
  report the attempt's progress (``_wire.headers_leaving`` and ``_wire.body_leaving``):
  ``on_request_headers_sent`` when the head is ready, and ``on_request_chunk_sent`` as each
  piece of the body is about to be written. aiohttp sends the head with the body's first piece,
  from a task of its own that may run well after the head was ready when the loop is busy, so
  pacing counts from that first piece (marking at ``on_request_headers_sent`` let a hundred
  tasks at 50/s put 56 requests in one second). aiohttp fires both hooks just *before* it
  writes, so ``body_sent`` errs on the safe side: once the last body byte was handed over, the
  request may have reached HTX, whatever error follows.
- **Errors that tell the truth**. httpx-aiohttp maps every ``aiohttp.ClientConnectionError``
  to ``httpx.ConnectTimeout`` (a server closing the connection after the request went out
  included) and lets other aiohttp errors through unmapped. Here only a failure to connect is a
  ``ConnectError``/``ConnectTimeout``; the rest are the httpx errors httpcore raises for the same
  event, so that whether a request may have reached HTX is judged as it is on httpcore.

Replies are never decompressed by aiohttp (``auto_decompress=False``): the reply guard in
``_wire`` decodes them within its cap, whatever the transport.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport as _HttpxAiohttpTransport

from ._wire import body_leaving, headers_leaving, redacted_text

__all__ = ["AiohttpTransport", "map_error", "open_session"]

# httpx's defaults for a client's pool: at most 100 connections, idle ones kept 5 s.
_MAX_CONNECTIONS = 100
_KEEPALIVE_SECONDS = 5.0


async def _on_headers_sent(
    session: aiohttp.ClientSession, context: Any, params: aiohttp.TraceRequestHeadersSentParams
) -> None:
    headers_leaving(params.headers)


async def _on_chunk_sent(
    session: aiohttp.ClientSession, context: Any, params: aiohttp.TraceRequestChunkSentParams
) -> None:
    body_leaving(len(params.chunk))


def _trace_config() -> aiohttp.TraceConfig:
    """The send-time marks: from the head's hook and each body piece's."""
    config = aiohttp.TraceConfig()
    config.on_request_headers_sent.append(_on_headers_sent)
    config.on_request_chunk_sent.append(_on_chunk_sent)
    return config


def open_session(
    tls: ssl.SSLContext, *, traced: bool = True, **options: Any
) -> aiohttp.ClientSession:
    """A session on httpx's pool defaults, never decompressing (the reply guard decodes within
    its cap), with the send-time marks as trace hooks (``traced``; the direct sender marks from
    its request body instead, which costs less); ``options`` go to ``aiohttp.ClientSession``."""
    connector = aiohttp.TCPConnector(
        ssl=tls, limit=_MAX_CONNECTIONS, keepalive_timeout=_KEEPALIVE_SECONDS
    )
    return aiohttp.ClientSession(
        connector=connector,
        trace_configs=[_trace_config()] if traced else None,
        auto_decompress=False,
        **options,
    )


def map_error(error: BaseException, request: httpx.Request) -> httpx.TransportError | None:
    """The httpx error httpcore would raise for the same failure; None if not aiohttp's."""
    if isinstance(error, httpx.TransportError):
        cause = error.__cause__
        if not isinstance(cause, aiohttp.ClientError):
            return None
        error = cause
    if not isinstance(error, aiohttp.ClientError):
        return None
    # aiohttp names the request's URL in some messages (a connect timeout, a malformed reply):
    # the signed query must not travel with the error.
    message = redacted_text(str(error)) or type(error).__name__
    mapped: type[httpx.TransportError]
    if isinstance(error, aiohttp.ClientConnectorError):
        mapped = httpx.ConnectError  # no connection was made: nothing was sent
    elif isinstance(error, aiohttp.ConnectionTimeoutError):
        mapped = httpx.ConnectTimeout
    elif isinstance(error, aiohttp.ServerTimeoutError):
        mapped = httpx.ReadTimeout
    elif isinstance(error, aiohttp.ServerDisconnectedError | aiohttp.ClientResponseError):
        mapped = httpx.RemoteProtocolError  # closed without a reply, or a malformed one
    elif isinstance(error, aiohttp.ClientPayloadError):
        mapped = httpx.RemoteProtocolError  # the body ended early or was malformed
    elif isinstance(error, aiohttp.InvalidURL | aiohttp.NonHttpUrlClientError):
        mapped = httpx.UnsupportedProtocol
    elif isinstance(error, aiohttp.ClientConnectionError):
        mapped = httpx.ReadError
    else:
        mapped = httpx.TransportError
    return mapped(message, request=request)


class _MappedStream(httpx.AsyncByteStream):
    """A reply's body, its read errors mapped as the request's are."""

    def __init__(self, inner: httpx.AsyncByteStream, request: httpx.Request) -> None:
        self._inner = inner
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._inner:
                yield chunk
        except (httpx.TransportError, aiohttp.ClientError) as error:
            mapped = map_error(error, self._request)
            if mapped is None:
                raise
            raise mapped from error

    async def aclose(self) -> None:
        await self._inner.aclose()


class AiohttpTransport(httpx.AsyncBaseTransport):
    """httpx-aiohttp's transport on a session with the SDK's trace hooks, errors mapped."""

    def __init__(self, tls: ssl.SSLContext) -> None:
        self._tls = tls
        self._session: aiohttp.ClientSession | None = None
        # Handed a ready context (``verify``): httpx-aiohttp builds none of its own.
        self._inner = _HttpxAiohttpTransport(verify=tls, client=self._open_session)

    def _open_session(self) -> aiohttp.ClientSession:
        self._session = open_session(self._tls)
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = await self._inner.handle_async_request(request)
        except (httpx.TransportError, aiohttp.ClientError) as error:
            mapped = map_error(error, request)
            if mapped is None:
                raise
            raise mapped from error
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _MappedStream(response.stream, request)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()

    def abandon(self) -> None:
        """The session's event loop is gone: close its sockets without awaiting anything."""
        session = self._session
        if session is not None and not session.closed:
            connector = session.connector
            session.detach()  # the session counts as closed; the connector is ours to close
            if connector is not None:
                connector._close()
