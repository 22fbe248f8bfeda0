"""Validation of what a coach types: every rule gives a specific message per field, worded in
the UI language when the rule runs (`tr`).

Used by the intake form (inline), the service (as a last guard) and the CSV import (per row);
the case-work rules (assessments, goals, referrals, contacts, facts, themes, closure) are the
service's guard. Each function returns a mapping field → message; empty means valid.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import get_args

from kim_tui.domain.case_data import CaseDataDraft
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.consents import validate_consent
from kim_tui.domain.dates import format_birth_date, format_date
from kim_tui.domain.eligibility import GERMAN_LEVELS, ConvictionCode
from kim_tui.domain.geo import find_country, find_language
from kim_tui.domain.model import (
    MAX_NOTE_LENGTH,
    MIN_REASON_LENGTH,
    AreaRatingDraft,
    ClientDraft,
    ClosureDraft,
    ContactDraft,
    GoalDraft,
    IntakeDraft,
    ReferralDraft,
    ResidenceDraft,
    ResidenceFactsDraft,
    StepDraft,
)
from kim_tui.i18n import tr

MAX_NAME = 200
MAX_AGE_YEARS = 120


def validate_client(client: ClientDraft, today: date) -> dict[str, str]:
    """Rules for a person's master data."""
    problems: dict[str, str] = {}
    if not client.family_name.strip():
        problems["family_name"] = tr(
            "Bitte den Familiennamen angeben.", "Please give the family name."
        )
    for field, value in (("given_name", client.given_name), ("family_name", client.family_name)):
        if len(value) > MAX_NAME:
            problems[field] = tr(
                f"Name ist zu lang (höchstens {MAX_NAME} Zeichen).",
                f"Name is too long (at most {MAX_NAME} characters).",
            )
        if "\x00" in value:
            problems[field] = tr("Name enthält ein Nullzeichen.", "Name contains a null character.")
    if client.birth_date is not None:
        born = format_birth_date(client.birth_date, client.birth_precision)
        if client.birth_date > today:
            problems["birth_date"] = tr(
                f"Geburtsdatum {born} liegt in der Zukunft.",
                f"Date of birth {born} is in the future.",
            )
        elif client.birth_date.year < today.year - MAX_AGE_YEARS:
            problems["birth_date"] = tr(
                f"Geburtsdatum {born} liegt mehr als {MAX_AGE_YEARS} Jahre zurück.",
                f"Date of birth {born} is more than {MAX_AGE_YEARS} years ago.",
            )
    if client.gender and client.gender not in catalog("genders"):
        problems["gender"] = tr(
            f"Unbekanntes Geschlecht {client.gender!r}.", f"Unknown gender {client.gender!r}."
        )
    for field, code in (
        ("nationality", client.nationality),
        ("country_of_birth", client.country_of_birth),
    ):
        found = find_country(code) if code else None
        if code and (found is None or found.code != code):
            problems[field] = tr(f"Unbekanntes Land {code!r}.", f"Unknown country {code!r}.")
    for code in client.languages:
        language = find_language(code)
        if language is None or language.code != code:
            problems["languages"] = tr(
                f"Unbekannte Sprache {code!r}.", f"Unknown language {code!r}."
            )
    return problems


def validate_residence(residence: ResidenceDraft, today: date) -> dict[str, str]:
    """A paper must be a known status; an expired one (an earlier paper of the timeline) needs
    both dates, and no paper ends before it starts."""
    problems: dict[str, str] = {}
    if residence.status not in catalog("residence_statuses"):
        problems["residence_status"] = tr(
            f"Unbekannter Aufenthaltsstatus {residence.status!r}.",
            f"Unknown residence status {residence.status!r}.",
        )
    if (
        residence.valid_until is not None
        and residence.valid_until < today
        and residence.valid_from is None
    ):
        problems["residence_valid_until"] = tr(
            f"Gültig bis {format_date(residence.valid_until)} liegt vor heute: ein früheres "
            "Papier braucht auch „Gültig ab“ (in der Akte mit s erfassen).",
            f"Valid until {format_date(residence.valid_until)} is before today: an earlier "
            "paper also needs “valid from” (record it in the file with s).",
        )
    if (
        residence.valid_from is not None
        and residence.valid_until is not None
        and residence.valid_until < residence.valid_from
    ):
        problems["residence_valid_until"] = tr(
            "„Gültig bis“ liegt vor „Gültig ab“.", "“Valid until” is before “valid from”."
        )
    return problems


def validate_intake(draft: IntakeDraft, today: date) -> dict[str, str]:
    """All rules of the intake form."""
    problems = validate_client(draft.client, today)
    case = CaseDataDraft(
        draft.first_contact_on,
        draft.access_route,
        draft.referred_by,
        draft.legal_domains,
        draft.target_groups,
    )
    problems.update(validate_case_data(case, today, draft.client.birth_date))
    if draft.residence is not None:
        problems.update(validate_residence(draft.residence, today))
    for consent in draft.consents:
        consent_problems = validate_consent(consent, today)
        if consent_problems:
            problems[f"consent_{consent.purpose.value}"] = " ".join(consent_problems.values())
    return problems


def validate_case_data(
    draft: CaseDataDraft,
    today: date,
    birth_date: date | None = None,
    closed_on: date | None = None,
) -> dict[str, str]:
    """Rules for how a case came in (intake, and its correction): the first contact lies
    neither in the future, nor before the birth date, nor after the case was closed; the codes
    are catalog codes and a referred case names the agency."""
    problems: dict[str, str] = {}
    if draft.first_contact_on > today:
        problems["first_contact_on"] = tr(
            "Der Erstkontakt kann nicht in der Zukunft liegen.",
            "The first contact cannot lie in the future.",
        )
    if birth_date and birth_date <= today and draft.first_contact_on < birth_date:
        problems["first_contact_on"] = tr(
            "Der Erstkontakt liegt vor dem Geburtsdatum.",
            "The first contact is before the date of birth.",
        )
    if closed_on is not None and draft.first_contact_on > closed_on:
        problems["first_contact_on"] = tr(
            f"Der Erstkontakt liegt nach dem Abschluss des Falls ({format_date(closed_on)}).",
            f"The first contact is after the case was closed ({format_date(closed_on)}).",
        )
    if draft.access_route not in catalog("access_routes"):
        problems["access_route"] = tr(
            f"Unbekannter Zugangsweg {draft.access_route!r}.",
            f"Unknown access route {draft.access_route!r}.",
        )
    if draft.access_route == "referred" and not draft.referred_by:
        problems["referred_by"] = tr(
            "Bitte die vermittelnde Stelle angeben.", "Please give the referring agency."
        )
    if draft.referred_by and draft.referred_by not in catalog("agencies"):
        problems["referred_by"] = tr(
            f"Unbekannte Stelle {draft.referred_by!r}.", f"Unknown agency {draft.referred_by!r}."
        )
    for code in draft.legal_domains:
        if code not in catalog("legal_domains"):
            problems["legal_domains"] = tr(
                f"Unbekannter Rechtskreis {code!r}.", f"Unknown legal domain {code!r}."
            )
    for code in draft.target_groups:
        if code not in catalog("target_groups"):
            problems["target_groups"] = tr(
                f"Unbekannte Zielgruppe {code!r}.", f"Unknown target group {code!r}."
            )
    return problems


# -- case work ------------------------------------------------------------------------------------


def text_problems(value: str) -> dict[str, str]:
    """A free text (already trimmed) must fit the vault's note length; it is never cut."""
    if len(value) > MAX_NOTE_LENGTH:
        return {
            "text": tr(
                f"Der Text ist zu lang ({len(value)} Zeichen, höchstens {MAX_NOTE_LENGTH}).",
                f"The text is too long ({len(value)} characters, at most {MAX_NOTE_LENGTH}).",
            )
        }
    return {}


def not_in_future(field: str, day: date, today: date, message: str) -> dict[str, str]:
    """`message` under `field` if `day` lies after `today`."""
    return {field: message} if day > today else {}


def validate_ratings(ratings: tuple[AreaRatingDraft, ...]) -> dict[str, str]:
    """An assessment rates at least one known priority area, each once, with a catalog level."""
    areas = catalog("priority_areas")
    levels = catalog("need_levels")
    problems: dict[str, str] = {}
    seen: set[str] = set()
    for rating in ratings:
        if rating.area not in areas:
            problems[rating.area] = tr("unbekanntes Handlungsfeld", "unknown priority area")
        elif str(rating.level) not in levels:
            problems[rating.area] = tr("Bedarf muss 0 bis 3 sein", "need must be 0 to 3")
        elif rating.area in seen:
            problems[rating.area] = tr(
                "Handlungsfeld doppelt bewertet", "priority area rated twice"
            )
        seen.add(rating.area)
    if not ratings:
        problems["ratings"] = tr(
            "Mindestens ein Handlungsfeld bewerten.", "Rate at least one priority area."
        )
    return problems


def validate_goal_status(status: str, field: str = "status") -> dict[str, str]:
    """A goal status must come from the goal_statuses catalog."""
    if status not in catalog("goal_statuses"):
        return {
            field: tr(f"Unbekannter Zielstatus {status!r}.", f"Unknown goal status {status!r}.")
        }
    return {}


def validate_step(step: StepDraft) -> dict[str, str]:
    """A step says what is to be done and who does it (first problem only)."""
    if not step.text.strip():
        return {"step": tr("Bitte den Schritt beschreiben.", "Please describe the step.")}
    if step.owner not in catalog("step_owners"):
        return {
            "owner": tr(
                f"Unbekannte Zuständigkeit {step.owner!r}.",
                f"Unknown owner {step.owner!r}.",
            )
        }
    return {}


def validate_goals(goals: Iterable[GoalDraft]) -> dict[str, str]:
    """Goals name a known area and a title and carry a known status (first problem only)."""
    areas = catalog("priority_areas")
    for goal in goals:
        if goal.area not in areas:
            return {
                "area": tr(
                    f"Unbekanntes Handlungsfeld {goal.area!r}.",
                    f"Unknown priority area {goal.area!r}.",
                )
            }
        if not goal.title.strip():
            return {"title": tr("Bitte das Ziel benennen.", "Please name the goal.")}
        problems = validate_goal_status(goal.status)
        for step in goal.steps:
            problems = problems or validate_step(step)
        if problems:
            return problems
    return {}


def validate_referral(draft: ReferralDraft, today: date) -> dict[str, str]:
    """A referral goes to a known agency in a known legal domain, sent by today."""
    problems: dict[str, str] = {}
    if draft.agency not in catalog("agencies"):
        problems["agency"] = tr(
            f"Unbekannte Stelle {draft.agency!r}.", f"Unknown agency {draft.agency!r}."
        )
    if draft.legal_domain not in catalog("legal_domains"):
        problems["legal_domain"] = tr(
            f"Unbekannter Rechtskreis {draft.legal_domain!r}.",
            f"Unknown legal domain {draft.legal_domain!r}.",
        )
    if draft.status not in catalog("referral_statuses"):
        problems["status"] = tr(
            f"Unbekannter Status {draft.status!r}.", f"Unknown status {draft.status!r}."
        )
    if draft.sent_on > today:
        problems["sent_on"] = tr(
            "Das Versanddatum liegt in der Zukunft.", "The date sent is in the future."
        )
    if draft.feedback_due_on is not None and draft.feedback_due_on < draft.sent_on:
        problems["feedback_due_on"] = tr(
            "Die Rückmeldung kann nicht vor dem Versand fällig sein.",
            "Feedback cannot be due before the referral was sent.",
        )
    return problems


MIN_OVERRIDE_REASON = 20
"""Characters (after trimming) a reason for sharing without consent needs at least: a short
sentence that a data-protection officer can follow later ("Eilfall" or "x" is no reason)."""


def override_reason_problem(reason: str) -> tuple[str, str] | None:
    """Why `reason` cannot justify sharing data without consent, as (German, English); None
    when it is a real sentence of at least `MIN_OVERRIDE_REASON` characters."""
    length = len(reason.strip())
    if length >= MIN_OVERRIDE_REASON:
        return None
    return (
        f"Die Begründung ist zu kurz ({length} Zeichen, mindestens {MIN_OVERRIDE_REASON}). "
        "Bitte in einem Satz sagen, warum die Weitergabe ohne Einwilligung nötig ist.",
        f"The reason is too short ({length} characters, at least {MIN_OVERRIDE_REASON}). "
        "Please say in a sentence why passing the data without consent is necessary.",
    )


def validate_override_reason(reason: str) -> dict[str, str]:
    """The service's guard for a consent override (the message under `override_reason`, in
    the UI language)."""
    problem = override_reason_problem(reason)
    return {"override_reason": tr(*problem)} if problem else {}


def validate_referral_outcome(status: str, outcome_on: date | None, today: date) -> dict[str, str]:
    """An outcome has a known status and is not dated in the future (first problem only)."""
    if status not in catalog("referral_statuses"):
        return {"status": tr(f"Unbekannter Status {status!r}.", f"Unknown status {status!r}.")}
    if outcome_on is not None and outcome_on > today:
        return {"outcome_on": tr("Das Datum liegt in der Zukunft.", "The date is in the future.")}
    return {}


def validate_contact(draft: ContactDraft, today: date) -> dict[str, str]:
    """A contact has a known kind, a duration within a day and a date by today."""
    problems: dict[str, str] = {}
    if draft.kind not in catalog("contact_kinds"):
        problems["kind"] = tr(
            f"Unbekannte Kontaktart {draft.kind!r}.", f"Unknown kind of contact {draft.kind!r}."
        )
    if not 0 <= draft.minutes <= 24 * 60:
        problems["minutes"] = tr(
            "Dauer bitte in Minuten zwischen 0 und 1440.",
            "Please give the duration in minutes, between 0 and 1440.",
        )
    if draft.on > today:
        problems["on"] = tr("Das Datum liegt in der Zukunft.", "The date is in the future.")
    return problems


def validate_residence_facts(facts: ResidenceFactsDraft, today: date) -> dict[str, str]:
    """The facts the residence-path hints need, within their ranges."""
    problems: dict[str, str] = {}
    if facts.german_level is not None and facts.german_level not in GERMAN_LEVELS:
        problems["german_level"] = tr(
            "Sprachniveau bitte als A1 … C2.", "Please give the language level as A1 … C2."
        )
    if facts.livelihood_share is not None and not 0 <= facts.livelihood_share <= 100:
        problems["livelihood_share"] = tr(
            "Anteil bitte zwischen 0 und 100 %.", "Please give a share between 0 and 100 %."
        )
    for name, value in (
        ("school_months", facts.school_months),
        ("pension_months", facts.pension_months),
    ):
        if value is not None and not 0 <= value <= 600:
            problems[name] = tr(
                "Monate bitte zwischen 0 und 600.", "Please give months between 0 and 600."
            )
    if facts.conviction_over_threshold not in get_args(ConvictionCode):
        problems["conviction_over_threshold"] = tr(
            "Nur ja, nein oder unbekannt.", "Only yes, no or unknown."
        )
    for name, day in (
        ("entry_on", facts.entry_on),
        ("german_certificate_on", facts.german_certificate_on),
    ):
        if day is not None and day > today:
            problems[name] = tr("Das Datum liegt in der Zukunft.", "The date is in the future.")
    return problems


def clean_themes(themes: Iterable[str]) -> tuple[tuple[str, ...], dict[str, str]]:
    """Structural themes as stored (catalog codes or ``text:`` free text, each once, trimmed,
    at most 300 characters) and the problem if an unknown code is among them."""
    cleaned: list[str] = []
    known = catalog("themes")
    for theme in themes:
        theme = theme.strip()
        if not theme:
            continue
        if not theme.startswith("text:") and theme not in known:
            return (), {"themes": tr(f"Unbekanntes Thema {theme!r}.", f"Unknown theme {theme!r}.")}
        if theme not in cleaned:
            cleaned.append(theme[:300])
    return tuple(cleaned), {}


def validate_closure(draft: ClosureDraft, today: date) -> dict[str, str]:
    """A closure has a catalog reason, a date by today and known goal statuses."""
    if draft.reason not in catalog("closure_reasons"):
        return {
            "reason": tr(
                "Bitte einen Abschlussgrund wählen.", "Please choose a reason for closing."
            )
        }
    if draft.closed_on > today:
        return {
            "closed_on": tr(
                "Das Abschlussdatum liegt in der Zukunft.", "The closing date is in the future."
            )
        }
    for _goal_id, status, _evaluation in draft.evaluations:
        problems = validate_goal_status(status, "evaluations")
        if problems:
            return problems
    return {}


def validate_reminder_weeks(weeks: int) -> dict[str, str]:
    """The lead time of residence expiry reminders: 0 to 52 weeks."""
    if 0 <= weeks <= 52:
        return {}
    return {"weeks": tr("Bitte 0 bis 52 Wochen angeben.", "Please give 0 to 52 weeks.")}


# -- corrections ----------------------------------------------------------------------------------


def validate_residence_correction(residence: ResidenceDraft) -> dict[str, str]:
    """A corrected residence entry: a known status, dates in order. Unlike a new current status,
    an entry corrected later may well have expired."""
    return validate_residence(residence, date.min)


def validate_delete_reason(reason: str, field: str = "reason") -> dict[str, str]:
    """A deletion (or sharing without consent) needs a reason that is a real sentence
    (`MIN_REASON_LENGTH`)."""
    text = reason.strip()
    if len(text) < MIN_REASON_LENGTH:
        return {
            field: tr(
                f"Bitte einen Grund mit mindestens {MIN_REASON_LENGTH} Zeichen "
                f"angeben (jetzt {len(text)}).",
                f"Please give a reason of at least {MIN_REASON_LENGTH} characters "
                f"(now {len(text)}).",
            )
        }
    return text_problems(text)
