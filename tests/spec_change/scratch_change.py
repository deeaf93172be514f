"""The scratch spec change the recipe is proven with (README, "Changing the client"): what a
minor version may add, each of the three kinds a user meets.

- an optional reply field, ``trigger_type``, on the isolated order lists (open and history);
- an optional request field, ``channel_code``, on both place requests (ccxt sends one);
- a new value, ``optimal_30``, in the closed request-side set ``TrailingOrderPriceType``.
"""

from __future__ import annotations

from typing import Any

REPLY_FIELD = "trigger_type"
REQUEST_FIELD = "channel_code"
ENUM = "TrailingOrderPriceType"
NEW_VALUE = "optimal_30"


def apply(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with the change made (in place), as someone editing the YAML would."""
    schemas = spec["components"]["schemas"]
    for order in ("OpenTrailingOrder", "HistoricTrailingOrder"):
        schemas[order]["properties"][REPLY_FIELD] = {
            "type": "string",
            "description": "How the trigger compares the price: `ge` or `le` (open set).",
            "example": "ge",
        }
    for request in ("PlaceTrailingOrderRequest", "PlaceCrossTrailingOrderRequest"):
        schemas[request]["properties"][REQUEST_FIELD] = {
            "type": "string",
            "description": "The broker channel the order came through.",
            "example": "sdk",
        }
    schemas[ENUM]["enum"].append(NEW_VALUE)
    return spec
