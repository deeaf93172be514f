"""Through an HTTP proxy to an http:// base URL, httpx's pool holds httpcore's forwarding
connections, whose h11 state is one level further down: a stray reply must still be seen, not
taken for the next placement's answer."""

from __future__ import annotations

import pytest

from htx_swap import PlacedTrailingOrder, SwapClient

from .scripted import scripted
from .support import CONTRACT
from .test_h11_rules import KEYS, PLACE, stray_after_the_first


def test_a_stray_reply_through_an_http_proxy_is_not_taken_for_the_next_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    # A forward proxy, relaying the origin's bytes as they come.
    with scripted(stray_after_the_first) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.base_url)
        with SwapClient(
            KEYS,
            base_url="http://api.htx.invalid",
            max_requests_per_second=None,
            allow_insecure_http=True,
        ) as client:
            first = client.place_trailing_order(CONTRACT, **PLACE)
            assert isinstance(first, PlacedTrailingOrder)
            second: PlacedTrailingOrder | Exception
            try:
                second = client.place_trailing_order(CONTRACT, **PLACE)
            except Exception as error:  # an unknown outcome is honest
                second = error
        assert proxy.received[0].path.startswith("http://api.htx.invalid/")  # it went via it
    assert not (isinstance(second, PlacedTrailingOrder) and second.order_id == "666"), second
