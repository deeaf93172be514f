"""Rate-limit and retry headers are advice (issue 22): one that can't be read is ignored.

A ``ratelimit-*`` or ``Retry-After`` value too big for a float (400 digits, ``1e400``), not a
number (``nan``) or negative must neither crash a call nor change its outcome: an ok placement
is still placed, an ok cancel still cancels, and a 1032 or a 503 is still retried to the answer.
"""

from __future__ import annotations

from typing import Any

import pytest
from virtual_time import RecordingWaits

from htx_swap import CancelResult, PlacedTrailingOrder

from .hostile import IDS, KINDS, run
from .scripted import Received, Reply, now_ms, ok, refused, scripted

HOSTILE = {
    "400 digits": "9" * 400,
    "-400 digits": "-" + "9" * 400,
    "1e400": "1e400",
    "nan": "nan",
    "negative": "-5",
}
HEADERS = ["ratelimit-limit", "ratelimit-interval", "ratelimit-reset", "retry-after"]
PLACED_ID = "826052268312821999"


def _headers(name: str, value: str) -> dict[str, str]:
    """HTX's rate-limit headers, well formed (a window far from spent) but for ``name``."""
    readable = {
        "ratelimit-remaining": "99",
        "ratelimit-limit": "100",
        "ratelimit-interval": "3000",
        "ratelimit-reset": str(now_ms()),
    }
    return {**readable, name: value}


def _placed() -> dict[str, Any]:
    data = {"order_id": int(PLACED_ID), "order_id_str": PLACED_ID}
    return {"status": "ok", "data": data, "ts": now_ms()}


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("header", HEADERS)
@pytest.mark.parametrize("kind", KINDS)
def test_an_unreadable_limit_header_is_ignored(kind: str, header: str, value: str) -> None:
    headers = _headers(header, value)

    def answers(request: Received, reply: Reply) -> None:
        if request.path.endswith("swap_track_order"):
            reply.json(_placed(), headers=headers)
        else:
            reply.json(ok(request.order_ids), headers=headers)

    with scripted(answers) as server:
        placed = run(kind, "place", server.base_url, waits=RecordingWaits())
        cancelled = run(kind, "cancel", server.base_url, ids=IDS[:3], waits=RecordingWaits())
    assert isinstance(placed, PlacedTrailingOrder), repr(placed)
    assert placed.order_id == PLACED_ID
    assert cancelled == CancelResult(cancelled=tuple(IDS[:3]))

    # Alone, ``ratelimit-reset`` and ``Retry-After`` reach only the retry delay (the window
    # is read when ``ratelimit-remaining`` is there); with the others, both are read.
    for sent in (headers, {header: value}):
        for refusal in ("1032", "503"):

            def refused_once(
                request: Received, reply: Reply, refusal: str = refusal, sent: Any = sent
            ) -> None:
                if request.number > 1:
                    reply.json(ok(request.order_ids))
                elif refusal == "1032":
                    reply.json(refused(1032, "rate limited"), headers=sent)
                else:
                    reply.json(ok([]), status=503, headers=sent)

            with scripted(refused_once) as server:
                cancelled = run(
                    kind, "cancel", server.base_url, ids=IDS[:3], waits=RecordingWaits()
                )
            assert cancelled == CancelResult(cancelled=tuple(IDS[:3])), (refusal, sent)
            assert len(server.received) == 2, f"{refusal}: retried once, to the answer"


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("kind", KINDS)
def test_a_refused_placement_is_judged_the_same_whatever_its_headers(kind: str, value: str) -> None:
    def outcome(status: int, body: dict[str, Any], headers: dict[str, str]) -> Any:
        def script(request: Received, reply: Reply) -> None:
            if request.path.endswith("swap_track_order"):
                reply.json(body, status=status, headers=headers)
            else:
                reply.json(
                    {
                        "status": "ok",
                        "data": {"orders": [], "current_page": 1, "total_page": 0, "total_size": 0},
                        "ts": now_ms(),
                    }
                )

        with scripted(script) as server:
            result = run(kind, "place", server.base_url, waits=RecordingWaits())
        return type(result), len(server.received)

    hostile = {name: value for name in HEADERS} | {"ratelimit-remaining": "0"}
    for status, body in ((200, refused(1032, "rate limited")), (503, ok([]))):
        assert outcome(status, body, hostile) == outcome(status, body, {}), status
