"""HtxAuth: signing real httpx requests, over MockTransport, on an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from htx_swap import Credentials, HtxAuth, InvalidRequestError
from htx_swap.signing import (
    auth_params,
    compute_signature,
    encode_query,
    format_timestamp,
    text_to_sign,
)

from .support import SECRET, VECTOR_TIME, SteppingClock

CANCEL_URL = "https://api.hbdm.com/linear-swap-api/v1/swap_track_cancel"
CANCEL_BODY = {"contract_code": "BTC-USDT", "order_id": "1,2"}


class Recorder:
    """A MockTransport handler that keeps every request it receives."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json={"status": "ok", "data": {}, "ts": 0})


def _client(auth: HtxAuth, recorder: Recorder) -> httpx.Client:
    return httpx.Client(auth=auth, transport=httpx.MockTransport(recorder))


def _query(request: httpx.Request) -> dict[str, str]:
    return dict(request.url.params)


def test_post_carries_the_derived_facts_signature(vector_credentials: Credentials) -> None:
    recorder = Recorder()
    auth = HtxAuth(vector_credentials, clock=SteppingClock())
    with _client(auth, recorder) as client:
        client.post(CANCEL_URL, json=CANCEL_BODY)
    assert _query(recorder.requests[0]) == {
        "AccessKeyId": "access",
        "SignatureMethod": "HmacSHA256",
        "SignatureVersion": "2",
        "Timestamp": "2019-11-21T10:00:00",
        "Signature": "YZG9+x75ArZvgsQlec9FijzxzAhNkNpKiI3RMb3J4fs=",
    }


def test_post_sends_the_exact_signed_query_string(vector_credentials: Credentials) -> None:
    recorder = Recorder()
    auth = HtxAuth(vector_credentials, clock=SteppingClock())
    with _client(auth, recorder) as client:
        client.post(CANCEL_URL, json=CANCEL_BODY)
    assert recorder.requests[0].url.query == (
        b"AccessKeyId=access&SignatureMethod=HmacSHA256&SignatureVersion=2"
        b"&Timestamp=2019-11-21T10%3A00%3A00"
        b"&Signature=YZG9%2Bx75ArZvgsQlec9FijzxzAhNkNpKiI3RMb3J4fs%3D"
    )


def test_post_body_is_sent_unchanged(vector_credentials: Credentials) -> None:
    recorder = Recorder()
    auth = HtxAuth(vector_credentials, clock=SteppingClock())
    with _client(auth, recorder) as client:
        client.post(CANCEL_URL, json=CANCEL_BODY)
    assert recorder.requests[0].content == b'{"contract_code":"BTC-USDT","order_id":"1,2"}'


def test_get_signs_its_own_query_with_the_signing_params(vector_credentials: Credentials) -> None:
    """HTX's third SDK vector, produced end to end."""
    recorder = Recorder()
    auth = HtxAuth(vector_credentials, clock=SteppingClock())
    with _client(auth, recorder) as client:
        client.get("https://api.huobi.pro/v1/account/history?account-id=123&currency=btc")
    query = _query(recorder.requests[0])
    assert query["Signature"] == "SGZYJ9Ub/hFerEBbSWsCxl8Djk+LRBgEZOB4fLc4T9Q="
    assert query["account-id"] == "123"
    assert query["currency"] == "btc"


def test_get_without_own_query_matches_second_sdk_vector(vector_credentials: Credentials) -> None:
    recorder = Recorder()
    auth = HtxAuth(vector_credentials, clock=SteppingClock())
    with _client(auth, recorder) as client:
        client.get("https://api.huobi.pro/v1/account/accounts")
    assert _query(recorder.requests[0])["Signature"] == (
        "rWnLcMt3XBAsmXoNHtTQVpvMbH/cE1PXFwQAGeYwt3s="
    )


def test_get_params_given_to_httpx_are_signed(vector_credentials: Credentials) -> None:
    recorder = Recorder()
    auth = HtxAuth(vector_credentials, clock=SteppingClock())
    with _client(auth, recorder) as client:
        client.get(
            "https://api.huobi.pro/v1/account/history",
            params={"currency": "btc", "account-id": "123"},
        )
    assert _query(recorder.requests[0])["Signature"] == (
        "SGZYJ9Ub/hFerEBbSWsCxl8Djk+LRBgEZOB4fLc4T9Q="
    )


def test_non_default_port_is_part_of_the_signed_host(vector_credentials: Credentials) -> None:
    recorder = Recorder()
    auth = HtxAuth(vector_credentials, clock=SteppingClock())
    with _client(auth, recorder) as client:
        client.post("http://127.0.0.1:8080/linear-swap-api/v1/swap_track_cancel", json={})
    query = encode_query(auth_params("access", "2019-11-21T10:00:00"))
    text = text_to_sign("POST", "127.0.0.1:8080", "/linear-swap-api/v1/swap_track_cancel", query)
    assert _query(recorder.requests[0])["Signature"] == compute_signature("secret", text)


def test_default_port_is_left_out_of_the_signed_host(vector_credentials: Credentials) -> None:
    recorder = Recorder()
    auth = HtxAuth(vector_credentials, clock=SteppingClock())
    with _client(auth, recorder) as client:
        client.post("https://API.HBDM.COM:443/linear-swap-api/v1/swap_track_cancel", json={})
    assert _query(recorder.requests[0])["Signature"] == (
        "YZG9+x75ArZvgsQlec9FijzxzAhNkNpKiI3RMb3J4fs="
    )


def test_every_send_is_signed_afresh_with_the_clock(vector_credentials: Credentials) -> None:
    recorder = Recorder()
    auth = HtxAuth(vector_credentials, clock=SteppingClock(step=timedelta(seconds=1)))
    with _client(auth, recorder) as client:
        for _ in range(3):
            client.post(CANCEL_URL, json=CANCEL_BODY)
    stamps = [_query(request)["Timestamp"] for request in recorder.requests]
    assert stamps == ["2019-11-21T10:00:00", "2019-11-21T10:00:01", "2019-11-21T10:00:02"]
    assert len({_query(request)["Signature"] for request in recorder.requests}) == 3


def test_resending_one_request_replaces_its_signature(vector_credentials: Credentials) -> None:
    """A retry that sends the same Request object again is re-signed, not signed twice."""
    recorder = Recorder()
    auth = HtxAuth(vector_credentials, clock=SteppingClock(step=timedelta(seconds=1)))
    with _client(auth, recorder) as client:
        request = client.build_request("POST", CANCEL_URL, json=CANCEL_BODY)
        client.send(request)
        client.send(request)
    second = recorder.requests[1].url.params
    assert second.get_list("Signature") == [second["Signature"]]
    assert second["Timestamp"] == "2019-11-21T10:00:01"
    query = encode_query(auth_params("access", "2019-11-21T10:00:01"))
    text = text_to_sign("POST", "api.hbdm.com", "/linear-swap-api/v1/swap_track_cancel", query)
    assert second["Signature"] == compute_signature("secret", text)


def test_resending_a_get_keeps_its_own_params_once(vector_credentials: Credentials) -> None:
    recorder = Recorder()
    auth = HtxAuth(vector_credentials, clock=SteppingClock())
    with _client(auth, recorder) as client:
        request = client.build_request("GET", "https://api.huobi.pro/v1/account/history?a=1")
        client.send(request)
        client.send(request)
    assert recorder.requests[1].url.params.get_list("a") == ["1"]
    assert recorder.requests[1].url.params.get_list("Timestamp") == ["2019-11-21T10:00:00"]


@pytest.mark.anyio
async def test_async_client_gets_the_same_signature(vector_credentials: Credentials) -> None:
    recorder = Recorder()
    auth = HtxAuth(vector_credentials, clock=SteppingClock())
    async with httpx.AsyncClient(auth=auth, transport=httpx.MockTransport(recorder)) as client:
        await client.post(CANCEL_URL, json=CANCEL_BODY)
    assert _query(recorder.requests[0])["Signature"] == (
        "YZG9+x75ArZvgsQlec9FijzxzAhNkNpKiI3RMb3J4fs="
    )


def test_post_with_query_parameters_is_rejected(vector_credentials: Credentials) -> None:
    auth = HtxAuth(vector_credentials, clock=SteppingClock())
    with _client(auth, Recorder()) as client, pytest.raises(InvalidRequestError, match="'extra'"):
        client.post(CANCEL_URL + "?extra=1", json=CANCEL_BODY)


def test_get_with_a_repeated_parameter_is_rejected(vector_credentials: Credentials) -> None:
    auth = HtxAuth(vector_credentials, clock=SteppingClock())
    with _client(auth, Recorder()) as client, pytest.raises(InvalidRequestError, match="'a'"):
        client.get("https://api.huobi.pro/v1/x?a=1&a=2")


def test_auth_flow_yields_the_request_once(vector_credentials: Credentials) -> None:
    auth = HtxAuth(vector_credentials, clock=SteppingClock())
    request = httpx.Request("POST", CANCEL_URL, json=CANCEL_BODY)
    flow = auth.auth_flow(request)
    assert next(flow) is request
    with pytest.raises(StopIteration):
        flow.send(httpx.Response(200))


def test_clock_offset_is_added_to_the_clock(vector_credentials: Credentials) -> None:
    recorder = Recorder()
    auth = HtxAuth(vector_credentials, clock=SteppingClock())
    auth.clock_offset = timedelta(minutes=-7)
    with _client(auth, recorder) as client:
        client.post(CANCEL_URL, json=CANCEL_BODY)
    assert _query(recorder.requests[0])["Timestamp"] == "2019-11-21T09:53:00"


def test_clock_offset_starts_at_zero(vector_credentials: Credentials) -> None:
    assert HtxAuth(vector_credentials).clock_offset == timedelta(0)


def test_correct_clock_adopts_the_server_time(vector_credentials: Credentials) -> None:
    auth = HtxAuth(vector_credentials, clock=SteppingClock())
    server = VECTOR_TIME + timedelta(minutes=6, seconds=30)
    offset = auth.correct_clock(int(server.timestamp() * 1000), received_at=VECTOR_TIME)
    assert offset == auth.clock_offset == timedelta(minutes=6, seconds=30)
    assert auth.signing_time() == server


def test_correct_clock_defaults_to_the_clock_for_arrival(vector_credentials: Credentials) -> None:
    auth = HtxAuth(vector_credentials, clock=SteppingClock())
    server_ms = int((VECTOR_TIME - timedelta(seconds=400)).timestamp() * 1000)
    assert auth.correct_clock(server_ms) == timedelta(seconds=-400)


def test_correct_clock_keeps_milliseconds(vector_credentials: Credentials) -> None:
    auth = HtxAuth(vector_credentials, clock=SteppingClock())
    server_ms = int(VECTOR_TIME.timestamp() * 1000) + 1_250
    assert auth.correct_clock(server_ms) == timedelta(seconds=1.25)


def test_correct_clock_replaces_an_earlier_correction(vector_credentials: Credentials) -> None:
    auth = HtxAuth(vector_credentials, clock=SteppingClock())
    auth.clock_offset = timedelta(hours=1)
    auth.correct_clock(int(VECTOR_TIME.timestamp() * 1000))
    assert auth.clock_offset == timedelta(0)


def test_corrected_clock_signs_with_server_time(vector_credentials: Credentials) -> None:
    recorder = Recorder()
    auth = HtxAuth(vector_credentials, clock=SteppingClock(VECTOR_TIME - timedelta(minutes=9)))
    auth.correct_clock(int(VECTOR_TIME.timestamp() * 1000))
    with _client(auth, recorder) as client:
        client.post(CANCEL_URL, json=CANCEL_BODY)
    assert _query(recorder.requests[0])["Signature"] == (
        "YZG9+x75ArZvgsQlec9FijzxzAhNkNpKiI3RMb3J4fs="
    )


@pytest.mark.parametrize("server_time_ms", [True, 1.5e12, "1574330400000", None])
def test_correct_clock_rejects_a_non_int_server_time(
    vector_credentials: Credentials, server_time_ms: object
) -> None:
    auth = HtxAuth(vector_credentials, clock=SteppingClock())
    with pytest.raises(InvalidRequestError, match="server_time_ms"):
        auth.correct_clock(server_time_ms)  # type: ignore[arg-type]


def test_correct_clock_rejects_a_naive_arrival_time(vector_credentials: Credentials) -> None:
    auth = HtxAuth(vector_credentials, clock=SteppingClock())
    with pytest.raises(InvalidRequestError, match="timezone-aware"):
        auth.correct_clock(0, received_at=datetime(2019, 11, 21))


def test_clock_in_another_zone_is_signed_in_utc(vector_credentials: Credentials) -> None:
    recorder = Recorder()
    eight = timezone(timedelta(hours=8))
    auth = HtxAuth(vector_credentials, clock=SteppingClock(VECTOR_TIME.astimezone(eight)))
    with _client(auth, recorder) as client:
        client.post(CANCEL_URL, json=CANCEL_BODY)
    assert _query(recorder.requests[0])["Timestamp"] == "2019-11-21T10:00:00"


def test_default_clock_is_utc_now(vector_credentials: Credentials) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    signed = HtxAuth(vector_credentials).signing_time()
    assert signed.utcoffset() == timedelta(0)
    assert signed >= before


def test_auth_rejects_anything_but_credentials() -> None:
    with pytest.raises(InvalidRequestError, match="Credentials"):
        HtxAuth(("access", "secret"))  # type: ignore[arg-type]


def test_repr_shows_access_key_and_not_secret(credentials: Credentials) -> None:
    auth = HtxAuth(credentials)
    assert "ak-public-123" in repr(auth)
    assert SECRET not in repr(auth)
    assert SECRET not in str(auth)


def test_signing_error_messages_never_hold_the_secret(credentials: Credentials) -> None:
    auth = HtxAuth(credentials, clock=lambda: datetime(2019, 11, 21))
    with pytest.raises(InvalidRequestError) as caught:
        next(auth.auth_flow(httpx.Request("POST", CANCEL_URL)))
    assert SECRET not in str(caught.value)
    assert SECRET not in repr(caught.value)


def test_access_key_is_exposed(credentials: Credentials) -> None:
    assert HtxAuth(credentials).access_key == "ak-public-123"


@given(
    access_key=st.text(min_size=1).filter(lambda key: key == key.strip()),
    moment=st.datetimes(timezones=st.just(UTC)),
)
def test_post_query_equals_encode_query_of_auth_params(access_key: str, moment: datetime) -> None:
    """A POST signs exactly the four signing parameters, encoded as encode_query encodes them."""
    auth = HtxAuth(Credentials(access_key, "secret"), clock=lambda: moment)
    request = httpx.Request("POST", CANCEL_URL)
    next(auth.auth_flow(request))
    expected = encode_query(auth_params(access_key, format_timestamp(moment)))
    assert request.url.query.decode("ascii").rpartition("&Signature=")[0] == expected
