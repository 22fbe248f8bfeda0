"""After lock no copy of the data key and none of the passphrase is left in the process: the
scans of `key_memory_checks.py`, run in a fresh Python process.

Why a fresh process: OpenSSL's Argon2 frees its copy of the passphrase without zeroing it, and
kim overwrites that block by a second derivation that the allocator hands the same block
(`store/keyfile._overwrite_kdf_copy`). In a process whose heap hundreds of other tests have
churned (another thread may take the block first) that heuristic, and so the scan, can miss:
measured once in two full runs. A coach's kim is a fresh process, and so is this check.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.memscan import scan_unavailable

CHECKS = Path(__file__).with_name("key_memory_checks.py")
ROOT = Path(__file__).resolve().parents[2]


# One process per check: after one app ran, the next unlock's Argon2 block is less likely to be
# handed back for the overwrite (measured: a fourth check in the same process failed often).
CHECK_IDS = [
    "test_the_scan_finds_a_secret_until_it_is_wiped",
    "test_a_closed_store_leaves_no_key_and_no_passphrase",
    "test_ctrl_l_leaves_no_key_and_no_passphrase_in_the_app[at-once]",
    "test_ctrl_l_leaves_no_key_and_no_passphrase_in_the_app[after-idle-work]",
]


@pytest.mark.skipif(scan_unavailable() is not None, reason=str(scan_unavailable()))
@pytest.mark.parametrize("check", CHECK_IDS)
def test_no_key_or_passphrase_copy_survives_lock_in_a_fresh_process(
    tmp_path: Path, check: str
) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-rA",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "-p",
            "no:xdist",
            "--basetemp",
            str(tmp_path / "child"),
            f"{CHECKS}::{check}",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout and "skipped" not in result.stdout, result.stdout[-2000:]
