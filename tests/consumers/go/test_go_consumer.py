"""A Go consumer that compiles and runs: openapi-generator's Go client, generated from the
published document with the README's command, built with Debian's Go, used by `consumer.go`.

Offline: the client's one third-party module (`gopkg.in/validator.v2`, for its `oneOf` envelopes)
comes from Debian's `golang-gopkg-validator.v2-dev` (the Makefile installs it with `golang`), and
the build runs in GOPATH mode with the module proxy off.

The program decodes every reply example of the spec into its operation's envelope, then the same
examples with unknown fields added at each level, and makes a signed live call to the sandbox
(list, then cancel) with a signer written from the document's "Signing" section.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from spec.family import load_spec

from consumers.replies import OPERATIONS, cases, check, reply_examples

if TYPE_CHECKING:
    from htx_sandbox._server import Sandbox

HERE = Path(__file__).resolve().parent
GENERATOR = Path(sys.executable).parent / "openapi-generator-cli"
GO = shutil.which("go") or "/usr/bin/go"
DEBIAN_GOPATH = Path("/usr/share/gocode")
SPEC = load_spec()


def _go_env(gopath: Path) -> dict[str, str]:
    return {
        **os.environ,
        "GO111MODULE": "off",  # GOPATH mode: packages from the tree and Debian's, no module proxy
        "GOPATH": f"{gopath}{os.pathsep}{DEBIAN_GOPATH}",
        "GOPROXY": "off",
        "GOFLAGS": "",
        "GOTOOLCHAIN": "local",
        "CGO_ENABLED": "0",
    }


@pytest.fixture(scope="module")
def consumer(published_spec: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The consumer, built: the generated client as package `htxswap`, the program beside it."""
    assert Path(GO).exists(), "make test installs Debian's golang"
    assert (DEBIAN_GOPATH / "src" / "gopkg.in" / "validator.v2").is_dir(), (
        "make test installs Debian's golang-gopkg-validator.v2-dev"
    )
    work = tmp_path_factory.mktemp("go")
    out = work / "out" / "go"
    generated = subprocess.run(
        # The README's command: `generate -i <bundle> -g go -o out/go`, nothing else.
        [str(GENERATOR), "generate", "-i", str(published_spec / "htx-linear-swap.yaml"),
         "-g", "go", "-o", str(out)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert generated.returncode == 0, generated.stdout[-3000:] + generated.stderr[-3000:]
    gopath = work / "gopath"
    package = gopath / "src" / "htxswap"
    package.mkdir(parents=True)
    for source in out.glob("*.go"):  # the client package (its generated tests need testify)
        shutil.copy(source, package)
    program = gopath / "src" / "consumer"
    program.mkdir(parents=True)
    shutil.copy(HERE / "consumer.go", program)
    binary = work / "consumer"
    built = subprocess.run(
        [GO, "build", "-o", str(binary), "."],
        cwd=program, env=_go_env(gopath), capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return binary


def _run(binary: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    result = subprocess.run(
        [str(binary), *args], capture_output=True, text=True, check=False, timeout=120,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def decoded(consumer: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    every = cases()
    path = tmp_path_factory.mktemp("examples") / "examples.json"
    path.write_text(json.dumps(every), encoding="utf-8")
    results = _run(consumer, "decode", str(path))
    assert [result["label"] for result in results] == [case["label"] for case in every]
    return {result["label"]: (case, result) for case, result in zip(every, results, strict=True)}


def test_every_reply_example_decodes_into_its_branch(decoded: dict[str, Any]) -> None:
    plain = [item for item in decoded.values() if "plain" not in item[0]]
    assert len(plain) == sum(1 for _ in reply_examples()) >= 20
    assert {case["operation"] for case, _ in plain} == set(OPERATIONS)
    for case, result in plain:
        check(case, result)
    ids = [pair for _, result in plain for pair in result["ids"]]
    assert len(ids) >= 6


def test_unknown_fields_at_every_level_decode_the_same(decoded: dict[str, Any]) -> None:
    extended = [item for item in decoded.values() if "plain" in item[0]]
    assert len(extended) >= 60
    assert any("/data/orders/0" in case["label"] for case, _ in extended)
    assert any("/data/errors/0" in case["label"] for case, _ in extended)
    for case, result in extended:
        check(case, result)


def test_a_reply_of_the_wrong_shape_is_an_error_not_a_branch(
    consumer: Path, tmp_path: Path
) -> None:
    """The control: the decode can fail (ok status with an error body; an unknown status)."""
    bad = [
        {"operation": "cancelTrailingOrders", "label": "ok-with-error-body",
         "body": {"status": "ok", "err_code": 1051, "err_msg": "x", "ts": 1}},
        {"operation": "cancelTrailingOrders", "label": "unknown-status",
         "body": {"status": "maybe", "err_code": 1051, "err_msg": "x", "ts": 1}},
    ]  # fmt: skip
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    results = _run(consumer, "decode", str(path))
    assert [bool(result.get("error")) for result in results] == [True, True]


def test_the_signer_reproduces_the_documents_worked_example(consumer: Path) -> None:
    description = SPEC["info"]["description"]
    expected = re.search(r"The expected Signature: `([^`]+)`", description)
    assert expected is not None
    signed = _run(consumer, "sign")
    assert signed["Signature"] == expected.group(1)
    assert signed["Timestamp"] == "2019-11-21T10:00:00"


def test_a_signed_live_list_and_cancel_against_the_sandbox(
    consumer: Path, htx_sandbox: Sandbox
) -> None:
    open_before = htx_sandbox.control.open_ids(htx_sandbox.contract_code, margin_mode="isolated")
    assert len(open_before) >= 2
    report = _run(
        consumer,
        "live",
        env={
            "HTX_BASE_URL": htx_sandbox.base_url,
            "HTX_ACCESS_KEY": htx_sandbox.credentials.access_key,
            "HTX_SECRET_KEY": htx_sandbox.credentials.secret_key,
            "HTX_CONTRACT_CODE": htx_sandbox.contract_code,
        },
    )
    assert "error" not in report, report
    assert set(report["listed"]) == open_before
    assert report["total_size"] == len(open_before)
    first = report["listed"][0]
    assert report["successes"] == first
    assert report["errors"] == []
    assert first in htx_sandbox.control.cancelled_ids(
        htx_sandbox.contract_code, margin_mode="isolated"
    )
    assert htx_sandbox.control.open_ids(
        htx_sandbox.contract_code, margin_mode="isolated"
    ) == open_before - {first}


def test_enum_members_carry_the_documents_names(consumer: Path) -> None:
    """`x-enum-varnames` reach the Go code: `BUY_LONG`, not `_1`; unique across the package,
    so the README's command (no enum prefix) compiles (1.1.0's declared `_0`, `_1`, `OPEN` and
    `CLOSE` twice)."""
    models = consumer.parent / "out" / "go"
    trade_type = (models / "model_trade_type.go").read_text(encoding="utf-8")
    assert re.search(r"\bBUY_LONG\s+TradeType\s*=\s*1\b", trade_type)
    assert re.search(r"\bSELL_ONE_WAY\s+TradeType\s*=\s*18\b", trade_type)
    offsets = (models / "model_cancel_all_offset.go").read_text(encoding="utf-8")
    assert re.search(r'\bOPENING_ORDERS\s+CancelAllOffset\s*=\s*"open"', offsets)
    constants = re.findall(
        r"^\t(\w+)\s+\w+\s*=",
        "".join(p.read_text(encoding="utf-8") for p in models.glob("model_*.go")),
        flags=re.MULTILINE,
    )
    assert len(constants) >= 30
    assert not [name for name in constants if re.fullmatch(r"_?\d+|NUMBER_\d+", name)]
