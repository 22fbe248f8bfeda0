"""The layers stay apart: the store and service never pull in Textual, and the domain pulls in
neither Textual nor SQLAlchemy nor cryptography. Checked in fresh interpreters: one for the store,
one for the CLI, and one for all domain modules together (they share one forbidden set, so the
probe imports them one after the other and names the first that pulls a forbidden package in)."""

from __future__ import annotations

import functools
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


@functools.cache
def _loaded_stepwise(modules: tuple[str, ...]) -> tuple[frozenset[str], ...]:
    """Import `modules` in order in one fresh interpreter; after each, the top-level packages
    loaded so far (cumulative). Cached: each probe runs once per test process."""
    code = (
        "import importlib, json, sys\n"
        "steps = []\n"
        f"for name in {list(modules)!r}:\n"
        "    importlib.import_module(name)\n"
        "    steps.append(sorted({m.split('.')[0] for m in sys.modules}))\n"
        "print(json.dumps(steps))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return tuple(frozenset(step) for step in json.loads(done.stdout))


def _loaded_after(*modules: str) -> set[str]:
    return set(_loaded_stepwise(modules)[-1])


STORE_MODULES = (
    "kim_tui.service.workspace",
    "kim_tui.service.session",
    "kim_tui.service.demo_seed",
    "kim_tui.store.unit_of_work",
    "kim_tui.sync.exporter",
    "kim_tui.store.vault",
    "kim_tui.store.keyfile",
    "kim_tui.store.migrate",
)


def test_the_probe_sees_what_it_should() -> None:
    """Control: importing the store does load SQLAlchemy, so an empty answer means something."""
    assert {"sqlalchemy", "cryptography", "sqlcipher3"} <= _loaded_after(*STORE_MODULES)


def test_store_and_service_do_not_import_textual() -> None:
    loaded = _loaded_after(*STORE_MODULES)
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
    steps = _loaded_stepwise(tuple(DOMAIN_MODULES))
    index = DOMAIN_MODULES.index(module)
    before = steps[index - 1] if index else frozenset()
    # What this module added; a forbidden package an earlier module already pulled in fails
    # that module's test instead.
    added = steps[index] - before
    forbidden = {"textual", "sqlalchemy", "sqlmodel", "sqlcipher3", "cryptography", "alembic"}
    assert not added & forbidden, f"{module} pulls in {sorted(added & forbidden)}"
