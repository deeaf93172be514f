"""The main job, end to end: a trailing order's life cycle on a local HTX, through `htx-swap`.

Run by `make demo`. It starts the sandbox on a free loopback port and, with the `htx-swap`
command exactly as a user would run it against the real exchange:

1. places trailing orders in isolated and cross margin;
2. lists them;
3. cancels some by ID (with one the exchange has already triggered, and one unknown ID);
4. cancels the rest with cancel-all;
5. reads the history: what became of each.

Then it checks the sandbox's own record: every order placed is cancelled or triggered, nothing is
left open, and no request was refused for the rate limit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import htx_sandbox

CONTRACT = "BTC-USDT"
UNKNOWN_ID = "826052268312829999"
PLACEMENTS = [
    ("isolated", ["--direction", "sell", "--volume", "1", "--callback-rate", "0.01",
                  "--active-price", "105000", "--order-price-type", "formula_price",
                  "--offset", "close"]),
    ("isolated", ["--direction", "buy", "--volume", "2", "--callback-rate", "0.015",
                  "--active-price", "95000", "--order-price-type", "optimal_5",
                  "--offset", "open", "--lever-rate", "5"]),
    ("isolated", ["--direction", "buy", "--volume", "1", "--callback-rate", "0.02",
                  "--active-price", "94000", "--order-price-type", "optimal_10",
                  "--offset", "open", "--lever-rate", "5"]),
    ("cross", ["--direction", "sell", "--volume", "3", "--callback-rate", "0.01",
               "--active-price", "106000", "--order-price-type", "formula_price",
               "--offset", "close"]),
    ("cross", ["--direction", "buy", "--volume", "1", "--callback-rate", "0.025",
               "--active-price", "93000", "--order-price-type", "optimal_20",
               "--offset", "open", "--lever-rate", "10"]),
]  # fmt: skip


class Shell:
    """Runs `htx-swap trailing ...` against the sandbox, echoing each command and its output."""

    def __init__(self, sandbox: htx_sandbox.Sandbox) -> None:
        self.command = str(Path(sys.executable).with_name("htx-swap"))
        self.base_url = sandbox.base_url
        self.env = {
            **os.environ,
            "HTX_ACCESS_KEY": sandbox.credentials.access_key,
            "HTX_SECRET_KEY": sandbox.credentials.secret_key,
        }

    def run(self, action: str, *args: str, show: bool = True) -> subprocess.CompletedProcess[str]:
        if show:
            print(f"$ htx-swap trailing {action} {' '.join(args)}")
        finished = subprocess.run(
            [self.command, "trailing", action, "--base-url", self.base_url, *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if show:
            print(finished.stdout + finished.stderr, end="")
            print(f"(exit status {finished.returncode})\n")
        return finished


def main() -> int:
    with htx_sandbox.running() as sandbox:  # HTX's own limits: 5/s per interface, 72 per 3 s
        shell = Shell(sandbox)
        exchange = sandbox.control
        print(f"Sandbox: {sandbox.base_url} (HTX's rate limits, both margin modes)\n")

        print("1. Place five trailing orders, three isolated and two cross.\n")
        placed: dict[str, list[str]] = {"isolated": [], "cross": []}
        for mode, args in PLACEMENTS:
            finished = shell.run(
                "place", "--contract-code", CONTRACT, "--margin-mode", mode, "--json", *args
            )
            placed[mode].append(json.loads(finished.stdout)["order_id"])

        print("2. List them.\n")
        shell.run("list", "--contract-code", CONTRACT)
        shell.run("list", "--margin-mode", "cross")

        triggered = placed["isolated"][0]
        exchange.trigger(triggered)  # meanwhile the market moves: HTX triggers the first one
        print(f"(Meanwhile the market moved: the exchange triggered {triggered}.)\n")

        print("3. Cancel two isolated orders by ID (one just triggered), and an unknown ID.\n")
        shell.run("cancel", "--contract-code", CONTRACT, triggered, placed["isolated"][1],
                  UNKNOWN_ID)  # fmt: skip

        print("4. Cancel what is left with cancel-all, in both margin modes.\n")
        shell.run("cancel-all", "--contract-code", CONTRACT)
        shell.run("cancel-all", "--contract-code", CONTRACT, "--margin-mode", "cross")

        print("5. Read the history.\n")
        shell.run("history", "--contract-code", CONTRACT)
        shell.run("history", "--contract-code", CONTRACT, "--margin-mode", "cross")

        every = placed["isolated"] + placed["cross"]
        left_open = exchange.open_ids()
        stats = exchange.stats()
        print("What the sandbox saw:")
        print(f"  {stats.requests} requests, rejections {dict(stats.rejections) or 'none'}")
        print(f"  orders placed: {len(every)}; still open: {len(left_open)}")
        ended = exchange.cancelled_ids() | exchange.triggered_ids()
        ok = not left_open and set(every) <= ended and 1032 not in stats.rejections
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
