"""The sync commands end to end, through argparse, with passphrase files (no TTY)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from kim_tui.cli.common import CliError
from kim_tui.cli.parser import build_parser
from kim_tui.coordinator.store import CoordinatorStore
from tests.builders import vault_of_its_own
from tests.conftest import FIXED_TODAY, PASSPHRASE
from tests.sync.test_bad_stored_rows import spoil_stored_row

pytestmark = pytest.mark.usefixtures("fast_default_kdf")


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


def test_cli_flow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kim_tui.domain.model import ClientDraft, ConsentDraft, ConsentPurpose, IntakeDraft
    from kim_tui.service.workspace import Workspace
    from kim_tui.store.vault import Vault

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

    vault, _ = vault_of_its_own(vault_dir)
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
    # identity and connect are audited writes without a revision; each export is audited once.
    with Vault.open(vault_dir, PASSPHRASE) as reopened:
        ws = Workspace(reopened, today=lambda: FIXED_TODAY)
        actions = [e.action for e in ws.audit_log()]
        assert ws.revision() == 7
    assert actions.count("sync.identity") == 1 and actions.count("sync.connect") == 1
    assert actions.count("bundle.export") == 2

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
    assert csv_text.startswith("\ufeffEbene;Name;")
    assert run(["coordinator", "report", *cdir, "--format", "csv", "--csv-delimiter", ","]) == 0
    assert capsys.readouterr().out.startswith("\ufeffEbene,Name,")
    assert run(["coordinator", "report", *cdir]) == 0
    assert "Fälle aktiv" in capsys.readouterr().out
    # A row an earlier version let in is left out with a line on stderr, never a traceback.
    with CoordinatorStore.open(coord, PASSPHRASE) as store:
        spoilt = spoil_stored_row(store, "case", "first_contact_on", '"2026-02-30"')
    assert run(["coordinator", "report", *cdir]) == 0
    captured = capsys.readouterr()
    assert "Fälle aktiv" in captured.out
    assert f"Datensatz case {spoilt[:12]}" in captured.err and "übersprungen" in captured.err

    assert run(["coordinator", "enroll", *cdir, "--revoke", str(tmp_path / "coach.pub")]) == 0
    assert run(["coordinator", "import", *cdir, str(files[0])]) == 1
