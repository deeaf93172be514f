"""Prism (`@stoplight/prism-cli`, pinned in package.json) as a validating proxy, and the audit
that turns anything it reports into a test failure.

How Prism reports in proxy mode with `--errors` (checked against 5.14.2):

- a request that violates the spec is not forwarded: Prism answers 422 (or 401 for missing
  security parameters) with an `application/problem+json` body listing the violations;
- a reply that violates the spec at severity "error" is replaced by a 500
  `application/problem+json` of type `.../errors#VIOLATIONS`, with an `sl-violations` header;
- a reply whose status the spec doesn't list (a severity "warning") is passed on with an
  `sl-violations` header;
- a reply Prism can't read (a JSON body cut short) becomes a 500 problem of type `FetchError`;
- each of these also leaves a log line: `Violation: ...` or `Request terminated with error: ...`.

Two of them are expected when the sandbox injects faults, and only then: the 502 gateway page
(the spec documents 429 but no 5xx; a 5XX response in the spec would make it clean), and the JSON
body cut short (the junk fault, unparseable by design). The audit counts those and checks them
against the faults the sandbox says it injected; everything else is a violation.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import attrs
import httpx

from htx_sandbox import Sandbox
from htx_sandbox import running as running_sandbox  # bound now: tests may patch htx_sandbox.running

from .scope import spec_for_the_sandbox

ROOT = Path(__file__).parents[2]
PRISM = ROOT / "node_modules" / ".bin" / "prism"
STARTUP_TIMEOUT = 60.0
LOG_TIMEOUT = 10.0

# Faults whose replies Prism flags, and how each shows.
BAD_GATEWAY = "bad_gateway"
JUNK = "junk_after_apply"
_UNDOCUMENTED_STATUS = "Unable to match the returned status code"
_UNREADABLE_JSON = "invalid json response body"


class ContractViolation(AssertionError):
    """Prism found a request or a reply that the spec does not allow."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Prism:
    """A running `prism proxy` in front of `upstream_port` on loopback."""

    port: int
    upstream_port: int
    log_path: Path
    process: subprocess.Popen[bytes]

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def log_since(self, offset: int) -> list[str]:
        """Prism's log lines from `offset` on, once every earlier request is logged.

        A marker request goes through Prism after the test's own; its line appearing in the log
        means every line before it is there too.
        """
        marker = f"/_contract/flush-{uuid.uuid4().hex}"
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(f"{self.url}{marker}", timeout=LOG_TIMEOUT)
        deadline = time.monotonic() + LOG_TIMEOUT
        while True:
            with self.log_path.open("rb") as log:
                log.seek(offset)
                text = log.read().decode("utf-8", "replace")
            if marker in text or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        return [line for line in text.splitlines() if "/_contract/flush-" not in line]

    @contextlib.contextmanager
    def sandbox(self, **options: object) -> Iterator[Sandbox]:
        """A fresh sandbox behind this Prism: its base URL and host are Prism's.

        Each one listens on the port Prism forwards to, so one Prism serves a module's sandboxes
        in turn; the sandbox verifies signatures against Prism's host, the one clients sign for.
        """
        with running_sandbox(
            port=self.upstream_port,
            public_host=self.host,
            **options,  # type: ignore[arg-type]
        ) as running:
            yield attrs.evolve(running, base_url=self.url, host=self.host)


@contextlib.contextmanager
def running_prism(log_path: Path) -> Iterator[Prism]:
    """Start `prism proxy SPEC upstream --errors` on a free port; stop it afterwards.

    SPEC is the spec restricted to the operations the sandbox serves (`scope.py`): a request for
    another one is refused by Prism instead of reaching a sandbox that doesn't know it.
    """
    if not PRISM.exists():
        raise RuntimeError(f"{PRISM} is missing: run `npm ci` (make test does)")
    spec = spec_for_the_sandbox(log_path.with_name("sandbox-spec.yaml"))
    port, upstream_port = free_port(), free_port()
    env = {**os.environ, "NO_UPDATE_NOTIFIER": "1", "NO_COLOR": "1", "FORCE_COLOR": "0"}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                str(PRISM), "proxy", str(spec), f"http://127.0.0.1:{upstream_port}",
                "--errors", "-h", "127.0.0.1", "-p", str(port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
        )  # fmt: skip
    try:
        _wait_listening(process, port, log_path)
        yield Prism(port, upstream_port, log_path, process)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_listening(process: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"prism exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"prism did not listen within {STARTUP_TIMEOUT} s") from None
            time.sleep(0.05)
        else:
            return


def classify(status: int, headers: httpx.Headers, body: bytes) -> str | None:
    """None for a clean reply; the fault that explains a flagged one; raise for a violation."""
    flagged = headers.get("sl-violations")
    problem = headers.get("content-type", "").startswith("application/problem+json")
    if not flagged and not problem:
        return None
    if flagged and not problem and status == 502:
        found = json.loads(flagged)
        if all(_UNDOCUMENTED_STATUS in str(v.get("message", "")) for v in found):
            return BAD_GATEWAY
    if problem and not flagged and status == 500:
        document = json.loads(body)
        if document.get("type") == "FetchError" and _UNREADABLE_JSON in document.get("title", ""):
            return JUNK
    details = flagged or body.decode("utf-8", "replace")
    raise ContractViolation(f"Prism flagged an HTTP {status} reply: {details}")


def classify_log_line(line: str) -> str | None:
    """Like `classify`, for one line of Prism's log."""
    if "Violation:" not in line and "Request terminated with error" not in line:
        return None
    if "Violation:" in line and _UNDOCUMENTED_STATUS in line:
        return BAD_GATEWAY
    if "Request terminated with error: FetchError" in line and _UNREADABLE_JSON in line:
        return JUNK
    raise ContractViolation(f"Prism logged: {line.strip()}")


@dataclass
class Audit:
    """What Prism said about one test's traffic."""

    prism: Prism
    start: int
    explained: Counter[str] = field(default_factory=Counter)
    violations: list[str] = field(default_factory=list)

    def record(self, status: int, headers: httpx.Headers, body: bytes) -> None:
        """Judge one reply the client got; raise at once on a violation."""
        try:
            fault = classify(status, headers, body)
        except ContractViolation as violation:
            self.violations.append(str(violation))
            raise
        if fault is not None:
            self.explained[fault] += 1

    def on_response(self, response: httpx.Response) -> None:
        """An httpx response hook for a sync client."""
        self.record(response.status_code, response.headers, response.read())

    async def on_response_async(self, response: httpx.Response) -> None:
        """An httpx response hook for an async client."""
        self.record(response.status_code, response.headers, await response.aread())

    def problems(self, injected: Counter[str]) -> list[str]:
        """Every violation in the replies and in Prism's log, and flags no fault explains."""
        problems = list(self.violations)
        logged: Counter[str] = Counter()
        for line in self.prism.log_since(self.start):
            try:
                fault = classify_log_line(line)
            except ContractViolation as violation:
                problems.append(str(violation))
            else:
                if fault is not None:
                    logged[fault] += 1
        for fault in (BAD_GATEWAY, JUNK):
            seen = max(self.explained[fault], logged[fault])
            if seen > injected[fault]:
                problems.append(
                    f"Prism flagged {seen} {fault} replies but the sandbox injected "
                    f"{injected[fault]}"
                )
        return problems
