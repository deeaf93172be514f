"""The processes a run starts: the sandbox (so this process's CPU time is the client's alone), and
htx-swap in child interpreters, this tree's code or the code at the revision "before" names."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks.harness import CONTRACT, BenchError
from htx_swap import Credentials

ROOT = Path(__file__).resolve().parent.parent
# Kept between runs, beside the interpreter whose modules it caches (`make clean` removes it):
# the bytecode of every module the children import, and the trees of the revisions measured.
CACHE = Path(sys.prefix) / "htx-bench"
DEFAULT_BEFORE = "8617263"  # issue 15's starting point
KEEP_TREES = 4


def bytecode_env() -> dict[str, str]:
    """Every module from bytecode, as after a pip install (this environment may forbid writing
    it: PYTHONDONTWRITEBYTECODE), cached in a private folder: the work tree stays clean."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(CACHE / "pycache")
    return env


def package_env() -> dict[str, str]:
    """This package importable, for `python -m benchmarks.<module>`: a server or a process whose
    start is not timed (so no bytecode_env: its modules need not be compiled into the cache)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


# --- the sandbox, in its own process --------------------------------------------------------------

_SANDBOX_MAIN = """
import json, sys
import htx_sandbox
with htx_sandbox.running(**json.loads(sys.argv[1])) as sandbox:
    keys = sandbox.credentials
    print(json.dumps({"base_url": sandbox.base_url, "host": sandbox.host,
                      "access_key": keys.access_key, "secret_key": keys.secret_key}), flush=True)
    sys.stdin.read()  # until the benchmark closes our stdin
"""


@dataclass(frozen=True)
class Server:
    """Where the contenders send: a sandbox, or a server that answers at once."""

    base_url: str
    host: str
    credentials: Credentials


@dataclass(frozen=True)
class SandboxProcess(Server):
    """A sandbox in a child process, driven through its `/_sandbox` admin API."""

    admin: httpx.Client

    def seed(self, count: int) -> list[str]:
        """Open `count` fresh orders in the contract; return their IDs."""
        reply = self.admin.post(
            "/_sandbox/orders", json={"contract_code": CONTRACT, "generate": count}
        )
        reply.raise_for_status()
        ids: list[str] = reply.json()["open"]
        return ids

    def reset(self) -> None:
        """Forget every request and order; start the rate-limit window afresh."""
        self.admin.post("/_sandbox/reset", json={}).raise_for_status()

    def stats(self) -> dict[str, Any]:
        reply = self.admin.get("/_sandbox/stats")
        reply.raise_for_status()
        stats: dict[str, Any] = reply.json()
        return stats

    def request_times(self) -> list[float]:
        reply = self.admin.get("/_sandbox/requests")
        reply.raise_for_status()
        return [record["time"] for record in reply.json()["requests"]]


@contextlib.contextmanager
def sandbox_process(
    verify: ssl.SSLContext | None = None, **options: Any
) -> Iterator[SandboxProcess]:
    """Run `htx_sandbox.running(**options)` in a child Python process while the block runs.

    `verify`: the TLS context the admin client trusts, for a sandbox serving HTTPS."""
    with child_process([sys.executable, "-c", _SANDBOX_MAIN, json.dumps(options)]) as line:
        info = json.loads(line)
        with httpx.Client(
            base_url=info["base_url"], timeout=60.0, verify=True if verify is None else verify
        ) as admin:
            yield SandboxProcess(
                base_url=info["base_url"],
                host=info["host"],
                credentials=Credentials(info["access_key"], info["secret_key"]),
                admin=admin,
            )


@contextlib.contextmanager
def child_process(command: list[str]) -> Iterator[str]:
    """A server in a child process while the block runs: its first line of output; it stops
    when its stdin closes."""
    child = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=package_env()
    )
    assert child.stdin is not None
    assert child.stdout is not None
    try:
        line = child.stdout.readline()
        if not line:
            raise BenchError(f"{command[:3]} exited with {child.wait()} before starting")
        yield line
    finally:
        child.stdin.close()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def refused_403(before: dict[str, Any], after: dict[str, Any]) -> tuple[int, int]:
    """(403 refusals, requests) between two sandbox stats readings."""
    refused = after["rejections"].get("403", 0) - before["rejections"].get("403", 0)
    return refused, after["requests"] - before["requests"]


# --- htx-swap in child interpreters ---------------------------------------------------------------


class Child:
    """htx-swap measured in a child interpreter: this tree's, or another revision's."""

    def __init__(self, tree: Path | None) -> None:
        self.env = bytecode_env()
        if tree is not None:
            # Not this tree's code: coverage (make test follows subprocesses) must not count it.
            self.env.pop("COVERAGE_ON_IMPORT", None)
            self.env["PYTHONPATH"] = os.pathsep.join(
                [str(tree / "wrapper"), str(tree / "generated")]
            )

    def run(self, command: dict[str, Any]) -> dict[str, Any]:
        """Run benchmarks/child.py (as a script: it imports htx-swap alone) with this command;
        its one JSON line."""
        completed = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("child.py"))],
            input=json.dumps(command),
            capture_output=True,
            text=True,
            env=self.env,
            timeout=600,
            check=False,
        )
        if completed.returncode != 0:
            raise BenchError(f"a child run failed: {completed.stderr[-2000:]}")
        reply: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
        return reply

    def cancel(
        self, client: str, server: Server, warmup: list[list[str]], chunks: list[list[str]]
    ) -> dict[str, Any]:
        """Cancel `chunks` one call each, after `warmup`: wall and CPU time, calls all settled."""
        keys = server.credentials
        return self.run(
            {
                "kind": "cancel",
                "client": client,
                "base_url": server.base_url,
                "access_key": keys.access_key,
                "secret_key": keys.secret_key,
                "warmup": warmup,
                "chunks": chunks,
            }
        )


def git(*args: str) -> str:
    """A git command in this repository; its output, stripped."""
    completed = subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise BenchError(f"git {' '.join(args)}: {completed.stderr.strip()[-500:]}")
    return completed.stdout.strip()


def resolve(rev: str) -> tuple[str, str]:
    """(full, short) commit names of `rev`; BenchError if git doesn't know it."""
    full = git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    return full, git("rev-parse", "--short", full)


def checkout(full: str) -> Path:
    """`wrapper/` and `generated/` at commit `full` (git archive), kept in CACHE: the same paths
    on every run, so their bytecode is cached too. Only the KEEP_TREES used last are kept."""
    tree = CACHE / f"tree-{full}"
    if not tree.is_dir():
        CACHE.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".scratch-", dir=CACHE))
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", "--format=tar", full, "wrapper", "generated"],
            capture_output=True,
            check=False,
        )
        if archive.returncode != 0:
            shutil.rmtree(scratch)
            raise BenchError(f"cannot read {full} from git: {archive.stderr.decode()[-500:]}")
        subprocess.run(["tar", "-x", "-C", str(scratch)], input=archive.stdout, check=True)
        try:
            scratch.rename(tree)
        except OSError:  # another run put it there first
            shutil.rmtree(scratch, ignore_errors=True)
    tree.touch()  # used now
    for old in sorted(CACHE.glob("tree-*"), key=lambda path: path.stat().st_mtime)[:-KEEP_TREES]:
        shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(CACHE / "pycache" / str(old).lstrip(os.sep), ignore_errors=True)
    return tree
