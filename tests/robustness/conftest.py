"""Shared helpers of the robustness suite.

Every count here is bounded so that ``pytest tests/robustness`` stays within a few minutes on a
2-core laptop. ``ROBUSTNESS_SCALE`` (a positive number, default 1) multiplies the counts for a
long run, e.g. ``ROBUSTNESS_SCALE=20 pytest tests/robustness``; with a scale above 1 the
hypothesis tests also explore randomly instead of replaying their fixed derandomised examples.
"""

from __future__ import annotations

import hashlib
import os

from hypothesis import HealthCheck, settings
from sqlalchemy import select

ALLOWED_BUNDLE_REASONS = frozenset(
    {
        "corrupt",
        "version",
        "unknown_coach",
        "revoked_coach",
        "bad_signature",
        "wrong_recipient",
        "decrypt",
        "schema",
    }
)
"""Every stable rejection code the importer may give (coordinator.importer / bundle_format)."""


def scale() -> float:
    """The ROBUSTNESS_SCALE factor (default 1)."""
    raw = os.environ.get("ROBUSTNESS_SCALE", "1")
    try:
        value = float(raw)
    except ValueError:
        raise RuntimeError(f"ROBUSTNESS_SCALE must be a number, not {raw!r}") from None
    if value <= 0:
        raise RuntimeError("ROBUSTNESS_SCALE must be positive")
    return value


def scaled(base: int) -> int:
    """`base` times the scale, at least 1."""
    return max(1, round(base * scale()))


def fuzz_settings(base_examples: int = 200) -> settings:
    """Bounded hypothesis settings: no deadline, no example database on disk, reproducible
    (derandomised) at the default scale, random exploration when scaled up."""
    return settings(
        max_examples=scaled(base_examples),
        deadline=None,
        database=None,
        derandomize=scale() <= 1,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )


def store_digest(store: object) -> str:
    """SHA-256 over every row of every table of a coordinator store, in primary-key order."""
    from kim_tui.coordinator.store import CoordinatorBase, CoordinatorStore

    assert isinstance(store, CoordinatorStore)
    h = hashlib.sha256()
    with store.engine.connect() as conn:
        for table in sorted(CoordinatorBase.metadata.sorted_tables, key=lambda t: t.name):
            h.update(f"\x00table {table.name}\x00".encode())
            order = list(table.primary_key.columns) or list(table.columns)
            for row in conn.execute(select(table).order_by(*order)):
                h.update(repr(tuple(row)).encode("utf-8", "surrogatepass"))
                h.update(b"\x00")
    return h.hexdigest()
