"""Many processes, one account: N processes x 300 IDs through the sandbox at HTX's limits.

Each process has its own key of one account (the sandbox counts limits per account, as HTX
does) and cancels its own 300 orders with SDK defaults, with or without a shared Redis store
(`rate_limit_store=`). Reported per row: wall time from "go" to the last process done against
the ideal (N x 300 IDs at 10 IDs a request and 5 requests a second), the 1032 refusals, the
processes that finished (no error raised), and misreported orders (reported cancelled but not
cancelled in the sandbox, or the reverse).

    python benchmarks/shared_limits.py                 # the table: N = 1, 3, 10, with and without
    python benchmarks/shared_limits.py --rows 3:store  # one row
    python benchmarks/shared_limits.py --rows 3:store:kill  # Redis killed mid-run, restarted

Needs redis-server on PATH and the sandbox and redis extras.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

IDS = 300
IDS_PER_REQUEST = 10
RATE = 5.0
CONTRACT = "BTC-USDT"
KILL_AFTER = 5.0  # seconds into the run Redis is killed
DOWN_FOR = 3.0  # seconds before it is started again, empty


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Redis:
    """A real redis-server on loopback, in a temp dir, with no persistence (a restart loses all)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        server = shutil.which("redis-server")
        if server is None:
            raise SystemExit("redis-server not found (apt-get install redis-server)")
        self.process = subprocess.Popen(
            [
                server,
                *("--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.directory)),
                *("--save", "", "--appendonly", "no", "--protected-mode", "yes"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("redis-server did not start")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@contextmanager
def redis_server() -> Iterator[Redis]:
    with tempfile.TemporaryDirectory(prefix="htx-redis-") as directory:
        server = Redis(Path(directory))
        server.start()
        try:
            yield server
        finally:
            server.kill()


def child(args: argparse.Namespace) -> None:
    """One process: wait for "go" on stdin, cancel its IDs, print one JSON line."""
    import logging

    from htx_swap import Credentials, HtxError, SwapClient

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    order = json.loads(sys.stdin.readline())
    credentials = Credentials(order["key"], order["secret"], account_id=order["account"])
    with SwapClient(
        credentials, base_url=order["base_url"], rate_limit_store=order["store"] or ""
    ) as client:
        print("ready", flush=True)
        sys.stdin.readline()
        report: dict[str, object] = {"error": None}
        try:
            result = client.cancel_trailing_orders(CONTRACT, order["ids"])
        except HtxError as error:
            report["error"] = type(error).__name__
            result = getattr(error, "result", None)
        report["done"] = time.time()
        report["cancelled"] = [] if result is None else list(result.cancelled)
        report["failed"] = [] if result is None else [str(f.order_id) for f in result.failed]
        report["unresolved"] = [] if result is None else list(result.unresolved)
        print(json.dumps(report), flush=True)


def run_row(processes: int, store: bool, kill: bool) -> dict[str, object]:
    from htx_sandbox import Credentials as SandboxKeys
    from htx_sandbox import running

    with running(rate=RATE, interval=1.0) as sandbox, _maybe_redis(store) as redis:
        control = sandbox.control
        account = sandbox.credentials.access_key
        orders = []
        for number in range(processes):
            keys = SandboxKeys(f"bench-key-{number}", f"bench-secret-{number}")
            control.add_credentials(keys, uid=account)
            ids = control.seed_orders(CONTRACT, generate=IDS, access_key=keys.access_key)
            orders.append(
                {
                    "key": keys.access_key,
                    "secret": keys.secret_key,
                    "account": account,
                    "base_url": sandbox.base_url,
                    "store": None if redis is None else redis.url,
                    "ids": list(ids),
                }
            )
        children = [
            subprocess.Popen(
                [sys.executable, __file__, "--child"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in orders
        ]
        for process, order in zip(children, orders, strict=True):
            assert process.stdin is not None
            process.stdin.write(json.dumps(order) + "\n")
            process.stdin.flush()
        for process in children:
            assert process.stdout is not None
            if process.stdout.readline().strip() != "ready":
                raise SystemExit(f"a child failed to start: {process.communicate()[1]}")
        started = time.time()
        killer = None
        if kill and redis is not None:
            killer = threading.Thread(target=_kill_and_restart, args=(redis,), daemon=True)
            killer.start()
        for process in children:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        reports = []
        warnings = 0
        for process in children:
            out, err = process.communicate()
            reports.append(json.loads(out.strip().splitlines()[-1]))
            warnings += err.count("WARNING")
        if killer is not None:
            killer.join()
        wall = max(float(report["done"]) for report in reports) - started
        misreported = 0
        for report in reports:
            for order_id in report["cancelled"]:
                misreported += str(control.order_state(order_id)) != "cancelled"
        ideal = processes * IDS / IDS_PER_REQUEST / RATE
        stats = control.stats()
        return {
            "processes": processes,
            "store": ("yes, killed mid-run" if kill else "yes") if store else "no",
            "wall": round(wall, 1),
            "ideal": ideal,
            "ratio": round(wall / ideal, 2),
            "requests": stats.requests,
            "refused_1032": stats.rejections.get(1032, 0),
            "refused_share": round(stats.rejections.get(1032, 0) / max(stats.requests, 1), 3),
            "finished": sum(report["error"] is None for report in reports),
            "unresolved": sum(len(report["unresolved"]) for report in reports),
            "misreported": misreported,
            "warnings": warnings,
        }


def _kill_and_restart(redis: Redis) -> None:
    time.sleep(KILL_AFTER)
    redis.kill()
    time.sleep(DOWN_FOR)
    redis.start()


@contextmanager
def _maybe_redis(store: bool) -> Iterator[Redis | None]:
    if not store:
        yield None
        return
    with redis_server() as server:
        yield server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--rows",
        nargs="*",
        default=["1:store", "1:none", "3:store", "3:none", "10:store", "10:none", "3:store:kill"],
        help="N:store|none[:kill] per row",
    )
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    header = (
        "| processes | store | wall s | ideal s | wall/ideal | requests | 1032 | 1032 share "
        "| finished | unresolved | misreported | WARNING lines |"
    )
    print(header)
    print("|" + "---|" * 12)
    for row in args.rows:
        parts = row.split(":")
        result = run_row(int(parts[0]), parts[1] == "store", parts[2:] == ["kill"])
        print(
            "| {processes} | {store} | {wall} | {ideal:g} | {ratio} | {requests} | {refused_1032} "
            "| {refused_share:.1%} | {finished}/{processes} | {unresolved} | {misreported} "
            "| {warnings} |".format(**result),
            flush=True,
        )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
