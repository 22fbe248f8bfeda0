"""The Art. 15 copy lists every weekly bundle that carried records of the person, with the
name or pseudonymised, as the export noted it (`sync.disclosure_ledger`, schema 0018)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import jsonschema
import pytest
from sqlmodel import Session, col, select

from kim_tui.domain.model import (
    AreaRatingDraft,
    AssessmentDraft,
    ConsentDraft,
    ConsentPurpose,
)
from kim_tui.service.workspace import Workspace
from kim_tui.store.models import BundleDisclosure, VaultSetting
from kim_tui.sync.coach_state import DISCLOSURES_FROM
from tests.builders import intake_client
from tests.conftest import FIXED_TODAY
from tests.service.test_dataprotection_documents import _schema
from tests.service.test_unit_of_work import _coordinator

D = date


@pytest.fixture
def ws(vault) -> Workspace:  # type: ignore[no-untyped-def]
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    ws.create_identity("Anna", "Caritas")
    ws.connect_coordinator(_coordinator())
    return ws


def bundles(ws: Workspace, client_id: str) -> list[str]:
    return [
        d["content"]
        for d in ws.subject_access_copy(client_id)["disclosures"]
        if d["kind"] == "bundle"
    ]


COPIED = (
    "Stammdaten, aktuelles Aufenthaltspapier, offener Fall mit Einwilligungen, "
    "Zielvereinbarungen, Wiedervorlagen und den Kontakten der letzten 90 Tage"
)


def share(special: bool) -> ConsentDraft:
    return ConsentDraft(ConsentPurpose.SHARE_COORDINATOR, FIXED_TODAY, special_categories=special)


def test_each_bundle_says_whether_the_name_went(ws: Workspace, tmp_path: Path) -> None:
    lan, lan_case = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12))
    ws.add_consent(lan_case, share(special=False))
    ws.export_weekly(str(tmp_path))  # 1: a consent without special categories: no name
    ws.add_consent(lan_case, share(special=True))
    ws.export_weekly(str(tmp_path))  # 2: now with the name
    other, _ = intake_client(ws, "Ada", "Berg", D(1980, 1, 1))
    ws.export_weekly(str(tmp_path))  # 3: only Ada's records
    ws.add_assessment(AssessmentDraft(lan_case, FIXED_TODAY, (AreaRatingDraft("work", 2),)))
    ws.export_weekly(str(tmp_path))  # 4: Lan's assessment only, her client row stays home

    first, second, fourth = bundles(ws, lan)
    assert first.startswith("Wochenpaket ") and "(Nr. 1), pseudonymisiert" in first
    assert "mit Namen" not in first and "Bedarf je Handlungsfeld" in first
    assert "(Nr. 2), mit Namen: Name" in second
    assert "Geburtsdatum" in second and "Anschrift" in second
    assert "(Nr. 4), pseudonymisiert" in fourth
    (ada,) = bundles(ws, other)
    assert "(Nr. 3)" in ada and "pseudonymisiert" in ada


def test_a_restricted_client_is_listed_without_the_name(ws: Workspace, tmp_path: Path) -> None:
    lan, lan_case = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12))
    ws.add_consent(lan_case, share(special=True))
    ws.restrict_client(lan)
    ws.export_weekly(str(tmp_path))
    (line,) = bundles(ws, lan)
    assert "mit Namen" not in line and "pseudonymisiert" in line


def test_bundles_before_the_ledger_are_worked_out_and_say_so(ws: Workspace, tmp_path: Path) -> None:
    """A vault upgraded after two bundles: those two come from the audit trail (the name when
    a sharing consent was valid, as kim sent it then), the third from the ledger."""
    lan, lan_case = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12))
    ws.add_consent(lan_case, share(special=False))
    ws.export_weekly(str(tmp_path))
    intake_client(ws, "Ada", "Berg", D(1980, 1, 1))
    ws.export_weekly(str(tmp_path))
    with Session(ws.vault.engine) as s:  # as schema 0018 finds a vault after bundle 2
        for row in s.exec(select(BundleDisclosure)).all():
            s.delete(row)
        s.merge(VaultSetting(key=DISCLOSURES_FROM, value="3"))
        s.commit()
    ws.update_client(lan, ws.client_file(lan).client)
    ws.export_weekly(str(tmp_path))

    first, third = bundles(ws, lan)
    assert "(Nr. 1), mit Namen" in first and first.endswith("(aus dem Protokoll erschlossen)")
    assert "(Nr. 3), pseudonymisiert" in third and "erschlossen" not in third


def test_a_merged_file_brings_its_bundles_and_erasure_takes_them(
    ws: Workspace, tmp_path: Path
) -> None:
    lan, _ = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12))
    ws.export_weekly(str(tmp_path))  # 1: Lan
    twin, _ = intake_client(ws, "Lan", "Nguyen-Tran", D(1995, 12, 12))
    ws.export_weekly(str(tmp_path))  # 2: the second file of the same person
    ws.merge_clients(lan, twin)
    ws.export_weekly(str(tmp_path))  # 3: the merge
    assert ["(Nr. 1)" in b or "(Nr. 2)" in b or "(Nr. 3)" in b for b in bundles(ws, lan)] == [
        True,
        True,
        True,
    ]

    ws.erase_client(lan, "Antrag der Klientin")
    with Session(ws.vault.engine) as s:
        left = s.exec(
            select(BundleDisclosure.client_id).where(
                col(BundleDisclosure.client_id).in_([lan, twin])
            )
        ).all()
    assert left == []  # the merged-away file is the same person: erased with her


def test_a_stand_in_copy_is_a_disclosure_with_its_basis(ws: Workspace, tmp_path: Path) -> None:
    """A copy lent to a colleague is listed: to whom, until when, and why it was allowed (the
    same provider; another provider only on the client's consent)."""
    from dataclasses import replace

    from tests.service.test_unit_of_work import _colleague

    same = replace(_colleague(), name="Bruno", organisation="Caritas")
    other = _colleague()  # "Kollegin", DRK
    ws.add_colleague(same)
    ws.add_colleague(other)
    lan, lan_case = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12))
    ws.add_consent(
        lan_case,
        ConsentDraft(ConsentPurpose.SHARE_AGENCY, FIXED_TODAY, recipient="DRK"),
    )
    ws.send_stand_in("Bruno", D(2026, 12, 18), [lan], str(tmp_path / "bruno.kimh"))
    ws.send_stand_in("Kollegin", D(2027, 1, 8), [lan], str(tmp_path / "drk.kimh"))

    copy = ws.subject_access_copy(lan)
    jsonschema.validate(copy, _schema())
    lines = [
        (d["recipient"], d["content"], d["basis"])
        for d in copy["disclosures"]
        if d["kind"] == "stand_in"
    ]
    assert lines == [
        (
            "Bruno (Caritas)",
            "befristete Vertretungskopie bis 18.12.2026 (danach dort gelöscht): " + COPIED,
            "Vertretung beim selben Träger",
        ),
        (
            "Kollegin (DRK)",
            "befristete Vertretungskopie bis 08.01.2027 (danach dort gelöscht): " + COPIED,
            "Einwilligung (Schweigepflichtentbindung)",
        ),
    ]


def test_erasing_a_lent_file_names_the_colleagues_to_tell(ws: Workspace, tmp_path: Path) -> None:
    """The copy a colleague holds is erased there only after the stand-in's end: the erasure
    says who holds one until when, so the coach can tell them now."""
    from dataclasses import replace

    from kim_tui.domain.erasure_notice import copies_lent_message
    from kim_tui.domain.model import ClosureDraft
    from kim_tui.i18n import set_language
    from tests.service.test_unit_of_work import _colleague

    ws.add_colleague(replace(_colleague(), name="Bruno", organisation="Caritas"))
    lan, lan_case = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12))
    ada, ada_case = intake_client(ws, "Ada", "Berg", D(1980, 1, 1))
    ws.send_stand_in("Bruno", D(2026, 12, 18), [lan], str(tmp_path / "lan.kimh"))
    ws.send_stand_in("Bruno", D(2026, 12, 18), [ada], str(tmp_path / "ada.kimh"))

    result = ws.erase_client(lan, "Antrag der Klientin")
    assert result.copies_lent == (("Bruno", D(2026, 12, 18)),)
    message = copies_lent_message(result)
    assert "Bruno (bis 18.12.2026)" in message and "unterrichten" in message
    set_language("en")
    try:
        assert "Bruno (until 18.12.2026)" in copies_lent_message(result)
    finally:
        set_language("de")

    # After the stand-in's end the colleague's copy is gone (or goes at their next unlock).
    later = Workspace(ws.vault, today=lambda: D(2026, 12, 19))
    later.close_case(ClosureDraft(ada_case, D(2026, 12, 19), "moved_away"))
    done = later.erase_client(ada)
    assert done.copies_lent == () and copies_lent_message(done) == ""


def test_a_resend_never_takes_back_that_the_name_went(ws: Workspace, tmp_path: Path) -> None:
    """`kim export --resend 1` after the consent was withdrawn re-creates bundle 1 without
    the name, but the first one went with it: the copy keeps saying so."""
    from kim_tui.sync.exporter import export_bundle

    lan, lan_case = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12))
    consent = ws.add_consent(lan_case, share(special=True))
    ws.export_weekly(str(tmp_path))
    (first,) = bundles(ws, lan)
    assert "(Nr. 1), mit Namen" in first

    ws.withdraw_consent(consent, FIXED_TODAY)
    export_bundle(ws.vault, tmp_path, resend=1)
    assert bundles(ws, lan) == [first]


def test_a_new_coordinator_keeps_the_old_ones_bundles_in_the_copy(
    ws: Workspace, tmp_path: Path
) -> None:
    """Connecting another coordinator starts a new chain at bundle 1; the bundles the old one
    received stay in the copy under its name (Art. 15: every recipient), and the new bundle 1
    is not taken for the old one."""
    from dataclasses import replace

    lan, lan_case = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12))
    consent = ws.add_consent(lan_case, share(special=True))
    ws.export_weekly(str(tmp_path))
    ws.connect_coordinator(replace(_coordinator(), name="Neue Koordinierung"))
    ws.withdraw_consent(consent, FIXED_TODAY)
    ws.export_weekly(str(tmp_path))
    lines = [
        (d["recipient"], "mit Namen" in d["content"], "(Nr. 1)" in d["content"])
        for d in ws.subject_access_copy(lan)["disclosures"]
        if d["kind"] == "bundle"
    ]
    assert sorted(lines) == [
        ("KIM-Koordinierung (Koordinierung)", True, True),
        ("KIM-Koordinierung (Neue Koordinierung)", False, True),
    ]


def test_the_worked_out_bundles_include_those_of_a_merged_file(
    ws: Workspace, tmp_path: Path
) -> None:
    """Before the ledger: a bundle that carried only the second file's assessment is listed
    in the copy of the person it was merged into."""
    lan, _ = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12))
    ws.export_weekly(str(tmp_path))  # 1
    twin, twin_case = intake_client(ws, "Lan", "Nguyen-Tran", D(1995, 12, 12))
    ws.export_weekly(str(tmp_path))  # 2
    ws.add_assessment(AssessmentDraft(twin_case, FIXED_TODAY, (AreaRatingDraft("work", 2),)))
    ws.export_weekly(str(tmp_path))  # 3: only the second file's assessment
    ws.merge_clients(lan, twin)
    with Session(ws.vault.engine) as s:  # as schema 0018 finds a vault after bundle 3
        for row in s.exec(select(BundleDisclosure)).all():
            s.delete(row)
        s.merge(VaultSetting(key=DISCLOSURES_FROM, value="4"))
        s.commit()
    got = bundles(ws, lan)
    assert [n for n in (1, 2, 3) if any(f"(Nr. {n})" in b for b in got)] == [1, 2, 3]


def test_erasure_names_the_colleague_holding_a_merged_files_copy(
    ws: Workspace, tmp_path: Path
) -> None:
    from dataclasses import replace

    from tests.service.test_unit_of_work import _colleague

    ws.add_colleague(replace(_colleague(), name="Bruno", organisation="Caritas"))
    lan, _ = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12))
    twin, _ = intake_client(ws, "Lan", "Nguyen-Tran", D(1995, 12, 12))
    ws.send_stand_in("Bruno", D(2026, 12, 18), [twin], str(tmp_path / "t.kimh"))
    ws.merge_clients(lan, twin)
    result = ws.erase_client(lan, "Antrag der Klientin")
    assert result.copies_lent == (("Bruno", D(2026, 12, 18)),)
