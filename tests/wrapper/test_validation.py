"""Input checks that run before any byte is sent: contract codes, order IDs, chunks."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from htx_swap import InvalidRequestError
from htx_swap._validation import (
    MAX_ORDER_ID,
    chunk_order_ids,
    normalize_order_ids,
    validate_contract_code,
)


@pytest.mark.parametrize(
    "code", ["BTC-USDT", "ETH-USDT", "1000SHIB-USDT", "A-USDT", "X" * 32 + "-USDT"]
)
def test_valid_contract_code_is_returned(code: str) -> None:
    assert validate_contract_code(code) == code


BAD_CONTRACT_CODES: list[object] = [
    "",
    "BTC",
    "BTC-USD",
    "BTC-USDT ",
    " BTC-USDT",
    "BTC-USDT\n",
    "BTC_USDT",
    "BTCUSDT",
    "-USDT",
    "X" * 33 + "-USDT",
    "BTC-USDT-SWAP",
    "BTC/USDT",
    "ＢＴＣ-USDT",
    "BTC-usdt",
    "btc-usdt",
    None,
    b"BTC-USDT",
    123,
    ["BTC-USDT"],
]


@pytest.mark.parametrize("value", BAD_CONTRACT_CODES, ids=repr)
def test_bad_contract_code_is_rejected_with_its_repr(value: object) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        validate_contract_code(value)
    assert repr(value) in str(caught.value)


def test_lowercase_contract_code_gets_the_uppercase_suggestion() -> None:
    with pytest.raises(InvalidRequestError, match="did you mean 'BTC-USDT'"):
        validate_contract_code("btc-usdt")


def test_contract_code_with_spaces_gets_the_trimmed_suggestion() -> None:
    with pytest.raises(InvalidRequestError, match="did you mean 'ETH-USDT'"):
        validate_contract_code(" eth-usdt ")


def test_hopeless_contract_code_gets_no_suggestion() -> None:
    with pytest.raises(InvalidRequestError) as caught:
        validate_contract_code("BTC-USD")
    assert "did you mean" not in str(caught.value)


def test_list_of_str_ids_is_kept_in_order() -> None:
    assert normalize_order_ids(["3", "1", "2"]) == ("3", "1", "2")


def test_int_ids_become_decimal_strings() -> None:
    assert normalize_order_ids([826052268312821761, 1]) == ("826052268312821761", "1")


def test_int64_bounds_are_accepted() -> None:
    assert normalize_order_ids(["1", MAX_ORDER_ID]) == ("1", "9223372036854775807")


def test_tuple_is_accepted() -> None:
    assert normalize_order_ids(("1", "2")) == ("1", "2")


def test_generator_is_accepted() -> None:
    assert normalize_order_ids(str(number) for number in (4, 5)) == ("4", "5")


def test_set_is_accepted() -> None:
    assert sorted(normalize_order_ids({"7", "8"})) == ["7", "8"]


def test_bare_string_is_one_id_never_its_characters() -> None:
    assert normalize_order_ids("123") == ("123",)


def test_bare_int_is_one_id() -> None:
    assert normalize_order_ids(123) == ("123",)


def test_duplicates_are_dropped_keeping_the_first() -> None:
    assert normalize_order_ids(["2", "1", "2", "3", "1"]) == ("2", "1", "3")


def test_int_and_str_forms_of_one_id_are_duplicates() -> None:
    assert normalize_order_ids([5, "5"]) == ("5",)


# ids by type: a repr with an address (an iterator's, a memoryview's) differs between
# pytest-xdist's workers, which must all collect the same test IDs.
@pytest.mark.parametrize(
    "empty", [[], (), set(), iter(()), ""], ids=["list", "tuple", "set", "iterator", "str"]
)
def test_empty_input_is_rejected(empty: object) -> None:
    with pytest.raises(InvalidRequestError, match="order_ids"):
        normalize_order_ids(empty)


@pytest.mark.parametrize(
    "order_ids",
    [b"123", bytearray(b"123"), memoryview(b"123")],
    ids=["bytes", "bytearray", "memoryview"],
)
def test_bare_bytes_are_rejected(order_ids: object) -> None:
    with pytest.raises(InvalidRequestError, match=r"not (bytes|bytearray|memoryview)"):
        normalize_order_ids(order_ids)


@pytest.mark.parametrize("order_ids", [None, 1.5, True, object], ids=repr)
def test_non_iterable_input_is_rejected(order_ids: object) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        normalize_order_ids(order_ids)
    assert repr(order_ids) in str(caught.value)


class _IntSubclass(int):
    def __str__(self) -> str:
        return "not-a-number"


def test_int_subclass_is_written_as_its_value() -> None:
    assert normalize_order_ids([_IntSubclass(42)]) == ("42",)


BAD_ORDER_IDS: list[object] = [
    True,
    False,
    1.0,
    1e5,
    float("nan"),
    None,
    Decimal("1"),
    Fraction(1),
    b"123",
    bytearray(b"1"),
    0,
    -1,
    MAX_ORDER_ID + 1,
    "",
    " ",
    "1,2",
    "1, 2",
    "+1",
    "-1",
    " 1",
    "1 ",
    "1 2",
    "\t1",
    "1\n",
    "0x1f",
    "1e5",
    "1.0",
    "1_000",
    "0123",
    "0",
    "00",
    "１２３",
    "١٢٣",
    "²",
    "abc",
    "9223372036854775808",
    "99999999999999999999",
    "1" * 5000,
    ["1"],
    ("1",),
    {"order_id": "1"},
    complex(1, 0),
]


@pytest.mark.parametrize("value", BAD_ORDER_IDS, ids=lambda value: repr(value)[:40])
def test_bad_order_id_is_rejected_with_its_repr(value: object) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        normalize_order_ids(["1", value])
    shown = repr(value)
    if len(shown) <= 80:
        assert shown in str(caught.value)
    else:  # a huge token is echoed cut short, with its length
        assert shown[:60] in str(caught.value)
        assert len(str(caught.value)) < 200
        assert f"({len(value)} characters)" in str(caught.value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", BAD_ORDER_IDS, ids=lambda value: repr(value)[:40])
def test_bad_order_id_message_names_its_position(value: object) -> None:
    with pytest.raises(InvalidRequestError, match=r"^order_ids\[2\] "):
        normalize_order_ids(["1", "2", value])


def test_bad_order_id_corpus_is_large() -> None:
    assert len(BAD_ORDER_IDS) >= 30


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("0123", "leading zero"),
        ("0", "zero"),
        ("1,2", "comma"),
        ("+1", "sign"),
        (" 1", "whitespace"),
        ("１２３", "ASCII digits"),
        ("9223372036854775808", "int64 maximum"),
        (1.0, "float"),
        (True, "bool"),
        (-5, "positive"),
    ],
)
def test_bad_order_id_message_says_what_is_wrong(value: object, reason: str) -> None:
    with pytest.raises(InvalidRequestError, match=reason):
        normalize_order_ids([value])


def test_huge_int_is_rejected_without_failing_to_print_it() -> None:
    with pytest.raises(InvalidRequestError, match="bits"):
        normalize_order_ids([10**5000])


def test_position_counts_through_a_generator() -> None:
    def order_ids() -> Iterator[object]:
        yield "1"
        yield "2"
        yield "x"

    with pytest.raises(InvalidRequestError, match=r"order_ids\[2\]"):
        normalize_order_ids(order_ids())


def test_chunks_hold_at_most_ten_in_order() -> None:
    order_ids = tuple(str(number) for number in range(1, 24))
    chunks = chunk_order_ids(order_ids)
    assert [len(chunk) for chunk in chunks] == [10, 10, 3]
    assert sum(chunks, ()) == order_ids


def test_exactly_ten_ids_make_one_chunk() -> None:
    assert len(chunk_order_ids([str(number) for number in range(1, 11)])) == 1


def test_chunk_size_can_be_smaller() -> None:
    assert chunk_order_ids(["1", "2", "3"], size=2) == [("1", "2"), ("3",)]


def test_no_ids_make_no_chunks() -> None:
    assert chunk_order_ids([]) == []


@pytest.mark.parametrize("size", [0, -1, 11, True, 2.5, "10"], ids=repr)
def test_chunk_size_outside_one_to_ten_is_rejected(size: object) -> None:
    with pytest.raises(InvalidRequestError, match="chunk size"):
        chunk_order_ids(["1"], size=size)  # type: ignore[arg-type]


raw_ids = st.lists(
    st.one_of(st.integers(1, MAX_ORDER_ID), st.integers(1, 50), st.integers(1, 50).map(str)),
    min_size=1,
    max_size=60,
)


@given(raw_ids)
def test_normalized_ids_are_the_distinct_ids_in_first_seen_order(raw: list[int | str]) -> None:
    assert normalize_order_ids(raw) == tuple(dict.fromkeys(str(value) for value in raw))


@given(raw_ids, st.integers(1, 10))
def test_chunking_places_every_distinct_id_exactly_once(raw: list[int | str], size: int) -> None:
    order_ids = normalize_order_ids(raw)
    chunks = chunk_order_ids(order_ids, size)
    flat = [order_id for chunk in chunks for order_id in chunk]
    assert flat == list(order_ids)
    assert len(set(flat)) == len(flat)


@given(raw_ids, st.integers(1, 10))
def test_no_chunk_is_empty_or_over_the_size(raw: list[int | str], size: int) -> None:
    chunks = chunk_order_ids(normalize_order_ids(raw), size)
    assert all(1 <= len(chunk) <= size <= 10 for chunk in chunks)


@given(st.text(max_size=25))
def test_any_accepted_string_is_a_canonical_positive_int64(text: str) -> None:
    try:
        (order_id,) = normalize_order_ids([text])
    except InvalidRequestError:
        return
    assert order_id == text
    assert str(int(order_id)) == order_id
    assert 1 <= int(order_id) <= MAX_ORDER_ID
    assert order_id.isascii()


@given(st.text(alphabet="0123456789١２", max_size=21))
def test_the_quick_check_of_a_digit_string_agrees_with_the_full_one(text: str) -> None:
    """``normalize_order_ids`` takes short ASCII digit strings without the full check."""
    from htx_swap._validation import _normalize_order_id

    try:
        expected: object = _normalize_order_id(text, 0)
    except InvalidRequestError:
        expected = InvalidRequestError
    try:
        got: object = normalize_order_ids([text])[0]
    except InvalidRequestError:
        got = InvalidRequestError
    assert got == expected


@given(st.lists(st.text(alphabet="0123456789,١ ", max_size=20), min_size=1, max_size=12))
def test_the_quick_check_of_a_list_agrees_with_the_full_one(texts: list[str]) -> None:
    """A list of short ASCII digit strings is taken at once; anything else item by item."""
    from htx_swap._validation import _normalize_order_id

    try:
        expected: object = tuple(
            dict.fromkeys(_normalize_order_id(t, i) for i, t in enumerate(texts))
        )
    except InvalidRequestError as error:
        expected = str(error)
    for shaped in (texts, tuple(texts)):
        try:
            got: object = normalize_order_ids(shaped)
        except InvalidRequestError as error:
            got = str(error)
        assert got == expected
