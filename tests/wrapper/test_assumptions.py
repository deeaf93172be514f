"""Facts no HTX source supports, and the SDK behaving right under either reading of each.

The spec marks each as an assumption (see its Signing and Rate limits sections, the
`ratelimit-reset` header and `x-htx-error-codes`); these tests pin the behaviour that makes the
reading not matter.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import respx

from htx_swap import CancelAllResult, Credentials, HtxAuth, SwapClient
from htx_swap.signing import compute_signature, encode_query, text_to_sign

from .support import SECRET

BASE_URL = "https://api.hbdm.com"
CANCEL_ALL = f"{BASE_URL}/linear-swap-api/v1/swap_track_cancelall"
CANCEL = f"{BASE_URL}/linear-swap-api/v1/swap_track_cancel"
TS = 1_700_000_000_000


@pytest.fixture
def htx() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


def _client() -> SwapClient:
    return SwapClient(Credentials("ak", SECRET), base_url=BASE_URL, max_requests_per_second=1e3)


NOTHING_BY_1051 = {"status": "error", "err_code": 1051, "err_msg": "No orders to cancel.", "ts": TS}
NOTHING_BY_OK = {"status": "ok", "data": {"errors": [], "successes": ""}, "ts": TS}


@pytest.mark.parametrize("reply", [NOTHING_BY_1051, NOTHING_BY_OK], ids=["1051", "ok-empty"])
def test_cancel_all_with_nothing_to_cancel_reads_the_same_either_way(
    htx: respx.MockRouter, reply: dict[str, object]
) -> None:
    # 1051 is documented for the trigger-order cancel-all, not the trailing one.
    htx.post(CANCEL_ALL).mock(return_value=httpx.Response(200, json=reply))
    with _client() as client:
        assert client.cancel_all_trailing_orders("BTC-USDT") == CancelAllResult(complete=True)


@pytest.mark.parametrize("code", [1017, 1062, 1063])
def test_an_undocumented_per_order_code_is_that_orders_failure_with_its_code(
    htx: respx.MockRouter, code: int
) -> None:
    # Only 1061 is documented per order on the trailing cancel; any other code HTX sends for an
    # order is reported as it came, never read as a cancellation or dropped.
    reply = {
        "status": "ok",
        "data": {"errors": [{"order_id": "2", "err_code": code, "err_msg": "m"}], "successes": "1"},
        "ts": TS,
    }
    htx.post(CANCEL).mock(return_value=httpx.Response(200, json=reply))
    with _client() as client:
        result = client.cancel_trailing_orders("BTC-USDT", ["1", "2"])
    assert result.cancelled == ("1",)
    assert [(f.order_id, f.err_code) for f in result.failed] == [("2", code)]
    assert result.unresolved == ()


@pytest.mark.parametrize("reset", ["1700000001000", "1000", "soon", ""])
def test_ratelimit_reset_is_never_relied_on(htx: respx.MockRouter, reset: str) -> None:
    # An epoch (as assumed) or a duration: the SDK reads neither, so the answer is the same.
    reply = {"status": "ok", "data": {"errors": [], "successes": "1"}, "ts": TS}
    headers = {"ratelimit-remaining": "71", "ratelimit-reset": reset}
    htx.post(CANCEL).mock(return_value=httpx.Response(200, json=reply, headers=headers))
    with _client() as client:
        assert client.cancel_trailing_orders("BTC-USDT", ["1"]).cancelled == ("1",)


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://api.hbdm.com/p", "api.hbdm.com"),
        ("https://api.hbdm.com:443/p", "api.hbdm.com"),
        ("https://api.hbdm.com:8443/p", "api.hbdm.com:8443"),
        ("http://127.0.0.1:8080/p", "127.0.0.1:8080"),
    ],
)
def test_the_host_signed_is_the_host_header_sent(url: str, host: str) -> None:
    # HTX documents no port rule (its FAQ suggests trying host:443 on a 403); HTX checks the
    # signature against the Host it receives, so signing exactly the Host header sent is right
    # whichever rule HTX applies.
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    auth = HtxAuth(Credentials("ak", SECRET))
    with httpx.Client(auth=auth, transport=httpx.MockTransport(handler)) as client:
        client.post(url, json={})
    (request,) = seen
    assert request.headers["Host"] == host
    params = dict(request.url.params)
    signature = params.pop("Signature")
    text = text_to_sign("POST", request.headers["Host"], "/p", encode_query(params))
    assert signature == compute_signature(SECRET, text)
