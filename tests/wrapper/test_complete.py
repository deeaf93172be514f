"""Engine.complete_sync / complete_async: a public method's whole life in one place."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from htx_swap import Credentials, HtxUnknownOutcomeError, SwapClient
from htx_swap._engine import Call, Scope, Unsettled, Work
from htx_swap._placing import plan_place

KEYS = Credentials("access-key", "secret-key")
PLACE = {
    "margin_mode": "isolated",
    "pair": None,
    "contract_type": None,
    "direction": "buy",
    "volume": 1,
    "callback_rate": "0.01",
    "active_price": "100",
    "order_price_type": "optimal_5",
    "offset": None,
    "lever_rate": None,
    "reduce_only": None,
}


class _Interrupted(Work[str]):
    """A job whose only call is interrupted (Ctrl-C) as it runs."""

    def __init__(self, replace: bool) -> None:
        self.scope = Scope()
        self.replace = replace

    def calls(self) -> Iterator[Call[Any]]:
        raise KeyboardInterrupt
        yield  # a generator

    def interrupted(self, interrupt: KeyboardInterrupt) -> BaseException:
        return RuntimeError("what was settled") if self.replace else interrupt

    def finish(self, found: list[Any] | None) -> str:
        return "finished"


@pytest.mark.parametrize("replace", [False, True])
def test_ctrl_c_raises_what_the_job_says(replace: bool) -> None:
    with SwapClient(KEYS) as client:
        expected = RuntimeError if replace else KeyboardInterrupt
        with pytest.raises(expected):
            client._engine.complete_sync(_Interrupted(replace))

        async def run() -> str:
            return await client._engine.complete_async(_Interrupted(replace), lambda: None)

        with pytest.raises(expected):
            asyncio.run(run())


def test_an_unknown_placement_is_never_reported_as_not_placed() -> None:
    """Even finished without its follow-up read, a placement that may have happened raises
    HtxUnknownOutcomeError (no candidates), never "not placed"."""
    with SwapClient(KEYS) as client:
        placing = plan_place(client._engine, "BTC-USDT", **PLACE)
        placing.call.maybe_applied = True
        placing.call.outcome = Unsettled("ReadTimeout", maybe_applied=True)
        with pytest.raises(HtxUnknownOutcomeError) as raised:
            placing.finish(None)
    assert raised.value.candidates is None
