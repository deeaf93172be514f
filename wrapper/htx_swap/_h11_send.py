"""``SwapClient(transport="h11")``, the default: each attempt signed, built and sent on a socket.

httpx's client layer (building an ``httpx.Request``, the auth flow, the hooks, httpcore's pool and
its traces, an ``httpx.Response``) cost more CPU than the SDK's own work. Here an attempt goes
straight to a pooled socket, HTTP/1.1 spoken by h11 (the parser httpcore uses), with the same
rules as on every other transport:

- **The generated client is the schema layer.** The body is what the generated operation builds
  (``_get_kwargs``: method, path, JSON), encoded as httpx encodes JSON; the reply goes through
  ``_send.parse`` (the one-pass page reader, else the generated ``_parse_response``).
- **Signing** is ``HtxAuth.signed_query``, as on every transport; the signed target is built once.
- **Pacing counts from when the bytes leave**: the slots are marked just before the request (head
  and body, one write) is handed to the socket, and the request counts as possibly received by
  HTX once that write returned (``AttemptTrace.body_sent``), as httpcore's trace says on httpx.
  A failure to connect (no byte sent) is ``httpx.ConnectError``/``ConnectTimeout``; a failed
  write ``WriteError``/``WriteTimeout`` (an incomplete request, never executed); anything after
  the write a read error: the engine judges each as it does on httpx. A pooled connection the
  server closed while it was idle is noticed before it is used (it reads as ready), and dropped.
- **The attempt's deadline** bounds every wait: the connect, the TLS handshake, the write and
  each read, each cut to what is left of it, so a head or body trickling in a byte at a time is
  abandoned when the deadline passes (``httpx.ReadTimeout``).
- **The reply guard**: h11 refuses a head over 16 KiB (as on httpcore); a body announced over
  ``MAX_REPLY_BYTES`` is refused unread; any other is decoded by ``_wire``'s decoder within the cap.
- **TLS** for ``https://``: the process's one verifying context (``_http.tls_context``),
  certificate and hostname checked before any byte of the request is written.
- **Errors carry what they carry on httpx**: the signed request (redacted by the engine and the
  errors, as on httpx), and whenever the engine may look at the reply (any reply but an answer,
  any failure after the head arrived), ``attempt.response`` as an ``httpx.Response``.

When httpx must send instead: a proxy from the environment (``HTTP_PROXY``, ``HTTPS_PROXY``,
``ALL_PROXY``, ``NO_PROXY``, as httpx reads them) applies to the base URL, or the caller asked
for ``transport="httpx"`` (to use httpx's tooling, such as respx). ``SwapClient.transport`` says
which one sends.
"""

from __future__ import annotations

import contextlib
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, cast

import h11
import httpx

from htx_swap_client.types import Response

from ._http import _context_for
from ._replies import ReadReply
from ._send import DirectRequests, Reply, Target, http_status, parse, send_sync
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

__all__ = ["H11Sender"]

# httpx's pool defaults: idle connections kept 5 s, at most 20 of them.
_KEEPALIVE_SECONDS = 5.0
_MAX_IDLE = 20
_READ_SIZE = 64 * 1024
_USER_AGENT = f"python-httpx/{httpx.__version__}"  # what the httpx transport says
_POLL = getattr(select, "poll", None)


class _Connection:
    __slots__ = ("h11", "idle_since", "sock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.h11 = h11.Connection(h11.CLIENT)
        self.idle_since = 0.0

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()

    def dropped_while_idle(self, now: float) -> bool:
        """Expired, or the server closed it (or wrote unasked) while it sat in the pool."""
        if now - self.idle_since > _KEEPALIVE_SECONDS:
            return True
        try:
            if _POLL is None:  # Windows
                return bool(select.select([self.sock], [], [], 0)[0])
            # poll where there is one: select refuses a descriptor past 1023.
            poller = _POLL()
            poller.register(self.sock, select.POLLIN)
            return bool(poller.poll(0))
        except (OSError, ValueError):
            return True


def _unasked(conn: h11.Connection, sock: socket.socket) -> bool:
    """Bytes already read past the reply (or held by TLS): the server wrote what nobody asked
    for, and on this connection it would pass for the next request's answer."""
    if conn.trailing_data[0]:
        return True
    pending = getattr(sock, "pending", None)  # an ssl.SSLSocket's decrypted, unread bytes
    return bool(pending and pending())


def _as_httpx(
    error: Exception,
    timeout: type[httpx.TimeoutException],
    failure: type[httpx.TransportError],
    request: Callable[[], httpx.Request],
) -> httpx.TransportError:
    """A socket wait's failure as httpx's error of its phase (connect, write, read), as the
    httpx transport raises it: the attempt's deadline (``_remaining``) with its request, the
    socket's timeout as ``timeout``, any other OSError as ``failure``."""
    if isinstance(error, httpx.TimeoutException):
        error.request = request()
        return error
    if isinstance(error, TimeoutError):
        return timeout(str(error) or "timed out", request=request())
    return failure(str(error), request=request())


def _remaining(deadline: float | None, expired: type[httpx.TimeoutException]) -> float | None:
    """Seconds left of the attempt for one wait; raises ``expired`` when none are."""
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("the reply did not arrive before the attempt's deadline")
    return left


class H11Sender:
    """Sends the engine's sync attempts on a pool of sockets, any thread at a time."""

    def __init__(self, *, auth: HtxAuth, http: httpx.Client, generated: Any, base_url: str) -> None:
        self._requests = DirectRequests(auth, http)
        self._generated = generated
        url = httpx.URL(base_url)
        self._https = url.scheme == "https"
        # The ASCII form httpx resolves and checks TLS against (IDNA 2008's A-label): given the
        # Unicode one, socket and ssl would encode it with IDNA 2003, another host for some names.
        self._host = url.raw_host.decode("ascii")
        self._port = url.port or (443 if self._https else 80)
        self._tls: ssl.SSLContext | None = None
        self._idle: list[_Connection] = []
        self._closed = False
        self._lock = threading.Lock()

    # --- the pool -------------------------------------------------------------------------------

    def _take(self) -> _Connection | None:
        now = time.monotonic()
        with self._lock:
            while self._idle:
                connection = self._idle.pop()  # the most recently used: likeliest still open
                if not connection.dropped_while_idle(now):
                    return connection
                connection.close()
        return None

    def _give_back(self, connection: _Connection) -> None:
        connection.idle_since = time.monotonic()
        with self._lock:
            if not self._closed and len(self._idle) < _MAX_IDLE:
                self._idle.append(connection)
                return
        connection.close()

    def _connect(self, deadline: float | None, request: Callable[[], httpx.Request]) -> _Connection:
        """A new connection (TLS verified for https); nothing of the request is sent yet."""
        try:
            timeout = _remaining(deadline, httpx.ConnectTimeout)
            sock = socket.create_connection((self._host, self._port), timeout=timeout)
        except (httpx.TimeoutException, OSError) as error:
            raise _as_httpx(error, httpx.ConnectTimeout, httpx.ConnectError, request) from None
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self._https:
                if self._tls is None:
                    self._tls = _context_for(True)
                sock.settimeout(_remaining(deadline, httpx.ConnectTimeout))
                sock = self._tls.wrap_socket(sock, server_hostname=self._host)
        except (httpx.TimeoutException, OSError) as error:  # ssl.SSLError: an untrusted certificate
            sock.close()
            raise _as_httpx(error, httpx.ConnectTimeout, httpx.ConnectError, request) from None
        return _Connection(sock)

    def close(self) -> None:
        """Close the idle connections; one still in use is closed when its attempt ends."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    # --- one attempt ----------------------------------------------------------------------------

    def send(
        self, operation: Operation[Any, Any, Any], body: Any, attempt: AttemptTrace
    ) -> Response[Any]:
        """One attempt of ``operation`` with ``body``: the generated client's ``Response``."""
        if self._closed:  # as httpx's closed client: nothing more is sent
            raise RuntimeError("Cannot send a request, as the client has been closed.")
        built = self._requests.build(operation, body)
        if built is None:
            return send_sync(operation, self._generated, body)
        target, method, own_headers, content, query = built
        request_target = f"{target.path}?{query}"
        headers = {
            "Host": target.head,
            "Accept": "*/*",
            "Accept-Encoding": ACCEPT_ENCODING,
            "Connection": "keep-alive",
            "User-Agent": _USER_AGENT,
            **own_headers,
            "Content-Length": str(len(content)),
            "Content-Type": "application/json",
        }

        def request() -> httpx.Request:
            scheme = "https" if self._https else "http"
            return httpx.Request(
                method,
                f"{scheme}://{target.head}{request_target}",
                headers=headers,
                content=content,
            )

        deadline = attempt.deadline
        connection = self._take() or self._connect(deadline, request)
        try:
            return self._exchange(
                connection, operation, target, method, request_target, headers, content,
                attempt, request,
            )  # fmt: skip
        except BaseException:
            connection.close()
            raise

    def _exchange(
        self,
        connection: _Connection,
        operation: Operation[Any, Any, Any],
        target: Target,
        method: str,
        request_target: str,
        headers: dict[str, str],
        content: bytes,
        attempt: AttemptTrace,
        request: Callable[[], httpx.Request],
    ) -> Response[Any]:
        conn = connection.h11
        sock = connection.sock
        deadline = attempt.deadline
        data = conn.send(
            h11.Request(method=method, target=request_target, headers=list(headers.items()))
        )
        assert data is not None
        data += conn.send(h11.Data(data=content)) or b""
        data += conn.send(h11.EndOfMessage()) or b""
        # HTX counts arrivals: the slots start as the bytes leave.
        _started(attempt)
        try:
            sock.settimeout(_remaining(deadline, httpx.WriteTimeout))
            sock.sendall(data)
        except (httpx.TimeoutException, OSError) as error:
            raise _as_httpx(error, httpx.WriteTimeout, httpx.WriteError, request) from None
        attempt.body_sent = True  # the whole request went out: HTX may act on it

        head = self._next_event(conn, sock, deadline, request)
        while isinstance(head, h11.InformationalResponse):
            head = self._next_event(conn, sock, deadline, request)
        if not isinstance(head, h11.Response):
            raise httpx.RemoteProtocolError(
                f"unexpected {type(head).__name__} instead of a reply", request=request()
            )
        status = head.status_code
        response: httpx.Response | None = None
        try:
            received = self._body(conn, sock, head, deadline, request)
            parsed = parse(
                operation, target.module, self._generated, status, received,
                Reply(status, received),
            )  # fmt: skip
            if not isinstance(parsed, ReadReply | operation.reply_type):
                # Not an answer: the engine reads the reply's status, headers and request.
                response = _materialise(attempt, head, received, request)
        except BaseException:
            if attempt.response is None:
                # Whatever went wrong building it must not hide the error that got us here.
                with contextlib.suppress(Exception):
                    _materialise(attempt, head, b"", request)
            raise
        if conn.our_state is h11.DONE and conn.their_state is h11.DONE and not _unasked(conn, sock):
            conn.start_next_cycle()
            self._give_back(connection)
        else:
            connection.close()
        if response is not None:
            return Response(
                status_code=http_status(status),
                content=received,
                headers=response.headers,
                parsed=parsed,
            )
        return Response(
            status_code=HTTPStatus.OK if status == 200 else http_status(status),
            content=received,
            headers=cast("Any", _headers(head)),
            parsed=parsed,
        )

    def _next_event(
        self,
        conn: h11.Connection,
        sock: socket.socket,
        deadline: float | None,
        request: Callable[[], httpx.Request],
    ) -> Any:
        """h11's next event of the reply, reading the socket as it needs, within the deadline."""
        while True:
            try:
                event = conn.next_event()
            except h11.RemoteProtocolError as error:
                raise httpx.RemoteProtocolError(str(error), request=request()) from None
            if event is not h11.NEED_DATA:
                return event
            try:
                sock.settimeout(_remaining(deadline, httpx.ReadTimeout))
                data = sock.recv(_READ_SIZE)
            except (httpx.TimeoutException, OSError) as error:
                raise _as_httpx(error, httpx.ReadTimeout, httpx.ReadError, request) from None
            if not data and conn.their_state is h11.SEND_RESPONSE:
                raise httpx.RemoteProtocolError(
                    "Server disconnected without sending a response.", request=request()
                )
            conn.receive_data(data)

    def _body(
        self,
        conn: h11.Connection,
        sock: socket.socket,
        head: h11.Response,
        deadline: float | None,
        request: Callable[[], httpx.Request],
    ) -> bytes:
        """The reply's body, decoded within MAX_REPLY_BYTES, arrived before the deadline."""
        encoding = ""
        length = ""
        for name, value in head.headers:
            if name == b"content-encoding":
                encoding = value.decode("latin-1").strip().lower()
            elif name == b"content-length":
                length = value.decode("latin-1")
        if not encoding and length.isdigit() and int(length) > MAX_REPLY_BYTES:
            raise ReplyTooLarge(
                f"the reply announces {length} bytes, over {MAX_REPLY_BYTES}", request=request()
            )
        decoder: _Decoder | None = None
        pieces: list[bytes] = []
        while True:
            event = self._next_event(conn, sock, deadline, request)
            if isinstance(event, h11.Data):
                if deadline is not None and time.monotonic() > deadline:
                    raise httpx.ReadTimeout(
                        "the reply did not arrive before the attempt's deadline", request=request()
                    )
                if decoder is None:
                    decoder = _decoder(encoding, request)
                pieces.append(_fed(decoder, bytes(event.data), request))
            elif isinstance(event, h11.EndOfMessage):
                break
            else:
                raise httpx.RemoteProtocolError(
                    f"unexpected {type(event).__name__} in a reply's body", request=request()
                )
        if decoder is None:
            _decoder(encoding, request)  # an unsupported encoding is refused, body or none
            return b""
        pieces.append(_fed(decoder, None, request))
        return pieces[0] if len(pieces) == 2 and not pieces[1] else b"".join(pieces)


def _decoder(encoding: str, request: Callable[[], httpx.Request]) -> _Decoder:
    try:
        # The request is built only for an error (it costs more than the rest of the reply).
        return _Decoder(encoding, MAX_REPLY_BYTES, cast("httpx.Request", None))
    except httpx.DecodingError as error:
        error.request = request()
        raise


def _fed(decoder: _Decoder, data: bytes | None, request: Callable[[], httpx.Request]) -> bytes:
    """``data`` decoded (None: what the decoder still holds), its errors carrying the request."""
    try:
        return decoder.flush() if data is None else decoder.feed(data)
    except httpx.DecodingError as error:
        error.request = request()
        raise


def _headers(head: h11.Response) -> httpx.Headers:
    """The reply's headers, less the encoding the guard decoded (as on the httpx transport)."""
    return httpx.Headers([(n, v) for n, v in head.headers if n != b"content-encoding"])


def _materialise(
    attempt: AttemptTrace,
    head: h11.Response,
    received: bytes,
    request: Callable[[], httpx.Request],
) -> httpx.Response:
    """The reply as the httpx transport hands it to the engine: ``attempt.response``."""
    response = httpx.Response(
        status_code=head.status_code,
        headers=_headers(head),
        content=received,
        request=request(),
        extensions={"http_version": b"HTTP/1.1", "reason_phrase": bytes(head.reason)},
    )
    attempt.response = response
    return response
