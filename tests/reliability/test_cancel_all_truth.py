"""Cancel-all after an attempt that may have cancelled everything: what stops the retries later
is no answer about the orders, so the result is incomplete, never an error that says nothing got
through (a scripted local server: the first attempt is read, then its connection dropped)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from virtual_time import RecordingWaits

from htx_swap import AsyncSwapClient, CancelAllResult, Credentials, HtxApiError, SwapClient

from .scripted import Received, Reply, refused, scripted

KEYS = Credentials("scripted-access-key", "scripted-secret-key")

LATER = {
    "rate limit outlived the retries": lambda reply: reply.json(refused(1032, "Too many")),
    "signature refused": lambda reply: reply.json(refused(403, "Verification failure")),
    "gateway refuses": lambda reply: reply.body(b"<html>502</html>", status=502),
}


def _run(kind: str, base_url: str, **options: Any) -> CancelAllResult:
    options = {"max_requests_per_second": None, "timeout": 2.0, "max_retries": 2, **options}
    if kind.startswith("sync"):
        transport = "httpx" if kind.endswith("httpx") else "h11"
        with SwapClient(
            KEYS, base_url=base_url, waits=RecordingWaits(), transport=transport, **options
        ) as client:
            return client.cancel_all_trailing_orders("BTC-USDT")

    async def run_async() -> CancelAllResult:
        async with AsyncSwapClient(
            KEYS, base_url=base_url, waits=RecordingWaits(), transport=kind, **options
        ) as client:
            return await client.cancel_all_trailing_orders("BTC-USDT")

    return asyncio.run(run_async())


@pytest.mark.parametrize("kind", ["sync", "sync on httpx", "httpx", "aiohttp"])
@pytest.mark.parametrize("later", list(LATER), ids=str)
def test_cancel_all_whose_reply_was_lost_is_incomplete_whatever_comes_next(
    kind: str, later: str, caplog: pytest.LogCaptureFixture
) -> None:
    def script(request: Received, reply: Reply) -> None:
        if request.number == 1:
            reply.drop()  # applied, perhaps: every open order may be cancelled
        else:
            LATER[later](reply)

    caplog.set_level(logging.WARNING, logger="htx_swap")
    with scripted(script) as server:
        result = _run(kind, server.base_url)
    assert result == CancelAllResult(complete=False)
    assert len(server.received) >= 2
    assert "cancel all" in caplog.text


@pytest.mark.parametrize("kind", ["sync", "httpx"])
def test_cancel_all_refused_with_nothing_lost_before_still_raises(kind: str) -> None:
    with (
        scripted(lambda request, reply: reply.json(refused(1030, "Input error."))) as server,
        pytest.raises(HtxApiError) as caught,
    ):
        _run(kind, server.base_url)
    assert caught.value.err_code == 1030
    assert caught.value.request is not None, "the request HTX refused"
    assert caught.value.response is not None
