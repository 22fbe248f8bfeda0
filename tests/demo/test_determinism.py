"""The demo caseload stays byte-for-byte what it was before the generator was split into modules
and its tables moved to ``kim_tui/demo/data/*.toml``.

The fingerprints were recorded from ``kim_tui/domain/demo.py`` (one module, tables in code) and
are a SHA-256 over the ``repr`` of every generated `DemoCase`. A refactoring of the generator
must keep them; a deliberate change of the demo data (a new name, another weight) or of the
draft classes changes them: then check the demo by eye, update the hashes here, and say so in
the commit message.
"""

from __future__ import annotations

import hashlib
import tomllib
from datetime import date
from importlib import resources
from pathlib import Path
from types import MappingProxyType

import pytest

from kim_tui.demo import generate_caseload
from kim_tui.demo.tables import tables

TODAY = date(2026, 11, 24)  # the fixed day of the UI tests
END_OF_FEBRUARY = date(2025, 2, 28)
FINGERPRINTS = {
    (TODAY, 1, 60): "16a473b91a786fc304b3fc1861842474ade22c584a1a6601755d2052bdc6f8d6",
    (TODAY, 1, 500): "b10802e951a8d41565fc7fae2ffc083c02e517bad4d424e0e408668a0bbafaa7",
    (TODAY, 2, 60): "a55c1c19a9ef80895e692721ecefca41718f8812be7cb3fea967ca48f7debab7",
    (TODAY, 2, 500): "27e4fae13a3d70d08ce071b9baf5adfaeb279e3fc8e5e8c8123e7d4a1bb29ad7",
    (TODAY, 3, 60): "752f25fd46c0ea74524b7d9ada39d62c20a7dddd3f94f2e994a9082ba62e9cb3",
    (TODAY, 3, 500): "eb5a4064cc7fc598bf0fbc01eb8e99513b1cbfb7e87723af691892be1281fe3b",
    (END_OF_FEBRUARY, 1, 60): "ca7962857104ce4374a3dcb58ad494ab673a6cdd0d31ccc94c4bd583a0f0d1ae",
    (END_OF_FEBRUARY, 2, 60): "db19577cf7e0e7bc33f01274478211f47bfca3e9843a50a5bdbbb8892a921f58",
    (END_OF_FEBRUARY, 3, 60): "29199d9466ea946b55d9921133c96902c090937a545491e74309a9ca676a0138",
}


@pytest.mark.parametrize(("today", "seed", "count"), list(FINGERPRINTS), ids=lambda v: str(v))
def test_caseload_matches_the_recorded_fingerprint(today: date, seed: int, count: int) -> None:
    digest = hashlib.sha256()
    for case in generate_caseload(count, seed, today):
        digest.update(repr(case).encode())
    assert digest.hexdigest() == FINGERPRINTS[(today, seed, count)]


def test_tables_are_shared_and_read_only() -> None:
    data = tables()
    assert tables() is data
    mappings = [value for value in vars(data).values() if not isinstance(value, (tuple, str))]
    assert len(mappings) == 9
    assert all(isinstance(value, MappingProxyType) for value in mappings)


def test_every_data_file_is_read_and_installed() -> None:
    """The data files are the six the loader reads, and pyproject ships them as package data."""
    folder = resources.files("kim_tui.demo").joinpath("data")
    files = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".toml"))
    assert files == [
        "goals.toml",
        "origins.toml",
        "phrases.toml",
        "places.toml",
        "residence.toml",
        "situations.toml",
    ]
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text("utf-8"))
    assert "demo/data/*.toml" in pyproject["tool"]["setuptools"]["package-data"]["kim_tui"]
