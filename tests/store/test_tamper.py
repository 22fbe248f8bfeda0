"""A damaged vault fails loudly: `kim check` reports it, and no read ever returns altered data."""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from kim_tui.cli import main
from kim_tui.domain.model import ClientDraft, FollowUpDraft, IntakeDraft
from kim_tui.service.workspace import Workspace
from kim_tui.store.errors import CorruptFile, VaultError
from kim_tui.store.vault import Vault
from tests.builders import new_vault
from tests.conftest import FIXED_TODAY, PASSPHRASE

PAGE = 4096  # SQLCipher 4 default page size
CLIENTS = 40


@dataclass(frozen=True)
class Template:
    directory: Path
    clients: dict[str, tuple[str, str, str, date]]  # id → (given, family, address, birth date)
    reasons: frozenset[str]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """One closed, checkpointed vault with enough rows to span several pages."""
    directory = tmp_path_factory.mktemp("tamper") / "vault"
    vault, _rk = new_vault(directory)
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    clients = {}
    reasons = set()
    for i in range(CLIENTS):
        given, family = f"Vorname{i:03d}", f"Familie{i:03d}"
        address = f"Musterweg {i} {'x' * 120}"
        born = date(1970, 1, 1) + timedelta(days=97 * i)
        cid, case_id = ws.intake(
            IntakeDraft(
                ClientDraft(given, family, born, address=address),
                FIXED_TODAY - timedelta(days=i),
            )
        )
        reason = f"Termin {i:03d}"
        ws.add_follow_up(FollowUpDraft(case_id, FIXED_TODAY + timedelta(days=i + 1), reason))
        clients[cid] = (given, family, address, born)
        reasons.add(reason)
    assert vault.check().ok
    ws.close()
    # Closing checkpoints the WAL into the main file and removes it.
    assert not (directory / "vault.db-wal").exists()
    assert (directory / "vault.db").stat().st_size >= 8 * PAGE
    return Template(directory, clients, frozenset(reasons))


def _positions() -> list[int]:
    # A byte in the salt (page 0, first 16 bytes), one in page 0's body, then random pages
    # (chosen with a fixed seed per case in `_flip`).
    return [5, 2000] + [-1] * 10


def _flip(path: Path, index: int, rng: random.Random) -> int:
    data = bytearray(path.read_bytes())
    pages = len(data) // PAGE
    if index < 0:
        page = rng.randrange(1, pages)
        offset = page * PAGE + rng.randrange(16, PAGE - 16)
    else:
        offset = index
    data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    return offset


def _read_back(directory: Path, template: Template) -> int:
    """Every read either fails or returns exactly the original data; returns how many client
    files could be read."""
    readable = 0
    try:
        vault = Vault.open(directory, PASSPHRASE, migrate_schema=False)
    except CorruptFile as exc:
        assert "vault.db" in str(exc)
        return 0
    try:
        ws = Workspace(vault, today=lambda: FIXED_TODAY)
        try:
            page = ws.caseload(limit=1000)
            seen = {s.client_id: (s.display_name, s.birth_date) for s in page.items}
            for cid, (given, family, _addr, born) in template.clients.items():
                if cid in seen:
                    assert seen[cid] == (f"{family}, {given}", born)
            assert set(seen) <= set(template.clients)
        except (VaultError, DBAPIError):
            pass
        try:
            reasons = {f.reason for f in ws.follow_ups(limit=1000).items}
            assert reasons <= template.reasons
        except (VaultError, DBAPIError):
            pass
        for cid, (given, family, address, born) in template.clients.items():
            try:
                view = ws.client_file(cid).client
            except (VaultError, DBAPIError):
                continue
            assert (view.given_name, view.family_name, view.address, view.birth_date) == (
                given,
                family,
                address,
                born,
            )
            readable += 1
    finally:
        vault.close()
    return readable


@pytest.mark.parametrize("n", range(len(_positions())))
def test_flipped_byte_is_detected_and_never_returns_altered_data(
    n: int, template: Template, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = tmp_path / "vault"
    shutil.copytree(template.directory, directory)
    (directory / "vault.lock").unlink(missing_ok=True)
    rng = random.Random(1000 + n)
    offset = _flip(directory / "vault.db", _positions()[n], rng)
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE + "\n")

    capsys.readouterr()
    code = main(["check", "--vault", str(directory), "--passphrase-file", str(pw)])
    out, err = capsys.readouterr()
    assert code != 0, f"flip at byte {offset} went unnoticed:\n{out}"
    assert "FEHLER" in err or "beschädigt" in err, err
    assert "Prüfung: in Ordnung" not in out

    _read_back(directory, template)


def test_untouched_copy_checks_clean(
    template: Template, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The control: the same procedure without a flip passes, so the failures above are real."""
    directory = tmp_path / "vault"
    shutil.copytree(template.directory, directory)
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE + "\n")
    assert main(["check", "--vault", str(directory), "--passphrase-file", str(pw)]) == 0
    assert "in Ordnung" in capsys.readouterr().out
    assert _read_back(directory, template) == CLIENTS
