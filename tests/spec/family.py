"""The trailing-order family in the spec: operation IDs, paths, and a walk over every example.

Shared by the spec, generated-client and consumer tests (`from spec.family import ...`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "htx-linear-swap.yaml"
PREFIX = "/linear-swap-api/v1/"

# operationId -> path: the trailing-order family, fixed (they name the generated modules).
OPERATIONS = {
    "placeTrailingOrder": PREFIX + "swap_track_order",
    "placeCrossTrailingOrder": PREFIX + "swap_cross_track_order",
    "cancelTrailingOrders": PREFIX + "swap_track_cancel",
    "cancelCrossTrailingOrders": PREFIX + "swap_cross_track_cancel",
    "cancelAllTrailingOrders": PREFIX + "swap_track_cancelall",
    "cancelAllCrossTrailingOrders": PREFIX + "swap_cross_track_cancelall",
    "getOpenTrailingOrders": PREFIX + "swap_track_openorders",
    "getCrossOpenTrailingOrders": PREFIX + "swap_cross_track_openorders",
    "getTrailingOrderHistory": PREFIX + "swap_track_hisorders",
    "getCrossTrailingOrderHistory": PREFIX + "swap_cross_track_hisorders",
}
TRADE_OPERATIONS = {op for op in OPERATIONS if op.startswith(("place", "cancel"))}
READ_OPERATIONS = set(OPERATIONS) - TRADE_OPERATIONS


def load_spec() -> dict[str, Any]:
    # libyaml's loader (PyYAML's C one): the same document in an eighth of the CPU; it is read
    # in every test process, several times.
    loaded: dict[str, Any] = yaml.load(SPEC_PATH.read_text(encoding="utf-8"), yaml.CSafeLoader)
    return loaded


def pascal(operation_id: str) -> str:
    return operation_id[0].upper() + operation_id[1:]


def operation(spec: dict[str, Any], operation_id: str) -> dict[str, Any]:
    found: dict[str, Any] = spec["paths"][OPERATIONS[operation_id]]["post"]
    return found


def pointer(*parts: str) -> str:
    escaped = (part.replace("~", "~0").replace("/", "~1") for part in parts)
    return "#/" + "/".join(escaped)


def examples(spec: dict[str, Any]) -> Iterator[tuple[str, tuple[str, ...], Any]]:
    """Every example in the document: (name, schema location, value).

    Media-type `examples` of every operation's request body and responses, and every schema's and
    schema property's `example`.
    """
    for operation_id, path in OPERATIONS.items():
        post = spec["paths"][path]["post"]
        owners = [("request", ("requestBody",), post["requestBody"])]
        owners += [
            (status, ("responses", status), reply) for status, reply in post["responses"].items()
        ]
        for label, prefix, owner in owners:
            for media_name, media in owner.get("content", {}).items():
                schema = ("paths", path, "post", *prefix, "content", media_name, "schema")
                for name, example in media.get("examples", {}).items():
                    yield f"{operation_id} {label} {name}", schema, example["value"]
    for name, schema in spec["components"]["schemas"].items():
        if "example" in schema:
            yield name, ("components", "schemas", name), schema["example"]
        for prop, prop_schema in schema.get("properties", {}).items():
            if "example" in prop_schema:
                yield (
                    f"{name}.{prop}",
                    ("components", "schemas", name, "properties", prop),
                    prop_schema["example"],
                )


def snake(operation_id: str) -> str:
    """The Python module openapi-python-client names after an operationId."""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", operation_id).lower()


def operation_examples(spec: dict[str, Any], operation_id: str, owner: str) -> dict[str, Any]:
    """An operation's named example values: `owner` is "request" or a response status."""
    post = spec["paths"][OPERATIONS[operation_id]]["post"]
    media = post["requestBody"] if owner == "request" else post["responses"][owner]
    return {
        name: example["value"]
        for name, example in media["content"]["application/json"]["examples"].items()
    }
