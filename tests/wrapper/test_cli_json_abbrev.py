"""`--jso` and `--js` are argparse's abbreviations of `--json` (allow_abbrev is on): they set
--json for every other error, so a usage error is the JSON object too."""

from __future__ import annotations

import io
import json

import pytest

from htx_swap import _cli as cli


@pytest.mark.parametrize("flag", ["--jso", "--js"])
def test_an_abbreviated_json_flag_gives_a_json_usage_error(
    flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(
            ["trailing", "list", "--contract-code", "BTC-USDT", flag, "--bogus",
             "--base-url", "http://127.0.0.1:9"],
            stdout=io.StringIO(),
        )  # fmt: skip
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert json.loads(err)["exit_status"] == 2, err
