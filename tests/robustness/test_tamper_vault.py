"""Mutated vault ciphertexts fail loudly and never return altered data.

Extends tests/store/test_tamper.py (one flipped byte per case) with damage of other shapes:
overwritten byte runs, zeroed pages, swapped and duplicated pages, truncated and extended files,
a single page rolled back to an older genuine version, and flipped bits in the write-ahead log
of a vault that was not closed cleanly. For every case: either `kim check` fails, or every
client reads back exactly as written; and no read ever returns a value that was never written.

A damaged WAL frame followed by valid ones is refused before SQLite reads the log (SQLite would
treat it as the end of the log and drop every later transaction without a word); damage in the
last frame looks like a torn write and opens the state before it.

Known limit, shown by the xfail test at the end (see its reason):
* a page rolled back to an older genuine version is caught by `kim check` only through index
  mismatches; ordinary reads in the app return the older row without complaint.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from kim_tui.cli import main as kim_main
from kim_tui.domain.model import ClientDraft, FollowUpDraft, IntakeDraft
from kim_tui.service.workspace import Workspace
from kim_tui.store.errors import CorruptFile, VaultError
from kim_tui.store.vault import Vault
from tests.builders import new_vault
from tests.conftest import FIXED_TODAY, PASSPHRASE
from tests.robustness.conftest import scaled

PAGE = 4096  # SQLCipher 4 default page size
CLIENTS = 40
UPDATED = range(0, CLIENTS, 5)  # clients whose address changes after the `old` snapshot
CASES = scaled(24)
WAL_CASES = scaled(8)
KINDS = ("run", "zero_page", "swap", "copy", "truncate", "append", "rollback", "header")

Person = tuple[str, str, str, date | None]  # given, family, address, birth date


@dataclass(frozen=True)
class Templates:
    current: Path  # closed, checkpointed vault
    old: Path  # the same vault before UPDATED clients got a new address
    order: list[str]  # client ids in intake order
    expected: dict[str, Person]  # the current state
    before: dict[str, Person]  # the state of `old`
    wal: Path  # copy taken while open: 10 clients in vault.db, 10 more only in vault.db-wal
    wal_order: list[str]
    wal_people: dict[str, Person]


def _person(i: int, address: str) -> Person:
    return (
        f"Vorname{i:03d}",
        f"Familie{i:03d}",
        address,
        date(1971, 3, 1) + timedelta(days=97 * i),
    )


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Templates:
    root = tmp_path_factory.mktemp("vault-tamper")
    current = root / "current"
    vault, _rk = new_vault(current)
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    order, expected = [], {}
    for i in range(CLIENTS):
        person = _person(i, f"Altweg {i} {'x' * 120}")
        cid, case_id = ws.intake(
            IntakeDraft(
                ClientDraft(person[0], person[1], person[3], address=person[2]), FIXED_TODAY
            )
        )
        ws.add_follow_up(FollowUpDraft(case_id, FIXED_TODAY + timedelta(days=i + 1), f"T{i}"))
        order.append(cid)
        expected[cid] = person
    ws.close()
    old = root / "old"
    shutil.copytree(current, old)
    before = dict(expected)
    with Vault.open(current, PASSPHRASE) as vault:
        ws = Workspace(vault, today=lambda: FIXED_TODAY)
        for i in UPDATED:
            cid = order[i]
            draft = ws.client_file(cid).client
            address = f"Neuweg {i} {'y' * 120}"
            ws.update_client(cid, replace(draft, address=address))
            expected[cid] = (*expected[cid][:2], address, expected[cid][3])
    assert not (current / "vault.db-wal").exists()

    # A vault killed while open: recent transactions live only in the WAL.
    wal_src = root / "wal-src"
    vault, _rk = new_vault(wal_src)
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    wal_order, wal_people = [], {}

    def add(i: int) -> None:
        person = _person(i, f"Walweg {i}")
        cid, _ = ws.intake(
            IntakeDraft(
                ClientDraft(person[0], person[1], person[3], address=person[2]), FIXED_TODAY
            )
        )
        wal_order.append(cid)
        wal_people[cid] = person

    for i in range(10):
        add(i)
    ws.close()  # checkpoint: these ten are in vault.db
    vault = Vault.open(wal_src, PASSPHRASE)
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    for i in range(10, 20):
        add(i)
    wal = root / "wal"
    wal.mkdir()
    for name in ("vault.key", "vault.db", "vault.db-wal"):
        shutil.copy2(wal_src / name, wal / name)
    ws.close()
    assert (wal / "vault.db-wal").stat().st_size > 10 * PAGE
    return Templates(current, old, order, expected, before, wal, wal_order, wal_people)


def _kim_check(directory: Path, tmp_path: Path) -> int:
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return kim_main(["check", "--vault", str(directory), "--passphrase-file", str(pw)])


# How a damaged page surfaces. Besides DBAPIError: SQLCipher makes the pager report SQLITE_NOMEM
# when a page fails its HMAC during a write (here: the audit event of opening a client file),
# which Python's sqlite3 raises as a bare MemoryError, not wrapped by SQLAlchemy.
LOUD = (VaultError, DBAPIError, MemoryError)


def _observe(directory: Path, ids: list[str]) -> tuple[dict[str, Person], bool]:
    """What the app would show: every client file that can be read, and whether the lists
    (caseload, follow-ups) could be read at all. Failures are fine; results are compared."""
    seen: dict[str, Person] = {}
    try:
        vault = Vault.open(directory, PASSPHRASE, migrate_schema=False)
    except CorruptFile as exc:
        assert "vault.db" in str(exc)
        return seen, False
    lists_ok = True
    try:
        ws = Workspace(vault, today=lambda: FIXED_TODAY)
        try:
            listed = {s.client_id: s.display_name for s in ws.caseload(limit=1000).items}
            ws.follow_ups(limit=1000)
        except LOUD:
            lists_ok, listed = False, {}
        for cid in ids:
            try:
                c = ws.client_file(cid).client
            except LOUD:
                continue
            seen[cid] = (c.given_name, c.family_name, c.address, c.birth_date)
            if cid in listed:
                assert listed[cid] == f"{c.family_name}, {c.given_name}"
        assert set(listed) <= set(ids)
    finally:
        vault.close()
    return seen, lists_ok


def _damage(kind: str, db: Path, old: Path, rng: random.Random) -> str:
    data = bytearray(db.read_bytes())
    pages = len(data) // PAGE
    p, q = rng.sample(range(1, pages), 2)
    if kind == "run":
        n = rng.randint(2, 256)
        at = p * PAGE + rng.randrange(PAGE - n)
        data[at : at + n] = rng.randbytes(n)
        what = f"{n} random bytes at {at}"
    elif kind == "zero_page":
        data[p * PAGE : (p + 1) * PAGE] = bytes(PAGE)
        what = f"page {p} zeroed"
    elif kind == "swap":
        a, b = bytes(data[p * PAGE : (p + 1) * PAGE]), bytes(data[q * PAGE : (q + 1) * PAGE])
        data[p * PAGE : (p + 1) * PAGE], data[q * PAGE : (q + 1) * PAGE] = b, a
        what = f"pages {p} and {q} swapped"
    elif kind == "copy":
        data[p * PAGE : (p + 1) * PAGE] = data[q * PAGE : (q + 1) * PAGE]
        what = f"page {q} copied over page {p}"
    elif kind == "truncate":
        del data[p * PAGE :]
        what = f"cut to {p} pages"
    elif kind == "append":
        data += rng.randbytes(PAGE * rng.randint(1, 3))
        what = "random pages appended"
    elif kind == "rollback":
        before = old.read_bytes()
        changed = [
            i
            for i in range(1, min(pages, len(before) // PAGE))
            if before[i * PAGE : (i + 1) * PAGE] != data[i * PAGE : (i + 1) * PAGE]
        ]
        p = rng.choice(changed)
        data[p * PAGE : (p + 1) * PAGE] = before[p * PAGE : (p + 1) * PAGE]
        what = f"page {p} rolled back to its older version"
    else:  # header: page 0 beyond the plaintext salt
        n = rng.randint(1, 32)
        at = rng.randrange(16, PAGE - n)
        data[at : at + n] = rng.randbytes(n)
        what = f"{n} random bytes in page 0 at {at}"
    db.write_bytes(bytes(data))
    return what


@pytest.mark.parametrize("n", range(CASES))
def test_damaged_vault_fails_loudly_or_reads_back_exactly(
    n: int, templates: Templates, tmp_path: Path
) -> None:
    kind = KINDS[n % len(KINDS)]
    rng = random.Random(7000 + n)
    directory = tmp_path / "vault"
    shutil.copytree(templates.current, directory)
    (directory / "vault.lock").unlink(missing_ok=True)
    what = _damage(kind, directory / "vault.db", templates.old / "vault.db", rng)

    code = _kim_check(directory, tmp_path)
    seen, lists_ok = _observe(directory, templates.order)
    for cid, person in seen.items():
        if person != templates.expected[cid]:
            # Only a rolled-back page can show a value, and only one that was once written.
            assert kind == "rollback" and person == templates.before[cid], (what, cid, person)
            assert code != 0, f"{what}: stale data read and `kim check` passed"
    if code == 0:
        # A damage `kim check` accepts must be one that changes nothing visible (random bytes
        # appended after the last page, a page no table uses).
        assert seen == templates.expected and lists_ok, f"{what}: damage passed `kim check`"


@pytest.mark.parametrize("n", range(WAL_CASES))
def test_damaged_wal_never_shows_altered_data(n: int, templates: Templates, tmp_path: Path) -> None:
    """A flipped bit in the WAL of a vault that was not closed: the vault opens in an older,
    consistent state (the transactions before the damaged frame), never with altered rows."""
    rng = random.Random(9000 + n)
    directory = tmp_path / "vault"
    shutil.copytree(templates.wal, directory)
    wal = bytearray((directory / "vault.db-wal").read_bytes())
    at = rng.randrange(len(wal))
    wal[at] ^= 1 << rng.randrange(8)
    (directory / "vault.db-wal").write_bytes(bytes(wal))

    code = _kim_check(directory, tmp_path)
    seen, lists_ok = _observe(directory, templates.wal_order)
    if not seen and not lists_ok:
        # Refused: damage with committed frames after it. Reported, and the log left as it was.
        assert code != 0, at
        assert (directory / "vault.db-wal").read_bytes() == bytes(wal), at
        return
    for cid, person in seen.items():
        assert person == templates.wal_people[cid], (at, cid)
    # Whatever is visible is a prefix of the committed order, at least the checkpointed ten.
    visible = [cid for cid in templates.wal_order if cid in seen]
    assert visible == templates.wal_order[: len(visible)], at
    assert len(visible) >= 10, at


def test_damaged_wal_frame_is_reported(templates: Templates, tmp_path: Path) -> None:
    """A flipped bit in a frame of one of the later transactions: SQLite would silently drop it
    and everything after; the vault refuses to open instead, says why, and changes nothing."""
    directory = tmp_path / "vault"
    shutil.copytree(templates.wal, directory)
    wal = bytearray((directory / "vault.db-wal").read_bytes())
    at = len(wal) // 2
    wal[at] ^= 0x10
    (directory / "vault.db-wal").write_bytes(bytes(wal))
    with pytest.raises(CorruptFile, match="vault.db-wal.*beschädigt.*gültige Abschnitte"):
        Vault.open(directory, PASSPHRASE)
    assert _kim_check(directory, tmp_path) != 0
    # A backup would snapshot the state before the damage and fold the log away: refused too.
    from kim_tui.store.vault import backup_open_vault

    with pytest.raises(CorruptFile, match="vault.db-wal"):
        backup_open_vault(directory, PASSPHRASE, tmp_path / "backup.tar")
    assert not (tmp_path / "backup.tar").exists()
    assert (directory / "vault.db-wal").read_bytes() == bytes(wal)
    # The damage undone (e.g. the file restored), everything is there.
    wal[at] ^= 0x10
    (directory / "vault.db-wal").write_bytes(bytes(wal))
    seen, _ = _observe(directory, templates.wal_order)
    assert seen == templates.wal_people


@pytest.mark.xfail(
    strict=True,
    reason="Known gap: SQLCipher authenticates each page but not its freshness, so a page "
    "replaced by an older genuine version decrypts fine; the app reads the older row and only "
    "`kim check` (index mismatch) notices.",
)
def test_rolled_back_page_is_refused_on_read(templates: Templates, tmp_path: Path) -> None:
    directory = tmp_path / "vault"
    shutil.copytree(templates.current, directory)
    current = (directory / "vault.db").read_bytes()
    before = (templates.old / "vault.db").read_bytes()
    pages = min(len(current), len(before)) // PAGE
    stale = False
    for p in range(1, pages):
        if current[p * PAGE : (p + 1) * PAGE] == before[p * PAGE : (p + 1) * PAGE]:
            continue
        data = bytearray(current)
        data[p * PAGE : (p + 1) * PAGE] = before[p * PAGE : (p + 1) * PAGE]
        (directory / "vault.db").write_bytes(bytes(data))
        seen, _ = _observe(directory, templates.order)
        stale = any(seen[c] != templates.expected[c] for c in seen)
        if stale:  # one stale read decides the test; the other pages cannot undo it
            break
    assert not stale, "an older version of a row was read without an error"
