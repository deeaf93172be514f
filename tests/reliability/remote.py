"""A sandbox in its own process, driven through its admin API, for the timing-sensitive tests.

The soak and concurrency tests judge pacing by when requests reach the exchange. A sandbox in a
thread of the test process shares the GIL with dozens of client threads, so its arrival stamps
drift with the client's scheduling rather than with what went on the wire; in its own process,
like HTX, it sees arrivals as they happen.
"""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from htx_sandbox import Credentials, FaultPlan, OrderState

START_TIMEOUT = 30.0
_SERVE = """
import json, sys
import htx_sandbox
from htx_sandbox import Credentials, FaultPlan

options = json.loads(sys.argv[1])
plan = options.pop("faults")
htx_sandbox.serve(
    port=0,
    faults=None if plan is None else FaultPlan(**plan),
    credentials=Credentials(**options.pop("credentials")),
    announce=lambda sandbox: print(sandbox.base_url, flush=True),
    **options,
)
"""


@dataclass(frozen=True)
class RemoteStats:
    """The sandbox's `Stats`, read over its admin API (JSON keys are strings)."""

    requests: int
    rejections: dict[int, int]
    order_errors: dict[int, int]
    faults: dict[str, int]
    max_window_count: dict[str, int]
    cancelled: int


@dataclass
class RemoteSandbox:
    """A sandbox process: where it listens, its keys, and its admin API."""

    base_url: str
    credentials: Credentials
    admin: httpx.Client
    log_path: Path

    def seed_orders(self, contract_code: str = "BTC-USDT", **orders: Any) -> list[str]:
        reply = self.admin.post("/_sandbox/orders", json={"contract_code": contract_code, **orders})
        reply.raise_for_status()
        return [str(order_id) for order_id in reply.json()["open"]]

    def orders(self, contract_code: str = "BTC-USDT") -> dict[str, OrderState]:
        reply = self.admin.get("/_sandbox/orders", params={"contract_code": contract_code})
        reply.raise_for_status()
        return {order_id: OrderState(state) for order_id, state in reply.json()["orders"].items()}

    def cancelled_ids(self, contract_code: str = "BTC-USDT") -> frozenset[str]:
        orders = self.orders(contract_code)
        return frozenset(i for i, state in orders.items() if state is OrderState.CANCELLED)

    def stats(self) -> RemoteStats:
        reply = self.admin.get("/_sandbox/stats")
        reply.raise_for_status()
        raw: Mapping[str, Any] = reply.json()
        return RemoteStats(
            requests=raw["requests"],
            rejections={int(code): n for code, n in raw["rejections"].items()},
            order_errors={int(code): n for code, n in raw["order_errors"].items()},
            faults=dict(raw["faults"]),
            max_window_count=dict(raw["max_window_count"]),
            cancelled=raw["cancelled"],
        )

    def max_window_count(self) -> int:
        """The most authenticated requests one account started in any rate-limit interval."""
        return max(self.stats().max_window_count.values(), default=0)


@contextlib.contextmanager
def remote_sandbox(
    log_path: Path,
    *,
    rate: float | None,
    credentials: Credentials,
    faults: FaultPlan | None = None,
    seed: int = 0,
    pool_rate: int | None = 72,
) -> Iterator[RemoteSandbox]:
    """Run `htx_sandbox.serve` in a child process; stop it with Ctrl-C when the block ends."""
    options = {
        "rate": rate,
        "pool_rate": pool_rate,
        "seed": seed,
        "orders": 0,
        "credentials": {"access_key": credentials.access_key, "secret_key": credentials.secret_key},
        "faults": None
        if faults is None
        else {
            "p_bad_gateway": faults.p_bad_gateway,
            "p_drop_after_apply": faults.p_drop_after_apply,
            "p_delay_after_apply": faults.p_delay_after_apply,
            "p_junk_after_apply": faults.p_junk_after_apply,
            "delay": faults.delay,
        },
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", _SERVE, json.dumps(options)],
            stdout=subprocess.PIPE,
            stderr=log,
            stdin=subprocess.DEVNULL,
        )
    try:
        assert process.stdout is not None
        base_url = _first_line(process, log_path)
        with httpx.Client(base_url=base_url, timeout=30.0) as admin:
            yield RemoteSandbox(base_url, credentials, admin, log_path)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _first_line(process: subprocess.Popen[bytes], log_path: Path) -> str:
    import selectors

    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(START_TIMEOUT):
            raise RuntimeError(f"the sandbox did not start within {START_TIMEOUT} s")
    line = process.stdout.readline().decode().strip()
    if not line.startswith("http://"):
        process.wait(5)
        raise RuntimeError(f"the sandbox did not start:\n{log_path.read_text()}")
    return line
