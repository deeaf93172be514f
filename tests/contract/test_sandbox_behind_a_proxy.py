"""The sandbox's `public_host`: behind a proxy that forwards with the sandbox's own `Host`, it
verifies signatures against the host clients address (Prism's), not the one in the request."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

import htx_sandbox
from htx_sandbox import DEFAULT_CREDENTIALS, Exchange
from htx_swap.signing import (
    SIGNATURE_PARAM,
    auth_params,
    compute_signature,
    encode_query,
    encode_value,
    format_timestamp,
    text_to_sign,
)

PATH = htx_sandbox.CANCEL_PATH
PROXY_HOST = "127.0.0.1:4010"
NOW = 1_700_000_000.0


def signed_query(host: str, when: float = NOW) -> str:
    """The query of a cancel signed with the sandbox's default keys for `host`."""
    params = auth_params(
        DEFAULT_CREDENTIALS.access_key, format_timestamp(datetime.fromtimestamp(when, UTC))
    )
    query = encode_query(params)
    text = text_to_sign("POST", host, PATH, query)
    signature = compute_signature(DEFAULT_CREDENTIALS.secret_key, text)
    return f"{query}&{SIGNATURE_PARAM}={encode_value(signature)}"


def _admit(exchange: Exchange, header_host: str, signed_for: str) -> int | None:
    query = signed_query(signed_for).encode()
    return exchange.admit("POST", header_host, PATH, query).auth.err_code


def test_by_default_the_request_host_is_verified() -> None:
    exchange = Exchange(clock=lambda: NOW)
    assert exchange.public_host is None
    assert _admit(exchange, "127.0.0.1:8080", signed_for="127.0.0.1:8080") is None
    assert _admit(exchange, "127.0.0.1:8080", signed_for=PROXY_HOST) == 403


def test_a_public_host_is_verified_instead_of_the_request_host() -> None:
    exchange = Exchange(clock=lambda: NOW, public_host=PROXY_HOST)
    assert _admit(exchange, "127.0.0.1:8080", signed_for=PROXY_HOST) is None
    assert _admit(exchange, "127.0.0.1:8080", signed_for="127.0.0.1:8080") == 403


def test_the_public_host_is_compared_as_hosts_are_case_insensitively() -> None:
    exchange = Exchange(clock=lambda: NOW, public_host="Proxy.Example:4010")
    assert _admit(exchange, "127.0.0.1:8080", signed_for="proxy.example:4010") is None


def test_the_public_host_outlives_a_reset() -> None:
    exchange = Exchange(clock=lambda: NOW, public_host=PROXY_HOST)
    exchange.reset()
    assert _admit(exchange, "elsewhere:1", signed_for=PROXY_HOST) is None


@pytest.mark.parametrize("bad", ["", " 127.0.0.1:4010", "127.0.0.1:4010\n"])
def test_a_malformed_public_host_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="public_host"):
        Exchange(public_host=bad)


def test_a_running_sandbox_verifies_against_its_public_host() -> None:
    with htx_sandbox.running(public_host=PROXY_HOST, orders=1) as sandbox:
        url = f"{sandbox.base_url}{PATH}"
        body = {"contract_code": "BTC-USDT", "order_id": sandbox.order_ids[0]}
        now = sandbox.control.now()
        with httpx.Client(timeout=5) as http:
            direct = http.post(f"{url}?{signed_query(sandbox.host, now)}", json=body).json()
            proxied = http.post(f"{url}?{signed_query(PROXY_HOST, now)}", json=body).json()
    assert direct["err_code"] == 403
    assert proxied == {
        "status": "ok",
        "data": {"errors": [], "successes": sandbox.order_ids[0]},
        "ts": proxied["ts"],
    }
