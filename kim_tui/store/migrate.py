"""Schema migrations (Alembic), applied at unlock on the keyed connection.

One `Migrations` per kind of encrypted store: the coach vault's scripts live in
`store/migrations/` (version table ``alembic_version``), the coordinator store's in
`coordinator/migrations/` (its own version table). The module-level functions are the coach
vault's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

_reporters: list[Callable[[Path], None]] = []


def set_upgrade_reporter(
    reporter: Callable[[Path], None] | None,
) -> Callable[[Path], None] | None:
    """Who is told, with the database file, that an existing store is about to be brought to
    this kim's schema (once per new version; a state-wide coordinator store takes about a
    minute): the CLI says so on stderr and the unlock screen on screen, so a pause is not taken
    for a hang. None stops it. Returns the reporter it replaces."""
    previous = _reporters[0] if _reporters else None
    _reporters.clear()
    if reporter is not None:
        _reporters.append(reporter)
    return previous


@contextmanager
def schema_upgrade_told(tell: Callable[[], None]) -> Iterator[None]:
    """Within the block, `tell()` is called before an existing store's schema is upgraded
    (the unlock screen says so); the reporter set before, the CLI's, comes back afterwards."""
    previous = set_upgrade_reporter(lambda _db: tell())
    try:
        yield
    finally:
        set_upgrade_reporter(previous)


def report_upgrade(db: Path) -> None:
    """Tell the reporter set by `set_upgrade_reporter`, if any."""
    for reporter in _reporters:
        reporter(db)


class Migrations:
    """The Alembic scripts of one kind of store and the table its version is kept in."""

    def __init__(self, scripts: Path, version_table: str = "alembic_version") -> None:
        self.scripts = scripts
        self.version_table = version_table

    def _config(self, connection: Connection | None = None) -> Config:
        cfg = Config()
        cfg.set_main_option("script_location", str(self.scripts))
        cfg.attributes["version_table"] = self.version_table
        if connection is not None:
            cfg.attributes["connection"] = connection
        return cfg

    @functools.cached_property
    def head(self) -> str | None:
        """The newest schema revision this kim version knows."""
        return ScriptDirectory.from_config(self._config()).get_current_head()

    def current_revision(self, engine: Engine) -> str | None:
        """The schema revision stored in the database (None for an unversioned one)."""
        with engine.connect() as conn:
            return self.stored_revision(conn)

    def stored_revision(self, conn: Connection) -> str | None:
        """As `current_revision`, on an open connection."""
        opts = {"version_table": self.version_table}
        return MigrationContext.configure(conn, opts=opts).get_current_revision()

    def upgrade(self, engine: Engine) -> None:
        """Bring the schema to head; a no-op when it is current."""
        with engine.begin() as conn:
            command.upgrade(self._config(conn), "head")

    def stamp(self, conn: Connection, revision: str) -> None:
        """Record `revision` as the stored one without running it (adopting a schema that an
        older kim made without Alembic); the caller's transaction commits it."""
        command.stamp(self._config(conn), revision)

    def is_known(self, revision: str) -> bool:
        """True if `revision` is one of ours (older stores migrate; newer ones are refused)."""
        script = ScriptDirectory.from_config(self._config())
        return any(rev.revision == revision for rev in script.walk_revisions())


VAULT = Migrations(Path(__file__).with_name("migrations"))
"""The coach vault's migrations."""


def head_revision() -> str | None:
    """The newest vault schema revision this kim version knows."""
    return VAULT.head


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the vault (None for an empty database)."""
    return VAULT.current_revision(engine)


def upgrade(engine: Engine) -> None:
    """Bring the vault's schema to head; a no-op when it is current."""
    VAULT.upgrade(engine)


def is_known(revision: str) -> bool:
    """True if `revision` is one of the vault's."""
    return VAULT.is_known(revision)
