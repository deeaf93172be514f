"""``HtxAuth.signed_query``: the one signing step of every transport, checked against HTX's vector.

Its shortcuts (a POST's fixed query prefix built once, a second's timestamp encoded once) must
give exactly what the named steps give, whatever the clock does between two requests.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from htx_swap import Credentials, HtxAuth, InvalidRequestError
from htx_swap.signing import (
    auth_params,
    compute_signature,
    encode_query,
    encode_value,
    format_timestamp,
    text_to_sign,
)

from .support import VECTOR_TIME, SteppingClock

HOST, PATH = "api.hbdm.com", "/linear-swap-api/v1/swap_track_cancel"


def _by_the_steps(credentials: Credentials, moment: datetime, method: str = "POST") -> str:
    query = encode_query(auth_params(credentials.access_key, format_timestamp(moment)))
    signature = compute_signature(credentials.secret_key, text_to_sign(method, HOST, PATH, query))
    return f"{query}&Signature={encode_value(signature)}"


def test_a_post_carries_htx_s_vector_signature(vector_credentials: Credentials) -> None:
    auth = HtxAuth(vector_credentials, clock=SteppingClock())
    assert auth.signed_query("POST", HOST, PATH) == (
        "AccessKeyId=access&SignatureMethod=HmacSHA256&SignatureVersion=2"
        "&Timestamp=2019-11-21T10%3A00%3A00&Signature=YZG9%2Bx75ArZvgsQlec9FijzxzAhNkNpKiI3RMb3J4fs%3D"
    )


@pytest.mark.parametrize(
    "step",
    [timedelta(0), timedelta(milliseconds=300), timedelta(seconds=1), timedelta(seconds=-1)],
)
def test_every_request_carries_its_own_second(step: timedelta) -> None:
    credentials = Credentials("key with spaces/é", "secret")
    clock = SteppingClock(VECTOR_TIME + timedelta(milliseconds=800), step)
    auth = HtxAuth(credentials, clock=clock)
    moments = [VECTOR_TIME + timedelta(milliseconds=800) + step * n for n in range(6)]
    assert [auth.signed_query("POST", HOST, PATH) for _ in moments] == [
        _by_the_steps(credentials, moment) for moment in moments
    ]


def test_a_clock_correction_moves_the_next_timestamp(vector_credentials: Credentials) -> None:
    auth = HtxAuth(vector_credentials, clock=SteppingClock())
    auth.signed_query("POST", HOST, PATH)
    auth.clock_offset = timedelta(minutes=7)
    assert "Timestamp=2019-11-21T10%3A07%3A00&" in auth.signed_query("POST", HOST, PATH)


def test_another_zone_signs_the_same_utc_second(vector_credentials: Credentials) -> None:
    east = VECTOR_TIME.astimezone(timezone(timedelta(hours=8)))
    auth = HtxAuth(vector_credentials, clock=SteppingClock(east))
    assert auth.signed_query("POST", HOST, PATH) == _by_the_steps(vector_credentials, VECTOR_TIME)


def test_a_naive_clock_is_refused_every_time(vector_credentials: Credentials) -> None:
    auth = HtxAuth(vector_credentials, clock=SteppingClock())
    auth.signed_query("POST", HOST, PATH)
    naive = HtxAuth(vector_credentials, clock=lambda: VECTOR_TIME.replace(tzinfo=None))
    for _ in range(2):
        with pytest.raises(InvalidRequestError, match="timezone-aware"):
            naive.signed_query("POST", HOST, PATH)


def test_a_get_signs_its_own_parameters(vector_credentials: Credentials) -> None:
    auth = HtxAuth(
        vector_credentials, clock=SteppingClock(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    )
    query = auth.signed_query("GET", HOST, PATH, [("contract_code", "BTC-USDT")])
    params = auth_params("access", "2026-01-02T03:04:05") | {"contract_code": "BTC-USDT"}
    expected = encode_query(params)
    signature = compute_signature("secret", text_to_sign("GET", HOST, PATH, expected))
    assert query == f"{expected}&Signature={encode_value(signature)}"
