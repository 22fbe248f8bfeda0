"""The coordinator package is below the apps: importing all of it (and the encrypted store it
shares with the vault) loads no Textual. Checked in a fresh interpreter."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import kim_tui.coordinator

REPO = Path(__file__).resolve().parents[2]


def test_coordinator_never_imports_textual() -> None:
    modules = [
        f"kim_tui.coordinator.{m.name}"
        for m in pkgutil.iter_modules(kim_tui.coordinator.__path__)
        if m.name != "migrations"
    ]
    assert {"kim_tui.coordinator.store", "kim_tui.coordinator.service"} <= set(modules)
    code = (
        "import importlib, json, sys\n"
        f"for name in {[*modules, 'kim_tui.store.encrypted_store']!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout))
    assert "sqlalchemy" in loaded  # the probe sees what it should
    assert "textual" not in loaded
