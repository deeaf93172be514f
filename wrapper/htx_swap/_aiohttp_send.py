"""``AsyncSwapClient(transport="aiohttp")``: each attempt signed, built and sent on aiohttp itself.

httpx's client layer (building an ``httpx.Request``, running the auth flow on it, the hooks, an
``httpx.Response`` around aiohttp's) cost more CPU than aiohttp's own request. Here an attempt
goes straight to an ``aiohttp.ClientSession``, with the same rules as on every other transport:

- **The generated client is the schema layer.** The body is the generated request model's
  ``to_dict()`` as the generated operation builds it (``_get_kwargs``: method, path, JSON), sent
  as httpx encodes JSON; the reply goes through the generated ``_parse_response`` (the same
  envelope choice, the same models).
- **Signing** is ``HtxAuth.signed_query``, the one signing step every transport uses; the signed
  URL is built once, as a string, and handed to aiohttp already encoded.
- **Pacing counts from when the bytes leave**, and whether an attempt may have reached HTX is
  judged as on the other transports: aiohttp's ``on_request_chunk_sent`` hook fires as the body
  (sent whole, with the head) is about to be written, and marks the slots, the head and the body
  as sent (``_wire.body_leaving``). aiohttp's errors are mapped to the httpx errors httpcore
  raises for the same failure (``_aiohttp.map_error``), so the engine judges them alike.
- **The reply guard**: a body announced over ``MAX_REPLY_BYTES`` is refused unread; any other
  is decoded by ``_wire``'s decoder within the cap (aiohttp never decompresses); the attempt's
  deadline bounds each wait (connect, read) and the body's arrival, besides the engine's own.
- **Errors carry what they carry on httpx**: whenever the engine may look at the reply (any
  reply but an ``ok`` envelope, any failure after the head arrived), ``attempt.response`` is an
  ``httpx.Response`` with its ``httpx.Request``, built then; the ``ok`` path builds neither.
"""

from __future__ import annotations

import contextlib
import time
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, cast

import aiohttp
import httpx
from aiohttp.abc import AbstractStreamWriter
from yarl import URL

from htx_swap_client.types import Response

from ._aiohttp import map_error, open_session
from ._http import _context_for
from ._replies import ReadReply
from ._send import DirectRequests, Reply, http_status, parse, send_async
from ._wire import (
    ACCEPT_ENCODING,
    MAX_REPLY_BYTES,
    AttemptTrace,
    ReplyTooLarge,
    _Decoder,
    _started,
)

if TYPE_CHECKING:
    from ._auth import HtxAuth
    from ._operations import Operation

__all__ = ["AiohttpSender"]


class _MarkedBody(aiohttp.BytesPayload):
    """A request's body that marks its attempt as it is written: aiohttp sends the head with
    the body, from a task of its own that may run well after the request was made when the loop
    is busy, so the slots start then (HTX counts arrivals), and the whole request counts as
    possibly received from then on (just *before* the write: on the safe side). The marks the
    trace hooks make on the httpx-aiohttp transport, without the cost of aiohttp's tracing."""

    def __init__(self, content: bytes, attempt: AttemptTrace) -> None:
        super().__init__(content, content_type="application/json")
        self._attempt = attempt

    def _leaving(self) -> None:
        attempt = self._attempt
        attempt.headers_started = True
        if not attempt.slots_marked:
            attempt.slots_marked = True
            _started(attempt)
        attempt.body_sent = True

    async def write(self, writer: AbstractStreamWriter) -> None:
        self._leaving()
        await super().write(writer)

    async def write_with_length(
        self, writer: AbstractStreamWriter, content_length: int | None
    ) -> None:
        self._leaving()
        await super().write_with_length(writer, content_length)


class AiohttpSender:
    """Sends the engine's attempts through one ``aiohttp.ClientSession``, opened on first use."""

    def __init__(
        self, *, auth: HtxAuth, http: httpx.AsyncClient, generated: Any, tls_for: str
    ) -> None:
        self._requests = DirectRequests(auth, http)
        self._generated = generated
        self._https = tls_for.startswith("https:")
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        self._session = open_session(
            _context_for(self._https),
            traced=False,  # marked by the body as it is written (_MarkedBody)
            cookie_jar=aiohttp.DummyCookieJar(),  # HTX sets no cookies
            timeout=aiohttp.ClientTimeout(total=None),  # each attempt has its own deadline
        )
        return self._session

    async def send(
        self, operation: Operation[Any, Any, Any], body: Any, attempt: AttemptTrace
    ) -> Response[Any]:
        """One attempt of ``operation`` with ``body``: the generated client's ``Response``."""
        built = self._requests.build(operation, body)
        if built is None:
            return await send_async(operation, self._generated, body)
        target, method, own_headers, content, query = built
        headers = {**own_headers, "Accept-Encoding": ACCEPT_ENCODING}
        url = URL(f"{target.prefix}?{query}", encoded=True)
        deadline = attempt.deadline
        remaining = None if deadline is None else max(deadline - time.monotonic(), 0.001)
        session = self._session or self._open()
        failure: httpx.TransportError | None = None
        try:
            reply = await session.request(
                method,
                url,
                data=_MarkedBody(content, attempt),
                headers=headers,
                allow_redirects=False,
                # Connecting (a pool slot, then a socket) fails as ConnectTimeout: nothing sent.
                # The rest of the wait is bounded by the engine's deadline on the attempt.
                timeout=aiohttp.ClientTimeout(
                    total=None, connect=remaining, sock_connect=remaining
                ),
            )
        except aiohttp.ClientError as error:
            failure = _mapped(error, method, url, headers, content)
        if failure is not None:
            # Raised outside the handler, chaining nothing: aiohttp's error holds the signed URL
            # (in its message, in its request_info); the mapped one says what it said, redacted.
            raise failure
        response: httpx.Response | None = None
        try:
            received = await _guarded_body(reply, deadline)
            parsed = parse(
                operation,
                target.module,
                self._generated,
                reply.status,
                received,
                Reply(reply.status, received),
            )
            if not isinstance(parsed, ReadReply | operation.reply_type):
                # Not an answer: the engine reads the reply's status, headers and request.
                response = _materialise(attempt, reply, method, url, headers, content, received)
                status = http_status(reply.status)
        except BaseException as error:
            reply.close()
            if attempt.response is None:
                # Whatever went wrong building it must not hide the error that got us here.
                with contextlib.suppress(Exception):
                    _materialise(attempt, reply, method, url, headers, content, b"")
            if not isinstance(error, aiohttp.ClientError):
                raise
            failure = _mapped(error, method, url, headers, content)
        if failure is not None:
            raise failure  # outside the handler, as above
        reply.release()
        if response is None:
            return Response(
                status_code=HTTPStatus.OK,
                content=received,
                headers=cast("Any", reply.headers),
                parsed=parsed,
            )
        return Response(
            status_code=status, content=received, headers=response.headers, parsed=parsed
        )

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def abandon(self) -> None:
        """The session's event loop is gone: close its sockets without awaiting anything."""
        session, self._session = self._session, None
        if session is not None and not session.closed:
            connector = session.connector
            session.detach()  # the session counts as closed; the connector is ours to close
            if connector is not None:
                connector._close()


async def _guarded_body(reply: aiohttp.ClientResponse, deadline: float | None) -> bytes:
    """The reply's body, decoded within MAX_REPLY_BYTES, arrived before the deadline."""
    encoding = reply.headers.get("Content-Encoding", "").strip().lower()
    length = reply.headers.get("Content-Length", "")
    if not encoding and length.isdigit():
        if int(length) > MAX_REPLY_BYTES:
            raise ReplyTooLarge(f"the reply announces {length} bytes, over {MAX_REPLY_BYTES}")
        if deadline is None or time.monotonic() < deadline:
            # Within the cap, as announced (aiohttp reads no more than that); the engine's
            # timeout on the attempt bounds its arrival.
            return await reply.read()
    decoder = _Decoder(encoding, MAX_REPLY_BYTES, cast("httpx.Request", None))
    pieces = []
    stream = reply.content
    while chunk := await stream.readany():
        if deadline is not None and time.monotonic() > deadline:
            raise httpx.ReadTimeout("the reply did not arrive before the attempt's deadline")
        pieces.append(decoder.feed(chunk))
    pieces.append(decoder.flush())
    return pieces[0] if len(pieces) == 2 and not pieces[1] else b"".join(pieces)


def _httpx_request(method: str, url: URL, headers: dict[str, str], content: bytes) -> httpx.Request:
    return httpx.Request(method, str(url), headers=headers, content=content)


def _mapped(
    error: aiohttp.ClientError, method: str, url: URL, headers: dict[str, str], content: bytes
) -> httpx.TransportError:
    mapped = map_error(error, _httpx_request(method, url, headers, content))
    assert mapped is not None  # every aiohttp.ClientError has its httpx twin
    return mapped


def _materialise(
    attempt: AttemptTrace,
    reply: aiohttp.ClientResponse,
    method: str,
    url: URL,
    headers: dict[str, str],
    content: bytes,
    received: bytes,
) -> httpx.Response:
    """The reply as the httpx transports hand it to the engine: ``attempt.response``."""
    extensions: dict[str, Any] = {"http_version": b"HTTP/1.1"}
    if reply.reason:
        # aiohttp decodes the phrase as UTF-8 with surrogateescape: these are the bytes received.
        extensions["reason_phrase"] = reply.reason.encode("utf-8", "surrogateescape")
    response = httpx.Response(
        status_code=reply.status,
        # Decoded by the guard, as on the httpx transports: no content-encoding left.
        headers=[
            (name, value)
            for name, value in reply.raw_headers
            if name.lower() != b"content-encoding"
        ],
        content=received,
        request=_httpx_request(method, url, headers, content),
        extensions=extensions,
    )
    attempt.response = response
    return response
