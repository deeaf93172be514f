"""The bad-input corpus: malformed contract codes, IDs, iterables, credentials and settings.

Each one raises InvalidRequestError (a ValueError) naming the value, before anything is sent:
every httpx transport in the process is replaced by one that fails the test if it is called.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from htx_swap import AsyncSwapClient, Credentials, InvalidRequestError, SwapClient
from htx_swap._h11_send import H11Sender

KEYS = Credentials("corpus-access-key", "corpus-secret-key-51d0")
BASE_URL = "http://127.0.0.1:9"  # never reached: the transports below refuse to send
GOOD_ID = "826052268312821760"


class _Sent(AssertionError):
    """A request reached a transport: input validation let a bad value through."""


@pytest.fixture(autouse=True)
def no_byte_goes_out(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[httpx.Request]]:
    """Every transport, sync and async, records the request and fails the test."""
    sent: list[httpx.Request] = []

    def refuse(_transport: object, request: httpx.Request) -> httpx.Response:
        sent.append(request)
        raise _Sent(f"a request went out: {request.method} {request.url}")

    async def refuse_async(transport: object, request: httpx.Request) -> httpx.Response:
        return refuse(transport, request)

    def refuse_h11(sender: H11Sender, operation: Any, body: Any, attempt: Any) -> Any:
        return refuse(sender, httpx.Request("POST", f"https://h11.sender{operation.path}"))

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", refuse)
    monkeypatch.setattr(H11Sender, "send", refuse_h11)
    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", refuse_async)
    yield sent
    assert sent == [], "input validation let a request out"


class _Generator:
    """A fresh generator over `items` for each run of a case (a generator is used up once)."""

    def __init__(self, *items: object) -> None:
        self.items = items

    def __call__(self) -> Iterator[object]:
        yield from self.items

    def __repr__(self) -> str:
        return f"generator{self.items!r}"


# (id, contract_code, order_ids, text the message must contain)
CANCEL_CORPUS: list[tuple[str, object, object, str]] = [
    # contract codes
    ("lowercase contract", "btc-usdt", [GOOD_ID], "'btc-usdt'"),
    ("empty contract", "", [GOOD_ID], "''"),
    ("coin-margined contract", "BTC-USD", [GOOD_ID], "'BTC-USD'"),
    ("underscore contract", "BTC_USDT", [GOOD_ID], "'BTC_USDT'"),
    ("leading space contract", " BTC-USDT", [GOOD_ID], "' BTC-USDT'"),
    ("newline contract", "BTC-USDT\n", [GOOD_ID], "'BTC-USDT\\n'"),
    ("fullwidth contract", "ＢＴＣ-USDT", [GOOD_ID], "'ＢＴＣ-USDT'"),
    ("too long contract", "A" * 33 + "-USDT", [GOOD_ID], "'" + "A" * 33 + "-USDT'"),
    ("suffixed contract", "BTC-USDT-SWAP", [GOOD_ID], "'BTC-USDT-SWAP'"),
    ("None contract", None, [GOOD_ID], "None"),
    ("int contract", 123, [GOOD_ID], "123"),
    ("bytes contract", b"BTC-USDT", [GOOD_ID], "b'BTC-USDT'"),
    # ID formats
    ("zero ID", "BTC-USDT", ["0"], "'0'"),
    ("negative ID", "BTC-USDT", ["-1"], "'-1'"),
    ("signed ID", "BTC-USDT", ["+1"], "'+1'"),
    ("leading zero ID", "BTC-USDT", ["0123"], "'0123'"),
    ("decimal point ID", "BTC-USDT", ["1.0"], "'1.0'"),
    ("exponent ID", "BTC-USDT", ["1e5"], "'1e5'"),
    ("hex ID", "BTC-USDT", ["0x1f"], "'0x1f'"),
    ("fullwidth digits ID", "BTC-USDT", ["１２３"], "'１２３'"),
    ("padded ID", "BTC-USDT", [" 123"], "' 123'"),
    ("joined IDs", "BTC-USDT", ["123,456"], "'123,456'"),
    ("empty ID", "BTC-USDT", [""], "''"),
    ("int64 overflow ID", "BTC-USDT", ["9223372036854775808"], "'9223372036854775808'"),
    # ID types
    ("int zero", "BTC-USDT", [0], "0"),
    ("negative int", "BTC-USDT", [-5], "-5"),
    ("int64 overflow int", "BTC-USDT", [2**63], str(2**63)),
    ("bool ID", "BTC-USDT", [True], "True"),
    ("float ID", "BTC-USDT", [1.5], "1.5"),
    ("float that lost precision", "BTC-USDT", [826052268312821761.0], "8.260522683128218e+17"),
    ("None ID", "BTC-USDT", [GOOD_ID, None], "order_ids[1]"),
    ("bytes ID", "BTC-USDT", [b"123"], "b'123'"),
    ("Decimal ID", "BTC-USDT", [Decimal("123")], "Decimal('123')"),
    ("bad ID after good ones", "BTC-USDT", _Generator(GOOD_ID, "1", "x"), "order_ids[2]"),
    # iterables that aren't
    ("empty list", "BTC-USDT", [], "[]"),
    ("empty generator", "BTC-USDT", _Generator(), "order_ids is empty"),
    ("None for the IDs", "BTC-USDT", None, "None"),
    ("float for the IDs", "BTC-USDT", 12.5, "12.5"),
    ("bytes for the IDs", "BTC-USDT", b"123", "b'123'"),
    ("bare object for the IDs", "BTC-USDT", object(), "object object at"),
    ("dict of non-IDs", "BTC-USDT", {"abc": 1}, "'abc'"),
]


def _cancel_sync(contract_code: object, order_ids: object, **options: Any) -> object:
    with SwapClient(KEYS, base_url=BASE_URL) as client:
        return client.cancel_trailing_orders(contract_code, order_ids, **options)  # type: ignore[arg-type]


def _cancel_async(contract_code: object, order_ids: object, **options: Any) -> object:
    async def cancel() -> object:
        async with AsyncSwapClient(KEYS, base_url=BASE_URL) as client:
            return await client.cancel_trailing_orders(contract_code, order_ids, **options)  # type: ignore[arg-type]

    return asyncio.run(cancel())


@pytest.mark.parametrize("cancel", [_cancel_sync, _cancel_async], ids=["sync", "async"])
@pytest.mark.parametrize(
    ("contract_code", "order_ids", "named"),
    [pytest.param(*case[1:], id=case[0]) for case in CANCEL_CORPUS],
)
def test_a_malformed_cancel_is_refused_naming_the_value_and_sends_nothing(
    cancel: Callable[..., object], contract_code: object, order_ids: object, named: str
) -> None:
    if isinstance(order_ids, _Generator):
        order_ids = order_ids()
    with pytest.raises(InvalidRequestError) as caught:
        cancel(contract_code, order_ids)
    assert isinstance(caught.value, ValueError)
    assert named in str(caught.value)


def test_a_non_callable_progress_is_refused_naming_it() -> None:
    with pytest.raises(InvalidRequestError, match="'not callable'"):
        _cancel_sync("BTC-USDT", [GOOD_ID], progress="not callable")


SETTINGS_CORPUS: list[tuple[str, Callable[[], object], str]] = [
    ("credentials as a str", lambda: SwapClient("key:secret"), "str"),  # type: ignore[arg-type]
    ("credentials as a dict", lambda: AsyncSwapClient({"access_key": "a"}), "dict"),  # type: ignore[arg-type]
    (
        "ftp base URL",
        lambda: SwapClient(KEYS, base_url="ftp://api.hbdm.com"),
        "'ftp://api.hbdm.com'",
    ),
    ("host without scheme", lambda: SwapClient(KEYS, base_url="api.hbdm.com"), "'api.hbdm.com'"),
    ("zero timeout", lambda: SwapClient(KEYS, timeout=0), "0"),
    ("negative timeout", lambda: SwapClient(KEYS, timeout=-1.5), "-1.5"),
    ("bool timeout", lambda: SwapClient(KEYS, timeout=True), "True"),
    ("negative retries", lambda: SwapClient(KEYS, max_retries=-1), "-1"),
    ("float retries", lambda: AsyncSwapClient(KEYS, max_retries=2.5), "2.5"),  # type: ignore[arg-type]
    ("zero rate", lambda: SwapClient(KEYS, max_requests_per_second=0), "0"),
    ("NaN rate", lambda: SwapClient(KEYS, max_requests_per_second=float("nan")), "nan"),
    ("str rate", lambda: SwapClient(KEYS, max_requests_per_second="5"), "'5'"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(
    ("build", "named"), [pytest.param(*case[1:], id=case[0]) for case in SETTINGS_CORPUS]
)
def test_a_malformed_client_setting_is_refused_naming_the_value(
    build: Callable[[], object], named: str
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        build()
    assert named in str(caught.value)


SECRET = "corpus-secret-never-shown-2b7e"

# Credentials: the access key is public and named; the secret key is described, never shown.
CREDENTIALS_CORPUS: list[tuple[str, Callable[[], object], str]] = [
    ("empty access key", lambda: Credentials("", SECRET), "access_key is empty"),
    (
        "int access key",
        lambda: Credentials(123, SECRET),  # type: ignore[arg-type]
        "access_key must be a str; got int",
    ),
    ("padded access key", lambda: Credentials(" ak ", SECRET), "' ak '"),
    ("empty secret key", lambda: Credentials("ak", ""), "secret_key is empty"),
    (
        "None secret key",
        lambda: Credentials("ak", None),  # type: ignore[arg-type]
        # None is how an Ed25519 key leaves the secret out: then neither key was given.
        "give exactly one of secret_key (an HMAC key) and private_key (an Ed25519 key)",
    ),
    ("bytes secret key", lambda: Credentials("ak", SECRET.encode()), "got bytes"),  # type: ignore[arg-type]
    (
        "padded secret key",
        lambda: Credentials("ak", f" {SECRET}\n"),
        "leading or trailing whitespace",
    ),
    ("no environment", lambda: Credentials.from_env({}), "HTX_ACCESS_KEY and HTX_SECRET_KEY"),
    (
        "empty secret variable",
        lambda: Credentials.from_env({"HTX_ACCESS_KEY": "ak", "HTX_SECRET_KEY": ""}),
        "HTX_SECRET_KEY",
    ),
]


@pytest.mark.parametrize(
    ("build", "named"), [pytest.param(*case[1:], id=case[0]) for case in CREDENTIALS_CORPUS]
)
def test_malformed_credentials_are_refused_without_showing_the_secret(
    build: Callable[[], object], named: str
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        build()
    assert named in str(caught.value)
    assert SECRET not in str(caught.value)
    assert SECRET not in repr(caught.value)


def test_the_corpus_is_at_least_thirty_cases() -> None:
    assert len(CANCEL_CORPUS) + len(SETTINGS_CORPUS) + len(CREDENTIALS_CORPUS) >= 30


def test_the_guard_fails_a_request_that_does_go_out(no_byte_goes_out: list[httpx.Request]) -> None:
    """The proof is only as good as the guard: a valid cancel reaches it and is failed."""
    with pytest.raises(_Sent):
        _cancel_sync("BTC-USDT", [GOOD_ID])
    with pytest.raises(_Sent):
        _cancel_async("BTC-USDT", [GOOD_ID])
    assert [request.url.path for request in no_byte_goes_out] == [
        "/linear-swap-api/v1/swap_track_cancel"
    ] * 2
    no_byte_goes_out.clear()
