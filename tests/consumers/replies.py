"""The replies every consumer decodes: each HTTP 200 reply example of the spec, then the same
with an unknown field added at each level (one variant per JSON object in it) and at every level
at once; and the check of what a consumer reports back for each."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from spec.family import OPERATIONS, load_spec, operation_examples

__all__ = ["OPERATIONS", "cases", "check", "id_pairs", "reply_examples"]

SPEC = load_spec()
UNKNOWN = {"nested": [1, "two", None, {"deeper": True}], "number": 1.5}


def reply_examples() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(operation, name, body) of every HTTP 200 reply example in the spec."""
    for operation_id in OPERATIONS:
        for name, body in operation_examples(SPEC, operation_id, "200").items():
            yield operation_id, name, body


def object_paths(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """The path of every JSON object in `node`, itself first."""
    if isinstance(node, dict):
        yield path
        for key, value in node.items():
            yield from object_paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from object_paths(value, (*path, index))


def with_unknown_field(body: dict[str, Any], path: tuple[str | int, ...]) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    target: Any = changed
    for step in path:
        target = target[step]
    target["x_field_added_later"] = copy.deepcopy(UNKNOWN)
    return changed


def with_unknown_fields_everywhere(body: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    for path in list(object_paths(changed)):
        target: Any = changed
        for step in path:
            target = target[step]
        target[f"x_added_{len(path)}"] = copy.deepcopy(UNKNOWN)
    return changed


def id_pairs(node: Any) -> list[list[str]]:
    """[order_id, order_id_str] of each object carrying both, as the example writes them."""
    if isinstance(node, list):
        return [pair for item in node for pair in id_pairs(item)]
    if isinstance(node, dict):
        own = [[str(node["order_id"]), node["order_id_str"]]] if "order_id_str" in node else []
        return own + [pair for value in node.values() for pair in id_pairs(value)]
    return []


def cases() -> list[dict[str, Any]]:
    """Every reply example, then each with an unknown field at one level, then at every level."""
    found = []
    for operation_id, name, body in reply_examples():
        found.append({"operation": operation_id, "label": f"{operation_id} {name}", "body": body})
        for path in object_paths(body):
            found.append(
                {
                    "operation": operation_id,
                    "label": f"{operation_id} {name} +unknown at /{'/'.join(map(str, path))}",
                    "body": with_unknown_field(body, path),
                    "plain": body,
                }
            )
        found.append(
            {
                "operation": operation_id,
                "label": f"{operation_id} {name} +unknown everywhere",
                "body": with_unknown_fields_everywhere(body),
                "plain": body,
            }
        )
    return found


def check(case: dict[str, Any], result: dict[str, Any]) -> None:
    body = case.get("plain", case["body"])
    assert result.get("error", "") == "", result
    assert result["status"] == body["status"]
    if body["status"] == "error":
        assert result["err_code"] == str(body["err_code"])
    else:
        # The typed model's int64 order_id, written back by the consumer, digit for digit.
        assert sorted(result["ids"]) == sorted(id_pairs(body))
        assert all(number == text for number, text in result["ids"])
