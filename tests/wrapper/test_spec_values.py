"""The wrapper's allowed values are the spec's: read from the generated client, never copied."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from htx_swap import InvalidRequestError, TrailingOrderStatus, _validation
from htx_swap._validation import SpecValues, validate_choice, validate_trade_type

ROOT = Path(__file__).resolve().parents[2]
WRAPPER = ROOT / "wrapper" / "htx_swap"
SPEC = ROOT / "openapi" / "htx-linear-swap.yaml"
SETS = {name: value for name, value in vars(_validation).items() if isinstance(value, SpecValues)}


@pytest.fixture(scope="module")
def schemas() -> dict[str, Any]:
    spec = yaml.load(SPEC.read_text(encoding="utf-8"), yaml.CSafeLoader)
    return spec["components"]["schemas"]  # type: ignore[no-any-return]


def test_every_checked_value_set_is_a_closed_enum_of_the_spec() -> None:
    assert set(SETS) == {
        "DIRECTIONS",
        "PLACE_OFFSETS",
        "CANCEL_ALL_OFFSETS",
        "ORDER_PRICE_TYPES",
        "CONTRACT_TYPES",
        "TRADE_TYPES",
        "SORT_BY",
    }


@pytest.mark.parametrize("name", sorted(SETS))
def test_each_value_set_is_its_spec_enum(name: str, schemas: dict[str, Any]) -> None:
    values = SETS[name]
    assert sorted(values, key=str) == sorted(schemas[values.literal]["enum"], key=str)
    assert len(values) == len(set(values))


@pytest.mark.parametrize("name", sorted(SETS))
def test_each_value_of_the_spec_is_accepted_and_nothing_else(
    name: str, schemas: dict[str, Any]
) -> None:
    values = SETS[name]
    for value in schemas[values.literal]["enum"]:
        if isinstance(value, int):
            assert validate_trade_type(value) == value
        else:
            assert validate_choice(name, value, values) == value
    with pytest.raises(InvalidRequestError, match="must be one of"):
        validate_choice(name, "not-in-the-spec", values)


def test_trade_type_refuses_values_outside_the_spec_and_bools() -> None:
    for value in (5, 16, -1, True, "0"):
        with pytest.raises(InvalidRequestError, match="trade_type must be one of"):
            validate_trade_type(value)


def test_known_statuses_are_the_spec_known_values(schemas: dict[str, Any]) -> None:
    """TrailingOrderStatus names the statuses the spec lists (an open set: HTX may add one,
    which the readers keep as its number)."""
    for order in ("OpenTrailingOrder", "HistoricTrailingOrder"):
        known = schemas[order]["properties"]["status"]["x-known-values"]
        assert sorted(known) == sorted(TrailingOrderStatus)


def test_no_spec_enum_is_copied_in_the_wrapper(schemas: dict[str, Any]) -> None:
    """A tuple or set literal of two or more of a closed enum's values, anywhere in wrapper/, is
    a hand copy that a spec change would not reach."""
    # 0 and 1 are every flag's values: only the values beyond them tell an enum apart.
    closed = [schema["enum"] for schema in schemas.values() if "enum" in schema]
    enums = [set(map(str, values)) - {"0", "1"} for values in closed]
    collections = re.compile(r"[(\[{]([^()\[\]{}]*)[)\]}]")
    for path in WRAPPER.glob("*.py"):
        for match in collections.finditer(path.read_text(encoding="utf-8")):
            items = {item.strip().strip("\"'") for item in match.group(1).split(",")}
            for values in enums:
                assert len(items & values) < 2, f"{path.name}: {match.group(0)}"


def test_reading_the_sets_needs_no_import_until_used() -> None:
    code = (
        "import sys, htx_swap._validation as v, htx_swap._cli as c\n"
        "c._build_parser()\n"
        "print(any(m.startswith('htx_swap_client.models') for m in sys.modules))\n"
        "print('sell' in v.DIRECTIONS)\n"
        "print(any(m.startswith('htx_swap_client.models') for m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert loaded.stdout.split() == ["False", "True", "True"]
