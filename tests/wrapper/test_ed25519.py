"""Ed25519 API keys: credentials, signing by HTX's steps, and the sandbox accepting the result.

The primitive is pinned by RFC 8032's vectors, the text HTX signs by HTX's own page
(tests/vectors/ed25519.json says why HTX's documented signature itself cannot be reproduced).
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key

import htx_sandbox
from htx_sandbox import _ed25519 as sandbox_ed25519
from htx_swap import Credentials, HtxAuth, HtxAuthError, InvalidRequestError, SwapClient
from htx_swap.signing import ED25519_METHOD, auth_params, encode_query, text_to_sign

from .support import VECTOR_TIME, SteppingClock

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "vectors" / "ed25519.json").read_text(encoding="utf-8")
)
TEST_1 = VECTORS["rfc8032"][0]
SEED = bytes.fromhex(TEST_1["private_key_hex"])
PUBLIC = bytes.fromhex(TEST_1["public_key_hex"])
PEM = VECTORS["private_key_pem_of_test_1"]
CANCEL_URL = "https://api.hbdm.com/linear-swap-api/v1/swap_track_cancel"


def _signed(credentials: Credentials, url: str = CANCEL_URL) -> httpx.Request:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"status": "ok", "data": {}, "ts": 0})

    auth = HtxAuth(credentials, clock=SteppingClock(VECTOR_TIME))
    with httpx.Client(auth=auth, transport=httpx.MockTransport(handler)) as client:
        client.post(url, json={"contract_code": "BTC-USDT", "order_id": "1"})
    return seen[0]


@pytest.mark.parametrize("vector", VECTORS["rfc8032"], ids=lambda v: v["name"])
def test_the_signer_reproduces_rfc_8032(vector: dict[str, str]) -> None:
    from htx_swap._ed25519 import load_private_key

    key = load_private_key(bytes.fromhex(vector["private_key_hex"]))
    message = bytes.fromhex(vector["message_hex"])
    assert key.sign(message).hex() == vector["signature_hex"]
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert raw.hex() == vector["public_key_hex"]


def test_the_text_signed_is_htxs_documented_step_7() -> None:
    doc = VECTORS["htx_documented"]
    params = doc["params"]
    query = encode_query(
        auth_params(params["AccessKeyId"], params["Timestamp"], params["SignatureMethod"])
    )
    assert text_to_sign(doc["method"], doc["host"], doc["path"], query) == doc["text_to_sign"]
    assert params["SignatureMethod"] == ED25519_METHOD
    # Why HTX's own signature is not a vector: it is 32 bytes, an HMAC-SHA256's size.
    assert len(base64.b64decode(doc["documented_signature"])) == 32


@pytest.mark.parametrize("key", [SEED, PEM, PEM.encode()], ids=["raw", "pem-str", "pem-bytes"])
def test_an_ed25519_key_signs_each_request_by_htxs_steps(key: str | bytes) -> None:
    vector = VECTORS["derived"][0]
    request = _signed(Credentials(vector["access_key"], private_key=key))
    params = dict(request.url.params)
    assert params["SignatureMethod"] == "Ed25519"
    assert params["Timestamp"] == vector["timestamp"]
    assert params["Signature"] == vector["signature"]
    text = vector["text_to_sign"].encode()
    # Checked by the sandbox's own RFC 8032 code, not only by the library that signed.
    assert sandbox_ed25519.verify(PUBLIC, text, base64.b64decode(params["Signature"]))


def test_hmac_credentials_sign_as_before() -> None:
    request = _signed(Credentials("access", "secret"))
    assert dict(request.url.params)["SignatureMethod"] == "HmacSHA256"


def test_credentials_take_exactly_one_kind_of_key() -> None:
    with pytest.raises(InvalidRequestError, match="exactly one"):
        Credentials("ak")
    with pytest.raises(InvalidRequestError, match="exactly one"):
        Credentials("ak", "secret", private_key=SEED)
    assert Credentials("ak", private_key=SEED).signature_method == "Ed25519"
    assert Credentials("ak", "secret").signature_method == "HmacSHA256"


def test_no_private_key_reaches_a_repr_or_a_message() -> None:
    credentials = Credentials("ak", private_key=PEM)
    assert "PRIVATE" not in repr(credentials)
    assert SEED.hex() not in repr(credentials)
    body = PEM.splitlines()[1]
    broken = PEM.replace(body, body[:-8])  # the DER cut short
    for bad in (b"\x01" * 31, broken, "not a key at all " + body):
        with pytest.raises(InvalidRequestError) as caught:
            HtxAuth(Credentials("ak", private_key=bad))
        assert body[:12] not in str(caught.value)


def test_a_key_of_another_kind_is_refused_by_name() -> None:
    pem = (
        generate_private_key(SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    with pytest.raises(InvalidRequestError, match="not an Ed25519 key"):
        HtxAuth(Credentials("ak", private_key=pem))


def test_import_htx_swap_does_not_import_cryptography() -> None:
    code = "import sys, htx_swap; print('cryptography' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def test_the_sandbox_accepts_an_ed25519_signed_cancel_and_refuses_a_wrong_key() -> None:
    keys = htx_sandbox.Credentials("ed-key", ed25519_public_key=PUBLIC)
    with htx_sandbox.running(credentials=keys) as sandbox:
        (order_id,) = sandbox.control.seed_orders(generate=1, access_key="ed-key")
        with SwapClient(
            Credentials("ed-key", private_key=PEM), base_url=sandbox.base_url
        ) as client:
            result = client.cancel_trailing_orders("BTC-USDT", [order_id])
        assert result.cancelled == (order_id,)
        other = bytes(range(32))
        with (
            SwapClient(
                Credentials("ed-key", private_key=other), base_url=sandbox.base_url
            ) as client,
            pytest.raises(HtxAuthError) as refused,
        ):
            client.cancel_trailing_orders("BTC-USDT", ["1"])
        assert refused.value.err_code == 403


def test_the_specs_ed25519_example_is_the_pinned_vector() -> None:
    spec = (Path(__file__).parents[2] / "openapi" / "htx-linear-swap.yaml").read_text("utf-8")
    vector = VECTORS["derived"][0]
    assert vector["signature"] in spec
    assert TEST_1["private_key_hex"] in spec
    assert vector["text_to_sign"].replace("\n", "\\n") in spec


@pytest.mark.anyio
@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
async def test_the_async_client_signs_with_ed25519_on_every_transport(transport: str) -> None:
    from htx_swap import AsyncSwapClient

    keys = htx_sandbox.Credentials("ed-key", ed25519_public_key=PUBLIC)
    with htx_sandbox.running(credentials=keys) as sandbox:
        opened = sandbox.control.seed_orders(generate=3, access_key="ed-key")
        async with AsyncSwapClient(
            Credentials("ed-key", private_key=SEED), base_url=sandbox.base_url, transport=transport
        ) as client:
            result = await client.cancel_trailing_orders("BTC-USDT", opened)
        assert set(result.cancelled) == set(opened)
        assert all(record.authenticated for record in sandbox.control.requests())
