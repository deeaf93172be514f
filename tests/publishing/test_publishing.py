"""Publishing the spec for other languages: the artifacts and the TypeScript consumer.

These run the real scripts (and the Node tools pinned in package.json) as subprocesses. The gate
is tested in test_gate.py.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi" / "htx-linear-swap.yaml"
CHANGELOG = ROOT / "openapi" / "CHANGELOG.md"
PUBLISHED = ROOT / "openapi" / "published"
PUBLISH = ROOT / "scripts" / "publish-spec"
TS_CONSUMER = ROOT / "tests" / "consumers" / "typescript"
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
    loaded: dict[str, Any] = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
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
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out") / "spec"
    result = run(PUBLISH, "--out", out, cwd=tmp_path_factory.getbasetemp())  # any cwd works
    assert result.returncode == 0, result.stdout
    return out


def test_publish_writes_the_three_artifacts_and_the_changelog(published: Path) -> None:
    names = {path.name for path in published.iterdir()}
    assert names == {f"{NAME}.yaml", f"{NAME}.json", "index.html", "CHANGELOG.md"}
    assert (published / "CHANGELOG.md").read_bytes() == CHANGELOG.read_bytes()


def test_bundle_is_self_contained_and_json_equals_yaml(published: Path) -> None:
    from_yaml = yaml.safe_load((published / f"{NAME}.yaml").read_text(encoding="utf-8"))
    from_json = json.loads((published / f"{NAME}.json").read_text(encoding="utf-8"))
    assert from_json == from_yaml
    assert external_refs(from_json) == []
    source = load_spec()
    assert from_json["info"] == source["info"]
    assert from_json["paths"].keys() == source["paths"].keys()
    assert source["components"]["schemas"].keys() <= from_json["components"]["schemas"].keys()


def test_docs_page_is_readable_offline(published: Path) -> None:
    html = (published / "index.html").read_text(encoding="utf-8")
    # Prerendered (the operation is in the page itself) and Redoc's scripts inlined.
    assert "Cancel a Trailing Order" in html
    assert "CancelTrailingOrdersReply" in html
    remote = re.findall(r"<(?:script|link)[^>]+(?:src|href)=\"(?:https?:)?//[^\"]*\"", html)
    assert remote == []


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


# --- the TypeScript consumer ----------------------------------------------------------------


def test_typescript_consumer_type_checks() -> None:
    result = run(TS_CONSUMER / "check")
    assert result.returncode == 0, result.stdout
    generated = (TS_CONSUMER / "generated" / f"{NAME}.d.ts").read_text(encoding="utf-8")
    assert "CancelTrailingOrdersReply" in generated
    assert 'status: "ok"' in generated
    assert 'status: "error"' in generated
