"""Operations are declarations on one engine: a new one needs no engine code, and each
declaration's limits are the spec's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from attrs import evolve
from reliability.scripted import Received, Reply, cancel_every_one, scripted
from virtual_time import RecordingWaits

from htx_swap import Credentials, SwapClient
from htx_swap._engine import Answered, Call, Scope, Unsettled
from htx_swap._operations import (
    CANCEL_TRAILING_ORDERS,
    OPERATIONS,
    POOLS,
    InterfaceLimit,
    Pool,
    RetrySafety,
)
from htx_swap_client.models import CancelTrailingOrdersRequest

SPEC = Path(__file__).parents[2] / "openapi" / "htx-linear-swap.yaml"
KEYS = Credentials("declared-access-key", "declared-secret-key")

# A throwaway operation: a new declaration, a few lines, over an existing generated function.
# It may not be repeated, draws on the read pool and has its own limit of 1 per second.
PROBE = evolve(
    CANCEL_TRAILING_ORDERS,
    name="probe",
    path="/linear-swap-api/v1/probe",
    safety=RetrySafety.NOT_IDEMPOTENT,
    pool=Pool.READ,
    interface_limit=InterfaceLimit(requests=1, seconds=1.0),
)


class _OneShot:
    """The smallest layer: one call per body, outcomes kept."""

    def __init__(self, client: SwapClient, operation: Any, count: int) -> None:
        self.scope = Scope()
        self.done: list[Call[Any]] = []
        self._client = client
        self._operation = operation
        self._count = count

    def calls(self) -> Iterator[Call[Any]]:
        for number in range(self._count):
            body = CancelTrailingOrdersRequest(contract_code="BTC-USDT", order_id=str(number + 1))
            yield self._client._engine.call(self._operation, body, self.scope, label="probe")

    def on_done(self, call: Call[Any]) -> None:
        self.done.append(call)


def _run(client: SwapClient, operation: Any, count: int = 1) -> _OneShot:
    job = _OneShot(client, operation, count)
    client._engine.run_sync(job, workers=1)
    return job


def test_a_new_operation_is_signed_and_paced_on_its_own_interface_and_pool() -> None:
    waits = RecordingWaits()
    with (
        scripted(cancel_every_one) as server,
        SwapClient(KEYS, base_url=server.base_url, max_requests_per_second=1, waits=waits) as c,
    ):
        job = _run(c, PROBE, count=3)
        interface, pool = c._engine.limiters(PROBE)
        assert (interface, pool) != c._engine.limiters(CANCEL_TRAILING_ORDERS)
        assert pool is c._engine.limiters(evolve(PROBE, path="/other"))[1], "the read pool"
    assert all(isinstance(call.outcome, Answered) for call in job.done)
    assert all("Signature" in request.query for request in server.received)
    assert sum(waits.slept) >= 2.0, "three requests at 1/s: two waits of about a second"


def test_a_new_operation_that_may_not_be_repeated_is_not_resent_after_a_lost_reply() -> None:
    def lose_first(request: Received, reply: Reply) -> None:
        if request.number == 1:
            reply.drop()
        else:
            cancel_every_one(request, reply)

    with scripted(lose_first) as server, SwapClient(KEYS, base_url=server.base_url) as client:
        [call] = _run(client, PROBE).done
    assert call.outcome == Unsettled("RemoteProtocolError", maybe_applied=True)
    assert len(server.received) == 1

    with scripted(lose_first) as server, SwapClient(KEYS, base_url=server.base_url) as client:
        [call] = _run(client, evolve(PROBE, safety=RetrySafety.IDEMPOTENT)).done
    assert isinstance(call.outcome, Answered), "the same declaration, idempotent: retried"
    assert len(server.received) == 2


def test_a_new_operation_that_may_not_be_repeated_is_resent_when_it_never_left() -> None:
    client = SwapClient(KEYS, base_url="http://127.0.0.1:9", waits=RecordingWaits(), max_retries=2)
    with client:
        job = _run(client, PROBE)
    [call] = job.done
    assert call.attempts == 3, "connection refused: nothing was sent, so safe to retry"
    assert call.outcome == Unsettled("ConnectError", maybe_applied=False)
    assert "cannot reach" in str(job.scope.error)


def _spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.path)
def test_each_declaration_agrees_with_the_specs_rate_limit(operation: Any) -> None:
    [declared] = [
        method for method in _spec()["paths"][operation.path].values() if "x-rate-limit" in method
    ]
    limit = declared["x-rate-limit"]
    if "requests" in limit:
        assert operation.interface_limit == InterfaceLimit(
            requests=limit["requests"], seconds=limit["interval-ms"] / 1000
        )
    else:
        assert operation.interface_limit is None
    assert operation.pool == Pool(limit.get("pool", "trade"))


def test_the_pools_agree_with_the_spec() -> None:
    pools = _spec()["x-rate-limit-pools"]
    assert {Pool(name): (p["requests"], p["interval-ms"] / 1000) for name, p in pools.items()} == {
        pool: (limit.requests, limit.seconds) for pool, limit in POOLS.items()
    }


def test_every_operation_in_the_spec_is_declared() -> None:
    declared = {operation.path for operation in OPERATIONS}
    assert set(_spec()["paths"]) == declared
