"""8a. Time to cancel: a fresh process cancelling 10 IDs over TLS, the command against ccxt."""

from __future__ import annotations

import json
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.contenders import CCXT_PATH, CCXT_VERSION
from benchmarks.harness import (
    CHUNK,
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
from benchmarks.processes import SandboxProcess, bytecode_env, refused_403, sandbox_process

# ccxt in a fresh process: one 10-ID cancel over TLS, exit status 0 only if all 10 were
# cancelled. ccxt's requests session ignores the environment unless `requests_trust_env`: with
# it, requests trusts REQUESTS_CA_BUNDLE (the test CA), verifying as always.
_CCXT_CANCEL_MAIN = r"""
import json, sys
import ccxt
info = json.loads(sys.argv[1])
exchange = ccxt.htx({"apiKey": info["access_key"], "secret": info["secret_key"],
                     "enableRateLimit": False, "requests_trust_env": True})
exchange.urls["hostnames"]["contract"] = info["host"]
exchange.urls["api"]["contract"] = "https://{hostname}"
reply = exchange.request(info["path"], ["contract", "private"], "POST",
                         {"contract_code": info["contract"], "order_id": ",".join(info["ids"])})
successes = (reply.get("data") or {}).get("successes", "").split(",")
sys.exit(0 if reply.get("status") == "ok" and len(successes) == len(info["ids"]) else 1)
"""

CLI = "htx-swap trailing cancel"
CCXT_PROCESS = f"ccxt {CCXT_VERSION} htx, request()"
SECTION = "8a. Time to cancel: a fresh process, 10 IDs over TLS (wall time to exit)"


def command(name: str, sandbox: SandboxProcess, ids: list[str]) -> list[str]:
    if name == CLI:
        return [
            str(Path(sys.executable).with_name("htx-swap")),
            *("trailing", "cancel", "--contract-code", CONTRACT),
            *("--base-url", sandbox.base_url, *ids),
        ]
    keys = sandbox.credentials
    info = {
        "access_key": keys.access_key,
        "secret_key": keys.secret_key,
        "host": sandbox.host,
        "path": CCXT_PATH,
        "contract": CONTRACT,
        "ids": ids,
    }
    return [sys.executable, "-c", _CCXT_CANCEL_MAIN, json.dumps(info)]


def run(bench: Run) -> list[Row]:
    import trustme

    authority = trustme.CA()
    names = [CLI, CCXT_PROCESS]
    walls: dict[str, list[float]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory(prefix="htx-bench-tls-") as scratch:
        folder = Path(scratch)
        served = authority.issue_cert("127.0.0.1")
        cert, key, bundle = folder / "cert.pem", folder / "key.pem", folder / "ca.pem"
        served.private_key_and_cert_chain_pem.write_to_path(str(cert))
        served.private_key_pem.write_to_path(str(key))
        authority.cert_pem.write_to_path(str(bundle))
        trusting = ssl.create_default_context()
        authority.configure_trust(trusting)
        with sandbox_process(
            verify=trusting, rate=None, ssl_certfile=str(cert), ssl_keyfile=str(key)
        ) as sandbox:
            keys = sandbox.credentials
            env = bytecode_env() | {
                "SSL_CERT_FILE": str(bundle),  # httpx's default context reads it
                "REQUESTS_CA_BUNDLE": str(bundle),  # requests' (ccxt's)
                "HTX_ACCESS_KEY": keys.access_key,
                "HTX_SECRET_KEY": keys.secret_key or "",
            }

            def once(name: str) -> float:
                ids = sandbox.seed(CHUNK)
                started = time.perf_counter()
                completed = subprocess.run(
                    command(name, sandbox, ids),
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                took = time.perf_counter() - started
                if completed.returncode != 0:
                    bench.failures.append(
                        f"{SECTION}: {name} exited {completed.returncode}: "
                        f"{completed.stderr[-500:]}"
                    )
                return took

            if bench.settings.warm_up:  # bytecode written, files in the page cache
                for name in names:
                    once(name)
            stats = sandbox.stats()
            for run_index in range(bench.settings.cancel_runs):
                progress(f"time to cancel (a): run {run_index + 1}")
                for name in rotated(names, run_index):
                    walls[name].append(once(name))
            refused, requests = refused_403(stats, sandbox.stats())
    versus = ratios(walls[CLI], walls[CCXT_PROCESS])
    refusals = f"{refused} of {requests}"
    return [
        Row(
            SECTION,
            f"{CLI} (SSL_CERT_FILE names the test CA)",
            spread_ms(walls[CLI]),
            spread(versus, "{:.2f}x") + " of ccxt",
            "≤ ccxt's",
            yes_no(statistics.median(versus) <= 1.0),
            refused=refusals,
        ),
        Row(
            SECTION,
            f"{CCXT_PROCESS} (REQUESTS_CA_BUNDLE names the test CA)",
            spread_ms(walls[CCXT_PROCESS]),
            refused=refusals,
        ),
    ]
