"""A refused key stops the batch: no request goes out after HTX said the key is wrong.

The batch's workers each take a chunk, then wait for the limiter. A worker that took its chunk
before the refusal arrived must not send it when its wait ends (up to a second later): a wrong key
would cost every in-flight chunk a refused request instead of one limiter window's worth. The
reply latency here makes that race certain, where the integration test's `< 10` only catches it
when every worker happens to start before the first refusal comes back.
"""

from __future__ import annotations

import pytest

import htx_sandbox
from htx_swap import Credentials, HtxAuthError, SwapClient

from .support import CONTRACT


def test_no_request_goes_out_after_the_key_was_refused() -> None:
    # 100 IDs: 10 chunks and 10 workers; at 5/s, 5 start at once and 5 wait ~1 s for the limiter.
    # The first refusal comes back after 0.3 s, long before the waiting five are due.
    with htx_sandbox.running(rate=5.0, orders=100, latency=0.3) as sandbox:
        wrong = Credentials(sandbox.credentials.access_key, "not-the-secret")
        with (
            SwapClient(wrong, base_url=sandbox.base_url) as client,
            pytest.raises(HtxAuthError) as caught,
        ):
            client.cancel_trailing_orders(CONTRACT, sandbox.order_ids)
        sent = len(sandbox.control.requests())
    # The refused chunks failed with 403, the others were never sent (issue 22, item 8).
    result = caught.value.result
    assert result is not None
    assert result.cancelled == result.unresolved == ()
    assert {failure.err_code for failure in result.failed} == {403}
    refused = tuple(failure.order_id for failure in result.failed)
    assert refused + result.not_sent == tuple(sandbox.order_ids)
    assert len(refused) == 10 * sent
    assert sent <= 5, f"{sent} requests went out; only the first window's 5 should have"
