"""kim starts on Windows: no module of kim_tui imports a POSIX-only module when it is loaded.

Windows has no `fcntl`, `termios`, `tty`, `pty`, `pwd`, `grp` or `resource`. The probe blocks them
in a fresh interpreter (an import of a blocked name raises ImportError, as on Windows) and imports
every module of kim_tui. POSIX-only calls belong inside functions, behind a platform check.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
POSIX_ONLY = ("fcntl", "termios", "tty", "pty", "pwd", "grp", "resource")

_PROBE = """
import importlib, sys
from pathlib import Path
for name in {blocked!r}:
    sys.modules[name] = None
failed = []
for name in {modules!r}:
    try:
        importlib.import_module(name)
    except ImportError as exc:
        failed.append(f"{{name}}: {{exc}}")
print("\\n".join(failed))
"""


def _all_modules() -> list[str]:
    names = []
    for path in sorted((REPO / "kim_tui").rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        if "migrations" in parts or parts[-1] == "__main__":
            continue  # migrations run under Alembic; __main__ would start kim
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


def test_the_module_list_is_complete() -> None:
    modules = _all_modules()
    assert "kim_tui.store.lock" in modules
    assert "kim_tui.app" in modules
    assert len(modules) > 50


def test_no_module_imports_posix_only_modules_at_load_time() -> None:
    code = _PROBE.format(blocked=POSIX_ONLY, modules=_all_modules())
    # -W ignore: with fcntl blocked, filelock warns that it falls back to a soft lock; on real
    # Windows it uses its native LockFileEx lock instead.
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"POSIX-only imports at load time:\n{done.stdout}"
