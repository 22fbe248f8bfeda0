"""Load the merged records from the coordinator store and render the report."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from kim_tui.coordinator.importer import coach_label
from kim_tui.coordinator.store import CoordinatorStore, EnrolledCoach, SyncRecord
from kim_tui.domain import report
from kim_tui.domain.dates import parse_date
from kim_tui.sync import payload_schema


def load_coach_rows(
    store: CoordinatorStore, skipped: list[str] | None = None
) -> list[report.CoachRows]:
    """Every coach's live (not deleted) records as plain dicts with ``_id`` and ``_rev``.

    Each stored document is checked against the bundle schema again: a row that an earlier
    version let in (an impossible date, NaN minutes, an unknown code) is left out, and a German
    line naming it is appended to `skipped`, instead of breaking every report.
    """
    with store.session() as s:
        coaches = {c.fingerprint: c for c in s.exec(select(EnrolledCoach)).all()}
        per_coach: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for r in s.exec(select(SyncRecord).where(col(SyncRecord.deleted).is_(False))).all():
            problem = _stored_problem(r)
            if isinstance(problem, str):
                if skipped is not None:
                    label = coach_label(coaches.get(r.coach), r.coach)
                    skipped.append(
                        f"Datensatz {r.table} {r.id[:12]} von Coach {label} übersprungen: {problem}"
                    )
                continue
            data = problem
            data["_id"], data["_rev"] = r.id, r.revision
            per_coach.setdefault(r.coach, {}).setdefault(r.table, []).append(data)
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
        )
        for fp, rows in sorted(per_coach.items())
    ]


def _stored_problem(row: SyncRecord) -> dict[str, Any] | str:
    """The stored document if it keeps the bundle schema, else why not (German)."""
    if row.table not in payload_schema.TABLES:
        return "unbekannte Tabelle"
    try:
        data = payload_schema.loads_strict(row.data)
    except (ValueError, RecursionError):
        return "gespeichertes Dokument unlesbar"
    if not isinstance(data, dict):
        return "gespeichertes Dokument unlesbar"
    try:
        payload_schema.check_data(row.table, data)
    except payload_schema.SchemaError as exc:
        return str(exc)
    return data


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
        raise ValueError("--from liegt nach --to.")
    with CoordinatorStore.open(directory, passphrase) as store:
        coaches = load_coach_rows(store, skipped)
    cells = report.compute(coaches, period, threshold)
    if fmt == "json":
        return report.render_json(cells, threshold, period)
    if fmt == "csv":
        return report.render_csv(cells, threshold, csv_delimiter)
    return report.render_table(cells, threshold, period)
