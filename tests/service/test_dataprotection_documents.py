"""The Art. 15 copy, the consent form print, the print folder and the processing record, through
the Workspace and the `kim` commands. Two clients in one vault: the copy of one holds everything
of that one (in the PDF and the JSON) and nothing of the other."""

from __future__ import annotations

import json
import re
from datetime import date
from importlib import resources
from io import BytesIO
from pathlib import Path

import jsonschema
import pytest
from pypdf import PdfReader

from kim_tui.domain.model import (
    AreaRatingDraft,
    AssessmentDraft,
    ClientDraft,
    ConsentDraft,
    ConsentPurpose,
    ContactDraft,
    FollowUpDraft,
    GoalAgreementDraft,
    GoalDraft,
    IntakeDraft,
    ReferralDraft,
    ResidenceDraft,
    StepDraft,
)
from kim_tui.service.workspace import Workspace
from tests.builders import run_kim, vault_of_its_own
from tests.conftest import FIXED_TODAY, PASSPHRASE

D = date
OTHER = ("Svetlana", "Kuznetsova-Otherclient", "Дмитриевна-Другая")


def _pdf_text(path: Path) -> str:
    reader = PdfReader(BytesIO(path.read_bytes()))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


def _schema() -> dict[str, object]:
    raw = resources.files("kim_tui.documents").joinpath("data/subject_access.schema.json")
    loaded: dict[str, object] = json.loads(raw.read_text("utf-8"))
    return loaded


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    return tmp_path / "vault"


@pytest.fixture
def ws(vault_dir: Path) -> object:
    vault, _ = vault_of_its_own(vault_dir)
    workspace = Workspace(vault, today=lambda: FIXED_TODAY)
    yield workspace
    if workspace.is_open:
        workspace.close()


def _fill(ws: Workspace) -> tuple[str, str, str]:
    """Client A (Arabic-script name, Persian speaker) with a full case; client B with notes."""
    client, case = ws.intake(
        IntakeDraft(
            ClientDraft(
                "محمد",
                "رضایی",
                D(1990, 5, 3),
                other_names="Mohammed Rezaei",
                languages=("fas", "deu"),
                address="Hauptstraße 1, Köln",
            ),
            D(2026, 10, 1),
            residence=ResidenceDraft("gestattung", valid_until=D(2027, 3, 1)),
            consents=(
                ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, D(2026, 10, 1)),
                ConsentDraft(ConsentPurpose.SHARE_AGENCY, D(2026, 10, 1), agency="jobcenter"),
            ),
        )
    )
    ws.add_residence_record(client, ResidenceDraft("ae_25b", valid_until=D(2028, 1, 1)))
    ws.add_assessment(
        AssessmentDraft(case, D(2026, 10, 5), (AreaRatingDraft("housing", 3, "Notunterkunft"),))
    )
    ws.add_goal_agreement(
        GoalAgreementDraft(
            case,
            D(2026, 10, 6),
            D(2027, 1, 6),
            (
                GoalDraft(
                    "housing", "Eigene Wohnung", steps=(StepDraft("WBS beantragen", "client"),)
                ),
            ),
        )
    )
    ws.add_referral(ReferralDraft(case, "jobcenter", "sgb2", "Leistungsantrag", D(2026, 10, 7)))
    ws.add_contact(ContactDraft(case, D(2026, 10, 8), "phone", 20, "Rückruf wegen Wohnung"))
    ws.add_follow_up(FollowUpDraft(case, D(2026, 12, 1), "Termin Wohnungsamt"))
    other, other_case = ws.intake(
        IntakeDraft(
            ClientDraft(OTHER[0], OTHER[1], D(1985, 2, 2), other_names=OTHER[2]), D(2026, 9, 1)
        )
    )
    ws.add_contact(
        ContactDraft(other_case, D(2026, 10, 9), "in_person", 30, "Geheimnis-der-Anderen")
    )
    consent = next(c.id for c in ws.client_file(client).consents if c.agency == "jobcenter")
    return client, other, consent


def test_the_copy_is_complete_for_one_client_and_holds_nothing_of_the_other(
    ws: Workspace, tmp_path: Path
) -> None:
    client, _other, _consent = _fill(ws)
    out = tmp_path / "out"
    out.mkdir()
    corrections = [{"at": "2026-10-02T10:00:00", "field": "Anschrift", "old": "Ringstraße 9"}]
    pdf, data = ws.write_subject_access(
        client, str(out), regime_code="kdg", organisation="Caritas", corrections=corrections
    )
    assert "رضایی" not in Path(pdf).name and "Rezaei" not in Path(pdf).name
    assert re.fullmatch(r"Auskunft-[0-9a-f]{8}-2026-11-24\.pdf", Path(pdf).name)
    copy = json.loads(Path(data).read_text("utf-8"))
    jsonschema.validate(copy, _schema())
    assert copy["client"]["family_name"] == "رضایی"
    assert copy["regime"]["access_right"] == "§ 17 KDG"
    assert len(copy["residence_history"]) == 2
    (case,) = copy["cases"]
    assert case["assessments"][0]["ratings"][0]["situation"] == "Notunterkunft"
    assert case["goal_agreements"][0]["goals"][0]["steps"][0]["text"] == "WBS beantragen"
    assert case["referrals"][0]["reason"] == "Leistungsantrag"
    assert case["contacts"][0]["note"] == "Rückruf wegen Wohnung"
    assert any(f["reason"] == "Termin Wohnungsamt" for f in copy["follow_ups"])
    assert copy["corrections"] == corrections
    (disclosure,) = copy["disclosures"]
    assert disclosure["kind"] == "referral" and disclosure["recipient"] == "Jobcenter"
    assert disclosure["basis"].startswith("Einwilligung")

    text = _pdf_text(Path(pdf))
    assert "Auskunft über gespeicherte Daten nach § 17 KDG" in text
    for needle in (
        "رضایی",
        "Mohammed Rezaei",
        "Notunterkunft",
        "WBS beantragen",
        "Leistungsantrag",
        "Rückruf wegen Wohnung",
        "Termin Wohnungsamt",
        "Ringstraße 9",
        "Weitergaben an Dritte",
        "Jobcenter",
    ):
        assert needle in text, needle
    everything = text + Path(data).read_text("utf-8")
    for needle in (*OTHER, "Geheimnis-der-Anderen"):
        assert needle not in everything
    assert ws.audit_log(limit=1)[0].action == "client.subject_access"


def test_a_bundle_with_identifying_data_is_a_disclosure(ws: Workspace, tmp_path: Path) -> None:
    from tests.service.test_unit_of_work import _coordinator

    client, _other, _consent = _fill(ws)
    ws.add_consent(
        ws.client_file(client).case_id,
        ConsentDraft(ConsentPurpose.SHARE_COORDINATOR, FIXED_TODAY),
    )
    ws.create_identity("Anna", "Caritas")
    ws.connect_coordinator(_coordinator())
    ws.export_weekly(str(tmp_path))
    kinds = [d["kind"] for d in ws.subject_access_copy(client)["disclosures"]]
    assert sorted(kinds) == ["bundle", "referral"]


def test_consent_form_prints_in_the_clients_language_with_a_name_free_file_name(
    ws: Workspace, tmp_path: Path
) -> None:
    client, _other, consent = _fill(ws)
    case_id = ws.client_file(client).case_id
    assert ws.print_folder() == "~"
    assert ws.set_print_folder(str(tmp_path)) == str(tmp_path)
    suggested = ws.printout_path("Einwilligung", case_id)
    assert Path(suggested).parent == tmp_path
    assert "رضایی" not in suggested and case_id[:8] in suggested
    written = ws.print_consent_form(consent, suggested, organisation="Caritas Köln")
    text = _pdf_text(Path(written))
    assert "Schweigepflichtentbindung" in text and "رضایت‌نامه" in text.replace(" ", " ")
    assert "Jobcenter" in text
    # the next suggestion does not collide with the file just written
    assert ws.printout_path("Einwilligung", case_id) != suggested
    with pytest.raises(Exception, match="existiert bereits"):
        ws.print_consent_form(consent, written, organisation="Caritas Köln")
    with pytest.raises(Exception, match="gibt es nicht"):
        ws.set_print_folder(str(tmp_path / "missing"))


def test_kim_subject_access_and_processing_record(
    ws: Workspace, vault_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client, _other, _consent = _fill(ws)
    ws.set_retention_years(5)  # the record states this vault's rule, not the default
    ws.close()
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    secret.chmod(0o600)
    out = tmp_path / "out"
    out.mkdir()
    common = ("--vault", str(vault_dir), "--passphrase-file", str(secret))
    code, stdout, _err = run_kim(
        capsys, "subject-access", *common, "--client", client, "--out", str(out)
    )
    assert code == 0 and "Auskunft geschrieben" in stdout
    assert sorted(p.suffix for p in out.iterdir()) == [".json", ".pdf"]
    code, _out, err = run_kim(
        capsys, "subject-access", *common, "--client", "nobody", "--out", str(out)
    )
    assert code == 1 and err

    for name in ("record.md", "record.pdf"):
        code, stdout, _err = run_kim(
            capsys, "processing-record", *common, "--out", str(tmp_path / name)
        )
        assert code == 0, stdout
    markdown = (tmp_path / "record.md").read_text("utf-8")
    pdf_text = _pdf_text(tmp_path / "record.pdf")
    for text in (markdown, pdf_text):
        assert "Art. 30 DSGVO" in text and "Technische und organisatorische" in text
        assert "Art. 10 DSGVO" in text and "pseudonym" in text
        assert "Nicht geschützt" in text
        assert "plus 5 Jahre" in " ".join(text.split())
        for needle in ("رضایی", "Mohammed", "Rezaei", *OTHER, "Hauptstraße"):
            assert needle not in text
    code, _out, err = run_kim(
        capsys, "processing-record", *common, "--out", str(tmp_path / "x.txt")
    )
    assert code == 1 and ".md" in err


def test_a_referral_without_consent_is_listed_with_its_override_reason(ws: Workspace) -> None:
    client, _other, _consent = _fill(ws)
    case_id = ws.client_file(client).case_id
    ws.add_referral(
        ReferralDraft(
            case_id,
            "auslaenderbehoerde",
            "aufenthg",
            "Frist",
            D(2026, 11, 2),
            override_reason="Eilfall: Abschiebung droht",
        )
    )
    ws.add_referral(
        ReferralDraft(
            case_id, "jugendamt", "sgb8", "Kita", D(2026, 11, 3), passes_identifying_data=False
        )
    )
    disclosures = ws.subject_access_copy(client)["disclosures"]
    by_recipient = {d["recipient"]: d for d in disclosures}
    assert set(by_recipient) == {"Jobcenter", "Ausländerbehörde"}  # the anonymous one is not
    assert by_recipient["Ausländerbehörde"]["basis"] == (
        "ohne Einwilligung; Begründung: Eilfall: Abschiebung droht"
    )


def test_the_copy_holds_the_history_of_corrections(ws: Workspace) -> None:
    """Art. 15 covers what was corrected too: the old address is in the copy, as history."""
    client, _other, _consent = _fill(ws)
    before = ws.client_file(client)
    old = before.client
    ws.update_client(
        client,
        ClientDraft(
            old.given_name,
            old.family_name,
            old.birth_date,
            other_names=old.other_names,
            languages=old.languages,
            address="Neue Straße 7, Köln",
        ),
    )
    copy = ws.subject_access_copy(client)
    text = json.dumps(copy["corrections"], ensure_ascii=False)
    assert "Hauptstraße 1, Köln" in text and "Neue Straße 7, Köln" in text
    # In words, as the Verlauf says it (Art. 12), not the stored fields and ids.
    assert {
        "change": "Adresse geändert",
        "detail": "Hauptstraße 1, Köln → Neue Straße 7, Köln",
    }.items() <= copy["corrections"][0].items()
    assert "entity_id" not in text and client not in text
    # Follow-up reasons read as in the list, not as stored codes.
    assert all(not f["reason"].startswith("{") for f in copy["follow_ups"])
    jsonschema.validate(copy, _schema())


def test_the_consent_form_names_exactly_the_special_categories_the_consent_covers(
    ws: Workspace, tmp_path: Path
) -> None:
    from kim_tui.store.errors import ValidationError

    client, _other, plain = _fill(ws)
    case_id = ws.client_file(client).case_id
    covering = ws.add_consent(
        case_id,
        ConsentDraft(
            ConsentPurpose.SHARE_AGENCY, D(2026, 10, 2), agency="jobcenter", special_categories=True
        ),
    )
    with pytest.raises(ValidationError, match="bitte angeben, welche"):
        ws.print_consent_form(covering, str(tmp_path / "a.pdf"), organisation="Caritas")
    with pytest.raises(ValidationError, match="umfasst keine besonderen"):
        ws.print_consent_form(
            plain, str(tmp_path / "b.pdf"), organisation="Caritas", special_categories=("health",)
        )
    assert [label for code, label in ws.special_category_choices()][0] == "Gesundheit"
    written = ws.print_consent_form(
        covering, str(tmp_path / "c.pdf"), organisation="Caritas", special_categories=("health",)
    )
    assert "Gesundheit" in _pdf_text(Path(written))


def test_the_copy_says_what_art_15_asks_besides_the_data(ws: Workspace, tmp_path: Path) -> None:
    """Restriction and household link as facts, a consent's recipient, scope, special
    categories and witness, a phase set by hand with its reason, and the information block:
    purposes, recipients, this person's retention end, the rights with the regime's articles
    and the authority, the source, no automated decision."""
    from kim_tui.domain.catalogs import catalog
    from kim_tui.domain.model import ClosureDraft, ConsentForm
    from tests.builders import intake_client

    client, case = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12))
    partner, _ = intake_client(ws, "Minh", "Nguyen", D(1993, 2, 2))
    ws.link_household_member(client, partner, "spouse")
    ws.add_consent(
        case,
        ConsentDraft(
            ConsentPurpose.SHARE_AGENCY,
            D(2026, 11, 2),
            form=ConsentForm.ORAL,
            recipient="Frauenberatung Köln",
            scope="Wohnungssuche",
            special_categories=True,
            witness="Dolmetscherin A. Karimi",
        ),
    )
    ws.set_phase_by_hand(case, "goal_agreement", "Klientin möchte erst die Wohnung klären")
    ws.close_case(ClosureDraft(case, FIXED_TODAY, "goals_reached"))
    ws.restrict_client(client)
    ws.set_regime("kdg")

    copy = ws.subject_access_copy(client, regime_code="kdg")
    jsonschema.validate(copy, _schema())
    household = ws.household(client)
    assert household is not None
    assert copy["file"] == {
        "restricted_on": FIXED_TODAY.isoformat(),
        "household_link": {
            "role": catalog("household_roles").label(household.role),
            "other_files": 1,
        },
    }
    consent = next(c for c in copy["consents"] if c["recipient"] == "Frauenberatung Köln")
    assert (consent["scope"], consent["special_categories"], consent["witness"]) == (
        "Wohnungssuche",
        True,
        "Dolmetscherin A. Karimi",
    )
    assert copy["cases"][0]["phase_set_by_hand"]["reason"] == (
        "Klientin möchte erst die Wohnung klären"
    )
    info = copy["information"]
    assert info["storage"].endswith("nach dem 31.12.2029 gelöscht.")
    assert any("§ 19 KDG" in r for r in info["rights"])  # erasure under the KDG
    assert any(r.startswith("Beschwerde bei der Aufsicht") for r in info["rights"])
    assert any("Koordinierung" in r for r in info["recipients"])
    assert "keine automatisierte Entscheidung" in info["automated_decisions"]
    assert "Minh" not in json.dumps(copy, ensure_ascii=False)  # the partner's data stay out

    pdf, _data = ws.write_subject_access(client, str(tmp_path), regime_code="kdg")
    text = _pdf_text(Path(pdf))
    for needle in (
        "Zwecke, Empfänger, Speicherdauer und Ihre Rechte",
        "Verarbeitung eingeschränkt seit",
        "Dolmetscherin A. Karimi",
        "31.12.2029",
        "Beschwerde bei der Aufsicht",
    ):
        assert needle in text, needle
