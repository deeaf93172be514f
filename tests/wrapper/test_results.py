"""CancelResult and the _ResultBuilder that fills it: one bucket per order, input order."""

from __future__ import annotations

import threading

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from htx_swap import CancelResult, OrderFailure
from htx_swap._results import _ResultBuilder

GONE = OrderFailure("2", 1061, "This order doesn't exist.")


def test_all_cancelled_when_nothing_failed_or_unresolved() -> None:
    assert CancelResult(cancelled=("1", "2")).all_cancelled


def test_not_all_cancelled_with_a_failure() -> None:
    assert not CancelResult(cancelled=("1",), failed=(GONE,)).all_cancelled


def test_not_all_cancelled_with_an_unresolved_order() -> None:
    assert not CancelResult(cancelled=("1",), unresolved=("2",)).all_cancelled


def test_empty_result_is_all_cancelled_like_builtin_all() -> None:
    assert CancelResult().all_cancelled


def test_cancel_result_is_immutable() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        CancelResult().cancelled = ("1",)  # type: ignore[misc]


def test_order_failure_fields() -> None:
    assert (GONE.order_id, GONE.err_code, GONE.err_msg) == ("2", 1061, "This order doesn't exist.")


def test_unrecorded_orders_are_unresolved() -> None:
    assert _ResultBuilder(["1", "2"]).build() == CancelResult(unresolved=("1", "2"))


def test_buckets_keep_input_order() -> None:
    builder = _ResultBuilder(["5", "3", "9", "1"])
    builder.record_cancelled(["1", "5"])
    builder.record_failed([OrderFailure("9", 1063, "executed"), OrderFailure("3", 1061, "gone")])
    result = builder.build()
    assert result.cancelled == ("5", "1")
    assert [failure.order_id for failure in result.failed] == ["3", "9"]


def test_repeated_input_ids_are_tracked_once() -> None:
    builder = _ResultBuilder(["1", "2", "1"])
    assert builder.order_ids == ("1", "2")
    assert builder.build().unresolved == ("1", "2")


def test_cancellation_is_not_overturned_by_a_later_failure() -> None:
    """A retry after a lost reply may find the order already gone (1061)."""
    builder = _ResultBuilder(["2"])
    builder.record_cancelled(["2"])
    builder.record_failed([GONE])
    assert builder.build() == CancelResult(cancelled=("2",))


def test_later_cancellation_replaces_an_earlier_failure() -> None:
    builder = _ResultBuilder(["2"])
    builder.record_failed([GONE])
    builder.record_cancelled(["2"])
    assert builder.build() == CancelResult(cancelled=("2",))


def test_later_failure_replaces_an_earlier_failure() -> None:
    builder = _ResultBuilder(["2"])
    executed = OrderFailure("2", 1063, "The order has been executed.")
    builder.record_failed([GONE])
    builder.record_failed([executed])
    assert builder.build().failed == (executed,)


def test_unknown_ids_are_ignored_and_returned() -> None:
    builder = _ResultBuilder(["1"])
    assert builder.record_cancelled(["1", "7"]) == ("7",)
    assert builder.record_failed([OrderFailure("8", 1061, "x")]) == ("8",)
    assert builder.build() == CancelResult(cancelled=("1",))


def test_recording_known_ids_returns_no_strangers() -> None:
    assert _ResultBuilder(["1"]).record_cancelled(["1"]) == ()


def test_build_is_a_snapshot_that_can_be_taken_again() -> None:
    builder = _ResultBuilder(["1", "2"])
    builder.record_cancelled(["1"])
    first = builder.build()
    builder.record_cancelled(["2"])
    assert first == CancelResult(cancelled=("1",), unresolved=("2",))
    assert builder.build() == CancelResult(cancelled=("1", "2"))


def test_record_accepts_generators() -> None:
    builder = _ResultBuilder(["1", "2"])
    builder.record_cancelled(order_id for order_id in ["1"])
    builder.record_failed(failure for failure in [GONE])
    assert builder.build() == CancelResult(cancelled=("1",), failed=(GONE,))


def test_threads_recording_at_once_lose_nothing() -> None:
    order_ids = [str(number) for number in range(1, 801)]
    builder = _ResultBuilder(order_ids)
    barrier = threading.Barrier(8)

    def record(worker: int) -> None:
        mine = order_ids[worker::8]
        barrier.wait()
        for order_id in mine:
            if int(order_id) % 2:
                builder.record_cancelled([order_id])
            else:
                builder.record_failed([OrderFailure(order_id, 1061, "gone")])

    threads = [threading.Thread(target=record, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = builder.build()
    assert len(result.cancelled) == len(result.failed) == 400
    assert result.unresolved == ()


order_id_lists = st.lists(st.integers(1, 60).map(str), min_size=1, max_size=40)
events = st.lists(
    st.tuples(st.booleans(), st.integers(1, 80).map(str), st.sampled_from([1061, 1062, 1063])),
    max_size=60,
)


def _replay(order_ids: list[str], recorded: list[tuple[bool, str, int]]) -> CancelResult:
    builder = _ResultBuilder(order_ids)
    for cancelled, order_id, code in recorded:
        if cancelled:
            builder.record_cancelled([order_id])
        else:
            builder.record_failed([OrderFailure(order_id, code, "refused")])
    return builder.build()


@given(order_ids=order_id_lists, recorded=events)
def test_every_distinct_id_lands_in_exactly_one_bucket(
    order_ids: list[str], recorded: list[tuple[bool, str, int]]
) -> None:
    result = _replay(order_ids, recorded)
    placed = [*result.cancelled, *(f.order_id for f in result.failed), *result.unresolved]
    assert sorted(placed) == sorted(set(order_ids))


@given(order_ids=order_id_lists, recorded=events)
def test_each_bucket_follows_input_order(
    order_ids: list[str], recorded: list[tuple[bool, str, int]]
) -> None:
    result = _replay(order_ids, recorded)
    first_seen = list(dict.fromkeys(order_ids))
    for bucket in (result.cancelled, [f.order_id for f in result.failed], result.unresolved):
        assert list(bucket) == [order_id for order_id in first_seen if order_id in bucket]


@given(order_ids=order_id_lists, recorded=events)
def test_only_recorded_ids_leave_unresolved(
    order_ids: list[str], recorded: list[tuple[bool, str, int]]
) -> None:
    result = _replay(order_ids, recorded)
    cancelled_ids = {order_id for cancelled, order_id, _ in recorded if cancelled}
    answered = {order_id for _, order_id, _ in recorded}
    assert set(result.cancelled) == cancelled_ids & set(order_ids)
    assert set(result.unresolved) == set(order_ids) - answered
