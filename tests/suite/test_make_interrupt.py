"""Ctrl-C on `make test` stops both lanes of the pytest target and leaves no temp log behind.
The `alone` lane is a background job of the recipe's shell, which a non-interactive sh (dash
here) starts with SIGINT ignored, and Python keeps an ignored SIGINT ignored: without its own
process group and the recipe's trap, it would run on as an orphan with the sandboxes it started.

The recipe is taken from the Makefile as written, with the lanes' command replaced by a stand-in
that records its pid and sleeps (ignoring SIGINT, as the lane may while it starts)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FAKE = """
import os, sys, time
lane = "alone" if "alone" in sys.argv[1:3] else "parallel"
with open(os.path.join({dir!r}, lane + ".pid"), "w") as f:
    f.write(str(os.getpid()))
time.sleep(30)
"""


def _recipe() -> list[str]:
    lines = (ROOT / "Makefile").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("\talone_log="))
    end = next(i for i in range(start, len(lines)) if lines[i].strip() == "exit $$status")
    return lines[start : end + 1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is gone for our purpose
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[1].startswith("Z"))


def test_ctrl_c_stops_both_lanes_and_leaves_no_temp_log(tmp_path: Path) -> None:
    fake = tmp_path / "fake.py"
    fake.write_text(FAKE.format(dir=str(tmp_path)))
    temp = tmp_path / "tmp"
    temp.mkdir()
    makefile = tmp_path / "Makefile"
    makefile.write_text(
        f"COVERED := {sys.executable} {fake}\nPYTEST_WORKERS := 2\n\nt:\n"
        + "\n".join(_recipe())
        + "\n"
    )
    make = subprocess.Popen(
        ["make", "-s", "-f", str(makefile), "t"],
        cwd=tmp_path,
        env={**os.environ, "TMPDIR": str(temp)},
        start_new_session=True,  # its own process group: the terminal's, for Ctrl-C
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    alone_pid_file = tmp_path / "alone.pid"
    try:
        deadline = time.monotonic() + 10
        while not (alone_pid_file.exists() and (tmp_path / "parallel.pid").exists()):
            assert time.monotonic() < deadline, "the lanes did not start"
            time.sleep(0.05)
        time.sleep(0.2)
        os.killpg(make.pid, signal.SIGINT)  # Ctrl-C: the whole foreground group
        make.wait(10)
        alone = int(alone_pid_file.read_text())
        time.sleep(1)
        orphaned = _alive(alone)
        leftover = list(temp.iterdir())
    finally:
        for name in ("alone.pid", "parallel.pid"):
            with __import__("contextlib").suppress(Exception):
                os.kill(int((tmp_path / name).read_text()), signal.SIGKILL)
        if make.poll() is None:
            make.kill()
    assert make.returncode != 0
    assert not orphaned, "the alone lane runs on after Ctrl-C"
    assert leftover == [], leftover
