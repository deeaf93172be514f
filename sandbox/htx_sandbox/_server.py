"""Running the sandbox: uvicorn on loopback in a background thread, or in the foreground."""

from __future__ import annotations

import contextlib
import secrets
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from attrs import field, frozen

from htx_sandbox._credentials import DEFAULT_CREDENTIALS, Credentials
from htx_sandbox._exchange import (
    DEFAULT_CONTRACT_CODE,
    DEFAULT_POOL_INTERVAL,
    DEFAULT_POOL_RATE,
    Exchange,
)
from htx_sandbox._faults import FaultPlan
from htx_sandbox._hosts import is_loopback

if TYPE_CHECKING:
    import uvicorn

STARTUP_TIMEOUT = 10.0
SHUTDOWN_TIMEOUT = 10.0


@frozen
class Sandbox:
    """A running sandbox: where it listens, the key to sign with, and control over its state."""

    base_url: str
    """For example `http://127.0.0.1:54321`."""
    host: str
    """The `Host` a client sends, and signs: `127.0.0.1:54321`."""
    credentials: Credentials
    contract_code: str
    order_ids: tuple[str, ...] = field(repr=False)
    """The open isolated orders of `contract_code` seeded at startup (and again by `reset()`)."""
    control: Exchange = field(repr=False)
    seeded: Mapping[str, Mapping[str, tuple[str, ...]]] = field(factory=dict, repr=False)
    """Every order seeded at startup, by margin mode then contract: `order_ids` under
    `seeded["isolated"][contract_code]`, and with `mix` the rest, for example
    `seeded["cross"]["BTC-USDT-260626"]`. All of them open."""
    admin_token: str | None = field(default=None, repr=False)
    """The token the admin API wants (`Authorization: Bearer <token>`), if it wants one."""

    def mix_orders(self) -> Iterator[tuple[str, str, tuple[str, ...]]]:
        """(margin mode, contract, IDs) of the orders seeded beside `order_ids` (the mix)."""
        for mode, by_contract in self.seeded.items():
            for code, ids in by_contract.items():
                if ids and (mode, code) != ("isolated", self.contract_code):
                    yield mode, code, ids

    @property
    def admin_headers(self) -> dict[str, str]:
        """The headers an admin request needs beyond `Content-Type: application/json`."""
        return {} if self.admin_token is None else {"Authorization": f"Bearer {self.admin_token}"}


@contextlib.contextmanager
def running(
    *,
    rate: float | None = 5.0,
    interval: float = 1.0,
    orders: int = 0,
    contract_code: str = DEFAULT_CONTRACT_CODE,
    faults: FaultPlan | None = None,
    latency: float = 0.0,
    clock: Callable[[], float] | None = None,
    credentials: Credentials = DEFAULT_CREDENTIALS,
    seed: int = 0,
    host: str = "127.0.0.1",
    port: int = 0,
    log_level: str = "warning",
    public_host: str | None = None,
    pool_rate: float | None = DEFAULT_POOL_RATE,
    pool_interval: float = DEFAULT_POOL_INTERVAL,
    mix: bool = False,
    admin_token: str | None = None,
    ssl_certfile: str | None = None,
    ssl_keyfile: str | None = None,
) -> Iterator[Sandbox]:
    """Serve a sandbox on `host:port` (0: a free port) in a background thread while the block runs.

    `rate` requests per account (all its keys together) to each of place, cancel and cancel-all
    in any `interval` seconds, and `pool_rate` per account to each of the trade and read pools in
    any `pool_interval` (None: no pools); `rate=None` means no limits at all. `orders` open
    isolated orders with random IDs are seeded in `contract_code`, and with `mix` a realistic
    mix beside them (`Sandbox.seeded`). `clock` (epoch seconds) defaults to the wall clock and
    may run off it to exercise the timestamp window. `public_host` (for example
    `127.0.0.1:4010`) is the host clients sign for when they reach the sandbox through a proxy
    that forwards with the sandbox's own `Host`; by default each request's `Host` is used.

    The admin API wants `admin_token` if given; bound beyond loopback it always wants one (a
    random one unless given: `Sandbox.admin_token`). With `ssl_certfile` (and `ssl_keyfile`,
    PEM files) it serves HTTPS: `base_url` is then `https://...`.
    """
    # Both imports are heavy and live in the optional `sandbox` extra: pay for them only here.
    import uvicorn

    from htx_sandbox._admin import AdminGuard
    from htx_sandbox._app import build_app

    exchange = Exchange(
        credentials=credentials,
        rate=rate,
        interval=interval,
        pool_rate=pool_rate,
        pool_interval=pool_interval,
        faults=faults,
        latency=latency,
        clock=time.time if clock is None else clock,
        seed=seed,
        contract_code=contract_code,
        orders=orders,
        mix=mix,
        public_host=public_host,
    )
    if admin_token is not None and len(admin_token) < 16:
        raise ValueError("admin_token must be at least 16 characters")
    if admin_token is None and not is_loopback(host):
        admin_token = secrets.token_urlsafe(24)
    listener = _listen(host, port)
    bound_port = listener.getsockname()[1]
    guard = AdminGuard.for_bind(
        host,
        bound_port,
        token=admin_token,
        public_host=public_host,
        machine_name=socket.gethostname(),
    )
    config = uvicorn.Config(
        build_app(exchange, guard),
        loop="asyncio",
        http="h11",  # the dropped-connection fault is verified against h11
        ws="none",
        lifespan="off",
        log_config=None,
        log_level=log_level,
        access_log=False,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="htx-sandbox", daemon=True
    )
    thread.start()
    try:
        _wait_started(server, thread)
        authority = f"{_url_host(host)}:{bound_port}"
        scheme = "http" if ssl_certfile is None else "https"
        yield Sandbox(
            base_url=f"{scheme}://{authority}",
            host=authority,
            credentials=credentials,
            contract_code=contract_code,
            order_ids=exchange.initial_order_ids,
            control=exchange,
            seeded={
                str(mode): dict(by_contract)
                for mode, by_contract in exchange.initial_orders.items()
            },
            admin_token=admin_token,
        )
    finally:
        # A test is done with the sandbox: don't wait on replies a fault is still holding back.
        server.should_exit = True
        server.force_exit = True
        thread.join(SHUTDOWN_TIMEOUT)
        listener.close()


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    orders: int = 20,
    rate: float | None = 5.0,
    contract_code: str = DEFAULT_CONTRACT_CODE,
    faults: FaultPlan | None = None,
    latency: float = 0.0,
    credentials: Credentials = DEFAULT_CREDENTIALS,
    seed: int = 0,
    announce: Callable[[Sandbox], None] | None = None,
    stop: threading.Event | None = None,
    interval: float = 1.0,
    pool_rate: float | None = DEFAULT_POOL_RATE,
    pool_interval: float = DEFAULT_POOL_INTERVAL,
    mix: bool | None = None,
    admin_token: str | None = None,
) -> None:
    """Run a sandbox in the foreground until Ctrl-C (or `stop` is set), after `announce`-ing it.

    As `running()`; `mix` defaults to seeding the realistic mix whenever `orders` are asked
    for. Bound beyond loopback, it first warns on stderr and prints the admin token there.
    """
    with (
        running(
            host=host,
            port=port,
            orders=orders,
            rate=rate,
            interval=interval,
            pool_rate=pool_rate,
            pool_interval=pool_interval,
            contract_code=contract_code,
            faults=faults,
            latency=latency,
            credentials=credentials,
            seed=seed,
            mix=orders > 0 if mix is None else mix,
            admin_token=admin_token,
        ) as sandbox,
        contextlib.suppress(KeyboardInterrupt),
    ):
        # Ctrl-C stops it cleanly from the first line printed on, mid-announcement too.
        if not is_loopback(host):
            print(exposure_warning(sandbox), file=sys.stderr, flush=True)
        (announce or print_announcement)(sandbox)
        (stop or threading.Event()).wait()


def print_announcement(sandbox: Sandbox) -> None:
    """Print where the sandbox listens, its keys and its open order IDs."""
    print(describe(sandbox))


def describe(sandbox: Sandbox) -> str:
    """Lines naming the sandbox's URL, keys, contract, seeded open order IDs and admin token."""
    lines = [
        f"HTX sandbox listening on {sandbox.base_url}",
        f"access key: {sandbox.credentials.access_key}",
        f"secret key: {sandbox.credentials.secret_key}",
        f"contract:   {sandbox.contract_code}",
        f"open order IDs ({len(sandbox.order_ids)}): {','.join(sandbox.order_ids)}",
    ]
    for mode, code, ids in sandbox.mix_orders():
        lines.append(f"open {mode} orders on {code} ({len(ids)}): {','.join(ids)}")
    if sandbox.admin_token is not None:
        lines.append(f"admin token: {sandbox.admin_token}")
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)


def exposure_warning(sandbox: Sandbox) -> str:
    """What a sandbox bound beyond loopback says on start-up: who can reach it, and its token."""
    return (
        f"warning: the sandbox at {sandbox.base_url} is reachable beyond this machine. Its keys "
        "are public test keys and anyone who reaches it can use them; its admin API (/_sandbox) "
        f"wants the header 'Authorization: Bearer {sandbox.admin_token}'."
    )


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP, and
    # without it every keep-alive request waits ~40 ms on Nagle and delayed ACKs.
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
    except OSError:
        listener.close()
        raise
    return listener


def _wait_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the sandbox server stopped while starting")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the sandbox server did not start within {STARTUP_TIMEOUT} s")
        time.sleep(0.005)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
