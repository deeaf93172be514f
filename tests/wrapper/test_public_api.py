"""The package surface: exactly the intended names, sorted, and a cheap import."""

from __future__ import annotations

import subprocess
import sys

import htx_swap
from htx_swap import signing

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
}


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
