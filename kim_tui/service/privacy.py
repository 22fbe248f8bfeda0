"""Data protection of the vault: the controller's regime (DP-1), the retention rule and the
list of due erasures (DP-6), the client list for requests, and the Art. 18 restriction.

A restricted client's file is read-only: a guard on every write transaction refuses any change
to the client or a record that belongs to them, except lifting the restriction (and erasing).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import UOWTransaction
from sqlmodel import Session, col, select

from kim_tui.domain.model import ClientListing
from kim_tui.domain.regime import DEFAULT_REGIME, REGIME_CODES, Regime, regime
from kim_tui.domain.retention import RetentionRule
from kim_tui.domain.text import fold
from kim_tui.i18n import tr
from kim_tui.service.context import ServiceContext, live
from kim_tui.service.converters import display_name
from kim_tui.service.retention import RETENTION_YEARS_SETTING, resync_all, retention_rule
from kim_tui.store.errors import ValidationError
from kim_tui.store.models import (
    TABLES,
    AuditEvent,
    Case,
    Client,
    ErasedClient,
    FollowUp,
    Record,
    VaultSetting,
)
from kim_tui.store.unit_of_work import StampingSession

REGIME_SETTING = "dp.regime"
"""VaultSetting key of the data-protection regime (a code of `domain.regime`)."""

ALLOW_RESTRICTED = "dp.allow_restricted"
"""Session flag: this write may touch a restricted client (restricting, lifting, erasing)."""

RESTRICTED_MESSAGE = (
    "Die Verarbeitung dieser Klient*in ist eingeschränkt (Art. 18): die Akte ist "
    "schreibgeschützt. Erst die Einschränkung aufheben.",
    "Processing of this client is restricted (Art. 18): the file is read-only. Lift the "
    "restriction first.",
)
"""(German, English): worded when refused, as the UI language can change at run time."""

# Columns the service re-derives on its own (stage, next due date, list copies); changing only
# these is bookkeeping, not processing of the restricted client's data.
_DERIVED = frozenset(
    {"stage", "next_due_on", "revision", "updated_at", "open", "search_key", "sort_key"}
)
_BOOKKEEPING = (FollowUp, AuditEvent, ErasedClient)
_MODELS: dict[str, type[Any]] = {str(t.__tablename__): t for t in TABLES}


def vault_regime(session: Session) -> Regime:
    """The vault's regime (DSGVO for a vault that never chose one)."""
    row = session.get(VaultSetting, REGIME_SETTING)
    code = row.value if row is not None and row.value in REGIME_CODES else DEFAULT_REGIME
    return regime(code)


def _changed_only_derived(obj: Record) -> bool:
    state = inspect(obj)
    changed = {a.key for a in state.attrs if a.history.has_changes()}
    return changed <= _DERIVED


def client_of(session: Session, obj: object, depth: int = 0) -> str | None:
    """The id of the client a row belongs to, following `client_id`, `case_id` and foreign
    keys to parents (rating → assessment → case → client), or None."""
    if isinstance(obj, Client):
        return obj.id
    client_id = getattr(obj, "client_id", None)
    if isinstance(client_id, str):
        return client_id
    if depth > 5:
        return None
    table = getattr(type(obj), "__table__", None)
    if table is None:
        return None
    for column in table.columns:
        for fk in column.foreign_keys:
            parent_model = _MODELS.get(fk.column.table.name)
            value = getattr(obj, column.name, None)
            if parent_model is None or not isinstance(value, str):
                continue
            parent = session.get(parent_model, value)
            if parent is not None:
                return client_of(session, parent, depth + 1)
    return None


@event.listens_for(StampingSession, "before_flush")
def _refuse_restricted(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    if session.info.get("revision") is None or session.info.get(ALLOW_RESTRICTED):
        return
    with session.no_autoflush:
        for obj in list(session.new) + list(session.dirty):
            if not isinstance(obj, Record) or isinstance(obj, _BOOKKEEPING):
                continue
            if obj not in session.new and _changed_only_derived(obj):
                continue
            client_id = client_of(session, obj)
            client = session.get(Client, client_id) if client_id else None
            if client is not None and client.restricted_on is not None:
                raise ValidationError({"client": tr(*RESTRICTED_MESSAGE)})


class PrivacyService:
    """Regime, retention rule, client list, due erasures and restriction."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # -- regime and retention rule -------------------------------------------------------------

    def regime(self) -> Regime:
        """The data-protection regime the vault works under."""
        with self._ctx.uow.read() as s:
            return vault_regime(s)

    def set_regime(self, code: str) -> None:
        """Choose the regime (audited with its code)."""
        if code not in REGIME_CODES:
            raise ValidationError(
                {
                    "regime": tr(
                        f"Unbekanntes Regelwerk {code!r}.", f"Unknown data-protection law {code!r}."
                    )
                }
            )
        with self._ctx.uow.audited("settings.regime", "settings", detail=code) as tx:
            tx.session.merge(VaultSetting(key=REGIME_SETTING, value=code))

    def retention_rule(self) -> RetentionRule:
        """The vault's retention rule."""
        with self._ctx.uow.read() as s:
            return retention_rule(s)

    def set_retention_years(self, years: int) -> None:
        """Change N in "end of the closure year + N years"; every closed case's erasure
        follow-up moves with it."""
        current = self.retention_rule()
        try:
            rule = current.with_years(years)
        except ValueError:
            raise ValidationError(
                {
                    "years": tr(
                        f"Bitte eine Zahl von {current.min_years} bis {current.max_years} Jahren.",
                        f"Please give a number from {current.min_years} to "
                        f"{current.max_years} years.",
                    )
                }
            ) from None
        with self._ctx.uow.write("settings.retention", "settings", detail=str(years)) as tx:
            tx.session.merge(VaultSetting(key=RETENTION_YEARS_SETTING, value=str(years)))
            tx.session.info[ALLOW_RESTRICTED] = True  # moving a due date processes nobody
            resync_all(tx, rule, self._ctx.calendar)

    # -- clients and due erasures ----------------------------------------------------------------

    def clients(self, search: str = "") -> tuple[ClientListing, ...]:
        """Every client with birth date, case status and retention end (for requests)."""
        needle = fold(search)
        with self._ctx.uow.read() as s:
            rule = retention_rule(s)
            stmt = select(Client).where(col(Client.deleted_at).is_(None))
            if needle:
                stmt = stmt.where(col(Client.search_key).contains(needle, autoescape=True))
            out = []
            for client in s.exec(stmt.order_by(col(Client.sort_key), col(Client.id))).all():
                cases = s.exec(
                    select(Case)
                    .where(col(Case.client_id) == client.id, col(Case.deleted_at).is_(None))
                    .order_by(col(Case.first_contact_on).desc())
                ).all()
                out.append(_listing(client, list(cases), rule))
        return tuple(out)

    def retention_due(self, as_of: date | None = None) -> tuple[ClientListing, ...]:
        """Clients whose every case is closed and whose retention ended before `as_of`."""
        day = as_of or self._ctx.today()
        return tuple(
            c for c in self.clients() if c.retention_end is not None and c.retention_end < day
        )

    # -- restriction (Art. 18) ---------------------------------------------------------------

    def restrict_client(self, client_id: str) -> None:
        """Restrict processing: the file becomes read-only, referrals and identifying data in
        bundles stop until the restriction is lifted."""
        with self._ctx.uow.write("client.restrict", "client", client_id) as tx:
            tx.session.info[ALLOW_RESTRICTED] = True
            client = live(tx.session, Client, client_id)
            if client.restricted_on is not None:
                raise ValidationError(
                    {
                        "client": tr(
                            "Die Verarbeitung ist bereits eingeschränkt.",
                            "Processing is already restricted.",
                        )
                    }
                )
            client.restricted_on = tx.today
            tx.session.add(client)

    def lift_restriction(self, client_id: str) -> None:
        """Lift the restriction: the file can be edited again."""
        with self._ctx.uow.write("client.unrestrict", "client", client_id) as tx:
            tx.session.info[ALLOW_RESTRICTED] = True
            client = live(tx.session, Client, client_id)
            if client.restricted_on is None:
                raise ValidationError(
                    {
                        "client": tr(
                            "Die Verarbeitung ist nicht eingeschränkt.",
                            "Processing is not restricted.",
                        )
                    }
                )
            client.restricted_on = None
            tx.session.add(client)


def _listing(client: Client, cases: list[Case], rule: RetentionRule) -> ClientListing:
    newest = cases[0] if cases else None
    all_closed = bool(cases) and all(c.closed_on is not None for c in cases)
    closed_on = max(c.closed_on for c in cases if c.closed_on) if all_closed else None
    if newest is None:
        status = "none"
    elif newest.closed_on is not None:
        status = "closed"
    else:
        status = newest.stage
    return ClientListing(
        client_id=client.id,
        display_name=display_name(client.given_name, client.family_name),
        birth_date=client.birth_date,
        case_status=status,
        closed_on=closed_on,
        retention_end=rule.end(closed_on) if closed_on is not None else None,
        restricted_on=client.restricted_on,
        birth_precision=client.birth_precision,
    )
