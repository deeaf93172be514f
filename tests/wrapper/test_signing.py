"""The signing steps in htx_swap.signing, driven by HTX's own vectors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from htx_swap import InvalidRequestError
from htx_swap.signing import (
    auth_params,
    compute_signature,
    encode_query,
    encode_value,
    format_timestamp,
    signed_host,
    text_to_sign,
)

VECTORS: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent.parent / "vectors" / "signing.json").read_text(encoding="utf-8")
)


def _steps(vector: dict[str, Any]) -> tuple[str, str, str]:
    query = encode_query(vector["params"])
    text = text_to_sign(vector["method"], vector["host"], vector["path"], query)
    return query, text, compute_signature(vector["secret"], text)


def _explain(vector: dict[str, Any], query: str, text: str, signature: str) -> str:
    """Each intermediate step, expected against actual (botocore style)."""
    return (
        f"\nvector: {vector['name']}"
        f"\nquery expected: {vector['query']!r}\nquery actual:   {query!r}"
        f"\ntext expected:  {vector['text_to_sign']!r}\ntext actual:    {text!r}"
        f"\nsignature expected: {vector['signature']}\nsignature actual:   {signature}"
    )


def test_vector_file_holds_every_facts_vector() -> None:
    signatures = {vector["signature"] for vector in VECTORS}
    assert signatures >= {
        "HUP3n78npIuTzVKyjEOrPictRKEUTRoYs7Ld5y38hmA=",
        "rWnLcMt3XBAsmXoNHtTQVpvMbH/cE1PXFwQAGeYwt3s=",
        "SGZYJ9Ub/hFerEBbSWsCxl8Djk+LRBgEZOB4fLc4T9Q=",
        "YZG9+x75ArZvgsQlec9FijzxzAhNkNpKiI3RMb3J4fs=",
    }


@pytest.mark.parametrize("vector", VECTORS, ids=[vector["name"] for vector in VECTORS])
def test_encode_query_matches_vector(vector: dict[str, Any]) -> None:
    query, text, signature = _steps(vector)
    assert query == vector["query"], _explain(vector, query, text, signature)


@pytest.mark.parametrize("vector", VECTORS, ids=[vector["name"] for vector in VECTORS])
def test_text_to_sign_matches_vector(vector: dict[str, Any]) -> None:
    query, text, signature = _steps(vector)
    assert text == vector["text_to_sign"], _explain(vector, query, text, signature)


@pytest.mark.parametrize("vector", VECTORS, ids=[vector["name"] for vector in VECTORS])
def test_signature_matches_vector(vector: dict[str, Any]) -> None:
    query, text, signature = _steps(vector)
    assert signature == vector["signature"], _explain(vector, query, text, signature)


@pytest.mark.parametrize("vector", VECTORS, ids=[vector["name"] for vector in VECTORS])
def test_signature_of_vector_text_matches_vector(vector: dict[str, Any]) -> None:
    """The last step alone, so a failure points at it rather than at the query."""
    assert compute_signature(vector["secret"], vector["text_to_sign"]) == vector["signature"]


def test_encode_value_percent_encodes_colon_and_space_in_uppercase() -> None:
    assert encode_value("10:00 a/b+c=d") == "10%3A00%20a%2Fb%2Bc%3Dd"


def test_encode_value_keeps_rfc3986_unreserved_characters() -> None:
    unreserved = "ABCXYZabcxyz0189-_.~"
    assert encode_value(unreserved) == unreserved


def test_encode_value_encodes_non_ascii_as_utf8_bytes() -> None:
    assert encode_value("é€") == "%C3%A9%E2%82%AC"


@given(st.text())
def test_encode_value_emits_only_unreserved_or_uppercase_escapes(value: str) -> None:
    encoded = encode_value(value)
    assert unquote(encoded) == value
    plain = encoded.replace("%", "")
    assert plain.isascii()
    assert all(char.isalnum() or char in "-_.~" for char in plain)
    escapes = encoded.split("%")[1:]
    assert all(escape[:2] == escape[:2].upper() for escape in escapes)


def test_encode_query_sorts_names_in_ascii_order() -> None:
    """Uppercase sorts before lowercase, as in HTX's third vector."""
    query = encode_query({"currency": "btc", "Timestamp": "t", "AccessKeyId": "a", "b": "1"})
    assert query == "AccessKeyId=a&Timestamp=t&b=1&currency=btc"


def test_encode_query_encodes_names_and_values() -> None:
    assert encode_query({"a b": "c:d"}) == "a%20b=c%3Ad"


def test_encode_query_of_no_params_is_empty() -> None:
    assert encode_query({}) == ""


def test_text_to_sign_upper_cases_method_and_lower_cases_host() -> None:
    assert text_to_sign("post", "API.HBDM.com", "/p", "a=1") == "POST\napi.hbdm.com\n/p\na=1"


def test_text_to_sign_keeps_path_case() -> None:
    assert text_to_sign("GET", "h", "/V1/Path", "") == "GET\nh\n/V1/Path\n"


def test_signed_host_drops_default_https_port() -> None:
    assert signed_host(httpx.URL("https://api.hbdm.com:443/x")) == "api.hbdm.com"


def test_signed_host_drops_default_http_port() -> None:
    assert signed_host(httpx.URL("http://localhost:80/x")) == "localhost"


def test_signed_host_keeps_non_default_port() -> None:
    assert signed_host(httpx.URL("http://127.0.0.1:8080/x")) == "127.0.0.1:8080"


def test_signed_host_keeps_port_443_on_plain_http() -> None:
    assert signed_host(httpx.URL("http://localhost:443/x")) == "localhost:443"


def test_signed_host_lower_cases() -> None:
    assert signed_host(httpx.URL("https://API.HBDM.COM/x")) == "api.hbdm.com"


def test_signed_host_leaves_out_user_info() -> None:
    assert signed_host(httpx.URL("https://user:pw@api.hbdm.com/x")) == "api.hbdm.com"


def test_signed_host_brackets_ipv6_like_the_host_header() -> None:
    url = httpx.URL("http://[::1]:8080/x")
    assert signed_host(url) == httpx.Request("GET", url).headers["Host"] == "[::1]:8080"


def test_format_timestamp_matches_htx_layout() -> None:
    assert format_timestamp(datetime(2019, 11, 21, 10, 0, 0, tzinfo=UTC)) == "2019-11-21T10:00:00"


def test_format_timestamp_drops_the_fraction_without_rounding() -> None:
    moment = datetime(2019, 11, 21, 10, 0, 59, 999_999, tzinfo=UTC)
    assert format_timestamp(moment) == "2019-11-21T10:00:59"


def test_format_timestamp_converts_other_zones_to_utc() -> None:
    moment = datetime(2019, 11, 21, 18, 0, 0, tzinfo=timezone(timedelta(hours=8)))
    assert format_timestamp(moment) == "2019-11-21T10:00:00"


def test_format_timestamp_zero_pads_early_years() -> None:
    assert format_timestamp(datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC)) == "0999-01-02T03:04:05"


def test_format_timestamp_rejects_naive_datetime() -> None:
    with pytest.raises(InvalidRequestError, match="timezone-aware"):
        format_timestamp(datetime(2019, 11, 21, 10, 0, 0))


def test_auth_params_are_the_four_signing_parameters() -> None:
    assert auth_params("access", "2019-11-21T10:00:00") == {
        "AccessKeyId": "access",
        "SignatureMethod": "HmacSHA256",
        "SignatureVersion": "2",
        "Timestamp": "2019-11-21T10:00:00",
    }
