"""The content of the copy a client receives on a subject-access request (DP-7, Art. 15 DSGVO /
§ 17 KDG / § 19 DSG-EKD).

`subject_access_copy` turns the views of one client into one JSON-ready document: master data,
consents, residence history, case data, assessments, goals and steps, referrals with their
recipients, contacts, follow-ups, the history of corrections and every disclosure. The PDF and
the JSON file are both written from this one document, so they hold the same content. Catalog
codes become their German labels (the copy is for a person to read), dates are ISO in JSON.
The schema is documented in ``docs/subject-access.md`` and ``data/subject_access.schema.json``.

Nothing here reads the vault: the service hands in what belongs to this one client only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.followups import render_reason
from kim_tui.domain.geo import find_country, find_language
from kim_tui.domain.model import (
    AssessmentView,
    ClientDraft,
    ConsentView,
    ContactView,
    GoalAgreementView,
    RecordChangeView,
    ReferralView,
    ResidenceFactsDraft,
    ResidenceView,
)
from kim_tui.domain.record_history import describe
from kim_tui.domain.regime import regime
from kim_tui.domain.subject_access_information import subject_access_information

__all__ = [
    "SCHEMA_ID",
    "CaseRecord",
    "Disclosure",
    "FollowUpRecord",
    "SubjectAccessInput",
    "subject_access_copy",
]

SCHEMA_ID = "kim-subject-access/1"
"""The `schema` value of every copy; bumped when a field changes meaning."""

Json = dict[str, Any]
_CONVICTION = {"yes": "ja", "no": "nein", "unknown": "unbekannt"}


@dataclass(frozen=True)
class FollowUpRecord:
    """One follow-up (Wiedervorlage) of the client, open or done."""

    due_on: date
    original_due_on: date
    source: str
    reason: str
    done_on: date | None
    done_note: str


@dataclass(frozen=True)
class Disclosure:
    """One time identifying data of the client left the coach's vault."""

    on: date
    kind: str
    """"referral", "handover", "stand_in" or "bundle"."""
    recipient: str
    content: str
    """What travelled, in words."""
    basis: str
    """Why it was allowed (a consent, or the override and its reason)."""


@dataclass(frozen=True)
class CaseRecord:
    """One case of the client with everything recorded in it."""

    first_contact_on: date
    access_route: str
    referred_by: str | None
    legal_domains: tuple[str, ...]
    target_groups: tuple[str, ...]
    stage: str
    closed_on: date | None
    closure_reason: str | None
    themes: tuple[str, ...]
    assessments: tuple[AssessmentView, ...]
    agreements: tuple[GoalAgreementView, ...]
    referrals: tuple[ReferralView, ...]
    contacts: tuple[ContactView, ...]
    phase_by_hand: str | None = None
    """A phase the coach set by hand (it holds until cleared), with its reason and day."""
    phase_reason: str = ""
    phase_on: date | None = None


@dataclass(frozen=True)
class SubjectAccessInput:
    """Everything stored about one client, as the service read it."""

    client: ClientDraft
    facts: ResidenceFactsDraft
    consents: tuple[ConsentView, ...]
    residence: tuple[ResidenceView, ...]
    cases: tuple[CaseRecord, ...]
    follow_ups: tuple[FollowUpRecord, ...]
    disclosures: tuple[Disclosure, ...]
    restricted_on: date | None = None
    """Processing restricted since this day (the file is read-only), or None."""
    household_role: str | None = None
    """The client's role in a linked household (``household_roles`` code), or None."""
    household_others: int = 0
    """How many other clients' files the household links (never who: their data)."""
    retention_years: int = 3
    retention_end: date | None = None
    """The day after which the data are erased (all cases closed), or None."""


def _label(catalog_name: str, code: str | None) -> str:
    if not code:
        return ""
    entries = catalog(catalog_name)
    return entries.label(code) if code in entries else code


def _labels(catalog_name: str, codes: Sequence[str]) -> list[str]:
    return [_label(catalog_name, c) for c in codes]


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _country(code: str) -> str:
    found = find_country(code) if code else None
    return found.de if found is not None else code


def _language(code: str) -> str:
    found = find_language(code)
    return found.de if found is not None else code


def _theme(value: str) -> str:
    # Free-text themes are stored as "text:…"; catalog themes as codes.
    return value.removeprefix("text:") if value.startswith("text:") else _label("themes", value)


def _client(c: ClientDraft) -> Json:
    return {
        "given_name": c.given_name,
        "family_name": c.family_name,
        "other_names": c.other_names,
        "birth_date": _iso(c.birth_date),
        # 00.00.1990 on the papers: the date above holds the 1st in place of what is unknown.
        "birth_date_known": c.birth_precision,
        "gender": _label("genders", c.gender),
        "nationality": _country(c.nationality),
        "country_of_birth": _country(c.country_of_birth),
        "languages": [_language(code) for code in c.languages],
        "interpreter_needed": c.interpreter_needed,
        "address": c.address,
        "phone": c.phone,
        "household": [
            {"name": m.name, "relation": m.relation, "birth_date": _iso(m.birth_date)}
            for m in c.household
        ],
    }


def _facts(f: ResidenceFactsDraft) -> Json:
    return {
        "entry_on": _iso(f.entry_on),
        "german_level": f.german_level,
        "german_certificate_on": _iso(f.german_certificate_on),
        "livelihood_share": f.livelihood_share,
        "in_school_or_training": f.in_school_or_training,
        "school_months": f.school_months,
        "pension_months": f.pension_months,
        "conviction_over_threshold": _CONVICTION.get(
            f.conviction_over_threshold, f.conviction_over_threshold
        ),
    }


def _case(c: CaseRecord) -> Json:
    return {
        "first_contact_on": _iso(c.first_contact_on),
        "access_route": _label("access_routes", c.access_route),
        "referred_by": _label("agencies", c.referred_by),
        "legal_domains": _labels("legal_domains", c.legal_domains),
        "target_groups": _labels("target_groups", c.target_groups),
        "stage": _label("case_stages", c.stage),
        "phase_set_by_hand": (
            {"on": _iso(c.phase_on), "reason": c.phase_reason}
            if c.phase_by_hand is not None
            else None
        ),
        "closed_on": _iso(c.closed_on),
        "closure_reason": _label("closure_reasons", c.closure_reason),
        "themes": [_theme(t) for t in c.themes],
        "assessments": [
            {
                "assessed_on": _iso(a.assessed_on),
                "assessed_by": a.assessed_by,
                "ratings": [
                    {
                        "area": _label("priority_areas", r.area),
                        "level": r.level,
                        "situation": r.situation,
                        "resources": r.resources,
                    }
                    for r in a.ratings
                ],
            }
            for a in c.assessments
        ],
        "goal_agreements": [
            {
                "agreed_on": _iso(g.agreed_on),
                "review_on": _iso(g.review_on),
                "goals": [
                    {
                        "area": _label("priority_areas", goal.area),
                        "title": goal.title,
                        "indicator": goal.indicator,
                        "target_on": _iso(goal.target_on),
                        "status": _label("goal_statuses", goal.status),
                        "evaluation": goal.evaluation,
                        "steps": [
                            {
                                "text": s.text,
                                "owner": _label("step_owners", s.owner),
                                "due_on": _iso(s.due_on),
                                "done_on": _iso(s.done_on),
                            }
                            for s in goal.steps
                        ],
                    }
                    for goal in g.goals
                ],
            }
            for g in c.agreements
        ],
        "referrals": [
            {
                "recipient": _label("agencies", r.agency),
                "legal_domain": _label("legal_domains", r.legal_domain),
                "reason": r.reason,
                "sent_on": _iso(r.sent_on),
                "feedback_due_on": _iso(r.feedback_due_on),
                "status": _label("referral_statuses", r.status),
                "outcome": r.outcome,
                "outcome_on": _iso(r.outcome_on),
                "passes_identifying_data": r.passes_identifying_data,
                "override_reason": r.override_reason,
            }
            for r in c.referrals
        ],
        "contacts": [
            {
                "on": _iso(k.on),
                "kind": _label("contact_kinds", k.kind),
                "minutes": k.minutes,
                "interpreter": k.interpreter,
                "note": k.note,
            }
            for k in c.contacts
        ],
    }


def _plain(value: Any) -> Any:
    """A correction view's value as JSON: dates ISO, enums by value, anything else as text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(getattr(value, "value", value))


def _correction(entry: object) -> Json:
    if isinstance(entry, RecordChangeView):
        # In words, as the client file's Verlauf says it (Art. 12: intelligible), not the
        # stored fields and ids.
        text = describe(entry, "de")
        at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=UTC)
        return {
            "at": at.astimezone().isoformat(timespec="minutes"),
            "change": text.headline,
            "detail": text.detail,
        }
    if dataclasses.is_dataclass(entry) and not isinstance(entry, type):
        return {f.name: _plain(getattr(entry, f.name)) for f in dataclasses.fields(entry)}
    if isinstance(entry, dict):
        return {str(k): _plain(v) for k, v in entry.items()}
    return {"change": str(entry)}


def subject_access_copy(
    data: SubjectAccessInput,
    *,
    generated_on: date,
    regime_code: str = "dsgvo",
    organisation: str = "",
    corrections: Sequence[object] = (),
) -> Json:
    """The copy of everything stored about one client, as one JSON-ready document.

    `corrections` is the client's history of corrections as the history service returns it
    (any dataclass views or dicts; each becomes one object of its fields, values as text).
    """
    law = regime(regime_code)
    return {
        "schema": SCHEMA_ID,
        "generated_on": generated_on.isoformat(),
        "regime": {
            "code": law.code,
            "name": law.de,
            "access_right": law.cite("access", "de"),
            "authority": law.authority_de,
        },
        "controller": {"organisation": organisation},
        "client": _client(data.client),
        "file": {
            "restricted_on": _iso(data.restricted_on),
            "household_link": (
                {
                    "role": _label("household_roles", data.household_role),
                    "other_files": data.household_others,
                }
                if data.household_role is not None
                else None
            ),
        },
        "residence_facts": _facts(data.facts),
        "consents": [
            {
                "purpose": _label("consent_purposes", c.purpose.value),
                "recipient": _label("agencies", c.agency) or c.recipient,
                "scope": c.scope,
                "special_categories": c.special_categories,
                "given_on": _iso(c.given_on),
                "form": "schriftlich" if c.form.value == "written" else "mündlich",
                "witness": c.witness,
                "withdrawn_on": _iso(c.withdrawn_on),
            }
            for c in data.consents
        ],
        "residence_history": [
            {
                "status": _label("residence_statuses", r.status),
                "legal_basis": r.legal_basis,
                "valid_from": _iso(r.valid_from),
                "valid_until": _iso(r.valid_until),
            }
            for r in data.residence
        ],
        "cases": [_case(c) for c in data.cases],
        "follow_ups": [
            {
                "due_on": _iso(f.due_on),
                "original_due_on": _iso(f.original_due_on),
                "source": _label("follow_up_sources", f.source),
                "reason": render_reason(f.reason, "de"),
                "done_on": _iso(f.done_on),
                "done_note": f.done_note,
            }
            for f in data.follow_ups
        ],
        "corrections": [_correction(c) for c in corrections],
        "disclosures": [
            {
                "on": _iso(d.on),
                "kind": d.kind,
                "recipient": d.recipient,
                "content": d.content,
                "basis": d.basis,
            }
            for d in sorted(data.disclosures, key=lambda d: (d.on, d.kind))
        ],
        "information": subject_access_information(
            regime_code, data.retention_years, data.retention_end
        ),
    }
