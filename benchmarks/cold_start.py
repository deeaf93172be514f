"""3. Cold start: `import htx_swap` against `import httpx, attrs` and `import ccxt`, each in a
fresh interpreter, less an empty interpreter's start."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from benchmarks.harness import Row, Run, progress, ratios, rotated, spread, spread_ms, yes_no
from benchmarks.processes import bytecode_env

TARGET = 1.3  # of httpx + attrs
# Run in the child first: the interpreter then behaves as if httpx's optional CLI dependencies
# (httpx[cli]: click, rich, pygments) were not installed. The dev venv has them (through other
# dev tools) and `import httpx` imports its CLI whenever click is importable: about 60 ms that
# a user's install of htx-swap alone does not pay.
NO_HTTPX_CLI = "import sys; sys.modules.update(click=None, rich=None, pygments=None); "
EMPTY, BASE, OURS = "python -c pass", "import httpx, attrs", "import htx_swap"
CLEAN_BASE, CLEAN_OURS = f"{BASE}, no httpx[cli]", f"{OURS}, no httpx[cli]"
PROGRAMS = {
    EMPTY: "pass",
    BASE: "import httpx, attrs",
    OURS: "import htx_swap",
    "import ccxt": "import ccxt",
    CLEAN_BASE: NO_HTTPX_CLI + "import httpx, attrs",
    CLEAN_OURS: NO_HTTPX_CLI + "import htx_swap",
}


def run(bench: Run) -> list[Row]:
    section = "3. Cold start (fresh interpreter)"
    names = list(PROGRAMS)
    # Every module from bytecode, as after a pip install (bytecode_env).
    env = bytecode_env()

    def once(code: str) -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, stdout=subprocess.DEVNULL, env=env)
        return time.perf_counter() - started

    if bench.settings.warm_up:  # bytecode written, files in the page cache
        for code in PROGRAMS.values():
            once(code)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for run_index in range(bench.settings.cold_runs):
        if run_index % 5 == 0:
            progress(f"cold start: run {run_index + 1}")
        for name in rotated(names, run_index):
            seconds[name].append(once(PROGRAMS[name]))
    start = seconds[EMPTY]
    own = {name: [s - e for s, e in zip(seconds[name], start, strict=True)] for name in names}
    rows = [Row(section, f"{EMPTY} (interpreter start)", spread_ms(start))]
    for name in names[1:]:
        measured = spread_ms(own[name]) + " over the empty start"
        baseline = CLEAN_BASE if name in (CLEAN_BASE, CLEAN_OURS) else BASE
        if name == baseline:
            rows.append(Row(section, name, measured, "1.00x (baseline)"))
            continue
        versus = ratios(own[name], own[baseline])
        ratio = spread(versus, "{:.2f}x") + f" of {baseline}"
        if name in (OURS, CLEAN_OURS):
            met = statistics.median(versus) <= TARGET
            target = f"≤ {TARGET}x httpx + attrs"
            rows.append(Row(section, name, measured, ratio, target, yes_no(met)))
        else:
            rows.append(Row(section, name, measured, ratio))
    return rows
