"""Which rows of a coach's vault belong to clients this vault only stands in for.

A stand-in copy (Vertretung) is the original coach's case, not this coach's: it must not travel
in this vault's weekly bundle, or the coordinator would count the client twice. Neither does
anything the colleague records on it (contacts, follow-ups): those go back to the original coach
in the return file and travel in that coach's bundle.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from kim_tui.store.models import (
    AreaRating,
    Assessment,
    Case,
    Consent,
    ContactNote,
    Goal,
    GoalAgreement,
    Record,
    Referral,
    ResidenceRecord,
    StandIn,
    Step,
)

_MAX_IN = 500

IN = "in"
OUT = "out"


def stand_in_client_ids(session: Session) -> set[str]:
    """The random ids of every client this vault has received as a stand-in copy (active or
    already erased)."""
    return set(session.exec(select(StandIn.client_ref).where(col(StandIn.direction) == IN)).all())


def _in(session: Session, model: type[Record], column: str, values: set[str]) -> set[str]:
    """Ids of the rows of `model` whose `column` is one of `values`."""
    found: set[str] = set()
    wanted = sorted(values)
    for start in range(0, len(wanted), _MAX_IN):
        chunk = wanted[start : start + _MAX_IN]
        stmt = select(model.id).where(col(getattr(model, column)).in_(chunk))
        found.update(session.exec(stmt).all())
    return found


def excluded_rows(session: Session) -> dict[str, set[str]]:
    """Row ids by bundle table name that must stay out of this vault's bundles (every row of a
    stand-in client, also those the colleague added, and the erasure marker of the copy)."""
    clients = stand_in_client_ids(session)
    if not clients:
        return {}
    cases = _in(session, Case, "client_id", clients)
    assessments = _in(session, Assessment, "case_id", cases)
    agreements = _in(session, GoalAgreement, "case_id", cases)
    goals = _in(session, Goal, "agreement_id", agreements)
    return {
        "client": set(clients),
        "case": cases,
        "consent": _in(session, Consent, "client_id", clients),
        "residencerecord": _in(session, ResidenceRecord, "client_id", clients),
        "referral": _in(session, Referral, "case_id", cases),
        "contactnote": _in(session, ContactNote, "case_id", cases),
        "assessment": assessments,
        "arearating": _in(session, AreaRating, "assessment_id", assessments),
        "goalagreement": agreements,
        "goal": goals,
        "step": _in(session, Step, "goal_id", goals),
    }
