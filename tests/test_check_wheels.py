"""`.ci/check_wheels.py` (run by `.ci/run`): reads the runtime pins and names the package that
has no wheel for a platform. Here without network: pip is replaced by a stand-in."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]


def _check_wheels() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_wheels", REPO / ".ci" / "check_wheels.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_runtime_dependency_is_pinned_exactly() -> None:
    pins = _check_wheels().runtime_pins(REPO / "pyproject.toml")
    assert pins and all("==" in pin for pin in pins)
    assert any(pin.startswith("filelock==") for pin in pins)


def test_a_loose_pin_is_refused(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\ndependencies = ["rich>=13"]\n', encoding="utf-8")
    with pytest.raises(SystemExit, match="rich>=13"):
        _check_wheels().runtime_pins(pyproject)


def test_a_missing_wheel_names_package_and_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    module = _check_wheels()

    def pip_download(
        requirements: list[str], platform: str, python_version: str, dest: str, *, deps: bool
    ) -> subprocess.CompletedProcess[str]:
        missing = "onlylinux==1.0" in requirements and platform == "win_amd64"
        return subprocess.CompletedProcess(
            [], 1 if missing else 0, "", "ERROR: No matching distribution found" if missing else ""
        )

    monkeypatch.setattr(module, "_pip_download", pip_download)
    problems = module.check(
        ["rich==15.0.0", "onlylinux==1.0"], ["win_amd64", "macosx_11_0_arm64"], "3.12"
    )
    assert len(problems) == 1
    assert problems[0].startswith("onlylinux==1.0: no wheel for win_amd64 / Python 3.12")
    assert module.check(["rich==15.0.0"], ["win_amd64"], "3.12") == []


def test_a_dependency_without_wheel_is_reported_for_its_platform(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every pin has a wheel of its own, but resolving them together (with their dependencies)
    fails on one platform: reported for that platform, not lost."""
    module = _check_wheels()

    def pip_download(
        requirements: list[str], platform: str, python_version: str, dest: str, *, deps: bool
    ) -> subprocess.CompletedProcess[str]:
        missing = deps and platform == "macosx_11_0_arm64"
        return subprocess.CompletedProcess(
            [], 1 if missing else 0, "", "ERROR: No matching distribution found" if missing else ""
        )

    monkeypatch.setattr(module, "_pip_download", pip_download)
    problems = module.check(["rich==15.0.0"], ["win_amd64", "macosx_11_0_arm64"], "3.12")
    assert len(problems) == 1
    assert problems[0].startswith("a dependency of the pins has no wheel for macosx_11_0_arm64")
