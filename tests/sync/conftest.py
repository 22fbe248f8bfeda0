"""Fixtures for the sync tests: small coach vaults, coordinator stores, quick bundle exports."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kim_tui.coordinator.store import CoordinatorStore
from kim_tui.domain.model import (
    AreaRatingDraft,
    AssessmentDraft,
    ClientDraft,
    ConsentDraft,
    ConsentPurpose,
    ContactDraft,
    GoalAgreementDraft,
    GoalDraft,
    IntakeDraft,
    ReferralDraft,
    ResidenceDraft,
)
from kim_tui.service.workspace import Workspace
from kim_tui.store.models import Client
from kim_tui.store.unit_of_work import UnitOfWork
from kim_tui.store.vault import Vault
from kim_tui.sync.exporter import ExportResult, export_bundle
from tests.builders import vault_of_its_own
from tests.conftest import FAST_KDF_KIB, FIXED_TODAY, PASSPHRASE

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


@dataclass
class Coach:
    """An open coach vault with its workspace and the plain facts the tests check against."""

    vault: Vault
    ws: Workspace
    secret_texts: set[str] = field(default_factory=set)
    sharing: dict[str, str] = field(default_factory=dict)  # client id → consent id
    private: list[str] = field(default_factory=list)  # client ids without sharing consent
    cases: dict[str, str] = field(default_factory=dict)  # client id → case id

    def export(
        self, out: Path, *, week: str | None = None, resend: int | None = None, days: int = 0
    ) -> ExportResult:
        return export_bundle(
            self.vault, out, week=week, resend=resend, now=NOW + timedelta(days=days)
        )

    def add_client(self, i: int, *, share: bool) -> str:
        given, family = f"Vorname{i:03d}x", f"Nachname{i:03d}y"
        address, phone = f"Geheimweg {i} Adresse", f"0170-55{i:05d}"
        born = date(1980, 1, 1) + timedelta(days=300 * i)
        consents = [ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, FIXED_TODAY - timedelta(days=30))]
        if share:
            consents.append(
                ConsentDraft(
                    ConsentPurpose.SHARE_COORDINATOR,
                    FIXED_TODAY - timedelta(days=30),
                    special_categories=True,  # the needs (health among them) travel along
                )
            )
        cid, case_id = self.ws.intake(
            IntakeDraft(
                ClientDraft(
                    given,
                    family,
                    born,
                    gender="f",
                    nationality="SYR",
                    address=address,
                    phone=phone,
                    languages=("ara",),
                ),
                FIXED_TODAY - timedelta(days=40 + i),
                legal_domains=("aufenthg",),
                target_groups=("residence_improvement",),
                residence=ResidenceDraft("duldung", valid_until=FIXED_TODAY + timedelta(days=90)),
                consents=tuple(consents),
            )
        )
        note = f"Notiz-Geheimnis-{i:03d} über die Familie"
        situation = f"Lage-Geheimnis-{i:03d}"
        self.ws.add_assessment(
            AssessmentDraft(
                case_id,
                FIXED_TODAY - timedelta(days=20),
                (
                    AreaRatingDraft("residence", 3, situation=situation),
                    AreaRatingDraft("language", 2),
                ),
                assessed_by="Coach Müller",
            )
        )
        self.ws.add_goal_agreement(
            GoalAgreementDraft(
                case_id,
                FIXED_TODAY - timedelta(days=15),
                FIXED_TODAY + timedelta(days=60),
                (GoalDraft("residence", f"Ziel-Geheimnis-{i:03d}", status="achieved"),),
            )
        )
        self.ws.add_referral(
            ReferralDraft(
                case_id,
                "auslaenderbehoerde",
                "aufenthg",
                f"Grund-Geheimnis-{i:03d}",
                FIXED_TODAY - timedelta(days=10),
                passes_identifying_data=False,
            )
        )
        self.ws.add_contact(
            ContactDraft(case_id, FIXED_TODAY - timedelta(days=5), "in_person", 45, note=note)
        )
        self.cases[cid] = case_id
        if share:
            consent = next(
                c
                for c in self.ws.client_file(cid).consents
                if c.purpose is ConsentPurpose.SHARE_COORDINATOR
            )
            self.sharing[cid] = consent.id
        else:
            self.private.append(cid)
            self.secret_texts.update({given, family, address, phone, born.isoformat()})
        self.secret_texts.update(
            {note, situation, f"Ziel-Geheimnis-{i:03d}", f"Grund-Geheimnis-{i:03d}", "Coach Müller"}
        )
        return cid

    def tombstone_client(self, client_id: str) -> None:
        """Delete a client the way a future delete function will: through the unit of work
        (new revision + deleted_at, one audit event)."""
        with UnitOfWork(self.vault.engine).write("client.delete", "client", client_id) as tx:
            row = tx.session.get(Client, client_id)
            assert row is not None
            row.deleted_at = NOW
            tx.session.add(row)


def make_coach(directory: Path, name: str, coordinator: CoordinatorStore | None) -> Coach:
    vault, _rk = vault_of_its_own(directory)
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    pub = ws.create_identity(name, f"Träger {name}")
    if coordinator is not None:
        ws.connect_coordinator(coordinator.public())
    if coordinator is not None:
        coordinator.enroll(pub)
    return Coach(vault, ws)


@dataclass
class Fork:
    """Branch A (the laptop as it was) imported up to bundle 2; branch B (restored from a backup
    taken after bundle 1) made its own bundles 2 and 3, both held back."""

    a1: Path
    a2: Path
    b2: Path
    b3: Path


def make_fork(tmp_path: Path, coordinator: CoordinatorStore, coach: Coach, outbox: Path) -> Fork:
    """Import branch A's bundles 1 and 2, then hold back branch B's 2 and 3 (see `Fork`)."""
    from kim_tui.coordinator.importer import HELD, IMPORTED, import_bundle
    from kim_tui.domain.model import ClosureDraft

    def imported(*paths: Path) -> list[str]:
        return [import_bundle(coordinator, p.read_bytes(), p.name).status for p in paths]

    first = coach.add_client(1, share=False)
    a1 = coach.export(outbox).path
    coach.ws.close()
    backup = tmp_path / "backup"
    shutil.copytree(coach.vault.directory, backup)
    reopened = Vault.open(coach.vault.directory, PASSPHRASE)
    coach.vault, coach.ws = reopened, Workspace(reopened, today=lambda: FIXED_TODAY)
    # Branch A writes a lot after the backup, so its revisions run ahead of branch B's.
    coach.add_client(2, share=False)
    coach.ws.close_case(ClosureDraft(coach.cases[first], FIXED_TODAY, "moved_away"))
    a2 = coach.export(outbox, days=7).path
    assert imported(a1, a2) == [IMPORTED, IMPORTED]

    old = Vault.open(backup, PASSPHRASE)
    restored = Coach(old, Workspace(old, today=lambda: FIXED_TODAY))
    try:
        restored.ws.close_case(ClosureDraft(coach.cases[first], FIXED_TODAY, "goals_reached"))
        restored.add_client(3, share=False)
        b2 = restored.export(tmp_path, days=8).path
        restored.add_client(4, share=False)
        b3 = restored.export(tmp_path, days=14).path
    finally:
        restored.ws.close()
    assert imported(b2, b3) == [HELD, HELD]
    return Fork(a1, a2, b2, b3)


@pytest.fixture
def coordinator(tmp_path: Path) -> Iterator[CoordinatorStore]:
    store, _rk = CoordinatorStore.create(
        tmp_path / "coord", PASSPHRASE, name="Koordinierung", kdf_memory_kib=FAST_KDF_KIB
    )
    yield store
    store.close()


@pytest.fixture
def coach(tmp_path: Path, coordinator: CoordinatorStore) -> Iterator[Coach]:
    c = make_coach(tmp_path / "coach", "Anna", coordinator)
    yield c
    c.ws.close()


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    return out


@dataclass
class ForkTemplate:
    """A closed coordinator store and coach vault after `make_fork`, built once per session
    (per xdist worker); every test works on its own copy (`Forked`)."""

    directory: Path
    fork: Fork
    coach_facts: Coach


@dataclass
class Forked:
    """One test's open copy of the fork template."""

    coordinator: CoordinatorStore
    coach: Coach
    fork: Fork


@pytest.fixture(scope="session")
def fork_template(tmp_path_factory: pytest.TempPathFactory) -> ForkTemplate:
    base = tmp_path_factory.mktemp("fork-template")
    store, _rk = CoordinatorStore.create(
        base / "coord", PASSPHRASE, name="Koordinierung", kdf_memory_kib=FAST_KDF_KIB
    )
    coach = make_coach(base / "coach", "Anna", store)
    out = base / "out"
    out.mkdir()
    branches = base / "branches"
    branches.mkdir()
    try:
        fork = make_fork(branches, store, coach, out)
    finally:
        coach.ws.close()
        store.close()
    return ForkTemplate(base, fork, coach)


@pytest.fixture
def forked(tmp_path: Path, fork_template: ForkTemplate) -> Iterator[Forked]:
    """A copy of the fork template, opened: the store, the coach (branch A) and the bundles."""
    copy = tmp_path / "forked"
    shutil.copytree(fork_template.directory, copy)

    def moved(path: Path) -> Path:
        return copy / path.relative_to(fork_template.directory)

    store = CoordinatorStore.open(copy / "coord", PASSPHRASE)
    vault = Vault.open(copy / "coach", PASSPHRASE)
    facts = fork_template.coach_facts
    coach = Coach(
        vault,
        Workspace(vault, today=lambda: FIXED_TODAY),
        secret_texts=set(facts.secret_texts),
        sharing=dict(facts.sharing),
        private=list(facts.private),
        cases=dict(facts.cases),
    )
    template = fork_template.fork
    fork = Fork(moved(template.a1), moved(template.a2), moved(template.b2), moved(template.b3))
    yield Forked(store, coach, fork)
    if coach.ws.is_open:
        coach.ws.close()
    store.close()
