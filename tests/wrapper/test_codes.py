"""HTX's codes are named once: the SDK's HtxCode is the spec's x-htx-error-codes list, and the
engine's groups agree with what the list says of each code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from htx_swap._codes import (
    AUTH_CODES,
    NOT_EXECUTED_CODES,
    RETRY_LATER_CODES,
    HtxCode,
    normalize_code,
)

SPEC = Path(__file__).parents[2] / "openapi" / "htx-linear-swap.yaml"
LISTED: dict[int, dict[str, Any]] = {
    entry["code"]: entry
    for entry in yaml.load(SPEC.read_text(encoding="utf-8"), yaml.CSafeLoader)["x-htx-error-codes"]
}


def test_the_sdk_names_every_code_of_the_spec_as_the_spec_does() -> None:
    assert {code.name: int(code) for code in HtxCode} == {
        entry["name"]: code for code, entry in LISTED.items()
    }


def test_codes_retried_as_try_later_are_retryable_request_codes_in_the_spec() -> None:
    for code in RETRY_LATER_CODES:
        assert (LISTED[code]["scope"], LISTED[code]["retryable"]) == ("request", True), code


def test_codes_that_stop_a_batch_are_request_codes_the_spec_does_not_retry() -> None:
    for code in AUTH_CODES & set(LISTED) | {HtxCode.CONTRACT_NOT_FOUND}:
        assert (LISTED[code]["scope"], LISTED[code]["retryable"]) == ("request", False), code


def test_refusals_known_to_come_before_execution_are_request_codes() -> None:
    assert all(LISTED[code]["scope"] == "request" for code in NOT_EXECUTED_CODES & set(LISTED))
    assert HtxCode.SYSTEM_ERROR not in NOT_EXECUTED_CODES, "may come after execution began"


@pytest.mark.parametrize(
    ("value", "code"),
    [(1071, 1071), (1071.0, 1071), ("1071", 1071), ("-1", -1), (True, None), (1071.5, None),
     ("abc", None), ("", None), (None, None), ("10710000000", None)],
    ids=repr,
)  # fmt: skip
def test_a_code_is_read_once_whatever_its_json_shape(value: object, code: int | None) -> None:
    assert normalize_code(value) == code
