"""Coach receiving keys (coach.pub version 2) and `kim colleague add|list`: a colleague is
stored only after the fingerprint was compared, and only with a receiving key its owner signed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kim_tui.cli import main
from kim_tui.coordinator.store import CoordinatorStore
from kim_tui.sync.identity import (
    CoachPublic,
    IdentityError,
    display_fingerprint,
    kem_public_bytes,
    new_kem_key,
)
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.usefixtures("fast_default_kdf")


def _vault_with_identity(tmp_path: Path, name: str, pw: Path) -> tuple[list[str], Path]:
    vault = ["--vault", str(tmp_path / name), "--passphrase-file", str(pw)]
    assert main(["init", *vault]) == 0
    pub = tmp_path / f"{name}.pub"
    assert (
        main(["identity", *vault, "--out", str(pub), "--name", name, "--organisation", "DRK"]) == 0
    )
    return vault, pub


@pytest.fixture
def pw(tmp_path: Path) -> Path:
    path = tmp_path / "pw"
    path.write_text(PASSPHRASE + "\n")
    return path


def test_identity_carries_a_signed_receiving_key(tmp_path: Path, pw: Path) -> None:
    _vault, pub_file = _vault_with_identity(tmp_path, "Ben", pw)
    doc = json.loads(pub_file.read_text())
    assert doc["version"] == 2 and len(bytes.fromhex(doc["kem_key"])) == 1216
    pub = CoachPublic.from_json(pub_file.read_bytes())
    assert pub.can_receive

    # Someone swaps in their own receiving key: the fingerprint (signing key) still matches,
    # so only the signature over the receiving key can tell.
    doc["kem_key"] = kem_public_bytes(new_kem_key()).hex()
    with pytest.raises(IdentityError, match="nicht vom Coach unterschrieben"):
        CoachPublic.from_json(json.dumps(doc).encode())


def test_the_coordinator_enrols_a_version_2_coach_pub(tmp_path: Path, pw: Path) -> None:
    _vault, pub_file = _vault_with_identity(tmp_path, "Ben", pw)
    coord = ["--dir", str(tmp_path / "koord"), "--passphrase-file", str(pw)]
    assert main(["coordinator", "init", *coord]) == 0
    assert main(["coordinator", "enroll", *coord, str(pub_file)]) == 0
    with CoordinatorStore.open(tmp_path / "koord", PASSPHRASE) as store:
        assert store.public() is not None


def test_colleague_add_compares_the_fingerprint_then_stores(
    tmp_path: Path, pw: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    anna, anna_pub = _vault_with_identity(tmp_path, "Anna", pw)
    _ben, ben_pub = _vault_with_identity(tmp_path, "Ben", pw)
    ben = CoachPublic.from_json(ben_pub.read_bytes())
    anna_fp = display_fingerprint(CoachPublic.from_json(anna_pub.read_bytes()).fingerprint)
    capsys.readouterr()

    wrong = ["colleague", "add", *anna, str(ben_pub), "--fingerprint", anna_fp]
    assert main(wrong) == 1
    assert "stimmt nicht überein; nichts gespeichert" in capsys.readouterr().err
    assert main(["colleague", "list", *anna]) == 0
    assert "Noch keine Kolleg*innen" in capsys.readouterr().out

    right = display_fingerprint(ben.fingerprint)
    assert main(["colleague", "add", *anna, str(ben_pub), "--fingerprint", right]) == 0
    assert "Kolleg*in gespeichert." in capsys.readouterr().out
    assert main(["colleague", "list", *anna]) == 0
    assert f"Ben, DRK  {right}" in capsys.readouterr().out

    # The vault's own identity is no colleague.
    assert main(["colleague", "add", *anna, str(anna_pub), "--fingerprint", anna_fp]) == 1
    assert "eigene Identität" in capsys.readouterr().err


def test_a_version_1_coach_pub_cannot_receive(
    tmp_path: Path, pw: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    anna, _anna_pub = _vault_with_identity(tmp_path, "Anna", pw)
    _ben, ben_pub = _vault_with_identity(tmp_path, "Ben", pw)
    doc = json.loads(ben_pub.read_text())
    for key in ("kem", "kem_key", "kem_signature"):
        del doc[key]
    doc["version"] = 1
    old = tmp_path / "ben-v1.pub"
    old.write_text(json.dumps(doc))
    fp = display_fingerprint(CoachPublic.from_json(old.read_bytes()).fingerprint)
    capsys.readouterr()
    assert main(["colleague", "add", *anna, str(old), "--fingerprint", fp]) == 1
    assert "keinen Empfangsschlüssel" in capsys.readouterr().err
