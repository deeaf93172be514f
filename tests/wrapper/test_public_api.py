"""The package surface: exactly the intended names, sorted, and a cheap import."""

from __future__ import annotations

import importlib.metadata
import inspect
import re
import subprocess
import sys
import typing
from typing import Any

import pytest

import htx_swap
from htx_swap import AsyncSwapClient, SwapClient, signing
from htx_swap._operations import OPERATIONS, Operation

INTENDED = {
    "AsyncSwapClient",
    "CancelAllResult",
    "CancelResult",
    "CancellationInterrupted",
    "Credentials",
    "HtxApiError",
    "HtxAuth",
    "HtxAuthError",
    "HtxError",
    "HtxRateLimitError",
    "HtxTransportError",
    "HtxUnknownOutcomeError",
    "InvalidRequestError",
    "OrderFailure",
    "PlacedTrailingOrder",
    "SwapClient",
    "TrailingOrder",
    "TrailingOrderStatus",
    "generated_client",
}


def test_the_version_is_the_distribution_s() -> None:
    assert htx_swap.__version__ == importlib.metadata.version("htx-swap")
    assert re.fullmatch(r"\d+\.\d+\.\d+", htx_swap.__version__)


def test_all_is_exactly_the_intended_names() -> None:
    assert set(htx_swap.__all__) == INTENDED


def test_all_is_sorted() -> None:
    assert htx_swap.__all__ == sorted(htx_swap.__all__)


def test_every_exported_name_resolves() -> None:
    assert all(hasattr(htx_swap, name) for name in htx_swap.__all__)


def test_signing_module_exports_each_step() -> None:
    assert {
        "auth_params",
        "compute_signature",
        "encode_query",
        "format_timestamp",
        "signed_host",
        "text_to_sign",
    } <= set(signing.__all__)


def test_signing_all_names_resolve() -> None:
    assert all(hasattr(signing, name) for name in signing.__all__)


def test_import_does_not_load_asyncio() -> None:
    """Sync users never pay for asyncio at import (the cold-start budget)."""
    code = "import sys, htx_swap; print('asyncio' in sys.modules)"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "False"


def test_import_does_not_load_the_generated_models() -> None:
    """The generated models (some sixty attrs classes, most of the cold-start cost) load with the
    first request, and a constructed client still needs none of them."""
    code = (
        "import sys, htx_swap\n"
        "htx_swap.SwapClient(htx_swap.Credentials('k', 's')).close()\n"
        "print(sorted(m for m in sys.modules if m.startswith('htx_swap_client.')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "['htx_swap_client.client', 'htx_swap_client.types']"


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.path)
def test_each_declared_operation_loads_the_generated_sender_of_its_own_path(
    operation: Operation[Any, Any, object],
) -> None:
    """The declarations load the generated client on first use, through typed loaders: each one
    must send to the declared path, with its own request model, and read its own reply model."""
    generated = operation.load()
    module = inspect.getmodule(generated.api)
    assert module is generated.api
    assert callable(operation.send)
    assert callable(operation.send_async)
    assert f'"url": "{operation.path}"' in inspect.getsource(module)
    hints = typing.get_type_hints(module.sync_detailed)
    assert hints["body"] is generated.request
    assert generated.reply in typing.get_args(hints["return"].__args__[0])
    assert operation.reply_type is generated.reply
    assert operation.reply_type.__module__.startswith("htx_swap_client.models.")


# Issue 14's public API, as written there: positional parameters, then keyword-only ones with
# their defaults (REQUIRED: no default). Extra keyword-only parameters may follow (pair= and
# contract_type= where HTX accepts them), never before or between these.
REQUIRED = inspect.Parameter.empty
FAMILY_API: dict[str, tuple[list[str], list[tuple[str, object]]]] = {
    "place_trailing_order": (
        ["contract_code"],
        [
            ("direction", REQUIRED),
            ("volume", REQUIRED),
            ("callback_rate", REQUIRED),
            ("active_price", REQUIRED),
            ("order_price_type", REQUIRED),
            ("offset", None),
            ("lever_rate", None),
            ("reduce_only", None),
            ("margin_mode", "isolated"),
        ],
    ),
    "cancel_trailing_orders": (
        ["contract_code", "order_ids"],
        [("margin_mode", "isolated"), ("progress", None)],
    ),
    "cancel_all_trailing_orders": (
        ["contract_code"],
        [("direction", None), ("offset", None), ("margin_mode", "isolated")],
    ),
    "open_trailing_orders": (
        ["contract_code=None"],
        [("margin_mode", "isolated"), ("trade_type", None)],
    ),
    "trailing_order_history": (
        ["contract_code=None"],
        [
            ("margin_mode", "isolated"),
            ("status", None),
            ("trade_type", None),
            ("days", None),
            ("sort_by", None),
        ],
    ),
}


@pytest.mark.parametrize("client", [SwapClient, AsyncSwapClient], ids=lambda c: c.__name__)
@pytest.mark.parametrize("method", list(FAMILY_API))
def test_the_family_methods_have_the_issued_signatures(client: type, method: str) -> None:
    positional, keywords = FAMILY_API[method]
    parameters = list(inspect.signature(getattr(client, method)).parameters.values())[1:]
    given = [
        p.name if p.default is REQUIRED else f"{p.name}={p.default!r}"
        for p in parameters
        if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    ]
    assert given == positional
    keyword_only = [
        (p.name, p.default) for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    assert keyword_only[: len(keywords)] == keywords
    added = keyword_only[len(keywords) :]
    assert all(name in ("pair", "contract_type", "params") for name, _ in added)
    assert added[-1] == ("params", None), "every method takes params, last"
    assert len(parameters) == len(given) + len(keyword_only), "no *args or **kwargs"
