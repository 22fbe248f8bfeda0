"""The query planner's side of the store: the per-case follow-up query uses its index, and bulk
loads (demo seeding, CSV import) leave statistics behind for the planner."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import event, text

from kim_tui.domain.model import ClientDraft, IntakeDraft, ResidenceDraft
from kim_tui.service.demo_seed import seed_demo
from kim_tui.service.workspace import Workspace
from kim_tui.store.vault import Vault

D = date


def _intake(given: str, family: str) -> IntakeDraft:
    return IntakeDraft(
        ClientDraft(given, family, D(1990, 1, 1)),
        D(2026, 11, 2),
        residence=ResidenceDraft("duldung", valid_until=D(2027, 3, 31)),
    )


def _statements(vault: Vault, action: Any) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        seen.append((statement, parameters))

    event.listen(vault.engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(vault.engine, "before_cursor_execute", record)
    return seen


def _plan(vault: Vault, statement: str, parameters: Any) -> str:
    with vault.engine.connect() as conn:
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
    return " | ".join(str(row[-1]) for row in rows)


def _stat_indexes(vault: Vault, table: str) -> set[str]:
    with vault.engine.connect() as conn:
        if conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first():
            rows = conn.execute(text("SELECT idx FROM sqlite_stat1 WHERE tbl = :t"), {"t": table})
            return {str(idx) for (idx,) in rows}
    return set()


def test_next_due_date_of_a_case_is_one_seek_in_the_case_index(workspace: Workspace) -> None:
    """Without the index (or with it in the wrong order) SQLite without statistics takes
    ix_followup_list for min(due_on) and walks every open follow-up: 0.2 s per save at
    50,000 clients. The statement is the one `_refresh_case` really runs."""
    vault = workspace.vault
    workspace.intake(_intake("Ada", "Erste"))
    seen = _statements(vault, lambda: workspace.intake(_intake("Ben", "Zweite")))
    (statement, parameters), *more = [
        (s, p) for s, p in seen if "min(followup.due_on)" in s.lower()
    ]
    assert more == []
    assert _stat_indexes(vault, "followup") == set()  # the worst case: no statistics
    assert "COVERING INDEX ix_followup_case_open_due" in _plan(vault, statement, parameters)
    workspace.update_statistics()
    assert "COVERING INDEX ix_followup_case_open_due" in _plan(vault, statement, parameters)


def test_demo_seeding_leaves_statistics(workspace: Workspace) -> None:
    seed_demo(workspace, count=5, seed=3)
    indexes = _stat_indexes(workspace.vault, "followup")
    assert {"ix_followup_case_open_due", "ix_followup_list"} <= indexes
    assert "ix_client_list" in _stat_indexes(workspace.vault, "client")


def test_csv_import_leaves_statistics(workspace: Workspace) -> None:
    assert workspace.import_intakes([_intake("Ada", "Erste"), _intake("Ben", "Zweite")]) == 2
    assert "ix_followup_case_open_due" in _stat_indexes(workspace.vault, "followup")
    assert "ix_client_list" in _stat_indexes(workspace.vault, "client")


def test_single_writes_leave_the_statistics_alone(workspace: Workspace) -> None:
    """Statistics are for bulk loads only: a save does not run ANALYZE."""
    seen = _statements(workspace.vault, lambda: workspace.intake(_intake("Ada", "Erste")))
    assert not [s for s, _p in seen if "optimize" in s.lower() or "analyze" in s.lower()]


# Statistics as ANALYZE wrote them for the 50,000-client bench vault (many equal family names:
# 15 clients per sort key). With them, before 0005, SQLite scanned every case and sorted.
LARGE_VAULT_STATS = [
    ("client", "ix_client_list", "50000 15 1 1"),
    ("client", "sqlite_autoindex_client_1", "50000 1"),
    ("case", "ix_case_client_id", "50000 1"),
    ("case", "ix_case_stage", "50000 2001"),
    ("case", "sqlite_autoindex_case_1", "50000 1"),
    ("followup", "ix_followup_list", "150000 150000 400 2 1 1"),
]


def test_list_windows_walk_their_index_in_order_on_a_large_vault(workspace: Workspace) -> None:
    """A window of either list is read from its index in display order and stops after the
    window: no scan of every case, no sort (caseload at 50,000: 48 ms before, 1-4 ms after)."""
    vault = workspace.vault
    for i in range(3):
        workspace.intake(_intake(f"Vorname{i}", "Haddad"))
    workspace.update_statistics()
    with vault.engine.begin() as conn:
        for table, index, stat in LARGE_VAULT_STATS:
            conn.execute(
                text("DELETE FROM sqlite_stat1 WHERE tbl = :t AND idx = :i"),
                {"t": table, "i": index},
            )
            conn.execute(
                text("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (:t, :i, :s)"),
                {"t": table, "i": index, "s": stat},
            )
    vault.engine.dispose()  # new connections read the planted statistics
    for query in ("", "hadd"):
        seen = _statements(vault, lambda q=query: workspace.caseload(q, limit=40, with_total=False))
        statement, parameters = next((s, p) for s, p in seen if "ORDER BY client.sort_key" in s)
        plan = _plan(vault, statement, parameters)
        assert plan.startswith("SCAN client USING INDEX ix_client_list"), plan
        assert "TEMP B-TREE" not in plan, plan
        seen = _statements(
            vault, lambda q=query: workspace.follow_ups(q, limit=40, with_counts=False)
        )
        statement, parameters = next((s, p) for s, p in seen if "ORDER BY followup.due_on" in s)
        plan = _plan(vault, statement, parameters)
        assert "INDEX ix_followup_list" in plan and "TEMP B-TREE" not in plan, plan
