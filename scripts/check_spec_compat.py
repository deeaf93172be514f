"""The breaking-change gate: the working spec against the newest published version.

Run it as ``scripts/check-spec-compat`` (which picks the project's .venv). It compares
``openapi/htx-linear-swap.yaml`` with the newest ``openapi/published/<version>.yaml`` (semver
order) using the pinned ``openapi-diff`` (npm) and decides:

- same content (parsed, so comments and quoting don't count): pass;
- ``info.version`` lower than the published one: fail;
- breaking changes (openapi-diff's verdict): fail, with openapi-diff's explanation, unless the
  major version was raised (and the changelog has an entry for the new version);
- any other change (non-breaking, unclassified, or one openapi-diff doesn't classify, such as a
  description): the version must be raised (patch at least) and ``openapi/CHANGELOG.md`` must
  have an entry for it, so one published version always names one document. (A raised version
  without its entry fails at once, before openapi-diff runs: every outcome needs the entry.)

Exit status: 0 pass, 1 fail, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "check-spec-compat:"
SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")

# What each openapi-diff code means for a client, in one line.
HINTS = {
    "response.body.scope.add": "replies may now take shapes the published spec ruled out "
    "(e.g. a required field became optional or was removed): clients relying on it break",
    "request.body.scope.remove": "requests the published spec accepted are now invalid",
    "path.remove": "an operation's path was removed",
    "method.remove": "an operation was removed",
    "response.status-code.remove": "a documented response status was removed",
    "request.parameter.required.add": "a parameter is now required",
    "request.parameter.add": "a parameter was added that clients must now consider",
}


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version | None:
        match = SEMVER.fullmatch(text.strip())
        if match is None:
            return None
        return cls(*(int(part) for part in match.groups()))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


@dataclass(frozen=True)
class Diff:
    """openapi-diff's verdict: 'breaking', 'non-breaking' or 'none', with its output."""

    verdict: str
    output: str
    report: dict[str, Any]


class GateError(Exception):
    """A failure the gate reports as its verdict."""


def say(line: str) -> None:
    print(f"{PREFIX} {line}", flush=True)


def load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise GateError(f"cannot read {path}: {exc}") from exc


def spec_version(doc: Any, path: Path) -> Version:
    raw = doc.get("info", {}).get("version") if isinstance(doc, dict) else None
    version = Version.parse(str(raw)) if raw is not None else None
    if version is None:
        raise GateError(f"info.version {raw!r} in {path} is not MAJOR.MINOR.PATCH")
    return version


def newest_published(directory: Path) -> tuple[Version, Path] | None:
    found: list[tuple[Version, Path]] = []
    for path in directory.glob("*.yaml") if directory.is_dir() else ():
        version = Version.parse(path.stem)
        if version is None:
            say(f"note: ignoring {path.name} (not <MAJOR.MINOR.PATCH>.yaml)")
        else:
            found.append((version, path))
    return max(found) if found else None


def has_changelog_entry(changelog: Path, version: Version) -> bool:
    if not changelog.is_file():
        return False
    heading = re.compile(rf"^##\s+\[?v?{re.escape(str(version))}\]?(\s|$)", re.MULTILINE)
    return heading.search(changelog.read_text(encoding="utf-8")) is not None


def run_openapi_diff(tool: Path, published: Path, working: Path) -> Diff:
    if not os.access(tool, os.X_OK):
        raise GateError(f"{tool} is missing: run 'npm ci' (or 'make setup') first")
    env = {**os.environ, "NO_UPDATE_NOTIFIER": "1"}
    result = subprocess.run(
        [str(tool), str(published), str(working)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    output = result.stdout.strip()
    header, _, body = output.partition("\n")
    verdicts = {
        "Breaking changes found between the two specifications:": ("breaking", 1),
        "Non breaking changes found between the two specifications:": ("non-breaking", 0),
        "No changes found between the two specifications": ("none", 0),
    }
    if header in verdicts and result.returncode == verdicts[header][1]:
        report = json.loads(body) if body.strip() else {}
        return Diff(verdicts[header][0], output, report)
    print(output)
    print(result.stderr.strip(), file=sys.stderr)
    raise GateError(
        f"openapi-diff could not compare {published.name} with {working} "
        f"(exit {result.returncode}); its output is above"
    )


def summarize(report: dict[str, Any]) -> list[str]:
    lines = []
    for key in ("breakingDifferences", "nonBreakingDifferences", "unclassifiedDifferences"):
        for difference in report.get(key, []):
            code = difference.get("code", "?")
            details = difference.get("sourceSpecEntityDetails") or difference.get(
                "destinationSpecEntityDetails", []
            )
            where = ", ".join(detail.get("location", "?") for detail in details) or "?"
            hint = HINTS.get(code)
            line = f"  {difference.get('type', '?')}: {code} at {where}"
            lines.append(f"{line}\n    {hint}" if hint else line)
    return lines


def check(spec: Path, published_dir: Path, changelog: Path, tool: Path) -> str:
    """Return the pass verdict, or raise GateError with the fail verdict."""
    working_doc = load_yaml(spec)
    working = spec_version(working_doc, spec)
    newest = newest_published(published_dir)
    if newest is None:
        return (
            f"PASS: nothing published yet in {published_dir}; "
            f"{working} will be the first (scripts/publish-spec --release)"
        )
    published, published_path = newest
    published_doc = load_yaml(published_path)
    if spec_version(published_doc, published_path) != published:
        raise GateError(f"{published_path} says info.version {published_doc['info']['version']}")
    if working < published:
        raise GateError(
            f"info.version {working} is lower than the published {published} ({published_path})"
        )
    if working_doc == published_doc:
        return f"PASS: {spec.name} is the published {published}, unchanged"

    # Whatever openapi-diff finds, a new version needs its changelog entry: say so first (fast).
    if working != published and not has_changelog_entry(changelog, working):
        raise GateError(
            f"info.version is raised to {working} (published: {published}), but {changelog} has "
            f"no '## {working}' entry: describe the change there"
        )
    diff = run_openapi_diff(tool, published_path, spec)
    print(diff.output)
    if diff.verdict != "none":
        print("\n".join(summarize(diff.report)))
    if diff.verdict == "breaking":
        if working.major <= published.major:
            raise GateError(
                f"breaking changes against the published {published} (openapi-diff above) "
                f"without a major version raise: info.version is {working}; make the change "
                f"backward compatible, or raise info.version to {published.major + 1}.0.0 "
                f"and describe the break in {changelog.name}"
            )
        return (
            f"PASS: breaking changes against {published}, allowed by the major raise to {working}"
        )

    kind = (
        "non-breaking changes"
        if diff.verdict == "non-breaking"
        else "changes openapi-diff doesn't classify (descriptions, examples, extensions...)"
    )
    if working == published:
        raise GateError(
            f"the spec has {kind} against the published {published} but info.version is still "
            f"{published}: raise it (minor for additions, patch for wording) and add an entry to "
            f"{changelog.name}"
        )
    return f"PASS: {kind} against {published}, versioned {working} with a changelog entry"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="check-spec-compat",
        description="Fail when the spec breaks the newest published version without a major raise.",
    )
    parser.add_argument(
        "--spec",
        type=Path,
        default=ROOT / "openapi" / "htx-linear-swap.yaml",
        help="the working spec (default: %(default)s)",
    )
    parser.add_argument(
        "--published-dir",
        type=Path,
        default=ROOT / "openapi" / "published",
        help="released versions, <MAJOR.MINOR.PATCH>.yaml (default: %(default)s)",
    )
    parser.add_argument(
        "--changelog",
        type=Path,
        default=ROOT / "openapi" / "CHANGELOG.md",
        help="one '## <version>' entry per version (default: %(default)s)",
    )
    parser.add_argument(
        "--openapi-diff",
        type=Path,
        default=ROOT / "node_modules" / ".bin" / "openapi-diff",
        help="the pinned openapi-diff CLI (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    try:
        verdict = check(args.spec, args.published_dir, args.changelog, args.openapi_diff)
    except GateError as exc:
        say(f"FAIL: {exc}")
        return 1
    say(verdict)
    return 0


if __name__ == "__main__":
    sys.exit(main())
