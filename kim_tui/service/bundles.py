"""The weekly bundle to the coordinator: sync setup (identity, coordinator), status and export.

Identity and coordinator are audited writes without a revision: they change no record that
travels in a bundle (the signing key, names and the coordinator's public key are vault settings),
and a revision would make the next bundle look non-empty though it would carry nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kim_tui.domain.model import ExportSummary, SyncStatus
from kim_tui.service.context import ServiceContext
from kim_tui.store.errors import ValidationError
from kim_tui.store.unit_of_work import current_revision
from kim_tui.sync import coach_state as cs
from kim_tui.sync.exporter import export_bundle, make_target_folder
from kim_tui.sync.identity import CoachPublic, CoordinatorPublic, display_fingerprint


class BundleService:
    """Sync setup, sync status and the weekly export of one coach vault."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def create_identity(self, name: str | None, organisation: str | None) -> CoachPublic:
        """Create the signing and pseudonym keys if missing (once); rename if given.

        Audited (``sync.identity``) without a revision; the event carries no name.
        """
        with self._ctx.uow.audited("sync.identity", "setting") as tx:
            return cs.ensure_identity(tx.session, name, organisation)

    def connect_coordinator(self, coordinator: CoordinatorPublic) -> bool:
        """Store the coordinator's public identity (replacing an earlier one); True when it is
        a different coordinator, whose first bundle then carries the whole current state.

        Audited (``sync.connect``, with the key's fingerprint) without a revision.
        """
        with self._ctx.uow.audited("sync.connect", "setting", detail=coordinator.fingerprint) as tx:
            return cs.connect(tx.session, coordinator)

    def sync_status(self) -> SyncStatus:
        """Identity, connected coordinator and what the next bundle would carry."""
        with self._ctx.uow.read() as s:
            has_identity = cs.get(s, cs.SIGN_KEY) is not None
            try:
                coordinator = cs.coordinator(s)
            except cs.SyncSetupError:
                coordinator = None
            seq = cs.last_seq(s)
            last = cs.sent_bundle(s, seq) if seq else None
            pending = current_revision(s) - (last.rev_upto if last else 0)
        return SyncStatus(
            has_identity=has_identity,
            coordinator_name=coordinator.name if coordinator else None,
            coordinator_fingerprint=(
                display_fingerprint(coordinator.fingerprint) if coordinator else None
            ),
            last_seq=seq,
            last_week=last.week if last else None,
            last_created_at=last.created_at if last else None,
            pending_revisions=max(0, pending),
        )

    def check_export_ready(self) -> None:
        """Raise SyncSetupError (the exporter's own message naming the command that fixes it)
        when the vault has no identity or no coordinator yet: asked before anything is made
        on disk for an export."""
        with self._ctx.uow.read() as s:
            cs.coach_public(s)
            cs.coordinator(s)

    def export_weekly(
        self, out_dir: str, progress: Callable[[int, int], None] | None = None
    ) -> ExportSummary:
        """Write the next weekly bundle to `out_dir` (atomic; signed; encrypted).

        The exporter records the one audit event of the export (with the revision range).
        """
        target = Path(out_dir).expanduser()
        try:
            self.check_export_ready()  # no empty folder left behind for a refusal
            created = make_target_folder(target)
            result = export_bundle(self._ctx.vault, target, progress=progress)
        except cs.SyncSetupError as exc:
            raise ValidationError({"export": str(exc)}) from None
        header = result.header
        return ExportSummary(
            str(result.path),
            header.seq,
            header.week,
            sum(header.counts.values()),
            repaired=str(result.repaired) if result.repaired is not None else None,
            created_folder=created,
        )
