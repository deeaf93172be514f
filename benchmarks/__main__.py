"""htx-swap benchmarks (`scripts/bench`, `make bench`).

Every figure comes from one run, on one machine: the servers run in child processes (so
`time.process_time()` here counts only client work), the contenders of a section take turns
round by round (the order rotating each round, so drift hits all of them alike), and each ratio
is taken within a round before the median, min and max over the rounds. How each section is
measured, and its targets, is in benchmarks/report.md.tmpl (the document a run writes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from benchmarks import (
    async_cost,
    bulk,
    cold_start,
    construction,
    listing,
    overhead,
    regenerate,
    scale,
    shared_limits,
    time_to_cancel,
    unlimited,
    warm_cancel,
)
from benchmarks.harness import SMOKE, BenchError, Row, Run, Settings, progress
from benchmarks.processes import DEFAULT_BEFORE, ROOT, Child, checkout, resolve
from benchmarks.report import document, refresh_readme, table

DEFAULT_OUT = ROOT / "benchmarks" / "results.md"
README = ROOT / "README.md"


@dataclass(frozen=True)
class Section:
    name: str
    """For --only."""
    title: str
    """Its bullet in the document's "How each figure is taken"."""
    run: Callable[[Run], list[Row]]
    optional: bool = False
    """Run only when asked for (--shared-limits, or --only)."""


SECTIONS = [
    Section("overhead", "Per-request overhead", overhead.run),
    Section("bulk", "Bulk cancel", bulk.run),
    Section("cold", "Cold start", cold_start.run),
    Section("regenerate", "Regeneration", regenerate.run),
    Section("scale", "Scale", scale.run),
    Section("unlimited", "Unlimited bulk", unlimited.run),
    Section("construction", "Client construction", construction.run),
    Section("time-to-cancel", "Time to cancel (a)", time_to_cancel.run),
    Section("warm-cancel", "Time to cancel (b)", warm_cancel.run),
    Section("listing", "Listing", listing.run),
    Section("client-cost", "Client cost", async_cost.run),
    Section("shared-limits", "Many processes, one account", shared_limits.run, optional=True),
]


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scripts/bench", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--smoke", action="store_true", help="a few requests of every section (seconds)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        metavar="N",
        help="rounds of every section (default 7 per-request and client cost, 3 bulk and\n"
        "regeneration, 2 scale; cold start runs 4N times, default 20)",
    )
    parser.add_argument(
        "--out", type=Path, metavar="PATH", default=DEFAULT_OUT, help="default: %(default)s"
    )
    parser.add_argument(
        "--only",
        choices=[section.name for section in SECTIONS],
        action="append",
        help="run only these sections (repeat for more)",
    )
    parser.add_argument(
        "--before",
        metavar="REV",
        default=DEFAULT_BEFORE,
        help='the code "before" stands for: any git revision (default %(default)s, issue 15\'s\n'
        "starting point); its wrapper/ and generated/ run in child interpreters",
    )
    parser.add_argument(
        "--shared-limits",
        action="store_true",
        help="also run many processes on one account (issue 23): takes minutes (with --smoke,\n"
        "one row without a store, a second); the rows with a store need redis-server on PATH",
    )
    return parser


def settings_for(args: argparse.Namespace) -> Settings:
    settings = SMOKE if args.smoke else Settings()
    if args.rounds is None:
        return settings
    n = args.rounds
    return replace(
        settings,
        overhead_rounds=n,
        bulk_rounds=n,
        scale_rounds=n,
        regen_runs=n,
        cold_runs=4 * n,
        cost_rounds=n,
    )


def main(argv: Sequence[str] | None = None) -> int:
    options = parser()
    args = options.parse_args(argv)
    if args.rounds is not None and args.rounds < 1:
        options.error("--rounds must be at least 1")
    try:
        full, short = resolve(args.before)
    except BenchError:
        options.error(f"--before {args.before}: not a commit in this repository")
    children: list[Child] = []

    def before() -> Child:  # checked out on first use, once per run
        if not children:
            children.append(Child(checkout(full)))
        return children[0]

    bench = Run(settings_for(args), short, before)
    started = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    rows: list[Row] = []
    for section in SECTIONS:
        wanted = section.name in args.only if args.only else not section.optional
        if wanted or (section.optional and args.shared_limits):
            rows.extend(section.run(bench))
    text = document(rows, bench, started, time.perf_counter() - clock)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    if args.out == DEFAULT_OUT and args.only is None and not args.smoke and not bench.failures:
        refresh_readme(README, text)
        progress(f"refreshed the table in {README.name}")
    print(table(rows))
    if bench.failures:
        for failure in bench.failures:
            print(f"bench: invalid run: {failure}", file=sys.stderr)
        return 1
    progress(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
