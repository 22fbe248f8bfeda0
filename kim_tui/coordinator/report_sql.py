"""The coordinator report counted in SQL over the report projection (coordinator migration 0004).

`kim_tui.domain.report.compute` is the definition: plain Python over every record as a dict.
This module gives the same cells without loading the records: every indicator is a ``GROUP BY``
per coach over the typed columns of ``coord_report_<table>``; Python only formats the few
grouped values into categories exactly as the domain does (``str(x or "ohne Angabe")``, age
bands, ``area: Stufe n``), adds the organisations and the total (`report.tabulate`) and masks.

Handovers are attributed by `report_handover.plan` itself, fed only the handover records and the
cases of the clients they name; its flags go into a temporary table the counting queries join.
Ties the domain breaks by the order records were read in (two residence records or assessments
with the same revision) are broken by the record's rowid (``seq``), which is that order.
The projection names coaches by number (``coord_report_coach``, migration 0006); the grouped
rows are mapped back to fingerprints here.

Two coaches sharing a record id (never in normal operation: ids are random UUIDs and per-coach
pseudonyms; a handover's two halves share theirs on purpose and are not counted by id) make
the domain merge their rows for the organisation and the total instead of adding counts. That
case is left to the domain's code (`coach_counts` returns None; see
`kim_tui.coordinator.report.report_cells`). The triggers note shared ids of the tables other
records refer to (clients, cases, assessments, goal agreements): a shared id elsewhere changes no
count unless one coach's record also refers to another coach's, which takes a second collision.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, text
from sqlmodel import select

from kim_tui.coordinator.importer import coach_label
from kim_tui.coordinator.store import (
    REPORT_FIELDS,
    REPORT_WATCHED,
    CoordinatorStore,
    EnrolledCoach,
)
from kim_tui.domain import report
from kim_tui.domain.pseudonym import age_band
from kim_tui.domain.report_handover import plan
from kim_tui.domain.report_indicators import (
    HANDOVERS,
    NOT_ACTIVE,
    NOT_CLOSED,
    NOT_OPENED,
    OPENED_ELSEWHERE,
)
from kim_tui.i18n import tr
from kim_tui.sync import payload_schema

REPORTED_TABLES = tuple(REPORT_FIELDS)
"""The tables the report's indicators read (`kim_tui.domain.report_indicators`)."""

_TEMP = ("report_flag", "report_active", "report_client", "report_history", "report_assessed",
         "report_agreement")  # fmt: skip


def coach_counts(
    store: CoordinatorStore, period: report.Period, skipped: list[str] | None = None
) -> list[report.CoachCounts] | None:
    """Every present coach's counts per indicator and category (None: two coaches share a
    record id, see the module docstring)."""
    with store.session() as s:
        enrolled = {c.fingerprint: c for c in s.exec(select(EnrolledCoach)).all()}
    with store.engine.connect() as conn:
        present = _check_unchecked(conn, enrolled, skipped)
        conn.commit()
        present |= _coaches_with_records(conn)
        if _shares_ids(conn):
            return None
        fingerprints = sorted(present)
        names = _names(fingerprints, enrolled)
        numbers = {
            fp: number
            for number, fp in conn.execute(
                text("SELECT number, fingerprint FROM coord_report_coach")
            )
        }
        _drop_temp(conn)
        try:
            counts = _count(conn, fingerprints, names, enrolled, numbers, period)
        finally:
            _drop_temp(conn)
    return [
        report.CoachCounts(
            names[fp], enrolled[fp].organisation if fp in enrolled else "", counts[fp]
        )
        for fp in fingerprints
    ]


def _drop_temp(conn: Connection) -> None:
    """Drop the report's temporary tables (a pooled connection keeps them otherwise). Only
    temporary tables are written meanwhile, so committing is safe: the driver may have opened a
    transaction for their rows, and a rollback would undo the drops but not the creates."""
    for table in _TEMP:
        conn.execute(text(f"DROP TABLE IF EXISTS temp.{table}"))
    conn.commit()


def _check_unchecked(
    conn: Connection, enrolled: Mapping[str, EnrolledCoach], skipped: list[str] | None
) -> set[str]:
    """Check rows not yet checked (an older store's), write the verdicts, name every bad row in
    `skipped`; the coaches of rows found good (they count as present, as in the domain's load)."""
    present: set[str] = set()
    verdicts: list[dict[str, Any]] = []
    rows = conn.execute(
        text(
            'SELECT coach, "table", id, data, checked, problem FROM coord_record '
            "WHERE deleted = 0 AND (checked = 0 OR problem IS NOT NULL)"
        )
    )
    for fp, table, rid, document, checked, problem in rows:
        if not checked:
            found = stored_problem(table, document)
            problem = found if isinstance(found, str) else None
            verdicts.append({"c": fp, "t": table, "i": rid, "p": problem})
        else:
            found = stored_problem(table, document)
            problem = found if isinstance(found, str) else problem
        if problem is None:
            present.add(fp)
            continue
        if skipped is not None:
            label = coach_label(enrolled.get(fp), fp)
            skipped.append(
                tr(
                    f"Datensatz {table} {rid[:12]} von Coach {label} übersprungen: {problem}",
                    f"record {table} {rid[:12]} from coach {label} skipped: {problem}",
                )
            )
    if verdicts:
        # The projection's triggers take the rows found good in.
        conn.execute(
            text(
                "UPDATE coord_record SET checked = 1, problem = :p "
                'WHERE coach = :c AND "table" = :t AND id = :i'
            ),
            verdicts,
        )
    return present


def _coaches_with_records(conn: Connection) -> set[str]:
    """Coaches with a live, good record of a reported table: one index seek per coach (the
    coaches are found by skipping through the primary key, not by reading every record)."""
    tables = ", ".join(f"'{t}'" for t in REPORTED_TABLES)
    query = text(
        "WITH RECURSIVE fp(coach) AS ("
        "SELECT min(coach) FROM coord_record UNION ALL "
        "SELECT (SELECT min(coach) FROM coord_record WHERE coach > fp.coach) FROM fp "
        "WHERE fp.coach IS NOT NULL) "
        "SELECT coach FROM fp WHERE coach IS NOT NULL AND EXISTS (SELECT 1 FROM coord_record r "
        f'WHERE r.coach = fp.coach AND r."table" IN ({tables}) AND r.deleted = 0 '
        "AND r.checked = 1 AND r.problem IS NULL)"
    )
    return {fp for (fp,) in conn.execute(query)}


def _shares_ids(conn: Connection) -> bool:
    """True if two coaches' live records of one table that other records refer to (clients,
    cases, assessments, goal agreements) have the same id. The domain would merge their rows
    then; it also does for a shared id of a table nothing refers to (a contact, say), but that
    changes no count unless a record of one coach also refers to another coach's record."""
    for table in REPORT_WATCHED:
        shared = conn.execute(
            text(
                f"SELECT 1 FROM coord_report_shared s JOIN coord_report_{table} p ON p.id = s.id "
                f"WHERE s.\"table\" = '{table}' GROUP BY s.id HAVING count(*) > 1 LIMIT 1"
            )
        ).first()
        if shared is not None:
            return True
    return False


def _names(fingerprints: Sequence[str], enrolled: Mapping[str, EnrolledCoach]) -> dict[str, str]:
    """Report names as the domain's load gives them: two coaches of the same name are told
    apart by the short fingerprint."""
    names = {
        fp: enrolled[fp].name if fp in enrolled and enrolled[fp].name else coach_label(None, fp)
        for fp in fingerprints
    }
    twice = Counter(names.values())
    return {
        fp: name if twice[name] == 1 else f"{name} ({coach_label(None, fp)})"
        for fp, name in names.items()
    }


_IN_PERIOD = "({x} IS NOT NULL AND (:s IS NULL OR {x} >= :s) AND (:e IS NULL OR {x} <= :e))"
_FLAG_TABLE = (
    "CREATE TEMP TABLE report_flag (coach INTEGER, case_id TEXT, not_opened INTEGER, "
    "not_active INTEGER, not_closed INTEGER, before TEXT, PRIMARY KEY (coach, case_id))"
)
_Counted = tuple[str, int, str, int]
"""(indicator, coach number, category, count)."""
_FLAG = "LEFT JOIN report_flag f ON f.coach = {r}.coach AND f.case_id = {r}.{case}"
_NOT_BEFORE = "NOT (f.before IS NOT NULL AND {x} < f.before)"
"""A receiver's copy of a contact or referral from before the handover day is the sender's."""


@dataclass(frozen=True)
class _Flags:
    """The SQL that applies the handover flags (``report_flag``). Without any flag there is no
    join at all: it cost a look-up per contact, most of the records."""

    present: bool

    def join(self, r: str, case: str) -> str:
        return _FLAG.format(r=r, case=case) if self.present else ""

    def unless(self, flag: str) -> str:
        return f"NOT coalesce(f.{flag}, 0)" if self.present else "1"

    def not_before(self, x: str) -> str:
        return _NOT_BEFORE.format(x=x) if self.present else "1"


def _count(
    conn: Connection,
    fingerprints: Sequence[str],
    names: Mapping[str, str],
    enrolled: Mapping[str, EnrolledCoach],
    numbers: Mapping[str, int],
    period: report.Period,
) -> dict[str, dict[str, Counter[str]]]:
    out = {fp: {ind.name: Counter[str]() for ind in report.INDICATORS} for fp in fingerprints}
    # The grouped rows name coaches by number: their counters, looked up once per row.
    by_number = {numbers[fp]: out[fp] for fp in fingerprints if fp in numbers}
    extra = _attribute(conn, fingerprints, names, enrolled, numbers, period)
    flags = _Flags(conn.execute(text("SELECT EXISTS (SELECT 1 FROM report_flag)")).scalar() == 1)
    p = {
        "s": period.start.isoformat() if period.start else None,
        "e": period.end.isoformat() if period.end else None,
    }

    def rows(sql: str) -> Any:
        return conn.execute(text(sql), p)

    def add(indicator: str, number: int, category: str, n: int) -> None:
        counts = by_number.get(number)
        if counts is not None:
            counts[indicator][category] += n

    opened = _IN_PERIOD.format(x="c.first_contact_on")
    for fp, n in rows(
        f"SELECT c.coach, count(*) FROM coord_report_case c {flags.join('c', 'id')} "
        f"WHERE {flags.unless('not_opened')} AND {opened} GROUP BY c.coach"
    ):
        add("cases_opened", fp, "gesamt", n)
    for fp, items in extra.items():
        n = sum(1 for o in items.get(OPENED_ELSEWHERE, ()) if period.contains(o.get("on")))
        out[fp]["cases_opened"]["gesamt"] += n
        for h in items.get(HANDOVERS, ()):
            if period.contains(h.get("on")):
                out[fp]["handovers"][str(h.get("category"))] += 1
    for fp in fingerprints:
        if out[fp]["cases_opened"].get("gesamt") == 0:
            del out[fp]["cases_opened"]["gesamt"]
    closed = _IN_PERIOD.format(x="c.closed_on")
    for fp, reason, n in rows(
        "SELECT c.coach, c.closure_reason, count(*) FROM coord_report_case c "
        f"{flags.join('c', 'id')} WHERE {flags.unless('not_closed')} AND {closed} "
        "GROUP BY c.coach, c.closure_reason"
    ):
        add("cases_closed", fp, str(reason or "ohne Angabe"), n)
    _temp_tables(conn, p, flags)
    for fp, n in rows("SELECT coach, count(*) FROM report_active GROUP BY coach"):
        add("cases_active", fp, "gesamt", n)
    for column, indicator in (("target_groups", "target_groups"), ("themes", "themes")):
        for fp, value, n in rows(
            f"SELECT a.coach, j.value, count(*) FROM report_active a, json_each(a.{column}) j "
            "GROUP BY a.coach, j.value"
        ):
            add(indicator, fp, value, n)
    on = period.end or date.today()
    for fp, gender, nationality, born, n in rows(
        "SELECT coach, gender, nationality, birth_year, count(*) FROM report_client "
        "GROUP BY coach, gender, nationality, birth_year"
    ):
        add("age_band", fp, age_band(born, on), n)
        add("gender", fp, str(gender or "ohne Angabe"), n)
        add("nationality", fp, str(nationality or "ohne Angabe"), n)
    for indicator, position in (("residence_intake", "1"), ("residence_now", "h.n")):
        for fp, status, n in rows(
            "SELECT c.coach, h.status, count(*) FROM report_client c LEFT JOIN report_history h "
            f"ON h.coach = c.coach AND h.client_id = c.id AND h.pos = {position} "
            "GROUP BY c.coach, h.status"
        ):
            add(indicator, fp, "ohne Angabe" if status is None else str(status), n)
    for fp, before, after, n in rows(
        "SELECT coach, before, status, count(*) FROM report_history "
        "WHERE pos > 1 AND before IS NOT status GROUP BY coach, before, status"
    ):
        add("residence_changes", fp, f"{before} → {after}", n)
    for fp, area, level, first, latest in rows(
        "SELECT r.coach, r.area, r.level, sum(a.pos = 1), sum(a.pos = a.n) "
        "FROM coord_report_arearating r JOIN report_assessed a ON a.coach = r.coach "
        "AND a.id = r.assessment_id AND (a.pos = 1 OR a.pos = a.n) "
        "GROUP BY r.coach, r.area, r.level"
    ):
        if first:
            add("need_first", fp, f"{area}: Stufe {level}", first)
        if latest:
            add("need_latest", fp, f"{area}: Stufe {level}", latest)
    for fp, area, status, n in rows(
        "SELECT g.coach, g.area, g.status, count(*) FROM coord_report_goal g "
        "JOIN report_agreement a ON a.coach = g.coach AND a.id = g.agreement_id "
        "GROUP BY g.coach, g.area, g.status"
    ):
        add("goals_set", fp, str(area), n)
        if status == "achieved":
            add("goals_achieved", fp, str(area), n)
    _households(conn, by_number)
    for indicator, number, category, n in _activity(conn, p, flags):
        add(indicator, number, category, n)
    return out


def _activity(conn: Connection, p: Mapping[str, Any], flags: _Flags) -> list[_Counted]:
    """Referrals and contacts (most of the records) per coach number and category."""
    found: list[_Counted] = []
    sent = _IN_PERIOD.format(x="r.sent_on")
    for number, domain, status, agency, n in conn.execute(
        text(
            "SELECT r.coach, r.legal_domain, r.status, r.agency, count(*) "
            f"FROM coord_report_referral r {flags.join('r', 'case_id')} "
            f"WHERE {sent} AND {flags.not_before('r.sent_on')} "
            "GROUP BY r.coach, r.legal_domain, r.status, r.agency"
        ),
        p,
    ):
        found.append(("referrals", number, f"{domain} / {status}", n))
        found.append(("referral_agencies", number, str(agency), n))
    day = 'c."on"'
    held = f"{_IN_PERIOD.format(x=day)} AND {flags.not_before(day)}"
    for number, kind, n, minutes in conn.execute(
        text(
            "SELECT c.coach, c.kind, count(*), sum(coalesce(c.minutes, 0)) "
            f"FROM coord_report_contactnote c {flags.join('c', 'case_id')} "
            f"WHERE {held} GROUP BY c.coach, c.kind"
        ),
        p,
    ):
        found.append(("contacts", number, str(kind), n))
        found.append(("contact_hours", number, str(kind), int(minutes)))
    return found


def _temp_tables(conn: Connection, p: Mapping[str, Any], flags: _Flags) -> None:
    """The active cases, their clients, the clients' residence history, the cases' assessments
    in order and their goal agreements: what several indicators join."""
    overlaps = (
        "c.first_contact_on IS NOT NULL AND (:e IS NULL OR c.first_contact_on <= :e) "
        "AND (c.closed_on IS NULL OR :s IS NULL OR c.closed_on >= :s)"
    )
    statements = (
        "CREATE TEMP TABLE report_active AS SELECT c.coach, c.id, c.client_id, c.target_groups, "
        f"c.themes FROM coord_report_case c {flags.join('c', 'id')} "
        f"WHERE {flags.unless('not_active')} AND {overlaps}",
        "CREATE UNIQUE INDEX temp.report_active_key ON report_active (coach, id)",
        "CREATE TEMP TABLE report_client AS SELECT cl.coach, cl.id, cl.gender, cl.nationality, "
        "cl.birth_year, cl.household FROM (SELECT DISTINCT coach, client_id FROM report_active) a "
        "JOIN coord_report_client cl ON cl.id = a.client_id AND cl.coach = a.coach",
        "CREATE UNIQUE INDEX temp.report_client_key ON report_client (coach, id)",
        "CREATE TEMP TABLE report_history AS SELECT r.coach, r.client_id, r.status, "
        "row_number() OVER w AS pos, count(*) OVER (PARTITION BY r.coach, r.client_id) AS n, "
        "lag(r.status) OVER w AS before FROM coord_report_residencerecord r "
        "WHERE EXISTS (SELECT 1 FROM report_client c WHERE c.coach = r.coach "
        "AND c.id = r.client_id) "
        "WINDOW w AS (PARTITION BY r.coach, r.client_id ORDER BY r.revision, r.seq)",
        "CREATE INDEX temp.report_history_key ON report_history (coach, client_id, pos)",
        "CREATE TEMP TABLE report_assessed AS SELECT a.coach, a.id, row_number() OVER w AS pos, "
        "count(*) OVER (PARTITION BY a.coach, a.case_id) AS n FROM coord_report_assessment a "
        "WHERE EXISTS (SELECT 1 FROM report_active x WHERE x.coach = a.coach "
        "AND x.id = a.case_id) "
        "WINDOW w AS (PARTITION BY a.coach, a.case_id ORDER BY a.assessed_on, a.revision, a.seq)",
        "CREATE UNIQUE INDEX temp.report_assessed_key ON report_assessed (coach, id)",
        "CREATE TEMP TABLE report_agreement AS SELECT g.coach, g.id "
        "FROM coord_report_goalagreement g WHERE EXISTS (SELECT 1 FROM report_active x "
        "WHERE x.coach = g.coach AND x.id = g.case_id)",
        "CREATE UNIQUE INDEX temp.report_agreement_key ON report_agreement (coach, id)",
    )
    for statement in statements:
        conn.execute(text(statement), p)


def _households(conn: Connection, by_number: Mapping[int, dict[str, Counter[str]]]) -> None:
    """Households with an active case, and active clients whose household has two files here
    (household pseudonyms are per coach)."""
    query = text(
        "WITH members AS (SELECT coach, household, count(*) AS n FROM coord_report_client "
        "WHERE household IN (SELECT household FROM report_client WHERE household <> '') "
        "GROUP BY coach, household) "
        "SELECT a.coach, a.household, count(*), coalesce(max(m.n), 0) FROM report_client a "
        "LEFT JOIN members m ON m.coach = a.coach AND m.household = a.household "
        "WHERE a.household IS NOT NULL AND a.household <> '' GROUP BY a.coach, a.household"
    )
    for number, _household, active, members in conn.execute(query):
        counts = by_number.get(number)
        if counts is None:
            continue
        counts["households"]["gesamt"] += 1
        if members >= 2:
            counts["family_cases"]["gesamt"] += active


def _attribute(
    conn: Connection,
    fingerprints: Sequence[str],
    names: Mapping[str, str],
    enrolled: Mapping[str, EnrolledCoach],
    numbers: Mapping[str, int],
    period: report.Period,
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Run `report_handover.plan` on the handover records and the cases of the clients they
    name; write its case flags into ``report_flag``; return its synthetic rows by coach."""
    conn.execute(text(_FLAG_TABLE))
    # Rows name coaches by number: each number's place in `fingerprints`.
    position = {numbers[fp]: i for i, fp in enumerate(fingerprints) if fp in numbers}
    tables: list[dict[str, list[dict[str, Any]]]] = [{} for _ in fingerprints]
    for number, rid, rev, direction, client, day, counterpart in conn.execute(
        text(
            'SELECT coach, id, revision, direction, client, "date", counterpart '
            "FROM coord_report_handover ORDER BY seq"
        )
    ):
        if number in position:
            record = {"_id": rid, "_rev": rev, "direction": direction, "client": client}
            record.update({"date": day, "counterpart": counterpart})
            tables[position[number]].setdefault("handover", []).append(record)
    if not any(tables):
        return {}
    for number, rid, rev, client, first, closed, reason in conn.execute(
        text(
            "SELECT c.coach, c.id, c.revision, c.client_id, c.first_contact_on, c.closed_on, "
            "c.closure_reason FROM coord_report_case c WHERE EXISTS (SELECT 1 FROM "
            "coord_report_handover h WHERE h.coach = c.coach AND h.client = c.client_id) "
            "ORDER BY c.seq"
        )
    ):
        if number in position:
            record = {"_id": rid, "_rev": rev, "client_id": client, "first_contact_on": first}
            record.update({"closed_on": closed, "closure_reason": reason})
            tables[position[number]].setdefault("case", []).append(record)
    coaches = [
        report.CoachRows(
            names[fp], enrolled[fp].organisation if fp in enrolled else "", rows, fingerprint=fp
        )
        for fp, rows in zip(fingerprints, tables, strict=True)
    ]
    found = plan(coaches, period)
    if found is None:
        return {}
    flags: dict[tuple[str, str], dict[str, Any]] = {}
    for (i, case_id), set_ in found.flags.items():
        flags[(fingerprints[i], case_id)] = {
            "o": int(bool(set_.get(NOT_OPENED))),
            "a": int(bool(set_.get(NOT_ACTIVE))),
            "c": int(bool(set_.get(NOT_CLOSED))),
            "b": None,
        }
    for i in found.dropped:
        for case_id, day in found.before(i).items():
            key = (fingerprints[i], case_id)
            flags.setdefault(key, {"o": 0, "a": 0, "c": 0, "b": None})["b"] = day.isoformat()
    if flags:
        conn.execute(
            text("INSERT INTO report_flag VALUES (:coach, :case, :o, :a, :c, :b)"),
            [
                {"coach": numbers[fp], "case": case_id, **v}
                for (fp, case_id), v in flags.items()
                if fp in numbers  # always: the flagged cases are projected rows
            ],
        )
    return {fingerprints[i]: items for i, items in found.extra.items()}


def stored_problem(table: str, document: str) -> dict[str, Any] | str:
    """The stored document if it keeps the bundle schema, else why not (UI language)."""
    if table not in payload_schema.TABLES:
        return tr("unbekannte Tabelle", "unknown table")
    try:
        data = payload_schema.loads_strict(document)
    except (ValueError, RecursionError):
        return tr("gespeichertes Dokument unlesbar", "stored document unreadable")
    if not isinstance(data, dict):
        return tr("gespeichertes Dokument unlesbar", "stored document unreadable")
    try:
        payload_schema.check_data(table, data)
    except payload_schema.SchemaError as exc:
        return str(exc)
    return data


__all__ = ["REPORTED_TABLES", "coach_counts", "stored_problem"]
