"""A handed-over case counts once in the coordinator report (issue 14 § 4). Pure Python.

Both coaches' bundles carry a ``handover`` record with the same id (bundle format § 8):
``{"direction": "out"|"in", "client": pseudonym, "date": handover day, "counterpart":
fingerprint}``. The sender's case ends on that day ("handed over"); the receiver's copy starts
with the original opening date. Counted per period:

- opened: once, by the coach who had the case when it was opened: the sender's case; the
  receiver's copy never counts as opened (without the sender's case, e.g. erased, the opening
  goes to the sender if the sender is in the report, else to the receiver);
- active: once, under whoever held it at the period's end (the receiver if the handover day is
  on or before it, or the period is open-ended; else the sender). Without the sender's case
  the receiver's copy is the only one and counts under the receiver;
- closed: the sender's "handed over" closure is not a closure when the receiver's copy is in;
- contacts and referrals before the handover day: the sender's (the receiver's copies of them
  are left out while the sender's case is in the report);
- "Übergaben": one per handover in the period, in the sender's scope, as "from → to".

With only the sender's half (the receiver's bundle not yet in) everything counts under the
sender as before. `attribute` changes copies of the rows only: the report stays pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from kim_tui.domain.report_indicators import (
    HANDOVERS,
    NOT_ACTIVE,
    NOT_CLOSED,
    NOT_OPENED,
    OPENED_ELSEWHERE,
    CoachRows,
    Period,
)

UNKNOWN_COACH = "Coach ohne eingelesenes Paket"
HANDED_OVER = "handed_over"


@dataclass
class _Half:
    coach: int
    record: Mapping[str, Any]


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _label(coaches: Sequence[CoachRows], index: int | None) -> str:
    if index is None:
        return UNKNOWN_COACH
    c = coaches[index]
    return f"{c.coach} ({c.organisation})" if c.organisation else c.coach


def _sender_case(rows: CoachRows, client: str, day: date) -> Mapping[str, Any] | None:
    cases = [
        c
        for c in rows.rows.get("case", ())
        if c.get("client_id") == client and (_day(c.get("first_contact_on")) or day) <= day
    ]
    # The case closed as handed over that day, else the latest opened before it.
    return max(
        cases,
        key=lambda c: (
            c.get("closure_reason") == HANDED_OVER and _day(c.get("closed_on")) == day,
            str(c.get("first_contact_on")),
        ),
        default=None,
    )


def _receiver_case(
    rows: CoachRows, client: str, day: date, opened: Any
) -> Mapping[str, Any] | None:
    cases = [
        c
        for c in rows.rows.get("case", ())
        if c.get("client_id") == client and (_day(c.get("first_contact_on")) or day) <= day
    ]
    # The copy keeps the sender's opening date; else the latest opened before the handover.
    return max(
        cases,
        key=lambda c: (c.get("first_contact_on") == opened, str(c.get("first_contact_on"))),
        default=None,
    )


@dataclass
class Attribution:
    """What `attribute` changes, by coach index: flags on cases (`NOT_OPENED`, …), the receivers'
    cases whose contacts and referrals before the handover day are the sender's
    (``case id@day``), and synthetic rows (`HANDOVERS`, `OPENED_ELSEWHERE`)."""

    flags: dict[tuple[int, str], dict[str, bool]]
    dropped: dict[int, set[str]]
    extra: dict[int, dict[str, list[dict[str, Any]]]]

    def before(self, coach: int) -> dict[str, date]:
        """The day before which a receiver's copies of a case's contacts and referrals are left
        out, by case id."""
        return {
            key.partition("@")[0]: date.fromisoformat(key.partition("@")[2])
            for key in self.dropped.get(coach, set())
        }


def attribute(coaches: Sequence[CoachRows], period: Period) -> list[CoachRows]:
    """The coaches' rows with every handed-over case counted once (see the module docstring).

    Coaches without a handover come back unchanged (the same objects)."""
    found = plan(coaches, period)
    if found is None:
        return list(coaches)
    flags, dropped, extra = found.flags, found.dropped, found.extra
    return [
        _changed(c, i, flags, dropped.get(i, set()), extra.get(i, {}))
        if any(k[0] == i for k in flags) or i in extra or i in dropped
        else c
        for i, c in enumerate(coaches)
    ]


def plan(coaches: Sequence[CoachRows], period: Period) -> Attribution | None:
    """What `attribute` changes (None: no handover at all). Reads only the coaches' ``handover``
    rows and the ``case`` rows of the clients they name, so a caller may pass just those."""
    index = {c.fingerprint: i for i, c in enumerate(coaches) if c.fingerprint}
    halves: dict[str, dict[str, _Half]] = {}
    for i, c in enumerate(coaches):
        for r in c.rows.get("handover", ()):
            if r.get("direction") in ("out", "in"):
                halves.setdefault(str(r["_id"]), {})[str(r["direction"])] = _Half(i, r)
    if not halves:
        return None
    flags: dict[tuple[int, str], dict[str, bool]] = {}
    dropped: dict[int, set[str]] = {}
    extra: dict[int, dict[str, list[dict[str, Any]]]] = {}
    for hid in sorted(halves):
        out, into = halves[hid].get("out"), halves[hid].get("in")
        any_half = out or into
        if any_half is None:
            continue
        day = _day(any_half.record.get("date"))
        if day is None:
            continue
        sender = out.coach if out else index.get(str(any_half.record.get("counterpart")))
        receiver = into.coach if into else index.get(str(any_half.record.get("counterpart")))
        s_case = (
            _sender_case(coaches[out.coach], str(out.record.get("client")), day) if out else None
        )
        r_case = (
            _receiver_case(
                coaches[into.coach],
                str(into.record.get("client")),
                day,
                s_case.get("first_contact_on") if s_case else None,
            )
            if into
            else None
        )
        giver = sender if sender is not None else receiver
        if giver is not None:
            extra.setdefault(giver, {}).setdefault(HANDOVERS, []).append(
                {"on": day, "category": f"{_label(coaches, sender)} → {_label(coaches, receiver)}"}
            )
        if into is None or r_case is None:
            continue  # only the sender's half: counted under the sender as before
        r_key = (into.coach, str(r_case["_id"]))
        flags.setdefault(r_key, {})[NOT_OPENED] = True
        if s_case is None or out is None:
            if sender is not None and sender != into.coach:
                extra.setdefault(sender, {}).setdefault(OPENED_ELSEWHERE, []).append(
                    {"on": _day(r_case.get("first_contact_on"))}
                )
            else:
                flags[r_key][NOT_OPENED] = False
            continue
        s_key = (out.coach, str(s_case["_id"]))
        flags.setdefault(s_key, {})[NOT_CLOSED] = True
        if period.end is None or day <= period.end:
            flags[s_key][NOT_ACTIVE] = True
        else:
            flags[r_key][NOT_ACTIVE] = True
        dropped.setdefault(into.coach, set()).add(str(r_case["_id"]) + "@" + day.isoformat())
    return Attribution(flags, dropped, extra)


def _changed(
    c: CoachRows,
    i: int,
    flags: Mapping[tuple[int, str], Mapping[str, bool]],
    dropped: set[str],
    extra: Mapping[str, list[dict[str, Any]]],
) -> CoachRows:
    rows: dict[str, Sequence[Mapping[str, Any]]] = dict(c.rows)
    rows["case"] = [
        {**case, **flags[(i, str(case["_id"]))]} if (i, str(case["_id"])) in flags else case
        for case in c.rows.get("case", ())
    ]
    # The receiver's copies of contacts and referrals from before the handover: the sender's.
    before = {key.partition("@")[0]: date.fromisoformat(key.partition("@")[2]) for key in dropped}
    for table, field in (("contactnote", "on"), ("referral", "sent_on")):
        if before and table in rows:
            rows[table] = [
                r
                for r in rows[table]
                if not (
                    str(r.get("case_id")) in before
                    and (_day(r.get(field)) or date.max) < before[str(r.get("case_id"))]
                )
            ]
    for table, items in extra.items():
        rows[table] = [*rows.get(table, ()), *items]
    return replace(c, rows=rows)


__all__ = ["HANDOVERS", "OPENED_ELSEWHERE", "UNKNOWN_COACH", "Attribution", "attribute", "plan"]
