"""Where kim keeps things. Functions, not import-time globals, so tests can redirect them.

`KIM_CONFIG_FILE` overrides the config path (tests set it so they never read a user's files).
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

from platformdirs import user_config_path, user_data_path

APP_NAME = "kim-tui"


def default_vault_dir() -> Path:
    """The coach's vault when no `--vault` is given: under the user data directory."""
    return user_data_path(APP_NAME, appauthor=False) / "vault"


def config_file() -> Path:
    override = os.environ.get("KIM_CONFIG_FILE")
    if override:
        return Path(override)
    return user_config_path(APP_NAME, appauthor=False) / "config.toml"


def command_line(*parts: str | Path) -> str:
    """A command as the coach types it in this platform's terminal: every part quoted where
    the shell needs it (a vault path with spaces), so the printed line runs as shown."""
    args = [str(part) for part in parts]
    if os.name == "nt":
        return subprocess.list2cmdline(args)
    return shlex.join(args)
