"""9. Listing (issue 14): every open order of a contract, the SDK's pages against a naive loop,
at HTX's limits."""

from __future__ import annotations

import statistics
import time

from benchmarks.harness import (
    CONTRACT,
    Row,
    Run,
    progress,
    ratios,
    rotated,
    spread,
    spread_ms,
    yes_no,
)
from benchmarks.processes import Server, sandbox_process
from htx_swap import SwapClient

SDK = "SwapClient.open_trailing_orders (pages of 50, paced on the read pool)"
NAIVE = "naive loop (generated client, one page of 20 at a time)"


def sdk_list(server: Server) -> int:
    with SwapClient(server.credentials, base_url=server.base_url) as client:
        return len(list(client.open_trailing_orders(CONTRACT)))


def naive_list(server: Server) -> int:
    """One page after another through the generated client (signed), HTX's default page size,
    waiting a second and asking again when HTX says 1032."""
    from htx_swap_client.api.swap_strategy_order_interface import get_open_trailing_orders
    from htx_swap_client.models import GetOpenTrailingOrdersReply, GetOpenTrailingOrdersRequest

    seen: set[str] = set()
    with SwapClient(server.credentials, base_url=server.base_url) as client:
        page, pages = 1, 1
        while page <= pages:
            reply = get_open_trailing_orders.sync_detailed(
                client=client.generated,
                body=GetOpenTrailingOrdersRequest(CONTRACT, page_index=page),
            ).parsed
            if not isinstance(reply, GetOpenTrailingOrdersReply):
                time.sleep(1.0)
                continue
            seen.update(order.order_id_str for order in reply.data.orders)
            pages = reply.data.total_page
            page += 1
    return len(seen)


RUNNERS = {SDK: sdk_list, NAIVE: naive_list}


def run(bench: Run) -> list[Row]:
    count, latency = bench.settings.listing_orders, bench.settings.listing_latency
    section = f"9. List {count:,} open orders (HTX's limits: rate 5, read pool 72 per 3 s)"
    names = list(RUNNERS)
    walls: dict[str, list[float]] = {name: [] for name in names}
    sent: dict[str, list[int]] = {name: [] for name in names}
    limited = dict.fromkeys(names, 0)
    refused = dict.fromkeys(names, 0)
    with sandbox_process(rate=5, pool_rate=72, pool_interval=3.0, latency=latency) as sandbox:
        for round_index in range(bench.settings.listing_rounds):
            for name in rotated(names, round_index):
                progress(f"listing: round {round_index + 1}, {name.split(' ')[0]}")
                sandbox.reset()
                sandbox.seed(count)
                started = time.perf_counter()
                listed = RUNNERS[name](sandbox)
                walls[name].append(time.perf_counter() - started)
                stats = sandbox.stats()
                sent[name].append(stats["requests"])
                limited[name] += stats["rejections"].get("1032", 0)
                refused[name] += stats["rejections"].get("403", 0)
                if listed != count:
                    bench.failures.append(f"{section}: {name} listed {listed} of {count}")
    rows = []
    for name in names:
        measured = (
            spread_ms(walls[name])
            + f"; {statistics.median(sent[name]):.0f} requests; 1032 rejections: {limited[name]}"
        )
        row = Row(section, name, measured, refused=f"{refused[name]} of {sum(sent[name])}")
        if name == SDK:
            ratio = spread(ratios(walls[name], walls[NAIVE]), "{:.2f}x") + " the naive time"
            row = Row(
                section, name, measured, ratio, "no 1032", yes_no(limited[name] == 0), row.refused
            )
        rows.append(row)
    return rows
