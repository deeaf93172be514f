"""A Rust consumer that compiles and runs: openapi-generator's Rust models, generated from the
published document with the README's command (`-g rust`), built by Debian's cargo and rustc
offline from Debian's crates (`librust-serde-dev`, `-serde-json-dev`, `-serde-repr-dev`; the
Makefile installs them), used by `src/main.rs`.

The models are what a Rust team decodes replies with; the generated `apis/` need reqwest 0.13,
which Debian doesn't ship, so this builds the models (the Go consumer makes the live call). The
program decodes every reply example of the spec into its operation's envelope, then the same
examples with unknown fields added at each level. With 1.1.0's discriminator on `status`, serde's
tagged union read the ok branch's `status` as ErrorStatus and no reply decoded.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from consumers.replies import OPERATIONS, cases, check, reply_examples

HERE = Path(__file__).resolve().parent
GENERATOR = Path(sys.executable).parent / "openapi-generator-cli"
# Debian's toolchain and crates, not a rustup one that may come first on PATH.
CARGO = Path("/usr/bin/cargo")
RUSTC = Path("/usr/bin/rustc")
DEBIAN_CRATES = Path("/usr/share/cargo/registry")
TARGET_CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "htx-swap" / "rust-consumer"
)
OFFLINE_CONFIG = f"""\
[source.crates-io]
replace-with = "debian"
[source.debian]
directory = "{DEBIAN_CRATES}"
[net]
offline = true
"""


@pytest.fixture(scope="module")
def consumer(published_spec: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert CARGO.exists(), "make test installs Debian's cargo"
    assert RUSTC.exists(), "make test installs Debian's rustc"
    work = tmp_path_factory.mktemp("rust")
    out = work / "out" / "rust"
    generated = subprocess.run(
        # The README's command, for Rust: `generate -i <bundle> -g rust -o out/rust`.
        [str(GENERATOR), "generate", "-i", str(published_spec / "htx-linear-swap.yaml"),
         "-g", "rust", "-o", str(out)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert generated.returncode == 0, generated.stdout[-3000:] + generated.stderr[-3000:]
    crate = work / "crate"
    (crate / "src").mkdir(parents=True)
    shutil.copy(HERE / "Cargo.toml", crate)
    shutil.copy(HERE / "src" / "main.rs", crate / "src")
    shutil.copytree(out / "src" / "models", crate / "src" / "models")
    (crate / ".cargo").mkdir()
    (crate / ".cargo" / "config.toml").write_text(OFFLINE_CONFIG, encoding="utf-8")
    env = {
        **os.environ,
        "CARGO_HOME": str(work / "cargo-home"),  # no user config, no registry cache
        # Compiled crates kept between runs, as Go keeps its build cache: serde and its macros
        # take about a minute to build on two cores, the consumer itself seconds.
        "CARGO_TARGET_DIR": str(TARGET_CACHE),
        "RUSTC": str(RUSTC),
        "CARGO_BUILD_JOBS": "2",
        "RUSTFLAGS": "-A warnings",
    }
    built = subprocess.run(
        [str(CARGO), "build", "--offline", "--quiet"],
        cwd=crate, env=env, capture_output=True, text=True, check=False, timeout=900,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    binary = work / "htx-consumer"
    shutil.copy(TARGET_CACHE / "debug" / "htx-consumer", binary)
    return binary


@pytest.fixture(scope="module")
def decoded(consumer: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    every = cases()
    path = tmp_path_factory.mktemp("examples") / "examples.json"
    path.write_text(json.dumps(every), encoding="utf-8")
    result = subprocess.run(
        [str(consumer), str(path)], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    results = json.loads(result.stdout)
    assert [item["label"] for item in results] == [case["label"] for case in every]
    return {item["label"]: (case, item) for case, item in zip(every, results, strict=True)}


def test_every_reply_example_decodes_into_its_branch(decoded: dict[str, Any]) -> None:
    plain = [item for item in decoded.values() if "plain" not in item[0]]
    assert len(plain) == sum(1 for _ in reply_examples()) >= 20
    assert {case["operation"] for case, _ in plain} == set(OPERATIONS)
    for case, result in plain:
        check(case, result)
    assert len([pair for _, result in plain for pair in result["ids"]]) >= 6


def test_unknown_fields_at_every_level_decode_the_same(decoded: dict[str, Any]) -> None:
    extended = [item for item in decoded.values() if "plain" in item[0]]
    assert len(extended) >= 60
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
    result = subprocess.run(
        [str(consumer), str(path)], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert [bool(item.get("error")) for item in json.loads(result.stdout)] == [True, True]


def test_enum_members_carry_the_documents_names(consumer: Path) -> None:
    """`x-enum-varnames` reach the Rust code: `BUY_LONG = 1`, not `Variant1`."""
    models = consumer.parent / "out" / "rust" / "src" / "models"
    trade_type = (models / "trade_type.rs").read_text(encoding="utf-8")
    assert re.search(r"\bBUY_LONG\s*=\s*1\b", trade_type)
    assert "Variant" not in trade_type
