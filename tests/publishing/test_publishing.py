"""Publishing the spec for other languages: the artifacts, the TypeScript consumer, the gate.

These run the real scripts (and the Node tools pinned in package.json) as subprocesses.
openapi-diff takes a few seconds per comparison, so the gate's scenarios run concurrently, once.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi" / "htx-linear-swap.yaml"
CHANGELOG = ROOT / "openapi" / "CHANGELOG.md"
PUBLISHED = ROOT / "openapi" / "published"
PUBLISH = ROOT / "scripts" / "publish-spec"
GATE = ROOT / "scripts" / "check-spec-compat"
TS_CONSUMER = ROOT / "tests" / "consumers" / "typescript"
PATH = "/linear-swap-api/v1/swap_track_cancel"
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


# --- the breaking-change gate ----------------------------------------------------------------


def test_gate_passes_on_the_working_spec() -> None:
    """The repository's own state: the spec against openapi/published/. If this fails, the
    output says why (openapi-diff's explanation for a breaking change)."""
    result = run(GATE)
    assert result.returncode == 0, result.stdout
    assert "PASS" in result.stdout


def drop_reply_ts(doc: dict[str, Any]) -> None:
    """Breaking: `ts` is no longer in the processed reply (property and `required`)."""
    reply = doc["components"]["schemas"]["CancelTrailingOrdersReply"]
    del reply["properties"]["ts"]
    reply["required"].remove("ts")


def add_path(doc: dict[str, Any]) -> None:
    """Non-breaking (openapi-diff: path.add): a new operation."""
    operation = copy.deepcopy(doc["paths"][PATH])
    operation["post"]["operationId"] = "cancelTrailingOrdersAgain"
    doc["paths"][f"{PATH}_again"] = operation


def reword(doc: dict[str, Any]) -> None:
    """Wording only: openapi-diff reports no change, but the document differs."""
    doc["components"]["schemas"]["OrderCancelError"]["description"] += " Reworded."


Version = tuple[int, int, int]


def same(v: Version) -> str:
    return "{}.{}.{}".format(*v)


def patch_up(v: Version) -> str:
    return f"{v[0]}.{v[1]}.{v[2] + 1}"


def major_up(v: Version) -> str:
    return f"{v[0] + 1}.0.0"


@dataclass(frozen=True)
class Scenario:
    """The working spec: the repository's spec, changed, at `version`; the published directory:
    the repository's spec under each of `published` versions."""

    change: Callable[[dict[str, Any]], None] | None
    version: Callable[[Version], str]
    changelog_entry: bool = False
    published: Callable[[Version], list[str]] = lambda v: [same(v)]


SCENARIOS = {
    "breaking-same-version": Scenario(drop_reply_ts, same),
    "breaking-major-raised": Scenario(drop_reply_ts, major_up, changelog_entry=True),
    "additive-same-version": Scenario(add_path, same),
    "additive-patch-with-entry": Scenario(add_path, patch_up, changelog_entry=True),
    "additive-patch-without-entry": Scenario(add_path, patch_up),
    "reworded-same-version": Scenario(reword, same),
    "lower-than-published": Scenario(None, same, published=lambda v: [major_up(v)]),
    # Unchanged from the newest, X.10.0; comparing with X.9.0 instead would fail (no entry).
    "newest-by-semver": Scenario(
        None, lambda v: f"{v[0]}.10.0", published=lambda v: [f"{v[0]}.9.0", f"{v[0]}.10.0"]
    ),
}


@pytest.fixture(scope="module")
def gate(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess[str]]:
    """Every scenario in its own directory; the gate runs on all of them at once."""
    baseline = load_spec()
    base_version = version_of(baseline)
    commands: dict[str, list[str | Path]] = {}
    for name, scenario in SCENARIOS.items():
        directory = tmp_path_factory.mktemp(name)
        published_dir = directory / "published"
        published_dir.mkdir()
        for version in scenario.published(base_version):
            doc = copy.deepcopy(baseline)
            doc["info"]["version"] = version
            (published_dir / f"{version}.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
        working = copy.deepcopy(baseline)
        if scenario.change is not None:
            scenario.change(working)
        working["info"]["version"] = scenario.version(base_version)
        spec = directory / "spec.yaml"
        spec.write_text(yaml.safe_dump(working, sort_keys=False), encoding="utf-8")
        changelog = directory / "CHANGELOG.md"
        text = CHANGELOG.read_text(encoding="utf-8")
        if scenario.changelog_entry:
            text += f"\n## {working['info']['version']}\n\n- What changed.\n"
        changelog.write_text(text, encoding="utf-8")
        commands[name] = [GATE, "--spec", spec, "--published-dir", published_dir]
        commands[name] += ["--changelog", changelog]
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1)) as pool:
        futures = {name: pool.submit(run, *command) for name, command in commands.items()}
        return {name: future.result() for name, future in futures.items()}


def verdict(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stdout.splitlines() if line.startswith("check-spec-compat:")]
    return lines[-1]


def test_gate_fails_a_breaking_change_without_major_raise_with_the_diff(
    gate: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    result = gate["breaking-same-version"]
    assert result.returncode == 1, result.stdout
    # openapi-diff's own explanation, then the gate's summary and verdict.
    assert "Breaking changes found between the two specifications" in result.stdout
    assert '"code": "response.body.scope.add"' in result.stdout
    assert "FAIL: breaking changes" in verdict(result)
    assert f"raise info.version to {version_of(load_spec())[0] + 1}.0.0" in verdict(result)


def test_gate_passes_a_breaking_change_with_major_raise(
    gate: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    result = gate["breaking-major-raised"]
    assert result.returncode == 0, result.stdout
    assert "PASS: breaking changes" in verdict(result)


def test_gate_fails_an_additive_change_without_version_raise(
    gate: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    result = gate["additive-same-version"]
    assert result.returncode == 1, result.stdout
    assert '"code": "path.add"' in result.stdout
    assert "FAIL: the spec has non-breaking changes" in verdict(result)


def test_gate_passes_an_additive_change_with_patch_raise_and_changelog_entry(
    gate: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    result = gate["additive-patch-with-entry"]
    assert result.returncode == 0, result.stdout
    assert "PASS: non-breaking changes" in verdict(result)


def test_gate_requires_a_changelog_entry_for_the_raised_version(
    gate: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    result = gate["additive-patch-without-entry"]
    assert result.returncode == 1, result.stdout
    assert f"'## {patch_up(version_of(load_spec()))}' entry" in verdict(result)


def test_gate_fails_a_reworded_spec_without_version_raise(
    gate: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    result = gate["reworded-same-version"]
    assert result.returncode == 1, result.stdout
    assert "No changes found between the two specifications" in result.stdout
    assert "doesn't classify" in verdict(result)


def test_gate_fails_a_version_lower_than_published(
    gate: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    result = gate["lower-than-published"]
    assert result.returncode == 1, result.stdout
    assert "is lower than the published" in verdict(result)


def test_gate_orders_published_versions_by_semver(
    gate: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    result = gate["newest-by-semver"]
    assert result.returncode == 0, result.stdout
    assert f"is the published {version_of(load_spec())[0]}.10.0, unchanged" in verdict(result)
