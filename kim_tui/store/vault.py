"""The vault: a directory with the SQLCipher database, its key file and a lock file.

vault.key    key file (JSON, mode 0600): wrapped data key, KDF parameters; nothing personal
vault.db     SQLCipher 4 database (+ -wal, -shm while open); every page encrypted
vault.lock   empty; held by the one process that has the vault open

Opening, locking, migrations and key handling are `EncryptedStore`'s (shared with the
coordinator store); this module adds the vault's check, backup and restore.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import tarfile
import tempfile
from pathlib import Path

from sqlalchemy import Engine, text

from kim_tui.domain.model import CheckReport
from kim_tui.i18n import tr
from kim_tui.store import migrate
from kim_tui.store.atomic import fsync_dir, write_atomic
from kim_tui.store.encrypted_store import (
    EncryptedStore,
    StoreLayout,
    now_iso,
    prepare_new_dir,
    refuse_damaged_log,
)
from kim_tui.store.engine import open_engine
from kim_tui.store.errors import (
    CorruptFile,
    UnsupportedVersion,
    VaultError,
    VaultExists,
    VaultLocked,
)
from kim_tui.store.keyfile import KeyFile
from kim_tui.store.layout import DB_FILE, KEY_FILE, LOCK_FILE
from kim_tui.store.lock import VaultLock
from kim_tui.store.models import TABLES
from kim_tui.store.secret import Passphrase, wiped
from kim_tui.store.unit_of_work import UnitOfWork

BACKUP_MAGIC = "kim-vault-backup"
BACKUP_VERSION = 1


VAULT_LAYOUT = StoreLayout(
    key_file=KEY_FILE,
    db_file=DB_FILE,
    lock_file=LOCK_FILE,
    migrations=migrate.VAULT,
    closed_message=("Der Tresor ist gesperrt.", "The vault is locked."),
)


class Vault(EncryptedStore):
    """An unlocked coach vault: the encrypted store with the coach's tables (see
    `EncryptedStore` for opening, locking, migrations and key handling)."""

    layout = VAULT_LAYOUT

    @classmethod
    def create(
        cls, directory: Path, passphrase: Passphrase, *, kdf_memory_kib: int | None = None
    ) -> tuple[Vault, str]:
        """Create a new vault in an empty or missing directory; return it and the recovery key."""
        return cls._create(directory, passphrase, kdf_memory_kib=kdf_memory_kib)

    def _audit_key_event(self, action: str, detail: str) -> None:
        """Failed unlocks and the NFC rewrap go into the vault's audit trail (no revision:
        nothing that travels in a bundle changes)."""
        UnitOfWork(self.engine).audit_only(action, "vault", detail=detail)

    # -- integrity ---------------------------------------------------------------------------

    def check(self) -> CheckReport:
        """SQLCipher HMAC check of every page, SQLite integrity, schema version, row counts."""
        problems: list[str] = []
        counts: dict[str, int] = {}
        schema: str | None = None
        try:
            with self.engine.connect() as conn:
                for (row,) in conn.execute(text("PRAGMA cipher_integrity_check")):
                    problems.append(tr("Verschlüsselung: ", "Encryption: ") + str(row))
                rows = [r for (r,) in conn.execute(text("PRAGMA integrity_check"))]
                if rows != ["ok"]:
                    problems.extend(tr("Datenbank: ", "Database: ") + str(r) for r in rows)
                fk = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
                if fk:
                    problems.append(
                        tr(f"{len(fk)} verwaiste Verweise", f"{len(fk)} orphaned references")
                    )
                for table in TABLES:
                    name = table.__tablename__
                    counts[str(name)] = int(
                        conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                    )
            schema = migrate.current_revision(self.engine)
            if schema != migrate.head_revision():
                head = migrate.head_revision()
                problems.append(
                    tr(
                        f"Schema-Version {schema}, erwartet {head}",
                        f"schema version {schema}, expected {head}",
                    )
                )
        except VaultError:
            raise
        except Exception as exc:  # a damaged page surfaces as a DatabaseError on read
            problems.append(tr("Lesefehler: ", "Read error: ") + f"{type(exc).__name__}: {exc}")
        return CheckReport(
            ok=not problems, schema_version=schema, problems=tuple(problems), counts=counts
        )

    # -- backup ------------------------------------------------------------------------------

    def backup_to(self, out: Path) -> None:
        """Write a consistent single-file backup (still encrypted) atomically to `out`."""
        backup_vault_dir(self.directory, self.engine, self.keyfile, out)

    # -- erasure -----------------------------------------------------------------------------

    def truncate_log(self) -> None:
        """Move every committed page into the database file and empty the write-ahead log, so
        the log keeps no earlier version of a page an erasure zeroed (secure_delete)."""
        with self.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def backup_open_vault(directory: Path, passphrase: Passphrase, out: Path) -> None:
    """Back up a vault that another kim process may have open (no lock taken: read only)."""
    directory = Path(directory)
    kf = Vault.read_keyfile(directory)
    # A wrong passphrase is counted; a successful one leaves the counter to the next unlock
    # with the lock held (the app may have the vault open meanwhile).
    with wiped(Vault.unwrap_passphrase(directory, kf, passphrase).dek) as dek:
        if not (directory / DB_FILE).is_file():
            raise CorruptFile(directory / DB_FILE, tr("Datei fehlt", "file missing"))
        # Without the lock a writer may be appending; only a committed transaction after
        # damage counts as damage, so an open one cannot cause a false alarm here.
        refuse_damaged_log(directory, DB_FILE)
        engine = open_engine(directory / DB_FILE, dek)
        try:
            backup_vault_dir(directory, engine, kf, out)
        finally:
            engine.dispose()


BACKUP_WORK_PREFIX = ".kim-backup-"
"""Hidden work folder next to a backup's target: the snapshot and the archive are built in it,
so an interrupted backup leaves one folder that the next backup into that directory removes."""


def backup_vault_dir(directory: Path, engine: Engine, keyfile: KeyFile, out: Path) -> None:
    out = Path(out)
    if out.exists():
        raise VaultExists(out)
    sweep_backup_leftovers(out.parent)
    with tempfile.TemporaryDirectory(prefix=BACKUP_WORK_PREFIX, dir=out.parent) as tmp:
        work = Path(tmp)
        # Held while the folder is in use; the OS drops it when the process dies, which is how
        # a later sweep tells a live backup's folder from a killed one's.
        busy = VaultLock(work / ".lock")
        busy.acquire()
        try:
            _write_backup(engine, keyfile, work, out)
        except OSError as exc:
            # The coach chose `out`; the hidden work folder means nothing to them.
            raise OSError(exc.errno, exc.strerror, str(out)) from None
        finally:
            busy.release()


def _write_backup(engine: Engine, keyfile: KeyFile, work: Path, out: Path) -> None:
    snapshot = work / DB_FILE
    # VACUUM INTO takes a consistent snapshot, keyed with the same data key (SQLCipher).
    with engine.connect() as conn:
        conn.exec_driver_sql(f"VACUUM INTO '{_sql_quote(str(snapshot))}'")
    manifest = {
        "format": BACKUP_MAGIC,
        "version": BACKUP_VERSION,
        "vault_id": keyfile.vault_id,
        "created_at": now_iso(),
    }
    archive = work / "backup.tar"
    with tarfile.open(archive, mode="w") as tar:
        for name, data in (
            ("manifest.json", json.dumps(manifest).encode()),
            (KEY_FILE, keyfile.to_json()),
            (DB_FILE, snapshot.read_bytes()),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o600
            tar.addfile(info, io.BytesIO(data))
    if sys.platform != "win32":
        archive.chmod(0o600)
    with archive.open("rb+") as fh:
        os.fsync(fh.fileno())
    # Same directory, so the rename is atomic; the target appears complete or not at all.
    os.replace(archive, out)
    fsync_dir(out.parent)


def sweep_backup_leftovers(parent: Path) -> int:
    """Remove work folders of backups that were killed or crashed; return how many.

    A folder whose lock can be taken has no living owner. Folders of backups still running
    (their lock is held) are left alone. Old-style leftovers without a lock file count as dead.
    """
    removed = 0
    for folder in Path(parent).glob(f"{BACKUP_WORK_PREFIX}*"):
        if not folder.is_dir() or folder.is_symlink():
            continue
        probe = VaultLock(folder / ".lock")
        try:
            probe.acquire()
        except VaultLocked:
            continue
        except OSError:
            continue
        probe.release()
        shutil.rmtree(folder, ignore_errors=True)
        removed += not folder.exists()
    return removed


def _not_a_backup() -> str:
    return tr("keine kim-Sicherung", "not a kim backup")


def restore_backup(backup: Path, directory: Path) -> str:
    """Unpack a backup into a new vault directory; never overwrites an existing one. Returns
    when the backup was made (ISO 8601, from its manifest; "" if it does not say)."""
    backup, directory = Path(backup), Path(directory)
    if not backup.is_file():
        raise CorruptFile(backup, tr("Datei fehlt", "file missing"))
    try:
        with tarfile.open(backup, mode="r:") as tar:
            members = {m.name: m for m in tar.getmembers()}
            if set(members) != {"manifest.json", KEY_FILE, DB_FILE}:
                raise CorruptFile(backup, _not_a_backup())
            files = {}
            for name, member in members.items():
                fh = tar.extractfile(member)
                if fh is None:
                    raise CorruptFile(
                        backup, tr(f"{name} ist keine Datei", f"{name} is not a file")
                    )
                files[name] = fh.read()
    except tarfile.TarError:
        raise CorruptFile(
            backup,
            tr(
                "keine kim-Sicherung (abgeschnitten oder fremde Datei)",
                "not a kim backup (cut short or another program's file)",
            ),
        ) from None
    try:
        manifest = json.loads(files["manifest.json"])
    except ValueError:
        raise CorruptFile(
            backup, tr("Inhaltsverzeichnis unlesbar", "table of contents unreadable")
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_MAGIC:
        raise CorruptFile(backup, _not_a_backup())
    if manifest.get("version") != BACKUP_VERSION:
        raise UnsupportedVersion(backup, manifest.get("version"), BACKUP_VERSION)
    KeyFile.from_json(files[KEY_FILE], backup)  # validate before writing anything
    prepare_new_dir(directory)
    try:
        write_atomic(directory / KEY_FILE, files[KEY_FILE], mode=0o600)
        write_atomic(directory / DB_FILE, files[DB_FILE], mode=0o600)
        fsync_dir(directory)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    created = manifest.get("created_at")
    return created if isinstance(created, str) else ""


def _sql_quote(value: str) -> str:
    return value.replace("'", "''")
