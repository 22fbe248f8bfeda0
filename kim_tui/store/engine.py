"""SQLCipher engine: the plain SQLite dialect driven by the bundled `sqlcipher3` module.

`sqlite+pysqlcipher` would issue its own `PRAGMA key` before any listener, so the log level could
not come first; the plain dialect plus a `connect` listener lets us set every pragma in order.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from kim_tui.i18n import tr
from kim_tui.store.errors import CorruptFile, StorageError
from kim_tui.store.secret import hex_key_literal, wipe


def _pragmas(dbapi_conn: Any, dek: bytearray) -> None:
    cur = dbapi_conn.cursor()
    try:
        # First: SQLCipher otherwise logs to fd 2, which garbles the TUI.
        cur.execute("PRAGMA cipher_log_level = NONE")
        # The raw key through sqlcipher3's `set_key` (sqlite3_key), as SQLCipher's x'…' form
        # built in a buffer that is zeroed at once: `PRAGMA key = "x'…'"` would need the hex in
        # a Python str (immutable, and kept in the statement cache) and in SQLite's parser.
        literal = hex_key_literal(dek)
        try:
            dbapi_conn.set_key(literal)
        finally:
            wipe(literal)
        # A wrong key or a foreign file only fails at the first real read: probe now.
        cur.execute("SELECT count(*) FROM sqlite_master").fetchone()
        cur.execute("PRAGMA journal_mode = WAL").fetchone()
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA temp_store = MEMORY")
        cur.execute("PRAGMA busy_timeout = 5000")
        # Decrypted pages stay in process memory only; a large cache avoids re-decrypting
        # (and HMAC-checking) hot index pages on every query of a 10,000-client vault.
        cur.execute("PRAGMA cache_size = -65536")
        # Deleted rows are overwritten with zeros, not just unlinked: after an erasure (Art. 17)
        # and a checkpoint no page keeps the old text, even for someone holding the key.
        cur.execute("PRAGMA secure_delete = ON")
    finally:
        cur.close()


# SQLite reports operating-system trouble only as text; these say which trouble it is.
_SQLITE_OS_MESSAGES = (
    ("database or disk is full", errno.ENOSPC),
    ("readonly database", errno.EROFS),
    ("unable to open database file", errno.EACCES),
    ("disk i/o error", errno.EIO),
)


def storage_error(exc: BaseException, db_path: Path) -> StorageError | None:
    """The `StorageError` for a SQLite error caused by the disk or the file system (full,
    read-only, cannot be opened, I/O error), naming `db_path` (the database file or the
    directory that holds it); None for any other error.
    A read-only file system and missing write permission both read "readonly" in SQLite: the
    directory tells them apart."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    for fragment, code in _SQLITE_OS_MESSAGES:
        if fragment in text:
            if code == errno.EROFS and not _on_read_only_fs(db_path):
                code = errno.EACCES
            return StorageError(db_path, code)
    return None


def _on_read_only_fs(path: Path) -> bool:
    try:
        return bool(os.statvfs(path if path.is_dir() else path.parent).f_flag & os.ST_RDONLY)
    except (AttributeError, OSError):  # no statvfs on Windows
        return False


def open_engine(
    db_path: Path, dek: bytearray, closed: Callable[[], Exception] | None = None
) -> Engine:
    """An engine whose every connection is keyed with `dek`; raises CorruptFile on a bad file.

    The engine keeps a reference to the caller's buffer, never a copy: once the caller zeroes
    it (on close), no new connection can be keyed, and a connection asked for then raises
    `closed()` (the store's "locked" message) instead of SQLite's "file is not a database"."""
    # A file URL, not "sqlite://" with a creator: SQLAlchemy would take that for an in-memory
    # database and share one connection per thread, so closing a read could roll back a write.
    # Built with URL.create, never from a string: a "?", "#" or "%41" in the directory name
    # would otherwise be read as a query, a fragment or an escape, and the database would land
    # outside its directory. The path is absolute, so it can never be read as a "file:" URI.
    url = URL.create("sqlite", database=str(Path(db_path).absolute()))
    engine = create_engine(
        url,
        module=sqlcipher3.dbapi2,
        connect_args={"check_same_thread": False},  # UI workers use the pool from threads
        poolclass=QueuePool,
        pool_size=4,
        # SQL parameters are personal data: keep them out of every exception message.
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        if closed is not None and not any(dek):
            dbapi_conn.close()
            raise closed()
        _pragmas(dbapi_conn, dek)

    try:
        with engine.connect():
            pass
    except Exception as exc:
        engine.dispose()
        problem = storage_error(exc, db_path)
        if problem is not None:
            raise problem from None
        raise CorruptFile(
            db_path,
            tr(
                "lässt sich mit diesem Schlüssel nicht lesen (beschädigt oder fremde Datei)",
                "cannot be read with this key (damaged or another program's file)",
            ),
        ) from None
    return engine
