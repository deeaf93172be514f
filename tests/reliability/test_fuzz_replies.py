"""Generated hostile replies at every operation, on every client (issue 22).

Each example is one reply the scripted server gives to every request of one call (retries and a
placement's lookup included): a status HTX sends or not, a body of any depth, size, types and
encoding. Whatever it is, the call ends in a value or one of the SDK's errors (never anything
else), and what the caller is told is backed by the reply: an order is cancelled, failed or
placed only if the reply says so, and a refusal only comes from a reply that proves nothing was
done.
"""

from __future__ import annotations

import gzip
import json
import zlib
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from virtual_time import RecordingWaits

from htx_swap import (
    CancelAllResult,
    CancelResult,
    HtxApiError,
    HtxError,
    HtxUnknownOutcomeError,
    PlacedTrailingOrder,
)
from htx_swap._codes import normalize_code

from .hostile import IDS, KINDS, OPERATIONS, run
from .scripted import Received, Reply, scripted

EXAMPLES = 12
ASKED = IDS[:3]


@dataclass(frozen=True)
class Hostile:
    """One reply, as it goes on the wire."""

    status: int
    body: bytes
    headers: dict[str, str]
    document: Any
    """The JSON the body decodes to (None when it isn't JSON we can read back)."""


# --- what a hostile server sends ------------------------------------------------------------------

TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12
) | st.sampled_from(["\x1b[2J", "\u202e", "\r\n", "1071", "ok", "error", "", "826052268312821760"])
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 1, 403, 1032, 1051, 1061, 1071, 12001, 10**400, 1e308, 1071.5]),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT, st.sampled_from(ASKED))
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
ID_TEXT = st.lists(st.sampled_from([*ASKED, "x", "", "-1", "9" * 30]), max_size=4).map(",".join)
ERRORS = st.lists(
    st.fixed_dictionaries(
        {"order_id": st.sampled_from(ASKED) | JSON, "err_code": NUMBERS | JSON},
        optional={"err_msg": TEXT | JSON},
    ),
    max_size=4,
)
ORDER = st.fixed_dictionaries(
    {"order_id_str": st.sampled_from(ASKED) | JSON, "created_at": NUMBERS | JSON},
    optional={"volume": JSON, "status": JSON, "direction": JSON, "contract_code": JSON},
)
DATA = st.one_of(
    st.fixed_dictionaries({"successes": ID_TEXT | JSON, "errors": ERRORS | JSON}),
    st.fixed_dictionaries({"order_id_str": st.sampled_from(ASKED) | JSON, "order_id": JSON}),
    st.fixed_dictionaries(
        {
            "orders": st.lists(ORDER, max_size=3) | JSON,
            "current_page": NUMBERS | JSON,
            "total_page": NUMBERS | JSON,
            "total_size": NUMBERS | JSON,
        }
    ),
    JSON,
)
ENVELOPES = st.one_of(
    st.fixed_dictionaries({"status": st.just("ok"), "data": DATA}, optional={"ts": NUMBERS}),
    st.fixed_dictionaries(
        {"status": st.just("error"), "err_code": NUMBERS | JSON},
        optional={"err_msg": TEXT | JSON, "ts": NUMBERS | JSON},
    ),
    st.fixed_dictionaries({"status": JSON}, optional={"data": DATA, "err_code": JSON}),
    JSON,
)
STATUSES = st.sampled_from([200, 200, 200, 200, 201, 202, 204, 302, 400, 401, 403, 404, 429, 502])


def _utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _dumps(document: Any) -> bytes:
    return json.dumps(document, allow_nan=True).encode()


@st.composite
def hostile_replies(draw: st.DrawFn) -> Hostile:
    status = draw(STATUSES)
    shape = draw(st.sampled_from(["json", "deep", "large", "bytes", "encoded", "compressed"]))
    headers: dict[str, str] = {}
    document: Any = None
    if shape == "json":
        document = draw(ENVELOPES)
        body = _dumps(document)
    elif shape == "deep":
        depth = draw(st.sampled_from([50, 900, 5_000, 100_000]))
        opener, closer = draw(st.sampled_from([(b"[", b"]"), (b'{"data":', b"}")]))
        body = opener * depth + b"1" + closer * depth
    elif shape == "large":
        document = draw(ENVELOPES)
        pad = draw(st.sampled_from([1_000, 600_000, 1_100_000]))  # the cap is 1 MiB
        body = _dumps(document) + b" " * pad
    elif shape == "bytes":
        body = draw(st.binary(max_size=64))
    elif shape == "encoded":
        document = draw(ENVELOPES)
        codec = draw(st.sampled_from(["utf-16", "utf-32", "latin-1", "utf-8-sig"]))
        text = json.dumps(document, ensure_ascii=False)
        body = text.encode(codec, errors="replace")
        # JSON in UTF-16 or UTF-32 with a byte order mark is JSON (RFC 7159): read as sent.
        # Latin-1 is read only when it happens to be valid UTF-8 as well.
        readable = codec != "latin-1" or _utf8(body)
        document = json.loads(text) if readable and body.decode(codec) == text else None
    else:
        document = draw(ENVELOPES)
        encoding = draw(st.sampled_from(["gzip", "deflate", "br", "identity", "gzip, gzip"]))
        plain = _dumps(document)
        body = gzip.compress(plain) if encoding.startswith("gzip") else zlib.compress(plain)
        truncated = draw(st.booleans())
        if truncated:
            body = body[: len(body) // 2]
        headers["content-encoding"] = encoding
        if truncated or encoding not in ("gzip", "deflate"):
            document = None  # unreadable: only a whole gzip or deflate body decodes
    return Hostile(status, body, headers, document)


# --- what the caller may be told ------------------------------------------------------------------


def _data(hostile: Hostile) -> Any:
    document = hostile.document
    if hostile.status != 200 or not isinstance(document, dict) or document.get("status") != "ok":
        return None
    return document.get("data")


def _proves_refusal(hostile: Hostile) -> bool:
    """A reply that may read as "refused, nothing done"."""
    if hostile.status in (401, 403):
        return True
    document = hostile.document
    return (
        hostile.status == 200
        and isinstance(document, dict)
        and document.get("status") == "error"
        and normalize_code(document.get("err_code")) is not None
    )


def _listed(hostile: Hostile) -> tuple[set[str], dict[str, set[int]]]:
    """The IDs the reply lists as cancelled, and the codes it lists for each failed one."""
    data = _data(hostile)
    if not isinstance(data, dict):
        return set(), {}
    successes = data.get("successes")
    cancelled = set(successes.split(",")) if isinstance(successes, str) else set()
    failed: dict[str, set[int]] = {}
    errors = data.get("errors")
    for error in errors if isinstance(errors, list) else []:
        if isinstance(error, dict) and isinstance(error.get("order_id"), str):
            code = normalize_code(error.get("err_code", 0))
            if code == 1071:
                cancelled.add(error["order_id"])
            elif code is not None:
                failed.setdefault(error["order_id"], set()).add(code)
    return cancelled, failed


def _check_cancel(hostile: Hostile, outcome: Any) -> None:
    result = outcome.result if isinstance(outcome, HtxError) else outcome
    assert isinstance(result, CancelResult), repr(outcome)
    buckets = [*result.cancelled, *(f.order_id for f in result.failed)]
    buckets += [*result.unresolved, *result.not_sent]
    assert sorted(buckets) == sorted(ASKED), "every ID in exactly one bucket"
    cancelled, failed = _listed(hostile)
    for order_id in result.cancelled:
        assert order_id in cancelled, f"{order_id} reported cancelled; the reply didn't say so"
    for failure in result.failed:
        listed = failure.err_code in failed.get(failure.order_id, set())
        assert listed or _proves_refusal(hostile), f"{failure} not backed by the reply"
    if result.not_sent:
        assert isinstance(outcome, HtxError), "chunks go unsent only when the batch stopped"


def _check_cancel_all(hostile: Hostile, outcome: Any) -> None:
    if isinstance(outcome, HtxApiError):
        assert _proves_refusal(hostile), repr(outcome)
        return
    assert isinstance(outcome, CancelAllResult), repr(outcome)
    cancelled, failed = _listed(hostile)
    assert set(outcome.cancelled) <= cancelled
    for failure in outcome.failed:
        assert failure.err_code in failed.get(failure.order_id, set())
    if not (outcome.cancelled or outcome.failed) and outcome.complete:
        # "Nothing was cancelled": only from an answer saying so (an empty ok, or 1051).
        data = _data(hostile)
        assert data is not None or _proves_refusal(hostile), repr(outcome)


def _check_place(hostile: Hostile, outcome: Any) -> None:
    if isinstance(outcome, PlacedTrailingOrder):
        data = _data(hostile)
        assert isinstance(data, dict)
        assert data.get("order_id_str") == outcome.order_id
        return
    if isinstance(outcome, HtxApiError):
        assert _proves_refusal(hostile), repr(outcome)
        return
    # The request went out: anything else is an unknown outcome, never "not placed".
    assert isinstance(outcome, HtxUnknownOutcomeError), repr(outcome)


def _check_list(hostile: Hostile, outcome: Any) -> None:
    if isinstance(outcome, HtxApiError):
        assert _proves_refusal(hostile), repr(outcome)
        return
    if isinstance(outcome, HtxError):
        return  # no readable answer
    assert isinstance(outcome, list), repr(outcome)
    data = _data(hostile)
    listed = data.get("orders") if isinstance(data, dict) else None
    ids = {order.get("order_id_str") for order in listed or [] if isinstance(order, dict)}
    assert {order.order_id for order in outcome} <= ids


CHECKS = {
    "place": _check_place,
    "cancel": _check_cancel,
    "cancel all": _check_cancel_all,
    "list": _check_list,
}


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("kind", KINDS)
def test_no_hostile_reply_crashes_a_call_or_is_misreported(kind: str, operation: str) -> None:
    current: list[Hostile] = []

    def script(request: Received, reply: Reply) -> None:
        hostile = current[-1]
        reply.body(hostile.body, status=hostile.status, headers=hostile.headers)

    with scripted(script) as server:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(hostile_replies())
        def check(hostile: Hostile) -> None:
            current.append(hostile)
            outcome = run(
                kind,
                operation,
                server.base_url,
                ids=ASKED,
                max_retries=1,
                timeout=5.0,
                waits=RecordingWaits(),
            )
            assert isinstance(outcome, HtxError) or not isinstance(outcome, Exception), (
                f"crashed: {outcome!r}"
            )
            CHECKS[operation](hostile, outcome)

        check()
