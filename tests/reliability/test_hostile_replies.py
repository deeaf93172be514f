"""Hostile replies and honest words (issue 22): what a probe of the landed code found.

Each test serves a scripted reply to every client (sync, async, async on aiohttp) and checks
what the caller is told: an unknown outcome when something may have been done, a refusal only
when the reply proves nothing was, never a crash.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from virtual_time import RecordingWaits

from htx_swap import (
    CancelAllResult,
    CancelResult,
    HtxApiError,
    HtxTransportError,
    HtxUnknownOutcomeError,
    InvalidRequestError,
    OrderFailure,
)

from .hostile import IDS, KINDS, run
from .scripted import Received, Reply, now_ms, ok, refused, scripted


def empty_page() -> dict[str, Any]:
    data = {"orders": [], "current_page": 1, "total_page": 0, "total_size": 0}
    return {"status": "ok", "data": data, "ts": now_ms()}


def lists(request: Received) -> bool:
    return request.path.endswith(("openorders", "hisorders"))


# 1. A reply too deeply nested to decode is unreadable: unknown outcome, never a crash.

DEEP = b"[" * 100_000 + b"]" * 100_000  # 200 KB, well under the size cap


def _deep(request: Received, reply: Reply) -> None:
    if lists(request):
        reply.json(empty_page())
    else:
        reply.body(DEEP)


@pytest.mark.parametrize("kind", KINDS)
def test_a_deeply_nested_placement_reply_is_an_unknown_outcome(kind: str) -> None:
    with scripted(_deep) as server:
        error = run(kind, "place", server.base_url)
    assert isinstance(error, HtxUnknownOutcomeError), repr(error)
    assert error.candidates == ()
    assert server.received[0].path.endswith("swap_track_order")
    assert len(server.received) == 3, "not sent again; the open orders and history read once"


@pytest.mark.parametrize("kind", KINDS)
def test_a_deeply_nested_cancel_reply_keeps_what_was_settled(kind: str) -> None:
    def script(request: Received, reply: Reply) -> None:
        if request.order_ids[0] == IDS[0]:
            reply.json(ok(request.order_ids))
        else:
            reply.body(DEEP)

    with scripted(script) as server:
        result = run(kind, "cancel", server.base_url, ids=IDS, max_retries=0)
    assert result == CancelResult(cancelled=tuple(IDS[:10]), unresolved=tuple(IDS[10:]))


@pytest.mark.parametrize("kind", KINDS)
def test_a_deeply_nested_cancel_all_reply_is_incomplete(kind: str) -> None:
    with scripted(_deep) as server:
        result = run(kind, "cancel all", server.base_url, max_retries=0)
    assert result == CancelAllResult(complete=False)


@pytest.mark.parametrize("kind", KINDS)
def test_a_deeply_nested_page_is_unreadable(kind: str) -> None:
    with scripted(lambda request, reply: reply.body(DEEP)) as server:
        error = run(kind, "list", server.base_url, max_retries=0)
    assert isinstance(error, HtxTransportError), repr(error)
    assert "unreadable" in str(error)


def test_the_deep_reply_is_json_python_cannot_decode() -> None:
    with pytest.raises(RecursionError):
        json.loads(DEEP)


# 2. A status HTX doesn't send, after the request went out, is an unknown outcome, not a refusal.


# 209, 299, 444 and 499 are not in http.HTTPStatus: they must meet the same rule, not be
# called unreadable (HTTPStatus(299) raises ValueError).
@pytest.mark.parametrize("status", [201, 202, 302, 404, 209, 299, 444, 499])
@pytest.mark.parametrize("kind", KINDS)
def test_an_unexpected_status_is_an_unknown_outcome_not_a_refusal(kind: str, status: int) -> None:
    def script(request: Received, reply: Reply) -> None:
        if lists(request):
            reply.json(empty_page())
        else:
            cancel = request.path.endswith("swap_track_cancel")
            reply.json(ok(request.order_ids if cancel else []), status=status)

    with scripted(script) as server:
        placed = run(kind, "place", server.base_url)
        cancelled = run(kind, "cancel", server.base_url, ids=IDS, max_retries=0)
        all_cancelled = run(kind, "cancel all", server.base_url)
    assert isinstance(placed, HtxUnknownOutcomeError), repr(placed)
    assert placed.candidates == ()
    assert isinstance(cancelled, HtxTransportError), repr(cancelled)
    assert not isinstance(cancelled, HtxApiError)
    assert f"unexpected HTTP {status}" in str(cancelled)
    assert cancelled.result is not None
    assert cancelled.result.cancelled == ()
    assert cancelled.result.failed == ()
    assert all_cancelled == CancelAllResult(complete=False)


# A 5xx outside http.HTTPStatus (Cloudflare's 520-527) is a gateway's answer like 503: a lost
# reply, judged by the 5xx rule with its headers, not an unreadable one.


@pytest.mark.parametrize("status", [503, 520, 527])
@pytest.mark.parametrize("kind", KINDS)
def test_a_5xx_outside_http_status_is_a_lost_reply_like_503(kind: str, status: int) -> None:
    def script(request: Received, reply: Reply) -> None:
        if lists(request):
            reply.json(empty_page())
        else:
            reply.json(ok([]), status=status)

    with scripted(script) as server:
        placed = run(kind, "place", server.base_url)
        cancelled = run(kind, "cancel", server.base_url, ids=IDS[:10], max_retries=0)
        all_cancelled = run(kind, "cancel all", server.base_url, max_retries=0)
    assert isinstance(placed, HtxUnknownOutcomeError), repr(placed)
    assert placed.candidates == ()
    assert f"(HTTP {status})" in str(placed), str(placed)
    assert cancelled == CancelResult(unresolved=tuple(IDS[:10]))
    assert all_cancelled == CancelAllResult(complete=False)


# 8. A request HTX refused changed nothing; chunks never sent are untouched: neither is unknown.


@pytest.mark.parametrize(
    ("code", "message"), [(403, "Verification failure"), (1014, "This contract doesn't exist.")]
)
@pytest.mark.parametrize("kind", KINDS)
def test_a_refused_request_fails_its_orders_and_the_rest_are_not_sent(
    kind: str, code: int, message: str
) -> None:
    with scripted(lambda request, reply: reply.json(refused(code, message))) as server:
        # One request a second: the refusal is back long before the second chunk's slot.
        error = run(kind, "cancel", server.base_url, ids=IDS, max_requests_per_second=1)
    assert isinstance(error, HtxApiError), repr(error)
    assert error.err_code == code
    assert len(server.received) == 1
    assert error.result == CancelResult(
        failed=tuple(OrderFailure(order_id, code, message) for order_id in IDS[:10]),
        not_sent=tuple(IDS[10:]),
    )
    assert not error.result.all_cancelled


@pytest.mark.parametrize("kind", KINDS)
def test_a_refusal_after_a_lost_reply_leaves_its_orders_unresolved(kind: str) -> None:
    def script(request: Received, reply: Reply) -> None:
        if request.number == 1:
            reply.drop()  # read, maybe applied, never answered
        else:
            reply.json(refused(403, "Verification failure"))

    with scripted(script) as server:
        error = run(kind, "cancel", server.base_url, ids=IDS[:10], waits=RecordingWaits())
    assert isinstance(error, HtxApiError), repr(error)
    assert error.result == CancelResult(unresolved=tuple(IDS[:10]))


# 9. A reply that contradicts itself settles nothing.

CONTRADICTIONS = {
    "cancelled and failed": lambda ids: ok(ids, [{"order_id": ids[0], "err_code": 1061}]),
    "1071 and failed": lambda ids: ok(
        ids[1:],
        [{"order_id": ids[0], "err_code": 1071}, {"order_id": ids[0], "err_code": 1063}],
    ),
    "failed with two codes": lambda ids: ok(
        ids[1:],
        [{"order_id": ids[0], "err_code": 1061}, {"order_id": ids[0], "err_code": 1063}],
    ),
}


@pytest.mark.parametrize("contradiction", CONTRADICTIONS)
@pytest.mark.parametrize("kind", KINDS)
def test_a_reply_that_contradicts_itself_settles_nothing(kind: str, contradiction: str) -> None:
    answer = CONTRADICTIONS[contradiction]
    with scripted(lambda request, reply: reply.json(answer(request.order_ids))) as server:
        result = run(kind, "cancel", server.base_url, ids=IDS[:3], max_retries=0)
    assert result == CancelResult(unresolved=tuple(IDS[:3]))


@pytest.mark.parametrize("kind", KINDS)
def test_a_contradiction_is_retried_and_a_consistent_answer_settles(kind: str) -> None:
    def script(request: Received, reply: Reply) -> None:
        ids = request.order_ids
        reply.json(CONTRADICTIONS["cancelled and failed"](ids) if request.number == 1 else ok(ids))

    with scripted(script) as server:
        result = run(kind, "cancel", server.base_url, ids=IDS[:3], waits=RecordingWaits())
    assert result == CancelResult(cancelled=tuple(IDS[:3]))
    assert len(server.received) == 2


# 5. Errors carry a redacted request: no signed URL is reachable from them.


def _reachable_urls(error: BaseException) -> list[str]:
    """Every URL an error lets a caller reach: its request, its response's, its causes'."""
    urls: list[str] = []
    current: BaseException | None = error
    while current is not None:
        for holder in (current, getattr(current, "response", None)):
            try:
                request = getattr(holder, "request", None)
            except RuntimeError:
                request = None
            if request is not None:
                urls += [str(request.url), repr(request)]
        current = current.__cause__ or current.__context__
    return urls


@pytest.mark.parametrize("failure", ["refused key", "unexpected status", "unreachable"])
@pytest.mark.parametrize("kind", KINDS)
def test_no_signed_url_is_reachable_from_an_error(kind: str, failure: str) -> None:
    signatures: list[str] = []

    def script(request: Received, reply: Reply) -> None:
        signatures.append(request.query["Signature"][0])
        if failure == "refused key":
            reply.json(refused(403, "Verification failure"))
        else:
            reply.json(ok([]), status=404)

    with scripted(script) as server:
        base_url = server.base_url
        if failure == "unreachable":
            server.close()  # nothing listens: every attempt's connection is refused
        error = run(kind, "cancel", base_url, ids=IDS[:10], waits=RecordingWaits())
    assert isinstance(error, HtxApiError | HtxTransportError), repr(error)
    urls = _reachable_urls(error)
    assert urls, "the error still carries its request"
    assert all("Signature=%5Bredacted%5D" in url or "Signature" not in url for url in urls)
    for signature in signatures:
        assert not any(signature in url for url in urls)
    assert not any("Signature=" in url and "redacted" not in url for url in urls)


# 6. The attempt's deadline holds while the reply's head trickles in, on every client.


@pytest.mark.parametrize("kind", KINDS)
def test_a_trickling_head_is_abandoned_at_the_attempts_deadline(kind: str) -> None:
    def script(request: Received, reply: Reply) -> None:
        # About 70 bytes of head at 0.4 s each: 28 s if read to the end, each read within 1 s.
        reply.trickle_head(200, json.dumps(ok(request.order_ids)).encode(), every=0.4)

    with scripted(script) as server:
        result = run(kind, "cancel", server.base_url, ids=IDS[:1], timeout=1.0, max_retries=0)
        [reply] = server.replies
        threading.Event().wait(1.0)  # the server notices on its next byte
    assert result == CancelResult(unresolved=(IDS[0],))
    assert reply.closed_early, "the client hung up before the head was complete"


# 7. Paging checks the server's numbers: a server that doesn't page can't keep a listing going.

ORDER = {
    "symbol": "BTC", "contract_code": "BTC-USDT", "volume": 1, "order_type": 1,
    "direction": "buy", "offset": "open", "lever_rate": 5, "order_source": "api",
    "created_at": 1616988475122, "order_price_type": "formula_price", "status": 2,
    "callback_rate": 0.03, "active_price": 48888, "is_active": 0, "margin_mode": "isolated",
    "margin_account": "BTC-USDT", "reduce_only": 0,
}  # fmt: skip


def page(
    first: int, *, current: int, total_page: int, total_size: int, count: int = 50
) -> dict[str, Any]:
    orders = [
        {**ORDER, "order_id": first + i, "order_id_str": str(first + i)} for i in range(count)
    ]
    data = {
        "orders": orders,
        "current_page": current,
        "total_page": total_page,
        "total_size": total_size,
    }
    return {"status": "ok", "data": data, "ts": now_ms()}


LIARS = {
    # Ignores page_index: page 1 again and again, claiming a billion pages of 50 orders.
    "ignores page_index": lambda asked: page(1, current=1, total_page=10**9, total_size=50),
    # Echoes page_index, but serves the same 50 orders, with numbers that agree.
    "same orders on every page": lambda asked: page(
        1, current=asked, total_page=10**9, total_size=50 * 10**9
    ),
    # Claims far more pages than its own total_size allows.
    "pages beyond total_size": lambda asked: page(
        asked * 100, current=asked, total_page=10**9, total_size=50
    ),
}


@pytest.mark.parametrize("liar", LIARS)
@pytest.mark.parametrize("kind", KINDS)
def test_a_server_that_does_not_page_stops_the_listing_with_a_clear_error(
    kind: str, liar: str
) -> None:
    def script(request: Received, reply: Reply) -> None:
        reply.json(LIARS[liar](request.json()["page_index"]))

    with scripted(script) as server:
        error = run(kind, "list", server.base_url, max_requests_per_second=None, pool_limit=None)
    assert isinstance(error, HtxTransportError), repr(error)
    assert "not paging" in str(error)
    assert len(server.received) <= 2


@pytest.mark.parametrize("kind", KINDS)
def test_a_server_that_pages_honestly_is_read_to_the_end(kind: str) -> None:
    def script(request: Received, reply: Reply) -> None:
        asked = request.json()["page_index"]
        count = 50 if asked < 3 else 7
        reply.json(page(asked * 1000, current=asked, total_page=3, total_size=107, count=count))

    with scripted(script) as server:
        orders = run(kind, "list", server.base_url, max_requests_per_second=None, pool_limit=None)
    assert isinstance(orders, list), repr(orders)
    assert len(orders) == 107
    assert len(server.received) == 3


# 3. Candidates cover orders that ended since the attempt began; the words never say "retry".

ENDED = {
    **ORDER, "callback_rate": 0.01, "active_price": 60000, "status": 4,
    "triggered_price": 60010, "update_time": 1616988430833, "canceled_at": None,
    "fail_code": None, "fail_reason": None, "market_limit_price": None, "formula_price": None,
    "real_volume": 1, "relation_order_id": "918273645",
}  # fmt: skip


def _history_page(orders: list[dict[str, Any]]) -> dict[str, Any]:
    data = {"orders": orders, "current_page": 1, "total_page": 1, "total_size": len(orders)}
    return {"status": "ok", "data": data, "ts": now_ms()}


def _triggered_before_the_lookup(request: Received, reply: Reply) -> None:
    """The placement is applied and its reply lost; it triggers before the lookup."""
    if request.path.endswith("swap_track_order"):
        reply.drop()
    elif request.path.endswith("openorders"):
        reply.json(empty_page())
    else:
        created = now_ms() - 200  # applied just after the attempt began
        placed = {**ENDED, "order_id": 777, "order_id_str": "777", "created_at": created}
        older = {**ENDED, "order_id": 666, "order_id_str": "666", "created_at": created - 600_000}
        reply.json(_history_page([placed, older]))


@pytest.mark.parametrize("kind", KINDS)
def test_candidates_include_an_order_that_ended_before_the_lookup(kind: str) -> None:
    with scripted(_triggered_before_the_lookup) as server:
        error = run(kind, "place", server.base_url)
    assert isinstance(error, HtxUnknownOutcomeError), repr(error)
    assert error.candidates is not None
    assert [order.order_id for order in error.candidates] == ["777"]
    assert "1 matching order(s) found, open or ended" in str(error)
    paths = [request.path.rsplit("_", 1)[1] for request in server.received]
    assert paths == ["order", "openorders", "hisorders"], "placed once, then one lookup"


def test_the_command_never_suggests_a_retry_is_safe_when_nothing_is_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from htx_swap._cli import main

    monkeypatch.setenv("HTX_ACCESS_KEY", "hostile-access-key")
    monkeypatch.setenv("HTX_SECRET_KEY", "hostile-secret-key")

    def script(request: Received, reply: Reply) -> None:
        if request.path.endswith("swap_track_order"):
            reply.drop()
        else:
            reply.json(empty_page() if lists(request) else {})

    for extra in ([], ["--json"]):
        out, err = io.StringIO(), io.StringIO()
        with scripted(script) as server:
            status = main(
                ["trailing", "place", "--contract-code", "BTC-USDT", "--base-url",
                 server.base_url, "--direction", "buy", "--volume", "1", "--callback-rate",
                 "0.01", "--active-price", "60000", "--order-price-type", "formula_price",
                 "--offset", "open", "--lever-rate", "5", *extra],
                stdout=out, stderr=err,
            )  # fmt: skip
        assert status == 1
        words = (out.getvalue() + err.getvalue()).lower()
        assert "probably" not in words
        assert "not placed" not in words
        assert "retry" not in words
        if not extra:
            assert "may have been placed" in words
            assert "before placing it again" in words


# 4. Network text is escaped wherever the command prints or logs it, format characters too.

HOSTILE_TEXT = "\x1b[2J\r\nforged line\u202edesrever\u200b\u2028\u2029\x9b"


@pytest.mark.parametrize("verbose", [[], ["-v"]], ids=["quiet", "verbose"])
def test_the_cancel_all_warning_carries_htx_text_escaped(
    monkeypatch: pytest.MonkeyPatch, verbose: list[str]
) -> None:
    from htx_swap._cli import main

    monkeypatch.setenv("HTX_ACCESS_KEY", "hostile-access-key")
    monkeypatch.setenv("HTX_SECRET_KEY", "hostile-secret-key")

    def script(request: Received, reply: Reply) -> None:
        if request.number == 1:
            reply.drop()  # maybe applied
        else:
            reply.json(refused(403, HOSTILE_TEXT))

    out, err = io.StringIO(), io.StringIO()
    with scripted(script) as server:
        status = main(
            ["trailing", "cancel-all", "--contract-code", "BTC-USDT", "--base-url",
             server.base_url, *verbose],
            stdout=out, stderr=err,
        )  # fmt: skip
    assert status == 1
    printed = out.getvalue() + err.getvalue()
    assert "\\x1b[2J\\r\\nforged line\\u202edesrever\\u200b\\u2028\\u2029\\x9b" in err.getvalue()
    raw = [char for char in printed if char != "\n" and not char.isprintable()]
    assert raw == [], "no control or format character reaches the terminal"
    assert err.getvalue().count("forged line") == 1, "one warning line, not two"


def test_every_printed_field_escapes_format_characters() -> None:
    from htx_swap._render import printable

    for char in ["\u202e", "\u200b", "\u2028", "\u2029", "\u061c", "\ufeff", "\x85", "\x1b"]:
        assert printable(f"a{char}b") == "a" + char.encode("unicode_escape").decode() + "b"
    assert printable("校验失败 héllo") == "校验失败 héllo"


# 10. A reader that stops part-way through the JSON document: exit 141, as for the table.


@pytest.mark.parametrize("output", [["--json"], []], ids=["json", "table"])
@pytest.mark.parametrize("reader", ["head -c 100", "cat"])
def test_a_document_cut_short_by_its_reader_exits_141(output: list[str], reader: str) -> None:
    def script(request: Received, reply: Reply) -> None:
        asked = request.json()["page_index"]
        reply.json(page(asked * 1000, current=asked, total_page=1, total_size=10, count=10))

    command = str(Path(sys.executable).with_name("htx-swap"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("HTX_")},
        "HTX_ACCESS_KEY": "hostile-access-key",
        "HTX_SECRET_KEY": "hostile-secret-key",
    }
    with scripted(script) as server:
        args = ["trailing", "list", "--contract-code", "BTC-USDT", "--base-url", server.base_url]
        pipeline = subprocess.run(
            ["bash", "-c", f'"$@" | {reader} >/dev/null; echo "status=${{PIPESTATUS[0]}}" >&2',
             "bash", command, *args, *output],
            env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    # The document (about 7 KB as JSON) fits a pipe's buffer: one write, accepted whole.
    expected = "status=141" if reader.startswith("head") else "status=0"
    assert expected in pipeline.stderr, pipeline.stderr
    assert "Broken pipe" not in pipeline.stderr


# 11. A host that is not valid IDNA is bad input, not an internal error.

BAD_IDNA = ["https://xn--a-.com", "https://xn--.com", "https://xn--zz-zzz.example"]


@pytest.mark.parametrize("base_url", BAD_IDNA)
@pytest.mark.parametrize("kind", KINDS)
def test_a_host_that_is_not_valid_idna_is_refused_as_bad_input(kind: str, base_url: str) -> None:
    error = run(kind, "cancel", base_url)
    assert isinstance(error, InvalidRequestError), repr(error)
    assert "base_url is not a valid URL" in str(error)


def test_the_command_calls_a_bad_idna_host_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from htx_swap._cli import main

    monkeypatch.setenv("HTX_ACCESS_KEY", "hostile-access-key")
    monkeypatch.setenv("HTX_SECRET_KEY", "hostile-secret-key")
    out, err = io.StringIO(), io.StringIO()
    status = main(
        ["trailing", "list", "--contract-code", "BTC-USDT", "--base-url", BAD_IDNA[0]],
        stdout=out,
        stderr=err,
    )
    assert status == 2, err.getvalue()
    assert "internal error" not in err.getvalue()
    assert "base_url is not a valid URL" in err.getvalue()


def test_a_reader_that_reads_only_after_the_command_exits_gets_everything() -> None:
    """`Popen(...).wait()` before reading: the wait for the reader is bounded, not a deadlock."""

    def script(request: Received, reply: Reply) -> None:
        asked = request.json()["page_index"]
        reply.json(page(asked * 1000, current=asked, total_page=1, total_size=10, count=10))

    command = str(Path(sys.executable).with_name("htx-swap"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("HTX_")},
        "HTX_ACCESS_KEY": "hostile-access-key",
        "HTX_SECRET_KEY": "hostile-secret-key",
    }
    with scripted(script) as server:
        args = ["trailing", "list", "--contract-code", "BTC-USDT", "--base-url", server.base_url]
        with subprocess.Popen(
            [command, *args, "--json"], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        ) as child:
            status = child.wait(timeout=60)
            assert child.stdout is not None
            document = json.loads(child.stdout.read())
    assert status == 0
    assert len(document["orders"]) == 10


# A reason phrase that is not UTF-8 (aiohttp's parser keeps it as surrogates) is unreadable
# text, never a crash: the reply is judged by its status and envelope as any other.


def _reason_ff(status: int, body: bytes) -> bytes:
    head = f"HTTP/1.1 {status} OK".encode() + b"\xff\r\ncontent-type: application/json\r\n"
    return head + b"content-length: %d\r\n\r\n" % len(body) + body


@pytest.mark.parametrize("kind", KINDS)
def test_a_rate_limit_refusal_with_a_non_utf8_reason_phrase_is_a_refusal(kind: str) -> None:
    body = json.dumps(refused(1032, "too many requests")).encode()
    with scripted(lambda request, reply: reply.raw(_reason_ff(200, body))) as server:
        error = run(kind, "cancel", server.base_url, ids=IDS[:10], max_retries=0)
    assert isinstance(error, HtxApiError), repr(error)
    assert error.err_code == 1032
    failed = tuple(OrderFailure(order_id, 1032, "too many requests") for order_id in IDS[:10])
    assert error.result == CancelResult(failed=failed)


@pytest.mark.parametrize("kind", KINDS)
def test_a_503_with_a_non_utf8_reason_phrase_leaves_the_orders_unresolved(kind: str) -> None:
    with scripted(lambda request, reply: reply.raw(_reason_ff(503, b"busy"))) as server:
        result = run(kind, "cancel", server.base_url, ids=IDS[:10], max_retries=0)
    assert result == CancelResult(unresolved=tuple(IDS[:10])), repr(result)
