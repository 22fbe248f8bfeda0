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
    (TODAY, 1, 60): "5cd93479064a657cf97fb8dd2b98d7fafbc0ba1cc804c7dd6f37b05fda5d6d96",
    (TODAY, 1, 500): "055b1e45a9c9bcf2c03e0dceed9a44ff339db14c5ffb95207064c0c79d481cf0",
    (TODAY, 2, 60): "290fdda68bc41cbbb1a95442c5e65fe89b17339116111b1016fda53ff24a9990",
    (TODAY, 2, 500): "90abf31f66ba0ea8c790b80f981cc96a63beb0482c1c073baa3c50922d003f72",
    (TODAY, 3, 60): "22b36851ca0ebb0d017c2d51e203d82451767597fba5e657d288ced5fbad33d6",
    (TODAY, 3, 500): "b507fb4c2e3cf21506d0b27476c7cd76487a6d87996958b33ab1b5f462da7b28",
    (END_OF_FEBRUARY, 1, 60): "dd9663e30b5a9ac117f78e52cd7a5952d99ef9ec2d4ac76afd6c25e7eb1754e8",
    (END_OF_FEBRUARY, 2, 60): "f6b7794abe2d45907a3d5d9512a7a274a6d9bb79428808c7558db9b935efd7c3",
    (END_OF_FEBRUARY, 3, 60): "3210a9c2c80fa74613ddcd14c04f6a70a8c939d04418e5fec8861b284ab7fa4f",
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
