"""Random coordinator stores for comparing the SQL report with its Python definition: schema-valid
records of a few coaches, with what makes the counting hard (tombstones, handovers with one or
both halves, households, erased clients, revision ties, bad rows, dates on period bounds)."""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text

from kim_tui.coordinator.store import CoordinatorStore
from kim_tui.domain.catalogs import catalog
from kim_tui.sync import identity

DAYS = [date(2025, 12, 20) + timedelta(days=7 * n) for n in range(20)]
"""Every date of a random store is one of these: period bounds hit them exactly."""
NATIONS = ("SYR", "AFG", "UKR", "")


def codes(name: str) -> list[str]:
    """The codes of one catalog."""
    return [entry.code for entry in catalog(name)]


@dataclass
class RandomCoach:
    """One coach's records as they sit in ``coord_record``."""

    rng: random.Random
    fingerprint: str
    rev: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)
    clients: list[str] = field(default_factory=list)
    cases: list[tuple[str, str, str]] = field(default_factory=list)
    """(case id, client id, first contact)"""

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def add(self, table: str, rid: str, data: dict[str, Any], *, tie: bool = False) -> None:
        # A revision shared with the record before (one save touching two records).
        if not tie or not self.rev:
            self.rev += 1
        deleted = self.rng.random() < 0.06
        self.rows.append(
            {
                "c": self.fingerprint,
                "t": table,
                "i": rid,
                "r": self.rev,
                "del": int(deleted),
                "d": "{}" if deleted else json.dumps(data, sort_keys=True),
                "chk": 1,
                "p": None,
            }
        )

    def day(self) -> str:
        return self.rng.choice(DAYS).isoformat()

    def client(self, household: str | None) -> str:
        r, pid = self.rng, f"p-{self.rng.getrandbits(128):032x}"
        data: dict[str, Any] = {
            "gender": r.choice([*codes("genders"), ""]),
            "nationality": r.choice(NATIONS),
            "interpreter_needed": False,
            "birth_year": r.choice((None, 1958, 1970, 1990, 2000, 2009, 2015)),
            "personal": False,
        }
        if household is not None:
            data.update(household=household, household_role=r.choice(codes("household_roles")))
        if r.random() < 0.05:
            data = {"erased": True, "personal": False}
        self.add("client", pid, data)
        self.clients.append(pid)
        return pid

    def case(
        self,
        client: str,
        first: str | None = None,
        closed: str | None = None,
        reason: str | None = None,
    ) -> str:
        r, cid = self.rng, self.uuid()
        first = first or self.day()
        if closed is None and r.random() < 0.4:
            closed = max(first, self.day())
        if reason is None and closed and r.random() < 0.9:
            reason = r.choice(codes("closure_reasons"))
        if closed and reason is None and r.random() < 0.5:
            closed = None
        self.add(
            "case",
            cid,
            {
                "client_id": client,
                "first_contact_on": first,
                "access_route": "self",
                "referred_by": None,
                "legal_domains": [],
                "target_groups": r.sample(codes("target_groups"), r.randint(0, 2)),
                "stage": "monitoring",
                "closed_on": closed,
                "closure_reason": reason if closed else None,
                "themes": r.sample(codes("themes"), r.randint(0, 2)),
            },
        )
        self.cases.append((cid, client, first))
        return cid

    def history(self, case: str, client: str) -> None:
        r = self.rng
        for _ in range(r.randint(0, 3)):
            status = r.choice(codes("residence_statuses")[:4])
            data = {"client_id": client, "status": status, "legal_basis": ""}
            data.update(valid_from=None, valid_until=None)
            self.add("residencerecord", self.uuid(), data, tie=r.random() < 0.3)
        for _ in range(r.randint(0, 3)):
            aid = self.uuid()
            on = r.choice(DAYS[:3]).isoformat()  # few days: ties between assessments
            self.add("assessment", aid, {"case_id": case, "assessed_on": on}, tie=r.random() < 0.3)
            for area in r.sample(codes("priority_areas"), r.randint(1, 3)):
                data = {"assessment_id": aid, "area": area, "level": r.randint(0, 3)}
                self.add("arearating", self.uuid(), data)
        if r.random() < 0.7:
            gid = self.uuid()
            self.add(
                "goalagreement", gid, {"case_id": case, "agreed_on": self.day(), "review_on": None}
            )
            for _ in range(r.randint(0, 3)):
                data = {"agreement_id": gid, "area": r.choice(codes("priority_areas"))}
                data.update(target_on=None, status=r.choice(codes("goal_statuses")))
                self.add("goal", self.uuid(), data)
        self.activity(case)

    def activity(self, case: str) -> None:
        r = self.rng
        for _ in range(r.randint(0, 2)):
            data = {"case_id": case, "agency": r.choice(codes("agencies")[:4])}
            data.update(legal_domain=r.choice(codes("legal_domains")[:3]), sent_on=self.day())
            data.update(feedback_due_on=None, status=r.choice(codes("referral_statuses")))
            data.update(outcome_on=None, passes_identifying_data=False)
            self.add("referral", self.uuid(), data)
        for _ in range(r.randint(0, 4)):
            data = {"case_id": case, "on": self.day(), "kind": r.choice(codes("contact_kinds"))}
            data.update(minutes=r.choice((0, 15, 45, 90)), interpreter=False)
            self.add("contactnote", self.uuid(), data)

    def handover(self, hid: str, direction: str, client: str, day: str, counterpart: str) -> None:
        data = {"direction": direction, "client": client, "date": day, "counterpart": counterpart}
        self.add("handover", hid, data)


def random_store(store: CoordinatorStore, seed: int) -> None:
    """Fill an empty store with 1–5 random coaches (some not enrolled, some of one name)."""
    rng = random.Random(seed)
    coaches: list[RandomCoach] = []
    for i in range(rng.randint(1, 5)):
        pub = identity.CoachPublic(
            rng.choice(("Anna", "Bernd", f"Coach {i}")),
            rng.choice(("Caritas", "DRK", "")),
            identity.signing_public(identity.new_signing_key()),
        )
        if rng.random() < 0.9:
            store.enroll(pub)
        coaches.append(RandomCoach(rng, pub.fingerprint))
    for coach in coaches:
        households = [f"p-{rng.getrandbits(128):032x}" for _ in range(3)]
        for _ in range(rng.randint(0, 12)):
            household = rng.choice([None, None, *households])
            client = coach.client(household)
            for _ in range(rng.randint(0, 2)):
                coach.history(coach.case(client), client)
    for _ in range(rng.randint(0, 4)):
        _handover(rng, coaches)
    _bad_rows(rng, coaches)
    rows = [row for coach in coaches for row in coach.rows]
    if not rows:
        return
    with store.engine.begin() as conn:
        conn.execute(
            text(
                'INSERT INTO coord_record (coach, "table", id, revision, deleted, data, '
                "bundle_seq, checked, problem) VALUES (:c, :t, :i, :r, :del, :d, 1, :chk, :p)"
            ),
            rows,
        )


def _handover(rng: random.Random, coaches: list[RandomCoach]) -> None:
    """A case handed from one coach to another; sometimes only one half is in."""
    sender = rng.choice(coaches)
    others = [c for c in coaches if c is not sender]
    if not sender.cases:
        return
    receiver = rng.choice(others) if others else sender
    case, client, first = rng.choice(sender.cases)
    day = max(first, rng.choice(DAYS).isoformat())
    hid = sender.uuid()
    halves = rng.choice(("both", "both", "out", "in")) if others else "out"
    stranger = f"{rng.getrandbits(256):064x}"
    if halves != "in":
        # The sender's case ends that day as handed over.
        sender.case(client, first, day, "handed_over")
        other = receiver.fingerprint if rng.random() < 0.9 else stranger
        sender.handover(hid, "out", client, day, other)
    if halves != "out":
        copy = receiver.client(None)
        kept = receiver.case(copy, first if rng.random() < 0.8 else None)
        receiver.activity(kept)
        other = sender.fingerprint if rng.random() < 0.9 else stranger
        receiver.handover(hid, "in", copy, day, other)


def _bad_rows(rng: random.Random, coaches: list[RandomCoach]) -> None:
    """Rows an older version let in (unchecked, some broken) and rows found bad before."""
    for coach in coaches:
        for row in coach.rows:
            if row["del"] or rng.random() > 0.04:
                continue
            row["chk"] = 0
            if rng.random() < 0.5:
                data = json.loads(row["d"])
                if row["t"] == "contactnote":
                    data["minutes"] = 10**30
                elif "first_contact_on" in data:
                    data["first_contact_on"] = "2026-02-30"
                else:
                    data["unknown_field"] = 1
                row["d"] = json.dumps(data)
            elif rng.random() < 0.3:
                row["chk"], row["p"] = 1, "Feld x: früher als fehlerhaft erkannt"
