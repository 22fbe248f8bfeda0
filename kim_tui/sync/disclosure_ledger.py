"""Which clients a weekly bundle carried, and whether with the name: the export's ledger.

The export writes one `BundleDisclosure` row per client and bundle in its own transaction, so
the Art. 15 copy (service/subject_access.py) can say exactly which bundle carried what of the
person. A row of a travelling table belongs to a client through ``client_id``, or through its
parents: rating → assessment → case, step → goal → agreement → case, and case → client.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import func
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from kim_tui.store.models import (
    AreaRating,
    Assessment,
    BundleDisclosure,
    Case,
    Client,
    Goal,
    GoalAgreement,
    Record,
    Step,
)
from kim_tui.sync import coach_state as cs

_CHUNK = 500


def _parents(
    session: Session, model: type[Record], parent: str, ids: Iterable[str]
) -> dict[str, str]:
    """id → the parent column's value, for the given ids of `model` (deleted rows included)."""
    wanted = sorted(set(ids))
    found: dict[str, str] = {}
    if not wanted:
        return found
    column = getattr(model, parent)
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        for row_id, value in session.exec(
            select(col(model.id), column).where(col(model.id).in_(chunk))
        ).all():
            found[row_id] = value
    return found


def clients_of(session: Session, rows: Sequence[tuple[str, Record]]) -> list[str | None]:
    """The client each (table, row) belongs to, in the same order (None if none is found)."""
    records = [r for _t, r in rows]
    by_goal = _parents(
        session, Goal, "agreement_id", (r.goal_id for r in records if isinstance(r, Step))
    )
    agreement_ids = [r.agreement_id for r in records if isinstance(r, Goal)]
    by_agreement = _parents(session, GoalAgreement, "case_id", [*agreement_ids, *by_goal.values()])
    by_assessment = _parents(
        session,
        Assessment,
        "case_id",
        (r.assessment_id for r in records if isinstance(r, AreaRating)),
    )

    def case_of(row: Record) -> str | None:
        if isinstance(row, AreaRating):
            return by_assessment.get(row.assessment_id)
        if isinstance(row, Step):
            agreement = by_goal.get(row.goal_id)
            return by_agreement.get(agreement) if agreement else None
        if isinstance(row, Goal):
            return by_agreement.get(row.agreement_id)
        case_id = getattr(row, "case_id", None)
        return case_id if isinstance(case_id, str) else None

    def direct(row: Record) -> str | None:
        if isinstance(row, Client):
            return row.id
        client_id = getattr(row, "client_id", None)
        return client_id if isinstance(client_id, str) else None

    owners = [direct(r) for r in records]
    cases = [None if owner else case_of(r) for r, owner in zip(records, owners, strict=True)]
    by_case = _parents(session, Case, "client_id", (c for c in cases if c))
    return [
        owner or (by_case.get(case_id) if case_id else None)
        for owner, case_id in zip(owners, cases, strict=True)
    ]


def record_disclosures(session: Session, seq: int, carried: Mapping[str, bool]) -> None:
    """Note that bundle `seq` carried each client of `carried` (True: with the name). A row
    already there (a resend) becomes personal if this time the name went, never back."""
    if not carried:
        return
    table = BundleDisclosure.__table__  # type: ignore[attr-defined]
    statement = sqlite_insert(table)
    # One statement for all rows (an upsert: a resend keeps "with the name" once it was so).
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.id],
            set_={"personal": func.max(table.c.personal, statement.excluded.personal)},
        ),
        [
            {"id": ledger_id(cid, seq), "seq": seq, "client_id": cid, "personal": int(personal)}
            for cid, personal in carried.items()
        ],
    )


def disclosures_from(session: Session) -> int:
    """The first bundle number whose carried clients the ledger holds."""
    value = cs.get(session, cs.DISCLOSURES_FROM) or ""
    return int(value) if value.isdigit() else 1


def ledger_id(client_id: str, seq: int, chain: int = 0) -> str:
    """The key of one ledger row: the client first, so one client's rows are one range."""
    return f"{client_id}:{chain}:{seq:06d}"


def carried(session: Session, client_ids: Iterable[str]) -> dict[tuple[int, int], bool]:
    """(chain, bundle number) → True if it carried any of these clients with the name."""
    out: dict[tuple[int, int], bool] = {}
    for client_id in sorted(set(client_ids)):
        # ":" < ";": every key "<client id>:…" lies in [client id + ":", client id + ";").
        for row in session.exec(
            select(BundleDisclosure).where(
                col(BundleDisclosure.id) >= f"{client_id}:",
                col(BundleDisclosure.id) < f"{client_id};",
            )
        ).all():
            key = (row.chain, row.seq)
            out[key] = out.get(key, False) or bool(row.personal)
    return out
