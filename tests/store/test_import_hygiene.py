"""The layers stay apart: the store and service never pull in Textual, and the domain pulls in
neither Textual nor SQLAlchemy nor cryptography. Checked in a fresh interpreter each time."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import kim_tui.domain

REPO = Path(__file__).resolve().parents[2]
DOMAIN_MODULES = sorted(
    f"kim_tui.domain.{m.name}" for m in pkgutil.iter_modules(kim_tui.domain.__path__)
)


def _loaded_after(*modules: str) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(modules)!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout))


def test_the_probe_sees_what_it_should() -> None:
    """Control: importing the store does load SQLAlchemy, so an empty answer means something."""
    assert {"sqlalchemy", "cryptography", "sqlcipher3"} <= _loaded_after("kim_tui.store.vault")


def test_store_and_service_do_not_import_textual() -> None:
    loaded = _loaded_after(
        "kim_tui.store.workspace",
        "kim_tui.store.vault",
        "kim_tui.store.keyfile",
        "kim_tui.store.migrate",
    )
    assert "textual" not in loaded
    assert "rich" not in loaded


def test_cli_module_is_light() -> None:
    """`kim --help` must stay fast: the CLI imports heavy modules only inside commands."""
    loaded = _loaded_after("kim_tui.cli", "kim_tui.cli.parser")
    assert not loaded & {"textual", "sqlalchemy", "sqlmodel", "cryptography", "sqlcipher3"}


def test_domain_modules_exist() -> None:
    assert "kim_tui.domain.model" in DOMAIN_MODULES
    assert len(DOMAIN_MODULES) >= 5


@pytest.mark.parametrize("module", DOMAIN_MODULES)
def test_domain_module_is_pure(module: str) -> None:
    loaded = _loaded_after(module)
    forbidden = {"textual", "sqlalchemy", "sqlmodel", "sqlcipher3", "cryptography", "alembic"}
    assert not loaded & forbidden, f"{module} pulls in {sorted(loaded & forbidden)}"
