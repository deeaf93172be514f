"""A rate-limit store shares a client's pacing; an unpaced client (max_requests_per_second=None)
has none to share: asking for both is bad input, and the environment's store is not for it."""

from __future__ import annotations

import asyncio

import pytest

from htx_swap import AsyncSwapClient, Credentials, InvalidRequestError, SwapClient

KEYS = Credentials("access", "secret")
# Nothing listens on port 1: a client that tried to reach this store would say so.
STORE = "redis://127.0.0.1:1/0"


@pytest.mark.parametrize("client_class", [SwapClient, AsyncSwapClient])
def test_a_store_for_an_unpaced_client_is_refused(client_class: type) -> None:
    with pytest.raises(InvalidRequestError, match="max_requests_per_second=None"):
        client_class(KEYS, max_requests_per_second=None, rate_limit_store=STORE)


def test_the_environment_s_store_is_not_for_an_unpaced_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTX_RATE_LIMIT_STORE", STORE)
    with SwapClient(KEYS, max_requests_per_second=None) as client:
        assert client.rate_limit_store is None

    async def main() -> None:
        async with AsyncSwapClient(KEYS, max_requests_per_second=None) as client:
            assert client.rate_limit_store is None

    asyncio.run(main())
    with SwapClient(KEYS) as paced:  # a paced client still takes it
        assert paced.rate_limit_store is not None
