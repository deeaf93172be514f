"""What every section shares: how much to run, a row of the table, the run's record of what went
wrong, progress lines, and the statistics (rotation, ratios within a round, median [min, max])."""

from __future__ import annotations

import contextlib
import gc
import math
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from benchmarks.processes import Child

T = TypeVar("T")

CONTRACT = "BTC-USDT"
CANCEL_PATH = "/linear-swap-api/v1/swap_track_cancel"
CHUNK = 10  # order IDs per request: HTX's cap, and the SDK's chunk size


@dataclass(frozen=True)
class Settings:
    """How much of each section to run."""

    overhead_rounds: int = 7
    overhead_requests: int = 200
    bulk_rounds: int = 3
    bulk_ids: int = 1_000
    bulk_rate: int = 20
    bulk_latency: float = 0.3
    cold_runs: int = 20
    regen_runs: int = 3
    scale_rounds: int = 2
    scale_sizes: tuple[int, ...] = (10_000, 100_000)
    scale_rate: float = 10_000.0
    unlimited_rounds: int = 3
    unlimited_ids: int = 10_000
    construction_runs: int = 10
    cancel_runs: int = 10
    warm_calls: int = 1_000
    listing_rounds: int = 3
    listing_orders: int = 1_000
    listing_latency: float = 0.05
    # Issue 25's figures, against a server that answers at once.
    cost_rounds: int = 7
    cost_requests: int = 300
    cost_bulk_ids: int = 10_000
    wire_calls: int = 200
    memory_ids: int = 100_000
    # Issue 23's many processes (only with --shared-limits): N:store|none[:kill] per row.
    shared_rows: tuple[str, ...] = (
        "1:store",
        "1:none",
        "3:store",
        "3:none",
        "10:store",
        "10:none",
        "3:store:kill",
    )
    shared_ids: int = 300
    warm_up: bool = True
    """Run each fresh-process contender once before timing it (bytecode written, files cached)."""


SMOKE = Settings(
    overhead_rounds=1,
    overhead_requests=3,
    bulk_rounds=1,
    bulk_ids=40,
    bulk_latency=0.05,
    cold_runs=1,
    regen_runs=1,
    scale_rounds=1,
    scale_sizes=(100, 1_000),
    unlimited_rounds=1,
    unlimited_ids=200,
    construction_runs=1,
    cancel_runs=1,
    warm_calls=5,
    listing_rounds=1,
    listing_orders=120,
    listing_latency=0.0,
    cost_rounds=1,
    cost_requests=5,
    cost_bulk_ids=200,
    wire_calls=10,
    memory_ids=1_000,
    shared_rows=("2:none",),
    shared_ids=20,
    warm_up=False,
)


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    section: str
    contender: str
    measured: str
    ratio: str = "—"
    target: str = "—"
    met: str = "—"
    refused: str = "—"
    """Requests the sandbox refused with 403 (authentication) / requests sent, or — for none."""


class BenchError(RuntimeError):
    """A run whose figures would mean nothing: a contender did not authenticate or cancel."""


@dataclass
class Run:
    """One `scripts/bench` run: its settings, the code it compares with, what went wrong."""

    settings: Settings
    before_rev: str
    """The revision "before" names (short), whose code `before()` measures."""
    before: Callable[[], Child]
    """That revision's code in a child interpreter, checked out on first use."""
    failures: list[str] = field(default_factory=list)
    """Why this run's figures mean nothing (a contender not authenticating or cancelling)."""
    remarks: list[str] = field(default_factory=list)
    """Stray errors that do not spoil the figures, reported under the table."""

    def label(self, text: str) -> str:
        """A contender's label, naming the revision "before" stands for."""
        return text.format(before=self.before_rev)


_STARTED = time.perf_counter()


def progress(message: str) -> None:
    elapsed = time.perf_counter() - _STARTED
    print(f"bench [{elapsed:5.0f} s]: {message}", file=sys.stderr, flush=True)


def rotated(items: Sequence[T], by: int) -> list[T]:
    """The items, starting `by` places in: each round a different contender goes first."""
    shift = by % len(items)
    return [*items[shift:], *items[:shift]]


def ratios(values: Sequence[float], bases: Sequence[float]) -> list[float]:
    """Round-by-round ratios of two contenders measured side by side."""
    return [value / base for value, base in zip(values, bases, strict=True)]


def spread(values: Sequence[float], fmt: str) -> str:
    """`median [min, max]`."""
    middle = fmt.format(statistics.median(values))
    return f"{middle} [{fmt.format(min(values))}, {fmt.format(max(values))}]"


def spread_ms(seconds: Sequence[float]) -> str:
    return spread([s * 1000 for s in seconds], "{:.0f} ms")


def quantile(values: Sequence[float], q: float) -> float:
    """The nearest-rank quantile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def yes_no(met: bool) -> str:
    return "yes" if met else "**no**"


def chunked(ids: Sequence[str]) -> list[list[str]]:
    """The IDs in requests of CHUNK."""
    return [list(ids[i : i + CHUNK]) for i in range(0, len(ids), CHUNK)]


@dataclass
class Elapsed:
    wall: float
    """Seconds, `time.perf_counter`."""
    cpu: float
    """Seconds of this process's CPU, `time.process_time`."""


@contextlib.contextmanager
def stopwatch() -> Iterator[Elapsed]:
    """Wall and CPU time of the block (after a garbage collection), set when it ends."""
    gc.collect()
    elapsed = Elapsed(time.perf_counter(), time.process_time())
    yield elapsed
    elapsed.wall = time.perf_counter() - elapsed.wall
    elapsed.cpu = time.process_time() - elapsed.cpu


@dataclass(frozen=True)
class Target:
    """A target on a contender's figure: the median of its round-by-round ratios to `base`, or
    with no base, the median of the figure itself (in `unit`)."""

    contender: str
    limit: float
    base: str | None = None
    at_most: bool = True
    unit: str = ""

    def words(self) -> str:
        sign = "≤" if self.at_most else "≥"
        if self.base is None:
            return f"{sign} {self.limit} {self.unit}".rstrip()
        return f"{sign} {self.limit}x {self.base}"

    def met(self, values: dict[str, list[float]]) -> bool:
        mine = values[self.contender]
        figure = statistics.median(mine if self.base is None else ratios(mine, values[self.base]))
        return figure <= self.limit if self.at_most else figure >= self.limit


def figure_rows(
    section: str,
    values: dict[str, list[float]],
    fmt: str,
    labels: dict[str, str],
    bases: dict[str, list[str]],
    targets: Sequence[Target] = (),
) -> list[Row]:
    """A row per contender of `values` (per round, side by side): its figure, its ratios to each
    of its bases, and the verdict of its target, if it has one."""
    rows = []
    for name, mine in values.items():
        ratio = "; ".join(
            f"{spread(ratios(mine, values[base]), '{:.2f}x')} of {base}"
            for base in bases.get(name, [])
            if base in values
        )
        row = Row(section, labels.get(name, name), spread(mine, fmt), ratio or "—")
        for target in targets:
            if target.contender == name:
                row = replace(row, target=target.words(), met=yes_no(target.met(values)))
        rows.append(row)
    return rows
