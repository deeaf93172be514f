"""A server that answers at once (HTTP/1.1 keep-alive, no checks), for the figures of client
cost alone: a cancel echoes its IDs as cancelled; open orders come in pages, as HTX writes them.
Run as `python -m benchmarks.instant_server` (prints its port; stops when stdin closes)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from benchmarks.processes import Server

CONTRACT = "BTC-USDT"
ACCESS_KEY, SECRET_KEY = "bench-access-key", "bench-secret-key"
LISTED_ORDERS = 1000
PAGE_SIZE = 50


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
    """HTTP/1.1 keep-alive, answers at once. `GET /_times`: when each request since the last
    such call arrived (whole), on this host's monotonic clock."""

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
def instant_server() -> Iterator[Server]:
    """The server in a child process while the block runs."""
    from benchmarks.processes import Server, child_process
    from htx_swap import Credentials

    with child_process([sys.executable, "-m", "benchmarks.instant_server"]) as port:
        host = f"127.0.0.1:{int(port)}"
        yield Server(f"http://{host}", host, Credentials(ACCESS_KEY, SECRET_KEY))


if __name__ == "__main__":
    serve()
