"""Credentials: validated, immutable, and silent about the secret."""

from __future__ import annotations

import pickle

import attrs
import pytest

from htx_swap import Credentials, InvalidRequestError

from .support import SECRET


def test_repr_shows_the_access_key() -> None:
    assert "ak-public-123" in repr(Credentials("ak-public-123", SECRET))


def test_repr_never_shows_the_secret() -> None:
    assert SECRET not in repr(Credentials("ak-public-123", SECRET))


def test_str_never_shows_the_secret() -> None:
    assert SECRET not in str(Credentials("ak-public-123", SECRET))


def test_formatting_inside_containers_never_shows_the_secret() -> None:
    assert SECRET not in f"{[Credentials('ak', SECRET)]}"


def test_keys_are_readable_attributes() -> None:
    credentials = Credentials(access_key="ak", secret_key=SECRET)
    assert (credentials.access_key, credentials.secret_key) == ("ak", SECRET)


def test_credentials_are_immutable() -> None:
    credentials = Credentials("ak", SECRET)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        credentials.secret_key = "other"  # type: ignore[misc]


def test_credentials_compare_by_value() -> None:
    assert Credentials("ak", SECRET) == Credentials("ak", SECRET)


def test_credentials_survive_pickling() -> None:
    credentials = Credentials("ak", SECRET)
    copy = pickle.loads(pickle.dumps(credentials))  # noqa: S301 - our own object
    assert copy == credentials


@pytest.mark.parametrize(("access_key", "problem"), [("", "empty"), (" ak", "whitespace")])
def test_bad_access_key_is_named(access_key: str, problem: str) -> None:
    with pytest.raises(InvalidRequestError, match=f"access_key.*{problem}"):
        Credentials(access_key, SECRET)


def test_non_string_access_key_is_rejected() -> None:
    with pytest.raises(InvalidRequestError, match="access_key must be a str; got int"):
        Credentials(123, SECRET)  # type: ignore[arg-type]


def test_empty_secret_key_is_named() -> None:
    with pytest.raises(InvalidRequestError, match="secret_key is empty"):
        Credentials("ak", "")


def test_non_string_secret_key_is_rejected() -> None:
    with pytest.raises(InvalidRequestError, match="secret_key must be a str; got bytes"):
        Credentials("ak", SECRET.encode())  # type: ignore[arg-type]


def test_secret_key_error_never_shows_the_secret() -> None:
    with pytest.raises(InvalidRequestError, match="secret_key") as caught:
        Credentials("ak", f" {SECRET}\n")
    assert SECRET not in str(caught.value)


def test_non_string_secret_error_never_shows_the_secret() -> None:
    with pytest.raises(InvalidRequestError) as caught:
        Credentials("ak", SECRET.encode())  # type: ignore[arg-type]
    assert SECRET not in str(caught.value)


def test_from_env_reads_both_variables() -> None:
    environ = {"HTX_ACCESS_KEY": "ak", "HTX_SECRET_KEY": SECRET}
    assert Credentials.from_env(environ) == Credentials("ak", SECRET)


def test_from_env_defaults_to_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTX_ACCESS_KEY", "ak-from-env")
    monkeypatch.setenv("HTX_SECRET_KEY", SECRET)
    assert Credentials.from_env() == Credentials("ak-from-env", SECRET)


def test_from_env_names_a_missing_access_key() -> None:
    with pytest.raises(InvalidRequestError, match="HTX_ACCESS_KEY is not set") as caught:
        Credentials.from_env({"HTX_SECRET_KEY": SECRET})
    assert SECRET not in str(caught.value)


def test_from_env_names_a_missing_secret_key() -> None:
    with pytest.raises(InvalidRequestError, match="HTX_SECRET_KEY is not set"):
        Credentials.from_env({"HTX_ACCESS_KEY": "ak"})


def test_from_env_names_both_when_both_are_missing() -> None:
    with pytest.raises(InvalidRequestError, match="HTX_ACCESS_KEY and HTX_SECRET_KEY are not set"):
        Credentials.from_env({})


def test_from_env_treats_an_empty_variable_as_missing() -> None:
    with pytest.raises(InvalidRequestError, match="HTX_SECRET_KEY"):
        Credentials.from_env({"HTX_ACCESS_KEY": "ak", "HTX_SECRET_KEY": ""})
