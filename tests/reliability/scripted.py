"""A scripted HTTP/1.1 server on loopback: each request gets what the test's script says.

Unlike the sandbox, it can misbehave in any way a network or a gateway does: drop the connection
after reading the request, trickle a reply byte by byte, send a body of any size or encoding, or
an envelope with any shapes. It records every request it read, in order, so a test can check
what the client sent (and what it didn't).
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs


@dataclass(frozen=True)
class Received:
    """One request as the server read it."""

    number: int
    """1 for the first request the server read, and so on."""
    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def order_ids(self) -> list[str]:
        """The IDs of a cancel request."""
        return str(self.json()["order_id"]).split(",")


@dataclass
class Reply:
    """How a script answers: call exactly one of these (or none, to close without a word)."""

    _socket: socket.socket
    closed_early: bool = False
    sent: int = 0
    keep_alive: bool = field(default=True)

    def json(
        self, document: Any, *, status: int = 200, headers: Mapping[str, str] | None = None
    ) -> None:
        self.body(json.dumps(document).encode(), status=status, headers=headers)

    def body(
        self,
        data: bytes,
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        content_type: str = "application/json",
    ) -> None:
        head = {"content-type": content_type, "content-length": str(len(data)), **(headers or {})}
        self.raw(_head(status, head) + data)

    def raw(self, data: bytes) -> None:
        """Write bytes as they are (a whole reply, half of one, or junk)."""
        try:
            self._socket.sendall(data)
            self.sent += len(data)
        except OSError:
            self.closed_early = True

    def trickle(self, status: int, body: bytes, *, every: float) -> None:
        """The head at once, then the body one byte every ``every`` seconds."""
        self.raw(
            _head(status, {"content-type": "application/json", "content-length": str(len(body))})
        )
        for index in range(len(body)):
            if self.closed_early:
                return
            time.sleep(every)
            self.raw(body[index : index + 1])

    def trickle_head(self, status: int, body: bytes, *, every: float) -> None:
        """The head one byte every ``every`` seconds (each read finds a byte), then the body."""
        head = _head(status, {"content-type": "application/json", "content-length": str(len(body))})
        for index in range(len(head)):
            if self.closed_early:
                return
            self.raw(head[index : index + 1])
            time.sleep(every)
        self.raw(body)

    def drop(self) -> None:
        """Close the connection without a reply (after the request was read: maybe applied)."""
        self.keep_alive = False


Script = Callable[[Received, Reply], None]


class ScriptedServer:
    """Serves one script on 127.0.0.1 until closed; ``received`` lists every request read."""

    def __init__(self, script: Script) -> None:
        self._script = script
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.received: list[Received] = []
        self.replies: list[Reply] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        reader = connection.makefile("rb")
        try:
            while not self._stop.is_set():
                received = self._read(reader)
                if received is None:
                    return
                reply = Reply(connection)
                with self._lock:
                    self.replies.append(reply)
                self._script(received, reply)
                if not reply.keep_alive or reply.closed_early:
                    return
        except OSError:
            return
        finally:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()

    def _read(self, reader: Any) -> Received | None:
        line = reader.readline(65536)
        if not line:
            return None
        method, target, _ = line.decode("latin-1").split(" ", 2)
        headers: dict[str, str] = {}
        while (header := reader.readline(65536)) not in (b"\r\n", b"\n", b""):
            name, _, value = header.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        body = reader.read(int(headers.get("content-length", "0")))
        path, _, query = target.partition("?")
        with self._lock:
            received = Received(
                len(self.received) + 1, method, path, parse_qs(query), headers, body
            )
            self.received.append(received)
        return received

    def close(self) -> None:
        self._stop.set()
        # Shutting the listener down wakes the thread blocked in accept() at once; closing alone
        # leaves it there until its timeout (0.2 s a server, some 70 s over the suite).
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._thread.join(5)


@contextlib.contextmanager
def scripted(script: Script) -> Iterator[ScriptedServer]:
    server = ScriptedServer(script)
    try:
        yield server
    finally:
        server.close()


def _head(status: int, headers: Mapping[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} {'OK' if status == 200 else 'Status'}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


# --- envelopes ------------------------------------------------------------------------------------


def now_ms() -> int:
    return int(time.time() * 1000)


def ok(successes: list[str], errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "status": "ok",
        "data": {"errors": errors or [], "successes": ",".join(successes)},
        "ts": now_ms(),
    }


def refused(code: Any, message: str = "refused", ts: Any = None) -> dict[str, Any]:
    return {
        "status": "error",
        "err_code": code,
        "err_msg": message,
        "ts": now_ms() if ts is None else ts,
    }


def cancel_every_one(request: Received, reply: Reply) -> None:
    """The well-behaved answer: every order of the request cancelled."""
    reply.json(ok(request.order_ids))
