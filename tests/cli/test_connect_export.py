"""`kim connect` and `kim export` at their edges: both fingerprint forms, a missing --out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kim_tui.cli import main
from kim_tui.store.vault import Vault
from kim_tui.sync.identity import display_fingerprint
from tests.conftest import FAST_KDF_KIB, PASSPHRASE


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    from kim_tui.store import keyfile

    monkeypatch.setitem(keyfile.DEFAULT_KDF, "memory_kib", FAST_KDF_KIB)


def _coordinator(tmp_path: Path, passphrase_file: Path, name: str = "coord") -> Path:
    directory = tmp_path / name
    argv = ["coordinator", "init", "--dir", str(directory), "--passphrase-file",
            str(passphrase_file), "--name", "Kreis",
            "--recovery-key-file", str(tmp_path / f"{name}.rk")]  # fmt: skip
    assert main(argv) == 0
    return directory / "coordinator.pub"


def _vault(tmp_path: Path) -> Path:
    directory = tmp_path / "vault"
    vault, _rk = Vault.create(directory, PASSPHRASE, kdf_memory_kib=FAST_KDF_KIB)
    vault.close()
    return directory


def _connect(pub: Path, vault_dir: Path, passphrase_file: Path, fingerprint: str) -> int:
    return main(["connect", str(pub), "--vault", str(vault_dir), "--passphrase-file",
                 str(passphrase_file), "--fingerprint", fingerprint])  # fmt: skip


def test_connect_accepts_both_fingerprint_forms(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pub = _coordinator(tmp_path, passphrase_file)
    vault_dir = _vault(tmp_path)
    hex_form = json.loads(pub.read_text())["fingerprint"]
    shown = display_fingerprint(hex_form)
    capsys.readouterr()
    for typed in (
        hex_form,
        hex_form.upper(),
        ":".join(hex_form[i : i + 2] for i in range(0, 64, 2)),
        " ".join(hex_form[i : i + 8] for i in range(0, 64, 8)),
        shown,
        shown.lower(),
        shown.replace("-", " "),
    ):
        assert _connect(pub, vault_dir, passphrase_file, typed) == 0, typed
        assert "Stimmt mit dem angegebenen" in capsys.readouterr().out
    wrong = ("0" if hex_form[0] != "0" else "1") + hex_form[1:]
    for typed in (wrong, hex_form[:-1], shown[:-1]):
        assert _connect(pub, vault_dir, passphrase_file, typed) != 0, typed
        assert "stimmt nicht überein" in capsys.readouterr().err


def _identity_and_connect(
    tmp_path: Path, vault_dir: Path, passphrase_file: Path, pub: Path
) -> None:
    common = ["--vault", str(vault_dir), "--passphrase-file", str(passphrase_file)]
    assert main(["identity", *common, "--out", str(tmp_path / "coach.pub"), "--name", "Anna"]) == 0
    fingerprint = json.loads(pub.read_text())["fingerprint"]
    assert _connect(pub, vault_dir, passphrase_file, fingerprint) == 0


def test_export_creates_a_missing_target_folder_for_its_owner_only(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault_dir = _vault(tmp_path)
    _identity_and_connect(
        tmp_path, vault_dir, passphrase_file, _coordinator(tmp_path, passphrase_file)
    )
    capsys.readouterr()
    out = tmp_path / "neu" / "tiefer" / "pakete"
    common = ["--vault", str(vault_dir), "--passphrase-file", str(passphrase_file)]
    assert main(["export", *common, "--out", str(out)]) == 0
    assert f"Zielverzeichnis angelegt: {out}" in capsys.readouterr().out
    assert len(list(out.glob("*.kimb"))) == 1
    for folder in (out, out.parent, out.parent.parent):
        assert folder.stat().st_mode & 0o777 == 0o700
    assert main(["export", *common, "--out", str(out)]) == 0  # exists now: nothing to say
    assert "angelegt" not in capsys.readouterr().out
    blocker = tmp_path / "datei"
    blocker.write_text("x")
    assert main(["export", *common, "--out", str(blocker)]) != 0
    assert "ist kein Ordner" in capsys.readouterr().err


def test_a_new_coordinator_gets_the_whole_state_as_bundle_one(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kim_tui.domain.model import ClientDraft, IntakeDraft
    from kim_tui.service.workspace import Workspace
    from tests.conftest import FIXED_TODAY

    vault_dir = _vault(tmp_path)
    with Vault.open(vault_dir, PASSPHRASE) as vault:
        ws = Workspace(vault, today=lambda: FIXED_TODAY)
        for i in range(6):
            ws.intake(IntakeDraft(ClientDraft(f"V{i}", f"N{i}", None), FIXED_TODAY))
    old_pub = _coordinator(tmp_path, passphrase_file, "alt")
    new_pub = _coordinator(tmp_path, passphrase_file, "neu")
    _identity_and_connect(tmp_path, vault_dir, passphrase_file, old_pub)
    common = ["--vault", str(vault_dir), "--passphrase-file", str(passphrase_file)]
    old_out, new_out = tmp_path / "an-alt", tmp_path / "an-neu"
    for week in ("2026-W48", "2026-W49"):
        assert main(["export", *common, "--out", str(old_out), "--week", week]) == 0
    old_fp = json.loads(old_pub.read_text())["fingerprint"]
    assert _connect(old_pub, vault_dir, passphrase_file, old_fp) == 0  # same one: same chain
    assert "Neue Koordinierung" not in capsys.readouterr().out
    assert main(["export", *common, "--out", str(old_out), "--week", "2026-W50"]) == 0
    assert "Paket 3 (2026-W50)" in capsys.readouterr().out

    new_fp = json.loads(new_pub.read_text())["fingerprint"]
    assert _connect(new_pub, vault_dir, passphrase_file, new_fp) == 0
    assert "das nächste Paket ist Paket 1" in capsys.readouterr().out
    assert main(["export", *common, "--out", str(new_out), "--week", "2026-W50"]) == 0
    shown = capsys.readouterr().out
    assert "Paket 1 (2026-W50)" in shown and "Revisionen 1–" in shown
    assert main(["export", *common, "--out", str(new_out), "--resend", "3"]) != 0  # old chain gone

    coord = ["--dir", str(new_pub.parent), "--passphrase-file", str(passphrase_file)]
    assert main(["coordinator", "enroll", *coord, str(tmp_path / "coach.pub")]) == 0
    bundles = sorted(new_out.glob("*.kimb"))
    assert len(bundles) == 1
    assert main(["coordinator", "import", *coord, str(bundles[0])]) == 0
    capsys.readouterr()
    assert main(["coordinator", "report", *coord, "--format", "json"]) == 0
    cells = json.loads(capsys.readouterr().out)["cells"]
    total = {(c["indicator"], c["category"]): c["value"] for c in cells if c["scope"] == "Gesamt"}
    assert total[("cases_active", "gesamt")] == 6
