"""The `Workspace` methods of the handover to a colleague (issue 14), kept apart so the façade
stays within its size limit; `Workspace` inherits them and sets `_handover`."""

from __future__ import annotations

from kim_tui.domain import handover as ho
from kim_tui.service.handover import HandoverService


class HandoverFacade:
    """Hand a client over, take a handover in, confirm a receipt (`service.handover`)."""

    _handover: HandoverService

    def hand_over(self, client_id: str, to: str, out: str, reason: str = "") -> ho.HandoverMade:
        """Write the handover file for colleague `to` (fingerprint); the open cases close as
        handed over, the data stays until the receipt; `reason` overrides a missing consent."""
        return self._handover.hand_over(client_id, to, out, reason)

    def inspect_handover(self, path: str) -> ho.HandoverPreview:
        """Verify a handover file: whom it is about, the likely duplicates here (no change)."""
        return self._handover.inspect_handover(path)

    def receive_handover(
        self, path: str, receipt_out: str, merge_into: str | None = None, *, again: bool = False
    ) -> ho.HandoverReceived:
        """Take a handover in (new, or into `merge_into`), write the receipt (`again`: rewrite)."""
        return self._handover.receive_handover(
            path, receipt_out, merge_into=merge_into, again=again
        )

    def confirm_handover(self, receipt: str, check_only: bool = False) -> ho.HandoverConfirmed:
        """Import a colleague's receipt: the client's data is erased here, the link stays."""
        return self._handover.confirm_handover(receipt, check_only)


__all__ = ["HandoverFacade", "HandoverService"]
