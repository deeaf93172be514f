"""The distribution as `pip install .` builds it: three typed packages, the command, the plugin."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import htx_swap

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [built] = out.glob("htx_swap-*.whl")
    return zipfile.ZipFile(built)


def _metadata(wheel: zipfile.ZipFile, name: str) -> str:
    [path] = [n for n in wheel.namelist() if n.endswith(f".dist-info/{name}")]
    return wheel.read(path).decode("utf-8")


@pytest.mark.parametrize("package", ["htx_swap", "htx_swap_client", "htx_sandbox"])
def test_each_import_package_ships_typed(wheel: zipfile.ZipFile, package: str) -> None:
    names = wheel.namelist()
    assert f"{package}/__init__.py" in names
    assert f"{package}/py.typed" in names


def test_nothing_but_the_three_packages_is_shipped(wheel: zipfile.ZipFile) -> None:
    tops = {name.split("/")[0] for name in wheel.namelist() if ".dist-info/" not in name}
    assert tops == {"htx_swap", "htx_swap_client", "htx_sandbox"}


def test_the_license_version_and_summary_ship(wheel: zipfile.ZipFile) -> None:
    [license_file] = [n for n in wheel.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
    assert wheel.read(license_file) == (ROOT / "LICENSE").read_bytes()
    metadata = _metadata(wheel, "METADATA")
    assert "License-Expression: MIT" in metadata
    assert "License-File: LICENSE" in metadata
    version = re.search(r"^Version: (.+)$", metadata, re.MULTILINE)
    assert version is not None
    assert version[1] == htx_swap.__version__
    summary = re.search(r"^Summary: (.+)$", metadata, re.MULTILINE)
    assert summary is not None
    assert "trailing orders (place, list, cancel, cancel-all, history)" in summary[1]


def test_the_project_urls_ship_and_point_at_htx_s_reference(wheel: zipfile.ZipFile) -> None:
    urls = re.findall(r"^Project-URL: ([^,]+), (.+)$", _metadata(wheel, "METADATA"), re.MULTILINE)
    assert len(urls) == 2
    for _, url in urls:
        assert url.startswith(("https://www.htx.com/", "https://huobiapi.github.io/")), url


def test_the_command_and_the_pytest_plugin_are_registered(wheel: zipfile.ZipFile) -> None:
    entry_points = _metadata(wheel, "entry_points.txt")
    assert "htx-swap = htx_swap._cli:main" in entry_points
    assert "htx_sandbox = htx_sandbox.pytest_plugin" in entry_points


def test_runtime_dependencies_are_only_what_the_code_imports(wheel: zipfile.ZipFile) -> None:
    requires = [
        line.removeprefix("Requires-Dist: ")
        for line in _metadata(wheel, "METADATA").splitlines()
        if line.startswith("Requires-Dist: ") and "extra ==" not in line
    ]
    assert sorted(name.split(">")[0].split("<")[0] for name in requires) == [
        "attrs",
        "h11",
        "httpx",
        "sniffio",
    ]
