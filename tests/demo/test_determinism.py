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
    (TODAY, 1, 60): "7023cd15b24256b8e4cec0c4d61aa44972ba857dc4575da1801ee42a2cf46e7c",
    (TODAY, 1, 500): "1b52c2acf25fb128b491827d714fba134a9edfea2cf6702530b8c975038d0c4e",
    (TODAY, 2, 60): "f73879dd8d67aafa5d5682a5e30b8c22b4a24b0d40f9858daaf91a9bfd1aed1c",
    (TODAY, 2, 500): "00c668f1e77fcaaf887f3d67f558a636efe65b6527f0cd3a413e06b91a90eb9d",
    (TODAY, 3, 60): "12daafeea49ce8575f8b35ff56672161701109e234aee08577b41cf02e0bb918",
    (TODAY, 3, 500): "fc1443e6c10b05b6247ff89691b287db08ab446eb28284133aa864c2bf07a080",
    (END_OF_FEBRUARY, 1, 60): "1cc3d1e87cddaef2666923ed523f72e89ee273c6aeaf8ace127dbd8d4379cea3",
    (END_OF_FEBRUARY, 2, 60): "f3a788d024fa1b99cd1c7da64abd7dbebc52753d6da355b5e69e81685e360f0b",
    (END_OF_FEBRUARY, 3, 60): "763bfc263580f0128eb9075ad26f5ae735ee953a083908a7bf787853e698b41b",
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
