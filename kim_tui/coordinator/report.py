"""Load the merged records from the coordinator store and render the report."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlmodel import select

from kim_tui.coordinator.importer import coach_label
from kim_tui.coordinator.report_sql import REPORTED_TABLES, coach_counts, stored_problem
from kim_tui.coordinator.store import CoordinatorStore, EnrolledCoach
from kim_tui.domain import report
from kim_tui.domain.dates import parse_date
from kim_tui.i18n import tr


def load_coach_rows(
    store: CoordinatorStore, skipped: list[str] | None = None
) -> list[report.CoachRows]:
    """Every coach's live (not deleted) records as plain dicts with ``_id`` and ``_rev``: the
    input of `report.compute`, the report's definition in Python. The report itself counts in
    SQL (`report_cells`); this load is its reference in the tests, and its way out when two
    coaches share a record id.

    Records are checked against the bundle schema once: at import, or (rows of a store made
    before the check was recorded) at the first report, which writes the result back. A row that
    an earlier version let in (an impossible date, NaN minutes, an unknown code) is left out,
    and a German line naming it is appended to `skipped`, instead of breaking every report.
    """
    with store.session() as s:
        coaches = {c.fingerprint: c for c in s.exec(select(EnrolledCoach)).all()}
        per_coach: dict[str, dict[str, list[dict[str, Any]]]] = {}
        verdicts: list[dict[str, Any]] = []
        # Plain columns, no ORM objects: at a few million rows the objects cost more than SQL.
        # Documents of tables no indicator reads (consents, steps) stay unread once checked;
        # rows still to check and bad rows are read, so every bad row is still named.
        query = text(
            'SELECT coach, "table", id, revision, data, checked, problem FROM coord_record '
            'WHERE deleted = 0 AND (checked = 0 OR problem IS NOT NULL OR "table" IN '
            f"({', '.join(repr(t) for t in REPORTED_TABLES)}))"
        )
        for fp, table, rid, revision, document, checked, problem in s.connection().execute(query):
            data: dict[str, Any] | None = None
            if not checked:
                found = stored_problem(table, document)
                problem = found if isinstance(found, str) else None
                data = None if isinstance(found, str) else found
                verdicts.append({"c": fp, "t": table, "i": rid, "p": problem})
            elif problem is not None:
                # The stored text marks the row as bad; the line is worded now, in the UI language.
                found = stored_problem(table, document)
                problem = found if isinstance(found, str) else problem
            if problem is not None:
                if skipped is not None:
                    label = coach_label(coaches.get(fp), fp)
                    skipped.append(
                        tr(
                            f"Datensatz {table} {rid[:12]} von Coach {label} übersprungen: "
                            f"{problem}",
                            f"record {table} {rid[:12]} from coach {label} skipped: {problem}",
                        )
                    )
                continue
            if data is None:
                data = json.loads(document)
            data["_id"], data["_rev"] = rid, revision
            per_coach.setdefault(fp, {}).setdefault(table, []).append(data)
        if verdicts:
            s.connection().execute(
                text(
                    "UPDATE coord_record SET checked = 1, problem = :p "
                    'WHERE coach = :c AND "table" = :t AND id = :i'
                ),
                verdicts,
            )
            s.commit()
    names = {
        fp: coaches[fp].name if fp in coaches and coaches[fp].name else coach_label(None, fp)
        for fp in per_coach
    }
    counts = Counter(names.values())
    return [
        report.CoachRows(
            # Two coaches of the same name are two rows (and two groups for the masking):
            # the short fingerprint tells them apart.
            coach=names[fp] if counts[names[fp]] == 1 else f"{names[fp]} ({coach_label(None, fp)})",
            organisation=coaches[fp].organisation if fp in coaches else "",
            rows=rows,
            fingerprint=fp,
        )
        for fp, rows in sorted(per_coach.items())
    ]


def report_cells(
    store: CoordinatorStore,
    period: report.Period,
    threshold: int = 5,
    skipped: list[str] | None = None,
) -> list[report.Cell]:
    """Every indicator per coach, organisation and total, small cells masked: the cells of
    `report.compute` over the store's live records, counted in SQL (`report_sql`). Stored rows
    that break the bundle schema are left out; `skipped` receives a line each (UI language)."""
    if threshold < 1:
        raise ValueError(tr("Schwelle muss mindestens 1 sein.", "Threshold must be at least 1."))
    counted = coach_counts(store, period, skipped)
    if counted is None:
        # Two coaches share a record id: the domain merges their rows (see report_sql).
        return report.compute(load_coach_rows(store), period, threshold)
    return report.tabulate(counted, threshold)


def _date(text: str | None) -> date | None:
    return parse_date(text) if text else None


def run_report(
    directory: Path,
    passphrase: str,
    *,
    date_from: str | None,
    date_to: str | None,
    fmt: str = "table",
    threshold: int = 5,
    csv_delimiter: str = ";",
    skipped: list[str] | None = None,
) -> str:
    """Open the store, compute every indicator and render it as table, csv or json.

    Stored rows that break the bundle schema are left out; `skipped` receives a line each.
    """
    period = report.Period(_date(date_from), _date(date_to))
    if period.start and period.end and period.start > period.end:
        raise ValueError(tr("--from liegt nach --to.", "--from is after --to."))
    refused = report.published_threshold_error(threshold)
    if refused:
        raise ValueError(refused)
    with CoordinatorStore.open(directory, passphrase) as store:
        cells = report_cells(store, period, threshold, skipped)
    if fmt == "json":
        return report.render_json(cells, threshold, period)
    if fmt == "csv":
        return report.render_csv(cells, threshold, csv_delimiter)
    return report.render_table(cells, threshold, period)
