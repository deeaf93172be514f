"""The document a run writes (benchmarks/report.md.tmpl, its prose; benchmarks/findings.md, what
profiling found), and the README's copy of its table."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import platform
import string
from collections.abc import Sequence
from dataclasses import fields
from importlib import metadata
from pathlib import Path

from benchmarks.harness import Row, Run

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "report.md.tmpl"
FINDINGS = HERE / "findings.md"
HEADER = (
    "Benchmark",
    "Contender",
    "Measured: median [min, max]",
    "Ratio: median [min, max]",
    "Target",
    "Met",
    "403 refusals",
)


def table(rows: Sequence[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for row in rows:
        cells = (
            row.section,
            row.contender,
            row.measured,
            row.ratio,
            row.target,
            row.met,
            row.refused,
        )
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def cpu_name() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def machine() -> str:
    versions = ", ".join(
        f"{package} {metadata.version(package)}" for package in ("httpx", "attrs", "ccxt")
    )
    return (
        f"{cpu_name()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
        f"{platform.python_implementation()} {platform.python_version()}; {versions}"
    )


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return ", ".join(_text(item) for item in value)
    return str(value)


def document(rows: Sequence[Row], bench: Run, started: dt.datetime, took: float) -> str:
    """The whole results document: the template with this run's table, settings and failures.
    Every setting is a placeholder by its name (`${overhead_rounds}`)."""
    settings = {f.name: _text(getattr(bench.settings, f.name)) for f in fields(bench.settings)}
    failures = "".join(f"- {failure}\n" for failure in bench.failures)
    failure_block = f"\n**Invalid run:**\n\n{failures}" if failures else ""
    remarks = "".join(f"- {remark}\n" for remark in bench.remarks)
    if remarks:
        failure_block += f"\nErrors that do not affect the figures:\n\n{remarks}"
    return string.Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        settings,
        started=f"{started:%Y-%m-%d %H:%M}",
        took=f"{took:.0f}",
        machine=machine(),
        table=table(rows),
        failures=failure_block,
        before=bench.before_rev,
        findings=FINDINGS.read_text(encoding="utf-8"),
    )


def refresh_readme(readme: Path, results: str) -> None:
    """Put the newest run's first line ("Measured by ...") and its table into ``readme``'s
    Benchmarks section, in place of the ones there (a full run only: a partial one would leave
    rows of two runs side by side)."""
    lines = results.splitlines()
    measured = next(line for line in lines if line.startswith("Measured by `make bench`"))
    start = lines.index(next(line for line in lines if line.startswith("| Benchmark |")))
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
    text = readme.read_text(encoding="utf-8").splitlines()
    section = text.index("## Benchmarks")
    old_measured = next(
        i for i in range(section, len(text)) if text[i].startswith("Measured by `make bench`")
    )
    old_start = next(i for i in range(section, len(text)) if text[i].startswith("| Benchmark |"))
    old_end = next(i for i in range(old_start, len(text)) if not text[i].startswith("|"))
    text[old_start:old_end] = lines[start:end]
    text[old_measured] = measured
    readme.write_text("\n".join(text) + "\n", encoding="utf-8")
