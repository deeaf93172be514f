"""The main job, end to end: a local HTX, trailing orders on it, and `htx-swap` cancelling them.

Run by `make demo`. It starts the sandbox on a free loopback port, seeds orders in every state,
then cancels 25 IDs (plus one duplicate) with the `htx-swap` command, exactly as a user would
against the real exchange, and finally reads the sandbox's own record of what happened.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import htx_sandbox

CONTRACT = "BTC-USDT"
# Lower than HTX's 5/s so that three requests are enough to see the pacing.
RATE = 2.0


def main() -> int:
    command = Path(sys.executable).with_name("htx-swap")
    with htx_sandbox.running(rate=RATE, latency=0.05) as sandbox:
        exchange = sandbox.control
        open_ids = list(exchange.seed_orders(CONTRACT, generate=20))
        executed_ids = ["826052268312821001", "826052268312821002"]
        already = ["826052268312821003"]
        unknown = ["826052268312829998", "826052268312829999"]
        exchange.seed_orders(CONTRACT, executed=executed_ids, cancelled=already)
        order_ids = [*open_ids, *executed_ids, *already, *unknown, open_ids[0]]

        print(f"Sandbox: {sandbox.base_url}, strict limit {RATE:g} requests/s per key.")
        print(
            f"Cancelling {len(order_ids)} IDs on {CONTRACT}: {len(open_ids)} open, "
            f"{len(executed_ids)} executed, {len(already)} already cancelled, "
            f"{len(unknown)} unknown, 1 duplicate.\n"
        )
        print(f"$ htx-swap trailing cancel --contract-code {CONTRACT} --rate {RATE:g} -v ...\n")
        sys.stdout.flush()
        env = {
            **os.environ,
            "HTX_ACCESS_KEY": sandbox.credentials.access_key,
            "HTX_SECRET_KEY": sandbox.credentials.secret_key,
        }
        finished = subprocess.run(
            [
                str(command),
                "trailing",
                "cancel",
                "--contract-code",
                CONTRACT,
                "--base-url",
                sandbox.base_url,
                "--rate",
                str(RATE),
                "--verbose",
                *order_ids,
            ],
            env=env,
            check=False,
        )

        requests = exchange.requests()
        stats = exchange.stats()
        print(f"\nexit status {finished.returncode} (1: not every order was cancelled)")
        print("\nWhat the sandbox saw:")
        start = requests[0].time if requests else 0.0
        for record in requests:
            verdict = "signature ok" if record.authenticated else "REFUSED"
            print(
                f"  +{(record.time - start) * 1000:6.0f} ms  {record.method} {record.path}  "
                f"{len(record.order_ids):2d} IDs  {verdict}  status={record.status}"
            )
        print(
            f"  {stats.requests} requests, rejections {dict(stats.rejections) or 'none'}, "
            f"at most {max(stats.max_window_count.values(), default=0)} in any 1 s window "
            f"(limit {RATE:g})"
        )
        cancelled = exchange.cancelled_ids(CONTRACT)
        open_left = [order_id for order_id in open_ids if order_id not in cancelled]
        print(f"  open orders left uncancelled: {len(open_left)}")
    return 0 if finished.returncode in (0, 1) and not open_left else 1


if __name__ == "__main__":
    sys.exit(main())
