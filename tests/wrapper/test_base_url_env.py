"""HTX_BASE_URL: where the clients and the command send when the code or the flags don't say."""

from __future__ import annotations

import io
import json

import pytest

import htx_sandbox
from htx_swap import AsyncSwapClient, Credentials, InvalidRequestError, SwapClient
from htx_swap import _cli as cli

KEYS = Credentials("access", "secret")


@pytest.mark.parametrize("client_class", [SwapClient, AsyncSwapClient])
def test_a_client_without_base_url_reads_htx_base_url(
    monkeypatch: pytest.MonkeyPatch, client_class: type[SwapClient | AsyncSwapClient]
) -> None:
    monkeypatch.setenv("HTX_BASE_URL", "http://127.0.0.1:8080/")
    assert client_class(KEYS).base_url == "http://127.0.0.1:8080"
    assert client_class(KEYS, base_url="https://api.hbdm.vn").base_url == "https://api.hbdm.vn"


@pytest.mark.parametrize("value", [None, ""])
def test_without_htx_base_url_the_client_sends_to_htx(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv("HTX_BASE_URL", raising=False)
    else:
        monkeypatch.setenv("HTX_BASE_URL", value)
    assert SwapClient(KEYS).base_url == "https://api.hbdm.com"


def test_a_bad_htx_base_url_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTX_BASE_URL", "http://example.com")
    with pytest.raises(InvalidRequestError, match=r"^environment variable HTX_BASE_URL: base_url"):
        SwapClient(KEYS)
    # The same rules as for the argument: plain http beyond loopback only when allowed.
    assert SwapClient(KEYS, allow_insecure_http=True).base_url == "http://example.com"


def _list(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(["trailing", "list", "--contract-code", "BTC-USDT", "--json", *argv],
                      stdout=out, stderr=err)  # fmt: skip
    return status, out.getvalue(), err.getvalue()


def test_the_command_sends_to_htx_base_url_unless_base_url_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with htx_sandbox.running(orders=2, mix=False) as sandbox:
        monkeypatch.setenv("HTX_ACCESS_KEY", sandbox.credentials.access_key)
        monkeypatch.setenv("HTX_SECRET_KEY", sandbox.credentials.secret_key)
        monkeypatch.setenv("HTX_BASE_URL", sandbox.base_url)
        status, out, err = _list()
        assert (status, err) == (0, "")
        assert all(order_id in out for order_id in sandbox.order_ids)
        # The flag wins: port 9 on loopback answers nothing.
        status, out, err = _list("--base-url", "http://127.0.0.1:9")
    assert (status, out) == (1, "")
    assert "127.0.0.1:9" in err


def test_the_command_names_a_bad_htx_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTX_ACCESS_KEY", "access")
    monkeypatch.setenv("HTX_SECRET_KEY", "secret")
    monkeypatch.setenv("HTX_BASE_URL", "ftp://example.com")
    status, out, err = _list()
    assert (status, out) == (2, "")
    assert json.loads(err)["error"].startswith(
        "environment variable HTX_BASE_URL: base_url must be an http(s) URL"
    )
