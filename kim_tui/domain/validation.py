"""Validation of what a coach types: every rule gives a specific German message per field.

Used by the intake form (inline), the service (as a last guard) and the CSV import (per row).
Each function returns a mapping field → message; empty means valid.
"""

from __future__ import annotations

from datetime import date

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.geo import find_country, find_language
from kim_tui.domain.model import ClientDraft, ConsentPurpose, IntakeDraft, ResidenceDraft

MAX_NAME = 200
MAX_AGE_YEARS = 120


def validate_client(client: ClientDraft, today: date) -> dict[str, str]:
    """Rules for a person's master data."""
    problems: dict[str, str] = {}
    if not client.family_name.strip():
        problems["family_name"] = "Bitte den Familiennamen angeben."
    for field, value in (("given_name", client.given_name), ("family_name", client.family_name)):
        if len(value) > MAX_NAME:
            problems[field] = f"Name ist zu lang (höchstens {MAX_NAME} Zeichen)."
        if "\x00" in value:
            problems[field] = "Name enthält ein Nullzeichen."
    if client.birth_date is not None:
        if client.birth_date > today:
            problems["birth_date"] = (
                f"Geburtsdatum {format_date(client.birth_date)} liegt in der Zukunft."
            )
        elif client.birth_date.year < today.year - MAX_AGE_YEARS:
            problems["birth_date"] = (
                f"Geburtsdatum {format_date(client.birth_date)} liegt mehr als "
                f"{MAX_AGE_YEARS} Jahre zurück."
            )
    if client.gender and client.gender not in catalog("genders"):
        problems["gender"] = f"Unbekanntes Geschlecht {client.gender!r}."
    for field, code in (
        ("nationality", client.nationality),
        ("country_of_birth", client.country_of_birth),
    ):
        found = find_country(code) if code else None
        if code and (found is None or found.code != code):
            problems[field] = f"Unbekanntes Land {code!r}."
    for code in client.languages:
        language = find_language(code)
        if language is None or language.code != code:
            problems["languages"] = f"Unbekannte Sprache {code!r}."
    return problems


def validate_residence(residence: ResidenceDraft, today: date) -> dict[str, str]:
    """A current status must be a known code and, if dated, not already expired."""
    problems: dict[str, str] = {}
    if residence.status not in catalog("residence_statuses"):
        problems["residence_status"] = f"Unbekannter Aufenthaltsstatus {residence.status!r}."
    if residence.valid_until is not None and residence.valid_until < today:
        problems["residence_valid_until"] = (
            f"Gültig bis {format_date(residence.valid_until)} liegt vor heute: "
            "für einen abgelaufenen Titel bitte den aktuellen Status erfassen."
        )
    if (
        residence.valid_from is not None
        and residence.valid_until is not None
        and residence.valid_until < residence.valid_from
    ):
        problems["residence_valid_until"] = "„Gültig bis“ liegt vor „Gültig ab“."
    return problems


def validate_intake(draft: IntakeDraft, today: date) -> dict[str, str]:
    """All rules of the intake form."""
    problems = validate_client(draft.client, today)
    if draft.first_contact_on > today:
        problems["first_contact_on"] = "Der Erstkontakt kann nicht in der Zukunft liegen."
    birth = draft.client.birth_date
    if birth and birth <= today and draft.first_contact_on < birth:
        problems["first_contact_on"] = "Der Erstkontakt liegt vor dem Geburtsdatum."
    if draft.access_route not in catalog("access_routes"):
        problems["access_route"] = f"Unbekannter Zugangsweg {draft.access_route!r}."
    if draft.access_route == "referred" and not draft.referred_by:
        problems["referred_by"] = "Bitte die vermittelnde Stelle angeben."
    if draft.referred_by and draft.referred_by not in catalog("agencies"):
        problems["referred_by"] = f"Unbekannte Stelle {draft.referred_by!r}."
    for code in draft.legal_domains:
        if code not in catalog("legal_domains"):
            problems["legal_domains"] = f"Unbekannter Rechtskreis {code!r}."
    for code in draft.target_groups:
        if code not in catalog("target_groups"):
            problems["target_groups"] = f"Unbekannte Zielgruppe {code!r}."
    if draft.residence is not None:
        problems.update(validate_residence(draft.residence, today))
    for consent in draft.consents:
        key = f"consent_{consent.purpose.value}"
        if consent.given_on > today:
            problems[key] = "Eine Einwilligung kann nicht in der Zukunft erteilt sein."
        if consent.purpose is ConsentPurpose.SHARE_AGENCY and not consent.agency:
            problems[key] = "Bitte die Stelle angeben, an die weitergegeben werden darf."
    return problems
