"""Leaks: after a full session no canary reaches any file in plain text.

The session runs the way the app does it (`VaultSession` unlock → Workspace → lock → release):
a seeded demo caseload, the intake of a canary client who consents to sharing with the
coordinator, edits of every kind, searches, the weekly export, lock, and the coordinator's
import of the bundle. TMPDIR, HOME and the XDG directories point into the test's own directory,
so every file anything could have written (temp files, caches, logs, config) is scanned: the
vault directory, the temp directory, the outbox with the bundle, the coordinator's directory,
the config file. Each canary is searched in UTF-8 and UTF-16 (both byte orders), lower-cased
(the folded search keys) and as a fragment. The bundle's readable header is parsed and checked
separately, and so is everything printed and every audit entry.

Not vacuous: the canary name really is inside the bundle (found after decrypting with the
coordinator's key) and inside the coordinator store (read through its engine).
"""

from __future__ import annotations

import json
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from kim_tui.coordinator.importer import IMPORTED, import_bundle
from kim_tui.coordinator.store import CoordinatorStore, SyncRecord
from kim_tui.domain.model import (
    AreaRatingDraft,
    AssessmentDraft,
    ClientDraft,
    ConsentDraft,
    ConsentPurpose,
    ContactDraft,
    FollowUpDraft,
    GoalAgreementDraft,
    GoalDraft,
    HouseholdMember,
    IntakeDraft,
    ReferralDraft,
    ResidenceDraft,
    StepDraft,
)
from kim_tui.service.demo_seed import seed_demo
from kim_tui.service.session import VaultSession
from kim_tui.sync import bundle_format as bf
from kim_tui.sync import coach_state
from tests.builders import canary_needles, needles_in, new_vault
from tests.conftest import FAST_KDF_KIB, FIXED_TODAY, PASSPHRASE

CANARIES = {
    "given_name": "Qxvornamekanarie",
    "family_name": "Qxfamilienkanarie",
    "other_names": "Qxandernamekanarie",
    "address": "Qxadresskanarie 17",
    "new_address": "Qxneueadresskanarie 4",
    "phone": "+49 3333 8812 4471",
    "household": "Qxhaushaltkanarie",
    "legal_basis": "Qxrechtsgrundkanarie",
    "contact_note": "Qxkontaktnotizkanarie",
    "follow_up": "Qxwiedervorlagekanarie",
    "done_note": "Qxerledigtkanarie",
    "situation": "Qxlagekanarie",
    "goal": "Qxzielkanarie",
    "step": "Qxschrittkanarie",
    "referral": "Qxvermittlungkanarie",
    "theme": "Qxthemakanarie",
}
BIRTH = date(1957, 3, 19)
DATE_CANARIES = ("1957-03-19", "19.03.1957")
TRAVELS = ("given_name", "family_name", "other_names", "new_address", "phone")
"""Canaries that go to the coordinator (inside the encrypted payload) with the consent."""
NEVER_TRAVELS = (
    "address",  # replaced by new_address before the export
    "household",
    "contact_note",
    "follow_up",
    "done_note",
    "situation",
    "goal",
    "step",
    "referral",
    "theme",  # a free-text structural theme travels only as the code "other"
)
"""Free text that stays in the vault (domain.pseudonym). Not listed: legal_basis, which travels
for every client by design (encrypted). Free-text themes travel only as the code "other"."""


NEEDLES = canary_needles(
    [*CANARIES.values(), *DATE_CANARIES],
    folded=[CANARIES[k] for k in ("given_name", "family_name", "other_names")],
    marker="Qx",
)


def leaks_in(data: bytes) -> list[str]:
    return needles_in(data, NEEDLES)


def scan(root: Path) -> tuple[list[str], int]:
    """Leaks in every file under `root` (file names too), and the number of files read."""
    found, files = [], 0
    for path in sorted(root.rglob("*")):
        found += [f"name {path}: {hit}" for hit in leaks_in(path.name.encode())]
        if path.is_file() and not path.is_symlink():
            files += 1
            found += [f"{path}: {hit}" for hit in leaks_in(path.read_bytes())]
    return found, files


def test_the_scanner_finds_plain_text(tmp_path: Path) -> None:
    for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
        (tmp_path / f"x-{encoding}").write_bytes(f"..{CANARIES['step']}..".encode(encoding))
    (tmp_path / "d").write_text("geboren 19.03.1957")
    found, files = scan(tmp_path)
    assert files == 4 and len(found) >= 4


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """TMPDIR, HOME and XDG_* inside tmp_path, so every file of the session is ours to scan."""
    dirs = {name: tmp_path / name for name in ("tmp", "home", "data", "config", "cache", "state")}
    for d in dirs.values():
        d.mkdir()
    monkeypatch.setenv("TMPDIR", str(dirs["tmp"]))
    monkeypatch.setenv("SQLITE_TMPDIR", str(dirs["tmp"]))
    monkeypatch.setenv("HOME", str(dirs["home"]))
    monkeypatch.setenv("XDG_DATA_HOME", str(dirs["data"]))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(dirs["config"]))
    monkeypatch.setenv("XDG_CACHE_HOME", str(dirs["cache"]))
    monkeypatch.setenv("XDG_STATE_HOME", str(dirs["state"]))
    monkeypatch.setenv("KIM_CONFIG_FILE", str(dirs["config"] / "kim-tui" / "config.toml"))
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    assert tempfile.gettempdir() == str(dirs["tmp"])
    return dirs


def _session(root: Path, coordinator: CoordinatorStore) -> tuple[Path, str]:
    """The whole coach session; returns the bundle path and the canary client id."""
    vault_dir = root / "vault"
    vault, _rk = new_vault(vault_dir)
    vault.close()
    session = VaultSession(vault_dir, today=lambda: FIXED_TODAY)
    session.claim()
    ws = session.unlock(PASSPHRASE)
    with Session(ws.vault.engine) as s:
        pub = coach_state.ensure_identity(s, "Coach Leck", "Träger")
        coach_state.connect(s, coordinator.public())
        s.commit()
    coordinator.enroll(pub)

    seed_demo(ws, count=30, seed=11)
    today = FIXED_TODAY
    client_id, case_id = ws.intake(
        IntakeDraft(
            ClientDraft(
                CANARIES["given_name"],
                CANARIES["family_name"],
                BIRTH,
                other_names=CANARIES["other_names"],
                nationality="SYR",
                languages=("ara",),
                address=CANARIES["address"],
                phone=CANARIES["phone"],
                household=(HouseholdMember(CANARIES["household"], "Kind", date(2015, 6, 1)),),
            ),
            today - timedelta(days=20),
            legal_domains=("aufenthg",),
            residence=ResidenceDraft(
                "duldung", CANARIES["legal_basis"], valid_until=today + timedelta(days=90)
            ),
            consents=(
                ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, today - timedelta(days=20)),
                ConsentDraft(
                    ConsentPurpose.SHARE_COORDINATOR,
                    today - timedelta(days=20),
                    special_categories=True,  # names travel only then (needs, Art. 9)
                ),
            ),
        )
    )
    # Edits of every kind.
    current = ws.client_file(client_id).client
    from dataclasses import replace

    ws.update_client(client_id, replace(current, address=CANARIES["new_address"]))
    ws.add_contact(ContactDraft(case_id, today, "in_person", 30, note=CANARIES["contact_note"]))
    fid = ws.add_follow_up(FollowUpDraft(case_id, today + timedelta(days=3), CANARIES["follow_up"]))
    ws.snooze_follow_up(fid, today + timedelta(days=10))
    done = ws.add_follow_up(FollowUpDraft(case_id, today + timedelta(days=4), "zweite"))
    ws.complete_follow_up(done, note=CANARIES["done_note"])
    ws.add_assessment(
        AssessmentDraft(
            case_id, today, (AreaRatingDraft("residence", 3, situation=CANARIES["situation"]),)
        )
    )
    ws.add_goal_agreement(
        GoalAgreementDraft(
            case_id,
            today,
            today + timedelta(days=60),
            (
                GoalDraft(
                    "residence",
                    CANARIES["goal"],
                    steps=(StepDraft(CANARIES["step"], "client", today + timedelta(days=7)),),
                ),
            ),
        )
    )
    ws.add_referral(
        ReferralDraft(
            case_id,
            "auslaenderbehoerde",
            "aufenthg",
            CANARIES["referral"],
            today,
            passes_identifying_data=False,
        )
    )
    ws.set_themes(case_id, (f"text:{CANARIES['theme']}",))
    # Reads and searches by the canary name.
    assert ws.caseload(CANARIES["family_name"][:9]).total == 1
    assert any(
        f.reason == CANARIES["follow_up"] for f in ws.follow_ups(CANARIES["given_name"]).items
    )
    for entry in ws.audit_log(limit=10_000):
        assert not leaks_in(repr(entry).encode("utf-8")), entry

    summary = ws.export_weekly(str(root / "out"))
    # Still open: the WAL holds the latest writes; it must be ciphertext as well.
    open_leaks, open_files = scan(vault_dir)
    assert open_files >= 3 and open_leaks == []
    session.release()
    assert not session.is_unlocked
    return Path(summary.path), client_id


def test_no_canary_anywhere_after_a_full_session(
    isolated: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "out").mkdir()
    coordinator, _ = CoordinatorStore.create(
        tmp_path / "coord", PASSPHRASE, name="Koordinierung", kdf_memory_kib=FAST_KDF_KIB
    )
    try:
        bundle, _client_id = _session(tmp_path, coordinator)
        data = bundle.read_bytes()

        # The readable header: only the expected fields, none of them personal.
        parsed = bf.parse(data)
        assert set(json.loads(parsed.header_bytes)) == bf.HEADER_KEYS
        assert leaks_in(parsed.header_bytes) == []
        assert leaks_in(json.dumps(parsed.header.as_dict(), ensure_ascii=False).encode()) == []
        assert leaks_in(bundle.name.encode()) == []

        # Not vacuous: the personal data did travel, encrypted to the coordinator.
        records = bf.open_payload(parsed, coordinator.kem_private())
        payload = json.dumps(records, ensure_ascii=False).encode("utf-8")
        for key in TRAVELS:
            assert CANARIES[key].encode() in payload, key
        for key in NEVER_TRAVELS:
            assert CANARIES[key].encode() not in payload, key

        assert import_bundle(coordinator, data, bundle.name).status == IMPORTED
        with Session(coordinator.engine) as s:
            stored = " ".join(r.data for r in s.exec(select(SyncRecord)).all())
        assert CANARIES["given_name"] in stored
    finally:
        coordinator.close()

    # Every file the session could have touched: vault, temp dir, home/XDG (caches, logs,
    # config), outbox, coordinator store — and the log-like output of the process.
    found, files = scan(tmp_path)
    assert found == [], "\n".join(found)
    assert files >= 8
    logs = [p for p in tmp_path.rglob("*") if p.suffix in (".log", ".txt") or "log" in p.name]
    for path in logs:
        assert leaks_in(path.read_bytes()) == [], path
    out, err = capsys.readouterr()
    assert leaks_in((out + err).encode("utf-8")) == []
    # Nothing was left in the temp directory at all.
    assert list(isolated["tmp"].iterdir()) == []
