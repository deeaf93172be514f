"""The sandbox's own Ed25519: RFC 8032's vectors, and Ed25519 keys at the door.

The signer here is the sandbox's RFC 8032 code (its `sign`, kept for tests) and this file's own
signing text (tests/sandbox/signer.py's canonical query), never the wrapper's.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from htx_sandbox import Credentials, Exchange
from htx_sandbox import _ed25519 as ed25519

from .conftest import HOST, FakeClock, refused_code
from .signer import PREFIX, auth_params, canonical, encode, sign, timestamp

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "vectors" / "ed25519.json").read_text(encoding="utf-8")
)
SEED = bytes.fromhex(VECTORS["rfc8032"][0]["private_key_hex"])
PUBLIC = bytes.fromhex(VECTORS["rfc8032"][0]["public_key_hex"])
PATH = PREFIX + "swap_track_cancel"


@pytest.mark.parametrize("vector", VECTORS["rfc8032"], ids=lambda v: v["name"])
def test_rfc_8032_vectors(vector: dict[str, str]) -> None:
    seed = bytes.fromhex(vector["private_key_hex"])
    message = bytes.fromhex(vector["message_hex"])
    signature = bytes.fromhex(vector["signature_hex"])
    assert ed25519.public_key(seed).hex() == vector["public_key_hex"]
    assert ed25519.sign(seed, message) == signature
    assert ed25519.verify(bytes.fromhex(vector["public_key_hex"]), message, signature)
    assert not ed25519.verify(bytes.fromhex(vector["public_key_hex"]), message + b"x", signature)
    tampered = signature[:-1] + bytes([signature[-1] ^ 1])
    assert not ed25519.verify(bytes.fromhex(vector["public_key_hex"]), message, tampered)


def test_the_derived_htx_vector_verifies() -> None:
    vector = VECTORS["derived"][0]
    signature = base64.b64decode(vector["signature"])
    assert ed25519.verify(PUBLIC, vector["text_to_sign"].encode(), signature)


def _query(clock: FakeClock, *, method: str = "Ed25519", seed: bytes = SEED) -> bytes:
    params = auth_params("ed-key", timestamp(datetime.fromtimestamp(clock(), UTC)))
    params["SignatureMethod"] = method
    text = f"POST\n{HOST}\n{PATH}\n{canonical(params)}"
    signature = base64.b64encode(ed25519.sign(seed, text.encode())).decode()
    return f"{canonical(params)}&Signature={encode(signature)}".encode()


@pytest.fixture
def exchange(clock: FakeClock) -> Exchange:
    exchange = Exchange(clock=clock, rate=None)
    exchange.add_credentials(Credentials("ed-key", ed25519_public_key=PUBLIC))
    return exchange


@pytest.mark.parametrize("method", ["Ed25519", "ED25519"])
def test_an_ed25519_key_is_admitted_with_its_signature(
    exchange: Exchange, clock: FakeClock, method: str
) -> None:
    # HTX's pages write Ed25519; HTX's own Java and C++ SDKs send ED25519.
    admission = exchange.admit("POST", HOST, PATH, _query(clock, method=method))
    assert refused_code(admission) is None


def test_another_private_key_is_refused(exchange: Exchange, clock: FakeClock) -> None:
    admission = exchange.admit("POST", HOST, PATH, _query(clock, seed=bytes(32)))
    assert refused_code(admission) == 403


def test_an_ed25519_key_signing_with_hmac_is_refused(exchange: Exchange, clock: FakeClock) -> None:
    params = auth_params("ed-key", timestamp(datetime.fromtimestamp(clock(), UTC)))
    signature = sign("", "POST", HOST, PATH, params)
    query = f"{canonical(params)}&Signature={encode(signature)}".encode()
    assert refused_code(exchange.admit("POST", HOST, PATH, query)) == 403


def test_an_hmac_key_signing_with_ed25519_is_refused(clock: FakeClock) -> None:
    exchange = Exchange(clock=clock, rate=None)
    exchange.add_credentials(Credentials("ed-key", "an-hmac-secret"))
    assert refused_code(exchange.admit("POST", HOST, PATH, _query(clock))) == 403


def test_an_unknown_method_is_12003(exchange: Exchange, clock: FakeClock) -> None:
    assert refused_code(exchange.admit("POST", HOST, PATH, _query(clock, method="RSA"))) == 12003


def test_credentials_hold_one_kind_of_key() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        Credentials("k", ed25519_public_key=b"short")
    with pytest.raises(ValueError, match="secret key, or an Ed25519"):
        Credentials("k")
