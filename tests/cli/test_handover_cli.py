"""The handover round trip from the command line (issue 14): coach A hands a client to coach B,
B receives it (as a new file, and merged into a file B already has), A confirms the receipt and
the client's identifying data is gone from A; both export, and the bundles carry the handover
once from each side under the same id."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, SQLModel, select

from kim_tui.cli import main
from kim_tui.coordinator.report import report_cells
from kim_tui.coordinator.store import CoordinatorStore, SyncRecord
from kim_tui.domain import report
from kim_tui.domain.model import ConsentDraft, ConsentPurpose
from kim_tui.service.workspace import Workspace
from kim_tui.store.models import Client
from kim_tui.store.vault import Vault
from kim_tui.sync.identity import CoachPublic
from tests.builders import intake_client, run_kim
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.usefixtures("fast_default_kdf")

FAMILY = "Öztürk-Handover"


def _coach(tmp_path: Path, pw: Path, name: str, organisation: str) -> list[str]:
    vault = ["--vault", str(tmp_path / name), "--passphrase-file", str(pw)]
    assert main(["init", *vault, "--recovery-key-file", str(tmp_path / f"{name}.rk")]) == 0
    pub = tmp_path / f"{name}.pub"
    argv = ["identity", *vault, "--out", str(pub), "--name", name, "--organisation", organisation]
    assert main(argv) == 0
    return vault


def _fp(tmp_path: Path, name: str) -> str:
    return CoachPublic.from_json((tmp_path / f"{name}.pub").read_bytes()).fingerprint


def _intake(tmp_path: Path, name: str, given: str, family: str, consent_for: str = "") -> str:
    with Vault.open(tmp_path / name, PASSPHRASE) as vault:
        ws = Workspace(vault)
        opened = date.today() - timedelta(days=120)
        client, case = intake_client(ws, given, family, date(1990, 5, 17), first_contact_on=opened)
        if consent_for:
            ws.add_consent(
                case,
                ConsentDraft(ConsentPurpose.SHARE_AGENCY, date.today(), recipient=consent_for),
            )
        return client


def _rows_mentioning(vault_dir: Path, needle: str) -> list[str]:
    """Every table.column of the vault that holds `needle` anywhere (a raw scan of all rows)."""
    found = []
    with Vault.open(vault_dir, PASSPHRASE) as vault, Session(vault.engine) as s:
        for table in SQLModel.metadata.sorted_tables:
            for row in s.execute(text(f'SELECT * FROM "{table.name}"')).mappings():
                found += [f"{table.name}.{k}" for k, v in row.items() if needle in str(v)]
    return found


@pytest.fixture
def pw(tmp_path: Path) -> Path:
    path = tmp_path / "pw"
    path.write_text(PASSPHRASE + "\n")
    path.chmod(0o600)
    return path


def test_round_trip_new_file_merge_confirm_and_export(
    tmp_path: Path, pw: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    anna = _coach(tmp_path, pw, "anna", "Caritas")
    ben = _coach(tmp_path, pw, "ben", "DRK")
    for me, other in ((anna, "ben"), (ben, "anna")):
        fp = _fp(tmp_path, other)
        argv = ["colleague", "add", *me, str(tmp_path / f"{other}.pub"), "--fingerprint", fp]
        assert main(argv) == 0
    coord = ["--dir", str(tmp_path / "koord"), "--passphrase-file", str(pw)]
    assert main(["coordinator", "init", *coord, "--name", "Kreis",
                 "--recovery-key-file", str(tmp_path / "koord.rk")]) == 0  # fmt: skip
    coordinator_pub = tmp_path / "koord" / "coordinator.pub"
    coordinator_fp = json.loads(coordinator_pub.read_text())["fingerprint"]
    for vault, name in ((anna, "anna"), (ben, "ben")):
        assert main(["coordinator", "enroll", *coord, str(tmp_path / f"{name}.pub")]) == 0
        assert main(["connect", str(coordinator_pub), *vault, "--fingerprint", coordinator_fp]) == 0

    first = _intake(tmp_path, "anna", "Şükrü", FAMILY, consent_for="DRK")
    second = _intake(tmp_path, "anna", "Lina", "Mergetest")  # no consent: needs a reason
    existing = _intake(tmp_path, "ben", "Lina", "Mergetest")
    outbox = tmp_path / "outbox"
    outbox.mkdir()

    # A → B, the client with a consent for DRK.
    code, out, err = run_kim(capsys, "clients", *anna)
    assert code == 0 and first in out
    code, out, err = run_kim(
        capsys, "handover", *anna, "--client", first, "--to", "Ben", "--out", str(outbox)
    )
    assert code == 0, err
    (first_file,) = outbox.glob("kim-uebergabe-*.kimh")
    assert "übergeben" in out and FAMILY.encode() not in first_file.read_bytes()

    code, out, err = run_kim(capsys, "receive", str(first_file), *ben)
    assert code == 0, err
    assert "Als neue Akte übernommen" in out and "Empfangsbestätigung" in out
    (receipt,) = outbox.glob("kim-quittung-*.kimh")

    code, _out, err = run_kim(capsys, "receive", str(first_file), *ben)
    assert code == 1 and "bereits" in err and "Nichts wurde geändert" in err

    # A → B without consent: refused, then with a reason; B has the person already.
    code, _out, err = run_kim(
        capsys, "handover", *anna, "--client", second, "--to", "be", "--out", str(tmp_path)
    )
    assert code == 1 and "Keine gültige Einwilligung" in err
    code, _out, err = run_kim(
        capsys, "--lang", "en", "handover", *anna, "--client", second, "--to", "Ben",
        "--out", str(tmp_path / "second.kimh"),
        "--override-reason", "Klientin zieht um, Übergabe mündlich besprochen",
    )  # fmt: skip
    assert code == 0, err
    code, out, err = run_kim(capsys, "receive", str(tmp_path / "second.kimh"), *ben)
    assert code == 1 and existing in out and "--merge-into" in err
    code, out, err = run_kim(
        capsys, "receive", str(tmp_path / "second.kimh"), *ben, "--merge-into", existing,
        "--receipt-out", str(tmp_path / "second-receipt.kimh"),
    )  # fmt: skip
    assert code == 0 and "zusammengeführt" in out, err

    # A confirms the first receipt: the client's name is nowhere in A's vault any more.
    assert _rows_mentioning(tmp_path / "anna", FAMILY)
    code, out, err = run_kim(capsys, "handover", "--confirm", str(receipt), *anna)
    assert code == 0 and "gelöscht" in out, err
    assert _rows_mentioning(tmp_path / "anna", FAMILY) == []
    code, _out, err = run_kim(capsys, "handover", "--confirm", str(receipt), *anna)
    assert code == 1 and "bereits bestätigt" in err
    with Vault.open(tmp_path / "ben", PASSPHRASE) as vault, Session(vault.engine) as s:
        assert FAMILY in {c.family_name for c in s.exec(select(Client)).all()}

    # Both export; the coordinator holds the handover from both sides under one id.
    for vault in (anna, ben):
        assert main(["export", *vault, "--out", str(tmp_path / "bundles")]) == 0
    bundles = sorted((tmp_path / "bundles").glob("*.kimb"))
    assert len(bundles) == 2
    assert main(["coordinator", "import", *coord, *map(str, bundles)]) == 0
    with CoordinatorStore.open(tmp_path / "koord", PASSPHRASE) as store, store.session() as s:
        records = s.exec(select(SyncRecord).where(SyncRecord.table == "handover")).all()
    by_coach: dict[str, list[dict[str, str]]] = {}
    for r in records:
        by_coach.setdefault(r.coach, []).append({"id": r.id, **json.loads(r.data)})
    anna_out = sorted(by_coach[_fp(tmp_path, "anna")], key=lambda d: d["id"])
    ben_in = sorted(by_coach[_fp(tmp_path, "ben")], key=lambda d: d["id"])
    assert [d["direction"] for d in anna_out] == ["out", "out"]
    assert [d["direction"] for d in ben_in] == ["in", "in"]
    assert [d["id"] for d in anna_out] == [d["id"] for d in ben_in]
    assert {d["counterpart"] for d in anna_out} == {_fp(tmp_path, "ben")}
    assert all(d["client"].startswith("p-") for d in anna_out + ben_in)
    # A report that leaves kim masks cells of one or two people: a threshold under 3 is
    # refused. The counts themselves are read unmasked from the store's report.
    code, out, err = run_kim(
        capsys, "coordinator", "report", *coord, "--format", "json", "--threshold", "2"
    )
    assert (code, out) == (1, "") and "mindestens 3" in err, err
    with CoordinatorStore.open(tmp_path / "koord", PASSPHRASE) as store:
        period = report.Period(None, None)
        doc = json.loads(report.render_json(report_cells(store, period, 1), 1, period))
    cells = {(c["name"], c["indicator"], c["category"]): c["value"] for c in doc["cells"]}
    # Two people, each one case: opened at Anna, active at Ben (Lina's own file at Ben and the
    # one handed over are one case after the merge), and two handovers Anna → Ben.
    assert cells[("alle", "cases_opened", "gesamt")] == 2
    assert cells[("anna", "cases_opened", "gesamt")] == 2
    assert cells[("alle", "cases_active", "gesamt")] == 2
    assert cells[("ben", "cases_active", "gesamt")] == 2
    assert ("anna", "cases_active", "gesamt") not in cells
    assert cells[("alle", "handovers", "anna (Caritas) → ben (DRK)")] == 2


def test_bad_input_is_one_clear_line(
    tmp_path: Path, pw: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    anna = _coach(tmp_path, pw, "anna", "Caritas")
    client = _intake(tmp_path, "anna", "Ada", "Niemand")
    code, _out, err = run_kim(capsys, "handover", *anna, "--client", client, "--to", "Ben",
                              "--out", str(tmp_path))  # fmt: skip
    assert code == 1 and "Noch keine Kolleg*innen" in err
    code, _out, err = run_kim(capsys, "receive", str(tmp_path / "fehlt.kimh"), *anna)
    assert code == 1 and "Traceback" not in err and "fehlt.kimh" in err
    (tmp_path / "random.kimh").write_bytes(b"\x1b[31m not a handover")
    code, _out, err = run_kim(
        capsys, "--lang", "en", "receive", str(tmp_path / "random.kimh"), *anna
    )
    assert code == 1 and "File refused" in err and "\x1b" not in err
    code, _out, err = run_kim(capsys, "handover", "--confirm", str(tmp_path), *anna)
    assert code == 1 and "Traceback" not in err
    code, _out, err = run_kim(capsys, "handover", *anna, "--client", client)
    assert code == 1 and "--to" in err and "--out" in err


def test_to_matches_a_name_or_a_fingerprint_and_lists_the_ambiguous() -> None:
    from kim_tui.cli.common import CliError
    from kim_tui.cli.handover import match_colleague
    from kim_tui.sync.identity import (
        display_fingerprint,
        kem_public_bytes,
        new_kem_key,
        new_signing_key,
        receiving_key_message,
        signing_key,
        signing_public,
    )

    def colleague(name: str) -> CoachPublic:
        sign, kem = new_signing_key(), kem_public_bytes(new_kem_key())
        signature = signing_key(sign).sign(receiving_key_message(kem))
        return CoachPublic(name, "DRK", signing_public(sign), kem, signature)

    ben, berta, carla = colleague("Ben Bauer"), colleague("Berta Bauer"), colleague("Carla")
    team = [ben, berta, carla]
    assert match_colleague(team, "ben bauer") is ben
    assert match_colleague(team, "Carl") is carla
    assert match_colleague(team, display_fingerprint(berta.fingerprint)[:9]) is berta
    with pytest.raises(CliError) as caught:
        match_colleague(team, "Bauer")
    listing = str(caught.value)
    assert display_fingerprint(ben.fingerprint) in listing
    assert display_fingerprint(berta.fingerprint) in listing and "Carla" not in listing
    with pytest.raises(CliError, match="Keine gespeicherte"):
        match_colleague(team, "Dora")
