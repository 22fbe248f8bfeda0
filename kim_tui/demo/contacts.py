"""Contacts (Kontakte) of a demo case and its manual Wiedervorlagen.

Notes and reasons come from ``data/phrases.toml``; clients who need an interpreter mostly get
interpreted contacts, with the language named in the note.
"""

from __future__ import annotations

import random
from datetime import date

from kim_tui.demo.draws import between, days, weighted
from kim_tui.demo.tables import tables
from kim_tui.domain.geo import language_name
from kim_tui.domain.model import ClientDraft, ContactDraft

__all__ = ["draw_contacts", "draw_follow_ups"]


def draw_contacts(
    rng: random.Random, client: ClientDraft, first_contact: date, today: date
) -> tuple[ContactDraft, ...]:
    """One to eight contacts, oldest first; the first is the Erstgespräch on ``first_contact``."""
    age_days = (today - first_contact).days
    count = min(rng.randint(1, 8), 1 + age_days // 7)
    dates = sorted(between(rng, first_contact, today) for _ in range(count - 1))
    spoken = next((c for c in client.languages if c != "deu"), "")
    result: list[ContactDraft] = []
    for i, on in enumerate([first_contact, *dates]):
        if i == 0:
            kind = "interpreted" if client.interpreter_needed else "in_person"
        elif client.interpreter_needed and rng.random() < 0.5:
            kind = "interpreted"
        else:
            kind = weighted(
                rng, (("in_person", 50), ("phone", 30), ("home_visit", 8), ("digital", 12))
            )
        if i == 0:
            note = "Erstgespräch geführt, Einwilligung und Unterlagen besprochen"
        else:
            note = rng.choice(tables().contact_notes[kind])
        if kind == "interpreted" and spoken:
            note = f"{note} (Sprachmittlung {language_name(spoken)})"
        minutes = 15 if kind == "phone" and rng.random() < 0.5 else 5 * rng.randint(3, 24)
        if i == 0:
            minutes = max(minutes, 60)
        result.append(ContactDraft("", on, kind, minutes, note, kind == "interpreted"))
    return tuple(result)


def draw_follow_ups(
    rng: random.Random, first_contact: date, today: date, carrier: bool
) -> tuple[tuple[date, str], ...]:
    """Manual Wiedervorlagen; the ``carrier`` case always has an overdue and a due-today one."""
    if carrier:
        return (
            (today - days(7), "Bescheid Jobcenter nachfragen"),
            (today, "Termin Ausländerbehörde vorbereiten"),
        )
    result: list[tuple[date, str]] = []
    for reason in rng.sample(
        tables().follow_up_reasons, weighted(rng, ((0, 45), (1, 40), (2, 15)))
    ):
        bucket = rng.choices((0, 1, 2, 3), weights=(25, 10, 25, 40))[0]
        if bucket == 0:
            due = today - days(rng.randint(1, 21))
        elif bucket == 1:
            due = today
        elif bucket == 2:
            due = today + days(rng.randint(1, 6))
        else:
            due = today + days(rng.randint(7, 60))
        result.append((max(due, first_contact), reason))
    return tuple(sorted(result))
