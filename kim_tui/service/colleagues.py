"""Colleagues a coach can hand cases over to: their public identities (coach.pub, version 2).

Adding a colleague is an audited write without a revision, like connecting the coordinator: it
changes no record that travels in a bundle. The audit event names the colleague's coach id
(a key fingerprint), never a name.
"""

from __future__ import annotations

from pathlib import Path

from kim_tui.i18n import tr
from kim_tui.service.context import ServiceContext
from kim_tui.store.errors import ValidationError
from kim_tui.sync import coach_state as cs
from kim_tui.sync.identity import CoachPublic, IdentityError, read_public_file


class ColleagueService:
    """The colleagues stored in one coach vault."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def add_colleague(self, colleague: CoachPublic) -> bool:
        """Store a colleague whose fingerprint the coach has compared; True if new.

        Refused with a clear message for a version-1 coach.pub (it has no receiving key, so
        nothing could be encrypted to that colleague) and for the vault's own identity.
        """
        if not colleague.can_receive:
            raise ValidationError(
                {
                    "colleague": tr(
                        "Diese coach.pub stammt aus einer älteren Version und hat keinen "
                        "Empfangsschlüssel: bitte die Kolleg*in `kim identity` erneut ausführen "
                        "lassen und die neue Datei schicken.",
                        "This coach.pub comes from an older version and has no receiving key: "
                        "please ask your colleague to run `kim identity` again and send the "
                        "new file.",
                    )
                }
            )
        with self._ctx.uow.read() as s:
            own = cs.get(s, cs.SIGN_KEY)
            if own is not None and cs.coach_public(s).fingerprint == colleague.fingerprint:
                raise ValidationError(
                    {
                        "colleague": tr(
                            "Das ist die eigene Identität dieses Tresors.",
                            "This is this vault's own identity.",
                        )
                    }
                )
        with self._ctx.uow.audited(
            "sync.colleague_add", "setting", detail=colleague.fingerprint
        ) as tx:
            return cs.add_colleague(tx.session, colleague)

    def read_colleague_file(self, path: str) -> CoachPublic:
        """Read and check a colleague's coach.pub (signatures included) without storing it, so
        the coach can compare the fingerprint first; `ValidationError` says what is wrong."""
        source = Path(path).expanduser()
        try:
            return CoachPublic.from_json(read_public_file(source), source)
        except IdentityError as exc:
            raise ValidationError({"colleague": str(exc)}) from None

    def colleagues(self) -> list[CoachPublic]:
        """Every stored colleague, by name."""
        with self._ctx.uow.read() as s:
            return cs.colleagues(s)
