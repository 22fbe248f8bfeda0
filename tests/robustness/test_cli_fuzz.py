"""Random argument lists through `kim_tui.cli.main`: no traceback escapes (issue #13, §7).

Each example picks a command and fills its options and arguments from a pool of awkward
values: directories where files belong, files in missing folders, names over the file-system
limit, non-ASCII passphrases and recovery keys ("Ö"), escape sequences, odd weeks and numbers.
Whatever the combination, `main` returns an int exit code or argparse exits with one; nothing
else is raised. Bounded (200 examples, no deadline, no timing assertions); every example works
on fresh copies of a small vault and coordinator store.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kim_tui.cli import main
from kim_tui.store.vault import Vault
from tests.conftest import FAST_KDF_KIB, PASSPHRASE

# Every command with the options it takes ("--flag" without a value ends in "!") and whether
# it takes positional arguments. The UIs (`kim`, `coordinator ui`) are left out: they start
# Textual. `demo` always gets --no-ui and a vault.
COMMANDS: dict[tuple[str, ...], tuple[list[str], int]] = {
    ("init",): (["--vault", "--passphrase-file", "--recovery-key-file"], 0),
    ("passwd",): (["--vault", "--passphrase-file", "--new-passphrase-file"], 0),
    ("recover",): (["--vault", "--recovery-key-file", "--new-passphrase-file"], 0),
    ("backup",): (["--vault", "--passphrase-file", "--out"], 0),
    ("restore",): (["--vault"], 1),
    ("check",): (["--vault", "--passphrase-file"], 0),
    ("import-clients",): (
        ["--vault", "--passphrase-file", "--template", "--dry-run!", "--allow-duplicates!"],
        1,
    ),
    ("identity",): (["--vault", "--passphrase-file", "--out", "--name", "--organisation"], 0),
    ("connect",): (["--vault", "--passphrase-file", "--fingerprint"], 1),
    ("export",): (["--vault", "--passphrase-file", "--out", "--week", "--resend"], 0),
    ("demo",): (["--passphrase-file", "--clients", "--seed"], 0),
    ("coordinator", "init"): (["--dir", "--passphrase-file", "--name", "--recovery-key-file"], 0),
    ("coordinator", "enroll"): (["--dir", "--passphrase-file", "--revoke!"], 1),
    ("coordinator", "import"): (["--dir", "--passphrase-file"], 2),
    ("coordinator", "held"): (["--dir", "--passphrase-file", "--release", "--discard"], 0),
    ("coordinator", "passwd"): (["--dir", "--passphrase-file", "--new-passphrase-file"], 0),
    ("coordinator", "recover"): (["--dir", "--recovery-key-file", "--new-passphrase-file"], 0),
    ("coordinator", "report"): (
        ["--dir", "--passphrase-file", "--from", "--to", "--format", "--threshold"],
        0,
    ),
}
SENSIBLE = {
    "--vault": "vault",
    "--dir": "coord",
    "--passphrase-file": "pw",
    "--new-passphrase-file": "pw",
    "--recovery-key-file": "pw-umlaut",
    "--out": "a-dir",
}
# Values by name; paths are resolved in each example's fresh directory.
PATHS = [
    "vault", "coord", "a-dir", "missing", "no-folder/file", "long", "text-file", "pw",
    "pw-umlaut", "pw-short", "empty-file", "coach.pub", "coordinator.pub", "list.csv",
    "bad.csv", "backup",
]  # fmt: skip
TEXTS = [
    "Ö", "", "x" * 300, "\x1b[2J\u202e", "2026-W48", "2026-W99", "-1", "0", "5", "abc",
    "2026-02-30", "2026-01-01", "csv", "json", "table", "ABCD-EFGH", "10" * 50,
]  # fmt: skip


@dataclass
class Templates:
    vault: Path
    coord: Path


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    from kim_tui.coordinator.store import CoordinatorStore
    from kim_tui.store import keyfile

    root = tmp_path_factory.mktemp("fuzz-templates")
    Vault.create(root / "vault", PASSPHRASE, kdf_memory_kib=FAST_KDF_KIB)[0].close()
    store, _ = CoordinatorStore.create(
        root / "coord", PASSPHRASE, name="Koordinierung", kdf_memory_kib=FAST_KDF_KIB
    )
    store.close()
    assert keyfile.DEFAULT_KDF["memory_kib"] > FAST_KDF_KIB  # restored after the module
    yield Templates(root / "vault", root / "coord")


def _workspace(base: Path, templates: Templates) -> None:
    from kim_tui.sync.identity import CoachPublic, new_signing_key, signing_public

    shutil.copytree(templates.vault, base / "vault")
    shutil.copytree(templates.coord, base / "coord")
    (base / "a-dir").mkdir()
    (base / "text-file").write_text("nur Text\n")
    (base / "pw").write_text(PASSPHRASE + "\n")
    (base / "pw-umlaut").write_text("Ö\n")
    (base / "pw-short").write_text("kurz\n")
    (base / "empty-file").write_bytes(b"")
    pub = CoachPublic("Anna", "Träger", signing_public(new_signing_key()))
    (base / "coach.pub").write_bytes(pub.to_json())
    shutil.copy(base / "coord" / "coordinator.pub", base / "coordinator.pub")
    (base / "list.csv").write_text("Nachname;Vorname;Geburtsdatum\nMüller;Jürgen;03.07.1971\n")
    (base / "bad.csv").write_bytes(b"\xff\xfe\x00;;\n\x1b[2J;x\n")
    (base / "backup").write_bytes(b"kein Archiv")


def _resolve(value: str, base: Path) -> str:
    if value == "long":
        return str(base / ("n" * 300))
    return str(base / value) if value in PATHS else value


@st.composite
def argument_lists(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """A command's argument list with symbolic values; paths are resolved later."""
    command = draw(st.sampled_from(sorted(COMMANDS)))
    options, positionals = COMMANDS[command]
    argv = list(command)
    # Most options present, and half of them with a sensible value, so most examples get past
    # argparse and the unlock into the command itself; the rest of the values are awkward.
    chosen = [o for o in options if draw(st.integers(0, 3))]
    for option in draw(st.permutations(chosen)):
        if option.endswith("!"):
            argv.append(option[:-1])
            continue
        argv.append(option)
        sensible = SENSIBLE.get(option)
        pool = [sensible] * len(PATHS + TEXTS) if sensible else []
        argv.append(draw(st.sampled_from(pool + PATHS + TEXTS)))
    for _ in range(draw(st.integers(0, positionals))):
        argv.append(draw(st.sampled_from(PATHS + TEXTS)))
    if command == ("demo",):
        argv += ["--no-ui", "--vault", "new-demo-vault", "--clients", "2"]
    return argv, list(command)


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    from kim_tui.store import keyfile

    monkeypatch.setitem(keyfile.DEFAULT_KDF, "memory_kib", FAST_KDF_KIB)


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=argument_lists())
def test_no_argument_list_ends_in_a_traceback(
    case: tuple[list[str], list[str]],
    templates: Templates,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    symbolic, _command = case
    with tempfile.TemporaryDirectory(prefix="kim-fuzz-") as tmp:
        base = Path(tmp)
        _workspace(base, templates)
        monkeypatch.chdir(base)
        argv = [_resolve(value, base) for value in symbolic]
        try:
            code = main(argv)
        except SystemExit as exited:  # argparse: usage errors exit 2
            code = exited.code if isinstance(exited.code, int) else 0
        out, err = capsys.readouterr()
    assert isinstance(code, int)
    assert "Traceback" not in out + err, (argv, err)
