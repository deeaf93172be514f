"""Publishing the spec for other languages: the artifacts, the release, the TypeScript consumers.

These run the real scripts (and the Node tools pinned in package.json) as subprocesses. The gate
is tested in test_gate.py, the docs page in a browser in test_docs_in_browser.py.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from spec.family import OPERATIONS

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi" / "htx-linear-swap.yaml"
CHANGELOG = ROOT / "openapi" / "CHANGELOG.md"
PUBLISHED = ROOT / "openapi" / "published"
PUBLISH = ROOT / "scripts" / "publish-spec"
TS_CONSUMER = ROOT / "tests" / "consumers" / "typescript"
NODE_BIN = ROOT / "node_modules" / ".bin"
NAME = "htx-linear-swap"


def run(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run a script; stdout and stderr together, as a user would read them."""
    return subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
        timeout=180,
    )


def load_spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(SPEC.read_text(encoding="utf-8"), yaml.CSafeLoader)
    return loaded


def version_of(doc: dict[str, Any]) -> tuple[int, int, int]:
    major, minor, patch = (int(part) for part in doc["info"]["version"].split("."))
    return major, minor, patch


def external_refs(node: Any) -> list[str]:
    if isinstance(node, list):
        return [ref for item in node for ref in external_refs(item)]
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        refs = [ref for ref in own if not ref.startswith("#")]
        return refs + [ref for value in node.values() for ref in external_refs(value)]
    return []


# --- publish-spec -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def published(published_spec: Path) -> Path:
    return published_spec


def test_publish_writes_the_artifacts_and_the_changelog(published: Path) -> None:
    names = {path.name for path in published.iterdir()}
    assert names == {
        f"{NAME}.yaml",
        f"{NAME}.json",
        "index.html",
        "error-codes.json",
        "CHANGELOG.md",
        "versions",
    }
    assert (published / "CHANGELOG.md").read_bytes() == CHANGELOG.read_bytes()


def test_publish_keeps_every_previous_version_beside_the_new_one(published: Path) -> None:
    """dist/spec/versions/: each other released version, byte for byte, linked from the page."""
    version = load_spec()["info"]["version"]
    released = {path.name for path in PUBLISHED.glob("*.yaml")} - {f"{version}.yaml"}
    assert {"1.0.0.yaml", "1.1.0.yaml"} <= released
    kept = {path.name: path.read_bytes() for path in (published / "versions").iterdir()}
    assert kept == {name: (PUBLISHED / name).read_bytes() for name in released}
    page = (published / "index.html").read_text(encoding="utf-8")
    for name in released:
        assert f'href="versions/{name}"' in page


def test_bundle_is_self_contained_and_json_equals_yaml(published: Path) -> None:
    from_yaml = yaml.safe_load((published / f"{NAME}.yaml").read_text(encoding="utf-8"))
    from_json = json.loads((published / f"{NAME}.json").read_text(encoding="utf-8"))
    assert from_json == from_yaml
    assert external_refs(from_json) == []
    source = load_spec()
    assert from_json["info"] == source["info"]
    assert from_json["paths"].keys() == source["paths"].keys()
    assert source["components"]["schemas"].keys() <= from_json["components"]["schemas"].keys()
    for key in ("x-htx-error-codes", "x-rate-limit-pools"):
        assert from_json[key] == source[key]


def id_pairs(node: Any) -> list[tuple[Any, Any]]:
    """(order_id, order_id_str) of every object that carries both, anywhere under `node`."""
    if isinstance(node, list):
        return [pair for item in node for pair in id_pairs(item)]
    if isinstance(node, dict):
        own = (
            [(node["order_id"], node["order_id_str"])]
            if {"order_id", "order_id_str"} <= set(node)
            else []
        )
        return own + [pair for value in node.values() for pair in id_pairs(value)]
    return []


def example_values(doc: dict[str, Any]) -> list[Any]:
    """The value of every named example in the document."""
    found: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for name, value in node.items():
                if name == "examples" and isinstance(value, dict):
                    found.extend(item["value"] for item in value.values() if "value" in item)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(doc)
    return found


def _rounded(pairs: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [(number, text) for number, text in pairs if str(number) != text]


def test_every_example_id_is_exact_in_the_yaml_the_json_and_the_docs(published: Path) -> None:
    """Each example's `order_id` (an int64 beyond 2^53) reads as its `order_id_str`, digit for
    digit, in every published artifact: a bundler going through doubles would round it."""
    source_pairs = id_pairs(example_values(load_spec()))
    assert len(source_pairs) >= 6
    for name in (f"{NAME}.yaml", f"{NAME}.json"):
        text = (published / name).read_text(encoding="utf-8")
        doc = yaml.safe_load(text) if name.endswith(".yaml") else json.loads(text)
        pairs = id_pairs(example_values(doc))
        assert pairs == source_pairs, name
        assert _rounded(pairs) == [], name
        for _number, digits in pairs:
            assert re.search(rf"\border_id\b\W+{digits}\b", text), (name, digits)
    page = (published / "index.html").read_text(encoding="utf-8")
    shown = [
        json.loads(html.unescape(block))
        for block in re.findall(r"<pre><code>(.*?)</code></pre>", page, flags=re.DOTALL)
        if block.lstrip().startswith("{")
    ]
    docs_pairs = id_pairs(shown)
    assert _rounded(docs_pairs) == []
    assert sorted(docs_pairs) == sorted(source_pairs)


def test_the_id_check_sees_a_rounded_id() -> None:
    """The control: a pair as Redocly's bundle wrote it in 1.1.0."""
    rounded = {"order_id": 826052268312821800, "order_id_str": "826052268312821760"}
    assert _rounded(id_pairs([{"data": rounded}])) == [(826052268312821800, "826052268312821760")]


def test_error_codes_are_published_on_their_own_from_the_spec(published: Path) -> None:
    document = json.loads((published / "error-codes.json").read_text(encoding="utf-8"))
    source = load_spec()
    assert document["spec_version"] == source["info"]["version"]
    assert document["error_codes"] == source["x-htx-error-codes"]
    assert "open set" in document["description"]
    by_code = {item["code"]: item for item in document["error_codes"]}
    assert by_code[1071]["scope"] == "order"
    assert by_code[1032]["retryable"] is True


def test_docs_page_is_static(published: Path) -> None:
    """The operations are in the HTML itself, and nothing is loaded from anywhere (the browser
    test checks the same as a reader sees it)."""
    html = (published / "index.html").read_text(encoding="utf-8")
    for operation_id in OPERATIONS:
        assert f'id="op-{operation_id}"' in html
    assert "<script" not in html
    remote = re.findall(
        r"<(?:script|link|img|iframe)[^>]+(?:src|href)=\"(?:https?:)?//[^\"]*\"", html
    )
    assert remote == []
    assert re.findall(r'href="/', html) == [], "no root-absolute link (broken from file://)"


def test_publish_refuses_a_version_missing_from_the_changelog(tmp_path: Path) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text("# Changelog\n\n## 0.0.1\n\nSomething else.\n", encoding="utf-8")
    result = run(PUBLISH, "--out", tmp_path / "out", "--changelog", changelog)
    assert result.returncode != 0
    version = load_spec()["info"]["version"]
    assert f"no entry for info.version {version}" in result.stdout
    assert not (tmp_path / "out").exists()


def test_release_copies_the_spec_and_never_rewrites_a_published_version(tmp_path: Path) -> None:
    version = load_spec()["info"]["version"]
    published_dir = tmp_path / "published"
    out = tmp_path / "out"

    first = run(PUBLISH, "--out", out, "--release", "--published-dir", published_dir)
    assert first.returncode == 0, first.stdout
    assert (published_dir / f"{version}.yaml").read_bytes() == SPEC.read_bytes()

    tampered = SPEC.read_text(encoding="utf-8") + "# edited after release\n"
    (published_dir / f"{version}.yaml").write_text(tampered, encoding="utf-8")
    second = run(PUBLISH, "--out", out, "--release", "--published-dir", published_dir)
    assert second.returncode != 0
    assert "already published with different content" in second.stdout
    assert (published_dir / f"{version}.yaml").read_text(encoding="utf-8") == tampered


def test_the_working_spec_is_released() -> None:
    """The repository keeps the version it publishes: openapi/published/<info.version>.yaml
    exists once released, and no published version is newer than the working one."""
    versions = [tuple(int(p) for p in path.stem.split(".")) for path in PUBLISHED.glob("*.yaml")]
    assert versions, "nothing in openapi/published/: run scripts/publish-spec --release"
    assert max(versions) <= version_of(load_spec())


# --- the TypeScript consumers ---------------------------------------------------------------


def test_typescript_consumers_type_check_and_read_every_example(published: Path) -> None:
    """Run on the published bundle: openapi-typescript and @hey-api/openapi-ts types compile
    against code covering the ten operations, which then reads every example."""
    result = run(TS_CONSUMER / "check", published / f"{NAME}.yaml")
    assert result.returncode == 0, result.stdout
    summary = json.loads(next(line for line in result.stdout.splitlines() if line.startswith("{")))
    assert summary["problems"] == []
    assert summary["operations"] == summary["requests"] == 10
    assert summary["ok"] >= 10
    assert summary["error"] >= 10
    assert summary["ids"] >= 6, "order_id_str read from every placed and listed order"
    generated = (TS_CONSUMER / "generated" / f"{NAME}.d.ts").read_text(encoding="utf-8")
    assert "CancelTrailingOrdersEnvelope" in generated
    assert "[key: string]: unknown" in generated, "replies admit unknown fields"


def _hey_api_types(spec: Path, out: Path) -> str:
    result = run(
        NODE_BIN / "openapi-ts",
        "--input",
        spec,
        "--output",
        out,
        "--plugins",
        "@hey-api/typescript",
    )
    assert result.returncode == 0, result.stdout
    return (out / "types.gen.ts").read_text(encoding="utf-8")


def _renamed(types: str) -> list[str]:
    """Type names the generator suffixed with a number to dodge a clash."""
    return re.findall(r"^export type (\w*[A-Za-z]\d+) =", types, flags=re.MULTILINE)


def test_hey_api_names_nothing_with_a_suffix(published: Path, tmp_path: Path) -> None:
    types = _hey_api_types(published / f"{NAME}.yaml", tmp_path / "now")
    assert _renamed(types) == []
    names = set(re.findall(r"^export type (\w+) =", types, flags=re.MULTILINE))
    schemas = set(load_spec()["components"]["schemas"])
    assert schemas <= names, "every schema keeps its own name"
    assert {"CancelTrailingOrdersData", "CancelTrailingOrdersResponse"} <= names


def test_hey_api_suffix_check_would_catch_the_1_0_0_clash(tmp_path: Path) -> None:
    """The control: 1.0.0's CancelTrailingOrdersData made hey-api rename its own type."""
    types = _hey_api_types(PUBLISHED / "1.0.0.yaml", tmp_path / "old")
    assert _renamed(types) == ["CancelTrailingOrdersData2"]
