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
    (TODAY, 1, 60): "d25ca8309c72cf0bdc4d90ae1395e4f28d5d8ae0f56ba1bf3a1fb637fca24435",
    (TODAY, 1, 500): "2e85ddfd008b3ab4a60df808afb61e93e56d7f653325b8046bf69a200b1c4152",
    (TODAY, 2, 60): "b43bd64033971c98c29e7576e8bdc2c4c745afa46b102aa1e2d473ae6cb961be",
    (TODAY, 2, 500): "81835f236d87193a40f3e4356a3255bf146b25ecb3ac8d50bdf64065cc2ced28",
    (TODAY, 3, 60): "1c3e3d2e63d6b1c9f185cdd8127b1dcfcff9ab54b937ec9e03dd7e4067cf047d",
    (TODAY, 3, 500): "2bb3ac6812f992cce8e7aa105adb82d18ac270d93a392f273f481db213e20986",
    (END_OF_FEBRUARY, 1, 60): "7d2cf4df7847ec176eaf4167a996cc3ffeb4789bfcb4195a0a0d97bc50587ee9",
    (END_OF_FEBRUARY, 2, 60): "e4984698658fa6b8803341be0cb1317c3611c9c60ccd900e8834771ca0ab1714",
    (END_OF_FEBRUARY, 3, 60): "7c692fd4ab5a0f78f2762d07c1d00038d2b6ef053c95a0b6a131b66b05d40cb2",
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
