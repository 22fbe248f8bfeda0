"""Synthetic, deterministic KIM caseloads for `kim demo`, benchmarks and tests (no real people).

Imports only `kim_tui.domain` and the standard library. The tables (names by origin, residence
statuses, assessment texts, goals, phrases, streets) are data files in ``data/*.toml`` read by
`tables`; the generator is split by what it draws:

- `caseload`: `generate_caseload` and `DemoCase`, one case put together from the parts below
- `people`: the person (name, birth date, languages, contact data, household)
- `residence`: the residence title, and the target groups and legal domains that follow
- `assessments`: need levels, assessments and the goal agreement
- `referrals`, `contacts`: referrals, contacts and manual Wiedervorlagen
- `draws`: weighted choices and random dates

The same ``seed``, ``count`` and ``today`` always give the same caseload, byte for byte.
"""

from __future__ import annotations

from kim_tui.demo.caseload import DemoCase, generate_caseload

__all__ = ["DEMO_PASSPHRASE", "DemoCase", "generate_caseload"]

DEMO_PASSPHRASE = "kim-demo-passwort"
"""Passphrase of throwaway demo vaults (shown to the user; never for real data)."""
