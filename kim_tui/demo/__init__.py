"""Synthetic, deterministic KIM caseloads for `kim demo`, benchmarks and tests (no real people).

Imports only `kim_tui.domain` and the standard library.
"""

from __future__ import annotations

from kim_tui.demo.caseload import DEMO_PASSPHRASE, DemoCase, generate_caseload

__all__ = ["DEMO_PASSPHRASE", "DemoCase", "generate_caseload"]
