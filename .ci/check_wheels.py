"""Every runtime dependency pinned in pyproject.toml installs from wheels on Windows and macOS.

Coaches run Windows laptops; a dependency without a wheel there would need a C compiler to
install. For each platform this asks pip to resolve all pins together with wheels only
(`--only-binary=:all:`), so the dependencies of the dependencies are covered too; a platform
that fails is asked again one pin at a time so the message names the package. Pure-Python
`py3-none-any` wheels count.

Usage: python .ci/check_wheels.py [--python-version 3.12] [--platform TAG ...]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLATFORMS = ("win_amd64", "macosx_11_0_arm64")


def runtime_pins(pyproject: Path) -> list[str]:
    """The `[project] dependencies` of pyproject.toml; each must be an exact `==` pin."""
    pins = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    loose = [pin for pin in pins if "==" not in pin]
    if loose:
        sys.exit(f"check_wheels: not pinned with '==': {', '.join(loose)}")
    return list(pins)


def _pip_download(
    requirements: list[str], platform: str, python_version: str, dest: str, *, deps: bool
) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--disable-pip-version-check",
        "--only-binary=:all:",
        "--platform",
        platform,
        "--python-version",
        python_version,
        "--implementation",
        "cp",
        "-d",
        dest,
    ]
    if not deps:
        command.append("--no-deps")
    return subprocess.run(
        [*command, *requirements], capture_output=True, text=True, timeout=900, check=False
    )


def check(pins: list[str], platforms: list[str], python_version: str) -> list[str]:
    """Return one message per missing wheel; empty when every platform is covered.

    First all pins are resolved together per platform (dependencies of the dependencies
    included): two pip runs when everything has wheels, which is the usual case. Only a
    platform that fails is asked again one pin at a time, so the message names the package.
    """
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="kim-wheels-") as tmp:
        with ThreadPoolExecutor(max_workers=4) as pool:
            together = list(
                pool.map(
                    lambda platform: _pip_download(
                        pins, platform, python_version, f"{tmp}/{platform}", deps=True
                    ),
                    platforms,
                )
            )
            failed = [
                (platform, done)
                for platform, done in zip(platforms, together, strict=True)
                if done.returncode != 0
            ]
            jobs = [(pin, platform) for platform, _done in failed for pin in pins]
            results = pool.map(
                lambda job: _pip_download(
                    [job[0]], job[1], python_version, f"{tmp}/{job[1]}-single", deps=False
                ),
                jobs,
            )
            for (pin, platform), done in zip(jobs, results, strict=True):
                if done.returncode != 0:
                    problems.append(
                        f"{pin}: no wheel for {platform} / Python {python_version}\n"
                        f"    {_last_line(done.stderr)}"
                    )
        named = {problem.split(": no wheel for ")[1].split(" /")[0] for problem in problems}
        for platform, done in failed:
            if platform not in named:
                problems.append(
                    f"a dependency of the pins has no wheel for {platform} / Python "
                    f"{python_version}\n    {_last_line(done.stderr)}"
                )
    return problems


def _last_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    return lines[-1] if lines else "(pip gave no reason)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python-version", default="3.12")
    parser.add_argument("--platform", action="append", dest="platforms")
    args = parser.parse_args()
    platforms = args.platforms or list(PLATFORMS)
    pins = runtime_pins(ROOT / "pyproject.toml")
    problems = check(pins, platforms, args.python_version)
    if problems:
        print("check_wheels: FAILED, missing wheels:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"check_wheels: {len(pins)} runtime pins have wheels for {', '.join(platforms)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
