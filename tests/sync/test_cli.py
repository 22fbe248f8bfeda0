"""The sync commands end to end, through argparse, with passphrase files (no TTY)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from kim_tui.cli.common import CliError
from kim_tui.cli.parser import build_parser
from tests.conftest import FAST_KDF_KIB, FIXED_TODAY, PASSPHRASE


def _parser() -> argparse.ArgumentParser:
    """kim's parser, sync commands included."""
    return build_parser()


def run(argv: Sequence[str]) -> int:
    from kim_tui.store.errors import VaultError

    args = _parser().parse_args(list(argv))
    try:
        result: int = args.func(args)
        return result
    except (CliError, VaultError) as exc:
        print(f"kim: {exc}")
        return 1


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    from kim_tui.store import keyfile

    monkeypatch.setitem(keyfile.DEFAULT_KDF, "memory_kib", FAST_KDF_KIB)


def test_cli_flow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kim_tui.domain.model import ClientDraft, ConsentDraft, ConsentPurpose, IntakeDraft
    from kim_tui.store.vault import Vault
    from kim_tui.store.workspace import Workspace

    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE + "\n")
    coord, vault_dir, out = tmp_path / "coord", tmp_path / "vault", tmp_path / "out"
    out.mkdir()
    assert (
        run(
            [
                "coordinator",
                "init",
                "--dir",
                str(coord),
                "--passphrase-file",
                str(pw),
                "--name",
                "Koordinierung Kreis",
                "--recovery-key-file",
                str(tmp_path / "rk"),
            ]
        )
        == 0
    )
    shown = capsys.readouterr().out
    assert "Fingerabdruck" in shown and (coord / "coordinator.pub").is_file()

    vault, _ = Vault.create(vault_dir, PASSPHRASE, kdf_memory_kib=FAST_KDF_KIB)
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    for i in range(7):
        consents = (ConsentDraft(ConsentPurpose.SHARE_COORDINATOR, FIXED_TODAY),) if i < 2 else ()
        ws.intake(
            IntakeDraft(
                ClientDraft(f"V{i}", f"N{i}", None, gender="f"),
                FIXED_TODAY,
                target_groups=("catch_up",),
                consents=consents,
            )
        )
    ws.close()

    common = ["--vault", str(vault_dir), "--passphrase-file", str(pw)]
    assert (
        run(
            [
                "identity",
                *common,
                "--out",
                str(tmp_path / "coach.pub"),
                "--name",
                "Anna",
                "--organisation",
                "Caritas",
            ]
        )
        == 0
    )
    assert run(["export", *common, "--out", str(out)]) == 1  # not connected yet
    assert "kim connect" in capsys.readouterr().out
    assert run(["connect", *common, str(coord / "coordinator.pub")]) == 0
    assert run(["export", *common, "--out", str(out), "--week", "2026-W48"]) == 0
    assert run(["export", *common, "--out", str(out), "--week", "2026-W49"]) == 0
    assert run(["export", *common, "--out", str(out), "--resend", "9"]) == 1
    files = sorted(out.glob("*.kimb"))
    assert [f.name[-19:] for f in files] == ["-2026-W48-0001.kimb", "-2026-W49-0002.kimb"]
    capsys.readouterr()

    cdir = ["--dir", str(coord), "--passphrase-file", str(pw)]
    assert run(["coordinator", "import", *cdir, str(files[1])]) == 1  # unknown coach
    assert "abgelehnt – unbekannter Coach" in capsys.readouterr().err
    assert run(["coordinator", "enroll", *cdir, str(tmp_path / "coach.pub")]) == 0
    assert run(["coordinator", "import", *cdir, str(files[1])]) == 0
    assert "Paket 1 von Coach Anna, Caritas fehlt" in capsys.readouterr().out
    assert run(["coordinator", "import", *cdir, str(files[0]), str(files[1])]) == 0
    text = capsys.readouterr().out
    assert "importiert – Paket 1" in text and "bereits importiert" in text and "fehlt" not in text

    assert run(["coordinator", "report", *cdir, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    total = {
        (c["indicator"], c["category"]): c["value"] for c in doc["cells"] if c["scope"] == "Gesamt"
    }
    assert total[("cases_active", "gesamt")] == 7
    assert total[("gender", "f")] == 7
    assert run(["coordinator", "report", *cdir, "--threshold", "8", "--format", "csv"]) == 0
    csv_text = capsys.readouterr().out
    assert ";x\r" in csv_text and ";7\r" not in csv_text
    assert run(["coordinator", "report", *cdir]) == 0
    assert "Fälle aktiv" in capsys.readouterr().out

    assert run(["coordinator", "enroll", *cdir, "--revoke", str(tmp_path / "coach.pub")]) == 0
    assert run(["coordinator", "import", *cdir, str(files[0])]) == 1
