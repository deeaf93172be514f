"""Which operations the contract tests exercise: those the sandbox serves.

The spec describes the ten trailing-order operations; the sandbox serves only
`cancelTrailingOrders` (`swap_track_cancel`) today. Schemathesis and Prism are restricted to these
operations by operationId; the other nine are added here when the sandbox serves them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

SPEC = Path(__file__).parents[2] / "openapi" / "htx-linear-swap.yaml"
SANDBOX_OPERATIONS = ["cancelTrailingOrders"]


def spec_for_the_sandbox(target: Path, operations: list[str] = SANDBOX_OPERATIONS) -> Path:
    """Write the spec with only `operations`' paths to `target`; return it."""
    doc: dict[str, Any] = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    doc["paths"] = {
        path: item
        for path, item in doc["paths"].items()
        if any(op.get("operationId") in operations for op in item.values() if isinstance(op, dict))
    }
    target.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target
