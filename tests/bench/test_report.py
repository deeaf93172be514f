"""The benchmarks' document and verdicts, without running a benchmark: the template renders every
section's note and the revision "before" names; each target's verdict comes from the figures."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from benchmarks.__main__ import SECTIONS, main
from benchmarks.harness import SMOKE, Row, Run, Settings, Target, figure_rows
from benchmarks.processes import Child
from benchmarks.report import FINDINGS, document
from benchmarks.shared_limits import row as shared_limits_row

STARTED = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)


def _no_child() -> Child:
    raise AssertionError("rendering the document needs no child")


def _render(
    settings: Settings = SMOKE, before: str = "8617263", rows: list[Row] | None = None
) -> str:
    return document(rows or [], Run(settings, before, _no_child), STARTED, 12.0)


@pytest.mark.parametrize("settings", [Settings(), SMOKE], ids=["full", "smoke"])
def test_the_template_renders_every_section_note(settings: Settings) -> None:
    text = _render(settings)
    notes = text[text.index("## How each figure is taken") :]
    for section in SECTIONS:
        assert f"- **{section.title}**" in notes, section.name
    assert "${" not in text
    assert text.endswith(FINDINGS.read_text(encoding="utf-8"))


def _prose(text: str) -> str:
    """The text with every run of white space one space: the template's lines wrap anywhere."""
    return " ".join(text.split())


def test_the_template_renders_the_settings_of_the_run() -> None:
    text = _prose(_render(Settings(overhead_requests=1234, unlimited_ids=56_789)))
    assert "1,234 cancels per contender per round" in text
    assert "over 56,789 IDs" in text


def test_the_document_names_the_revision_given_for_before() -> None:
    text = _prose(_render(before="abc1234"))
    assert "the code at abc1234 (" in text


def test_the_contenders_before_are_labelled_with_that_revision() -> None:
    bench = Run(SMOKE, "abc1234", _no_child)
    assert bench.label("SwapClient before (at {before})") == "SwapClient before (at abc1234)"


def test_an_unknown_revision_for_before_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--before", "no-such-revision-anywhere", "--only", "regenerate"])
    assert exited.value.code == 2
    assert "--before no-such-revision-anywhere" in capsys.readouterr().err


def _verdict(values: dict[str, list[float]], target: Target) -> str:
    [row] = [
        row
        for row in figure_rows("s", values, "{:.0f}", {}, {"sdk": ["ccxt"]}, [target])
        if row.contender == target.contender
    ]
    assert row.target == target.words()
    return row.met


def test_a_figure_over_its_at_most_target_is_not_met() -> None:
    target = Target("sdk", 1.0, "ccxt")
    assert _verdict({"sdk": [300, 330, 310], "ccxt": [290, 300, 300]}, target) == "**no**"
    assert _verdict({"sdk": [280, 290, 310], "ccxt": [290, 300, 300]}, target) == "yes"


def test_a_figure_under_its_at_least_target_is_not_met() -> None:
    target = Target("sdk", 1.0, "ccxt", at_most=False)
    assert _verdict({"sdk": [9_000, 9_500], "ccxt": [10_000, 10_000]}, target) == "**no**"
    assert _verdict({"sdk": [11_000, 10_500], "ccxt": [10_000, 10_000]}, target) == "yes"


def test_a_target_without_a_base_judges_the_figure_itself() -> None:
    target = Target("sdk", 200, unit="B/ID")
    assert target.words() == "≤ 200 B/ID"
    assert _verdict({"sdk": [227.0]}, target) == "**no**"
    assert _verdict({"sdk": [166.0]}, target) == "yes"


def test_the_verdict_takes_the_median_of_the_ratios_within_each_round() -> None:
    """Round by round: 2x, 0.5x, 0.5x (median 0.5x), though the medians of the figures are
    equal (1.0x)."""
    target = Target("sdk", 0.9, "ccxt")
    assert _verdict({"sdk": [200, 50, 100], "ccxt": [100, 100, 200]}, target) == "yes"


FIGURES = {
    "wall": 18.0,
    "ideal": 18.0,
    "requests": 90,
    "refused_1032": 0,
    "refused_403": 0,
    "finished": 3,
    "unresolved": 0,
    "misreported": 0,
    "warnings": 0,
}


@pytest.mark.parametrize(
    ("spec", "change", "met"),
    [
        ("3:store", {}, "yes"),
        ("3:store", {"wall": 21.0}, "**no**"),  # 1.17x the ideal
        ("3:store", {"refused_1032": 2}, "**no**"),  # 2.2% refused
        ("3:store", {"finished": 2}, "**no**"),
        ("3:store:kill", {"refused_1032": 4, "wall": 21.0}, "yes"),
        ("3:store:kill", {"misreported": 1}, "**no**"),
        ("3:none", {"refused_1032": 44, "wall": 33.0}, "yes"),
        ("3:none", {"finished": 2}, "**no**"),
    ],
)
def test_the_many_processes_rows_are_judged_by_issue_23s_targets(
    spec: str, change: dict[str, float], met: str
) -> None:
    row = shared_limits_row("15.", spec, FIGURES | change)
    assert row.met == met, row
    assert re.match(r"3 processes, (shared store|no store)", row.contender)
