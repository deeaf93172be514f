"""For tests that mock or spy on httpx: SwapClient sends through httpx there."""

from __future__ import annotations

import pytest


def sync_client_on_httpx(monkeypatch: pytest.MonkeyPatch) -> None:
    """SwapClient (and the command, which builds one) sends through httpx unless told otherwise:
    for a test that mocks or spies on httpx (respx, MockTransport, a patched HTTPTransport). The
    default transport, h11, is tested over real sockets (tests/reliability, the sandbox)."""
    from htx_swap import SwapClient

    defaults = SwapClient.__init__.__kwdefaults__
    assert defaults is not None
    monkeypatch.setitem(defaults, "transport", "httpx")
