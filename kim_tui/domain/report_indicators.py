"""Coordinator report definitions: the period, one coach's rows, and the indicators of the
domain note § 4 as functions from one scope's records to counts per category. Pure Python.

Report definitions are data: each `Indicator` is a name (its German and English labels are in the
catalog ``report_indicators``) and a function from one scope's records (plain dicts, as they
arrived in bundles) and the period to counts per category.
A new indicator is one more entry; it computes from the bundles already stored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from kim_tui.domain.pseudonym import age_band
from kim_tui.i18n import language

Rows = Mapping[str, Sequence[Mapping[str, Any]]]
"""Live (not deleted) records per table; each dict is a record's data plus ``_id`` and ``_rev``."""

NOT_OPENED = "_not_opened"
NOT_ACTIVE = "_not_active"
NOT_CLOSED = "_not_closed"
"""Flags on a handed-over case's copies (`report_handover`): which count it is left out of."""
OPENED_ELSEWHERE = "_opened"
"""Synthetic table: openings of handed-over cases whose only copy is another coach's."""
HANDOVERS = "_handovers"
"""Synthetic table: one entry per handover given by a coach, ``on`` and ``category``."""

MASK = "x"
"""Every masked cell, small or complementary: no upper bound is published (see report.py)."""


@dataclass(frozen=True)
class Period:
    """Inclusive date range; None means open-ended."""

    start: date | None = None
    end: date | None = None

    def contains(self, day: date | None) -> bool:
        """True if `day` lies in the period."""
        if day is None:
            return False
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def overlaps(self, first: date | None, last: date | None) -> bool:
        """True if [first, last] (last None: still running) overlaps the period."""
        if first is None:
            return False
        return (self.end is None or first <= self.end) and (
            last is None or self.start is None or last >= self.start
        )


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _by_id(rows: Rows, table: str) -> dict[str, Mapping[str, Any]]:
    return {str(r["_id"]): r for r in rows.get(table, ())}


class ScopeRows(dict[str, Sequence[Mapping[str, Any]]]):
    """One scope's rows with room for what several indicators derive from them (the active
    cases, the residence history): derived once per scope instead of once per indicator."""

    def __init__(self, rows: Rows) -> None:
        super().__init__(rows)
        self.derived: dict[tuple[str, Period | None], Any] = {}


def _derived(rows: Rows, name: str, period: Period | None, make: Callable[[], Any]) -> Any:
    if not isinstance(rows, ScopeRows):
        return make()
    key = (name, period)
    if key not in rows.derived:
        rows.derived[key] = make()
    return rows.derived[key]


def _active_cases(rows: Rows, period: Period) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = _derived(
        rows, "active", period, lambda: _find_active_cases(rows, period)
    )
    return found


def _find_active_cases(rows: Rows, period: Period) -> list[Mapping[str, Any]]:
    return [
        c
        for c in rows.get("case", ())
        if not c.get(NOT_ACTIVE)
        and period.overlaps(_day(c.get("first_contact_on")), _day(c.get("closed_on")))
    ]


def cases_opened(rows: Rows, period: Period) -> Counter[str]:
    """Cases with their first contact in the period (a handed-over case once, see
    `report_handover`)."""
    opened = sum(
        1
        for c in rows.get("case", ())
        if not c.get(NOT_OPENED) and period.contains(_day(c.get("first_contact_on")))
    )
    opened += sum(1 for o in rows.get(OPENED_ELSEWHERE, ()) if period.contains(o.get("on")))
    return Counter({"gesamt": opened} if opened else {})


def cases_active(rows: Rows, period: Period) -> Counter[str]:
    """Cases open at any time in the period."""
    return Counter("gesamt" for _ in _active_cases(rows, period))


def cases_closed(rows: Rows, period: Period) -> Counter[str]:
    """Cases closed in the period, by closure reason."""
    return Counter(
        str(c.get("closure_reason") or "ohne Angabe")
        for c in rows.get("case", ())
        if not c.get(NOT_CLOSED) and period.contains(_day(c.get("closed_on")))
    )


def target_groups(rows: Rows, period: Period) -> Counter[str]:
    """Active cases per target group (a case may count in several)."""
    return Counter(g for c in _active_cases(rows, period) for g in c.get("target_groups") or ())


def _active_clients(rows: Rows, period: Period) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = _derived(
        rows, "clients", period, lambda: _find_active_clients(rows, period)
    )
    return found


def _find_active_clients(rows: Rows, period: Period) -> list[Mapping[str, Any]]:
    clients = _by_id(rows, "client")
    ids = {str(c.get("client_id")) for c in _active_cases(rows, period)}
    return [clients[i] for i in sorted(ids) if i in clients]


def clients_by_age(rows: Rows, period: Period) -> Counter[str]:
    """Clients of active cases by age band at the end of the period."""
    on = period.end or date.today()
    return Counter(age_band(c.get("birth_year"), on) for c in _active_clients(rows, period))


def clients_by_gender(rows: Rows, period: Period) -> Counter[str]:
    """Clients of active cases by gender code."""
    return Counter(str(c.get("gender") or "ohne Angabe") for c in _active_clients(rows, period))


def clients_by_nationality(rows: Rows, period: Period) -> Counter[str]:
    """Clients of active cases by nationality code."""
    return Counter(
        str(c.get("nationality") or "ohne Angabe") for c in _active_clients(rows, period)
    )


def _residence_history(rows: Rows) -> dict[str, list[Mapping[str, Any]]]:
    found: dict[str, list[Mapping[str, Any]]] = _derived(
        rows, "residence", None, lambda: _find_residence_history(rows)
    )
    return found


def _find_residence_history(rows: Rows) -> dict[str, list[Mapping[str, Any]]]:
    history: dict[str, list[Mapping[str, Any]]] = {}
    for r in sorted(rows.get("residencerecord", ()), key=lambda r: int(r["_rev"])):
        history.setdefault(str(r.get("client_id")), []).append(r)
    return history


def residence_at_intake(rows: Rows, period: Period) -> Counter[str]:
    """Clients of active cases by their first recorded residence status."""
    history = _residence_history(rows)
    return Counter(
        str(history[c["_id"]][0].get("status")) if history.get(c["_id"]) else "ohne Angabe"
        for c in _active_clients(rows, period)
    )


def residence_now(rows: Rows, period: Period) -> Counter[str]:
    """Clients of active cases by their latest recorded residence status."""
    history = _residence_history(rows)
    return Counter(
        str(history[c["_id"]][-1].get("status")) if history.get(c["_id"]) else "ohne Angabe"
        for c in _active_clients(rows, period)
    )


def residence_changes(rows: Rows, period: Period) -> Counter[str]:
    """Status changes (``duldung → ae_25b``) of clients of active cases."""
    history = _residence_history(rows)
    out: Counter[str] = Counter()
    for c in _active_clients(rows, period):
        records = history.get(str(c["_id"]), [])
        for before, after in zip(records, records[1:], strict=False):
            if before.get("status") != after.get("status"):
                out[f"{before.get('status')} → {after.get('status')}"] += 1
    return out


def _need_levels(rows: Rows, period: Period, latest: bool) -> Counter[str]:
    active = {str(c["_id"]) for c in _active_cases(rows, period)}
    per_case: dict[str, list[Mapping[str, Any]]] = {}
    for a in rows.get("assessment", ()):
        if str(a.get("case_id")) in active:
            per_case.setdefault(str(a.get("case_id")), []).append(a)
    chosen = set()
    for assessments in per_case.values():
        ordered = sorted(assessments, key=lambda a: (str(a.get("assessed_on")), int(a["_rev"])))
        chosen.add(str((ordered[-1] if latest else ordered[0])["_id"]))
    return Counter(
        f"{r.get('area')}: Stufe {r.get('level')}"
        for r in rows.get("arearating", ())
        if str(r.get("assessment_id")) in chosen
    )


def need_first(rows: Rows, period: Period) -> Counter[str]:
    """Need level per priority area at each active case's first assessment."""
    return _need_levels(rows, period, latest=False)


def need_latest(rows: Rows, period: Period) -> Counter[str]:
    """Need level per priority area at each active case's latest assessment."""
    return _need_levels(rows, period, latest=True)


def _goals(rows: Rows, period: Period) -> list[Mapping[str, Any]]:
    active = {str(c["_id"]) for c in _active_cases(rows, period)}
    agreements = {
        str(a["_id"]) for a in rows.get("goalagreement", ()) if str(a.get("case_id")) in active
    }
    return [g for g in rows.get("goal", ()) if str(g.get("agreement_id")) in agreements]


def goals_set(rows: Rows, period: Period) -> Counter[str]:
    """Goals of active cases per priority area."""
    return Counter(str(g.get("area")) for g in _goals(rows, period))


def goals_achieved(rows: Rows, period: Period) -> Counter[str]:
    """Achieved goals of active cases per priority area."""
    return Counter(
        str(g.get("area")) for g in _goals(rows, period) if g.get("status") == "achieved"
    )


def referrals(rows: Rows, period: Period) -> Counter[str]:
    """Referrals sent in the period, by legal domain and status (outcome)."""
    return Counter(
        f"{r.get('legal_domain')} / {r.get('status')}"
        for r in rows.get("referral", ())
        if period.contains(_day(r.get("sent_on")))
    )


def referrals_by_agency(rows: Rows, period: Period) -> Counter[str]:
    """Referrals sent in the period, by agency."""
    return Counter(
        str(r.get("agency"))
        for r in rows.get("referral", ())
        if period.contains(_day(r.get("sent_on")))
    )


def contacts(rows: Rows, period: Period) -> Counter[str]:
    """Contacts in the period, by kind."""
    return Counter(
        str(c.get("kind"))
        for c in rows.get("contactnote", ())
        if period.contains(_day(c.get("on")))
    )


def contact_minutes(rows: Rows, period: Period) -> Counter[str]:
    """Minutes of contact in the period, by kind (shown as hours; masked with the count)."""
    out: Counter[str] = Counter()
    for c in rows.get("contactnote", ()):
        if period.contains(_day(c.get("on"))):
            out[str(c.get("kind"))] += int(c.get("minutes") or 0)
    return out


def themes(rows: Rows, period: Period) -> Counter[str]:
    """Flagged structural themes of active cases."""
    return Counter(t for c in _active_cases(rows, period) for t in c.get("themes") or ())


def handovers(rows: Rows, period: Period) -> Counter[str]:
    """Handovers in the period given by this scope's coaches, as "from → to"."""
    return Counter(
        str(h.get("category")) for h in rows.get(HANDOVERS, ()) if period.contains(h.get("on"))
    )


def _households_of_active(rows: Rows, period: Period) -> tuple[Counter[str], list[str]]:
    """Members per household pseudonym among this scope's clients, and the household of each
    active client that lives in one."""
    members = Counter(str(c["household"]) for c in rows.get("client", ()) if c.get("household"))
    active = [str(c["household"]) for c in _active_clients(rows, period) if c.get("household")]
    return members, active


def households_active(rows: Rows, period: Period) -> Counter[str]:
    """Households with at least one active case. Household pseudonyms are per coach, so a
    family whose members are with two coaches counts once for each."""
    _members, active = _households_of_active(rows, period)
    count = len(set(active))
    return Counter({"gesamt": count} if count else {})


def family_cases(rows: Rows, period: Period) -> Counter[str]:
    """Active cases of clients whose household has at least two members with files here."""
    members, active = _households_of_active(rows, period)
    count = sum(1 for household in active if members[household] >= 2)
    return Counter({"gesamt": count} if count else {})


@dataclass(frozen=True)
class Indicator:
    """One report definition."""

    name: str
    compute: Callable[[Rows, Period], Counter[str]]
    count_of: str | None = None
    """For sums (minutes): the indicator whose count decides masking of the same category."""

    @property
    def label(self) -> str:
        """The indicator's label in the UI language (catalog ``report_indicators``)."""
        return indicator_label(self.name)


def decimal(value: float) -> str:
    """`value` with one decimal, the decimal mark of the UI language (3,5 / 3.5)."""
    text = f"{value:.1f}"
    return text if language() == "en" else text.replace(".", ",")


def indicator_label(name: str) -> str:
    """The label of the report indicator `name` in the UI language."""
    from kim_tui.domain.catalogs import catalog

    return catalog("report_indicators").label(name, language())


INDICATORS: tuple[Indicator, ...] = (
    Indicator("cases_opened", cases_opened),
    Indicator("cases_active", cases_active),
    Indicator("cases_closed", cases_closed),
    Indicator("target_groups", target_groups),
    Indicator("age_band", clients_by_age),
    Indicator("gender", clients_by_gender),
    Indicator("nationality", clients_by_nationality),
    Indicator("residence_intake", residence_at_intake),
    Indicator("residence_now", residence_now),
    Indicator("residence_changes", residence_changes),
    Indicator("need_first", need_first),
    Indicator("need_latest", need_latest),
    Indicator("goals_set", goals_set),
    Indicator("goals_achieved", goals_achieved),
    Indicator("referrals", referrals),
    Indicator("referral_agencies", referrals_by_agency),
    Indicator("contacts", contacts),
    Indicator("contact_hours", contact_minutes, count_of="contacts"),
    Indicator("themes", themes),
    Indicator("handovers", handovers),
    Indicator("households", households_active),
    Indicator("family_cases", family_cases),
)


@dataclass(frozen=True)
class CoachRows:
    """One coach's live records with the names the report groups by."""

    coach: str
    organisation: str
    rows: Rows
    fingerprint: str = ""
    """The coach's key fingerprint (64 hex): how handovers name the other coach."""


@dataclass(frozen=True)
class Cell:
    """One figure: scope (Coach/Organisation/Gesamt), indicator, category, value."""

    scope: str
    scope_name: str
    indicator: str
    label: str
    category: str
    value: int
    masked: bool = False
    hours: bool = False
    secondary: bool = False
    """Masked only so that another masked cell cannot be worked out (any size); published
    the same as a small one."""

    def display(self, threshold: int) -> str:
        """The value as shown: masked cells as ``x`` whatever their size, hours with one
        decimal."""
        if self.masked:
            return MASK
        if self.hours:
            return decimal(self.value / 60)
        return str(self.value)
