"""Which operations the contract tests exercise: those the sandbox serves, all ten.

Schemathesis and Prism are restricted to these operations by operationId, so that an operation
added to the spec before the sandbox serves it is a deliberate step, not a failing run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

SPEC = Path(__file__).parents[2] / "openapi" / "htx-linear-swap.yaml"
SANDBOX_OPERATIONS = [
    "placeTrailingOrder",
    "placeCrossTrailingOrder",
    "cancelTrailingOrders",
    "cancelCrossTrailingOrders",
    "cancelAllTrailingOrders",
    "cancelAllCrossTrailingOrders",
    "getOpenTrailingOrders",
    "getCrossOpenTrailingOrders",
    "getTrailingOrderHistory",
    "getCrossTrailingOrderHistory",
]


def spec_for_the_sandbox(target: Path, operations: list[str] = SANDBOX_OPERATIONS) -> Path:
    """Write the spec with only `operations`' paths to `target`, for Prism; return it.

    Prism is JavaScript: it reads a JSON number as a double and checks `format: int64` against
    2^53 - 1, so every real order ID (beyond 2^53, as HTX's are) would fail it. In this copy the
    integer `order_id` fields drop that format; `order_id_str`, the one clients use, is checked
    as written.
    """
    doc: dict[str, Any] = yaml.load(SPEC.read_text(encoding="utf-8"), yaml.CSafeLoader)
    doc["paths"] = {
        path: item
        for path, item in doc["paths"].items()
        if any(op.get("operationId") in operations for op in item.values() if isinstance(op, dict))
    }
    _drop_int64_on_order_ids(doc)
    target.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target


def _drop_int64_on_order_ids(node: Any) -> None:
    if isinstance(node, dict):
        order_id = node.get("properties", {}).get("order_id")
        if isinstance(order_id, dict) and order_id.get("type") == "integer":
            order_id.pop("format", None)
        for value in node.values():
            _drop_int64_on_order_ids(value)
    elif isinstance(node, list):
        for value in node:
            _drop_int64_on_order_ids(value)
