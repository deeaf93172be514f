"""Between the engine and the socket: what one attempt did on the wire, and the guards on it.

- ``AttemptTrace`` records, through httpcore's trace hook (or aiohttp's trace hooks, through
  ``headers_leaving`` and ``body_leaving``) and httpx's response hook, whether the request's bytes
  left (so pacing counts when HTX sees it, and the engine knows whether a failed attempt may have
  reached HTX) and whether a reply came back (so a parse error is known to be about a reply, not
  a bug of ours).
- The same hooks guard every reply, whatever the transport: each attempt has an overall
  deadline, and a reply's decoded body is capped (HTX's replies are kilobytes; a huge or
  compressed-bomb reply is unreadable, not a reason to use a gigabyte of memory).
- ``redact_signatures`` keeps the signed URL out of httpx's and httpcore's log lines: the body
  is unsigned, so a logged ``Signature`` could be replayed with other order IDs.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
import zlib
from collections.abc import AsyncIterator, Iterator, Mapping
from contextvars import ContextVar
from typing import Any, Protocol

import httpx

__all__ = [
    "ACCEPT_ENCODING",
    "MAX_REPLY_BYTES",
    "AttemptTrace",
    "ReplyTooLarge",
    "body_leaving",
    "current_attempt",
    "headers_leaving",
    "on_request",
    "on_request_async",
    "on_response",
    "on_response_async",
    "redact_error",
    "redact_signatures",
    "redacted_request",
    "redacted_text",
]

# A page of 50 orders is about 45 KB of JSON; anything past 1 MiB is not an HTX reply.
MAX_REPLY_BYTES = 1 << 20
# Only encodings the guard can decode within the cap (httpx would also offer br or zstd when
# their packages happen to be installed).
ACCEPT_ENCODING = "gzip, deflate"


class _Booking(Protocol):
    def mark_started(self, slot: Any) -> None: ...


class AttemptTrace:
    """One attempt's progress on the wire, written by hooks that run inside httpx."""

    __slots__ = (
        "body_left",
        "body_sent",
        "deadline",
        "headers_started",
        "response",
        "slots",
        "slots_marked",
    )

    def __init__(self, slots: tuple[tuple[_Booking, Any], ...], deadline: float | None) -> None:
        self.slots = slots
        """(limiter, slot) pairs to mark started when the request's first bytes leave."""
        self.deadline = deadline
        """``time.monotonic()`` after which the attempt is abandoned."""
        self.headers_started = False
        self.body_sent = False
        """The whole request went out: HTX may have acted on it."""
        self.body_left: int | None = None
        """Body bytes still to go, when a transport reports them piece by piece (aiohttp)."""
        self.slots_marked = False
        """The slots were marked as the body's first piece left (aiohttp)."""
        self.response: httpx.Response | None = None
        """The reply's head arrived (its body may still be unreadable)."""


# The attempt the current thread or task is sending. Context variables follow each thread and
# each asyncio task, so concurrent attempts never see each other's trace.
current_attempt: ContextVar[AttemptTrace | None] = ContextVar("htx_swap_attempt", default=None)


def _on_trace(name: str, info: dict[str, Any]) -> None:
    attempt = current_attempt.get()
    if attempt is None:
        return
    if name.endswith(".send_request_headers.started"):
        _started(attempt)
    elif name.endswith(".send_request_body.complete"):
        attempt.body_sent = True


def _started(attempt: AttemptTrace) -> None:
    # HTX counts arrivals: a slot starts when its bytes leave, not when it was booked.
    attempt.headers_started = True
    _mark_slots(attempt)


def _mark_slots(attempt: AttemptTrace) -> None:
    for limiter, slot in attempt.slots:
        limiter.mark_started(slot)


def headers_leaving(headers: Mapping[str, str]) -> None:
    """A transport has the current attempt's request head (``headers``) ready to send.

    aiohttp holds a head back to send it with the body's first piece, from another task that
    may run much later under load: the slots are marked when the body's first piece is about to
    be written (``body_leaving``), or here when there is no body.
    """
    attempt = current_attempt.get()
    if attempt is None:
        return
    attempt.headers_started = True
    length = headers.get("Content-Length", "")
    if length.isdigit() and int(length) > 0:
        attempt.body_left = int(length)
    elif "Transfer-Encoding" in headers:
        attempt.body_left = 1  # chunked, length unknown: the first body byte counts as all
    else:
        _mark_slots(attempt)
        attempt.body_sent = True  # no body: the head is the whole request


def body_leaving(size: int) -> None:
    """A transport is about to write ``size`` bytes of the current attempt's request body."""
    attempt = current_attempt.get()
    if attempt is None or attempt.body_left is None:
        return
    if not attempt.slots_marked:
        attempt.slots_marked = True
        _mark_slots(attempt)  # the head leaves with this first piece
    attempt.body_left -= size
    if attempt.body_left <= 0:
        attempt.body_sent = True


async def _on_trace_async(name: str, info: dict[str, Any]) -> None:
    _on_trace(name, info)


def on_request(request: httpx.Request) -> None:
    """httpx request hook: ask httpcore to report progress; no wait may outlast the deadline."""
    request.extensions["trace"] = _on_trace
    _limit_timeouts(request)


async def on_request_async(request: httpx.Request) -> None:
    request.extensions["trace"] = _on_trace_async
    _limit_timeouts(request)


def on_response(response: httpx.Response) -> None:
    """httpx response hook: the head of the current attempt's reply arrived; guard its body."""
    attempt = current_attempt.get()
    if attempt is not None:
        attempt.response = response
    decoder = _guarded_head(response)
    assert isinstance(response.stream, httpx.SyncByteStream)
    response.stream = _GuardedStream(response.stream, decoder, _deadline(), response.request)


async def on_response_async(response: httpx.Response) -> None:
    attempt = current_attempt.get()
    if attempt is not None:
        attempt.response = response
    decoder = _guarded_head(response)
    assert isinstance(response.stream, httpx.AsyncByteStream)
    response.stream = _AsyncGuardedStream(response.stream, decoder, _deadline(), response.request)


class ReplyTooLarge(httpx.DecodingError):
    """A reply's decoded body is over MAX_REPLY_BYTES: read as unreadable."""


def _deadline() -> float | None:
    attempt = current_attempt.get()
    return None if attempt is None else attempt.deadline


def _limit_timeouts(request: httpx.Request) -> None:
    """No single wait (connect, write, read) may outlast the attempt's deadline."""
    deadline = _deadline()
    if deadline is None:
        return
    remaining = max(deadline - time.monotonic(), 0.001)
    timeouts = dict(request.extensions.get("timeout", {}))
    for phase in ("connect", "read", "write", "pool"):
        current = timeouts.get(phase)
        timeouts[phase] = remaining if current is None else min(current, remaining)
    request.extensions["timeout"] = timeouts


class _Decoder:
    """Decodes one body as it arrives, never producing more than the cap allows."""

    def __init__(self, encoding: str, cap: int, request: httpx.Request) -> None:
        self._request = request
        self._cap = cap
        self._total = 0
        self._encoding = encoding
        self._zlib: Any = None
        if encoding == "gzip":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj()
        elif encoding not in ("", "identity"):
            raise httpx.DecodingError(f"unsupported content-encoding {encoding!r}", request=request)

    def feed(self, data: bytes) -> bytes:
        if self._zlib is None:
            return self._count(data)
        out = bytearray()
        while data:
            try:
                piece = self._zlib.decompress(data, self._cap - self._total + 1)
            except zlib.error as error:
                if self._encoding == "deflate" and self._total == 0 and not out:
                    # Some servers send raw deflate without the zlib header (httpx allows it).
                    self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._encoding = "raw deflate"
                    continue
                raise httpx.DecodingError(str(error), request=self._request) from error
            out += self._count(piece)
            data = self._zlib.unconsumed_tail
        return bytes(out)

    def flush(self) -> bytes:
        if self._zlib is None:
            return b""
        return self._count(self._zlib.flush())

    def _count(self, data: bytes) -> bytes:
        self._total += len(data)
        if self._total > self._cap:
            raise ReplyTooLarge(
                f"the reply's body is over {self._cap} bytes", request=self._request
            )
        return data


def _guarded_head(response: httpx.Response) -> _Decoder:
    """Refuse an announced oversize body at once; decode any other here, within the cap."""
    request = response.request
    encoding = response.headers.get("content-encoding", "").strip().lower()
    length = response.headers.get("content-length", "")
    if not encoding and length.isdigit() and int(length) > MAX_REPLY_BYTES:
        raise ReplyTooLarge(
            f"the reply announces {length} bytes, over {MAX_REPLY_BYTES}", request=request
        )
    decoder = _Decoder(encoding, MAX_REPLY_BYTES, request)
    if encoding:
        # Decoded by the guard: httpx must not decode it again.
        del response.headers["content-encoding"]
    return decoder


def _check_deadline(deadline: float | None, request: httpx.Request) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise httpx.ReadTimeout(
            "the reply did not arrive before the attempt's deadline", request=request
        )


class _GuardedStream(httpx.SyncByteStream):
    def __init__(
        self,
        inner: httpx.SyncByteStream,
        decoder: _Decoder,
        deadline: float | None,
        request: httpx.Request,
    ) -> None:
        self._inner = inner
        self._decoder = decoder
        self._deadline = deadline
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            _check_deadline(self._deadline, self._request)
            if decoded := self._decoder.feed(chunk):
                yield decoded
        if tail := self._decoder.flush():
            yield tail

    def close(self) -> None:
        self._inner.close()


class _AsyncGuardedStream(httpx.AsyncByteStream):
    def __init__(
        self,
        inner: httpx.AsyncByteStream,
        decoder: _Decoder,
        deadline: float | None,
        request: httpx.Request,
    ) -> None:
        self._inner = inner
        self._decoder = decoder
        self._deadline = deadline
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            _check_deadline(self._deadline, self._request)
            if decoded := self._decoder.feed(chunk):
                yield decoded
        if tail := self._decoder.flush():
            yield tail

    async def aclose(self) -> None:
        await self._inner.aclose()


# --- logs ---------------------------------------------------------------------------------------

_SIGNATURE_VALUE = re.compile(r"(Signature=)[^&\s\"']*")
_REDACTED = r"\1[redacted]"
# httpx logs each request's URL at INFO; httpcore's trace lines (DEBUG) are checked too, in case
# a version starts printing targets.
_LOGGERS = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)


def _redact(value: object) -> object:
    if isinstance(value, httpx.URL | str):
        text = str(value)
        if "Signature=" in text:
            return _SIGNATURE_VALUE.sub(_REDACTED, text)
    return value


def redacted_text(text: str) -> str:
    """``text`` with every ``Signature=`` value replaced by ``[redacted]``."""
    return _SIGNATURE_VALUE.sub(_REDACTED, text) if "Signature=" in text else text


def redacted_request(request: httpx.Request) -> httpx.Request:
    """``request`` with its ``Signature`` replaced by ``[redacted]``: what errors carry.

    The body is unsigned, so a signed URL could be replayed with other order IDs for as long as
    its timestamp is accepted (minutes); nothing reachable from an error may hold one.
    """
    if "Signature" not in request.url.params:
        return request
    url = request.url.copy_set_param("Signature", "[redacted]")
    try:
        content: bytes | None = request.content
    except httpx.RequestNotRead:
        content = None
    redacted = httpx.Request(request.method, url, headers=request.headers, content=content)
    redacted.extensions = {}  # the trace hook and timeouts belong to the attempt
    return redacted


def redact_error(error: BaseException) -> None:
    """Redact the signed request an httpx error carries, and any signature in the words of
    every error in its chain (a library may name the URL it was asked for in a message)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, httpx.RequestError):
            with contextlib.suppress(RuntimeError):  # made without its request
                current.request = redacted_request(current.request)
        current.args = tuple(_redact(arg) for arg in current.args)
        current = current.__cause__ or current.__context__


class _RedactSignatures(logging.Filter):
    """Replaces every ``Signature=`` value in a record with ``[redacted]``; drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and "Signature=" in record.msg:
            record.msg = _SIGNATURE_VALUE.sub(_REDACTED, record.msg)
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(_redact(arg) for arg in record.args)
        return True


_FILTER = _RedactSignatures()


def redact_signatures() -> None:
    """Install the redacting filter on httpx's and httpcore's loggers (once; idempotent).

    A filter on a logger only rewrites what that logger writes, and it never drops a record: the
    application's other uses of httpx log as before, minus usable signatures.
    """
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
