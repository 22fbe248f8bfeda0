"""Consents as a lifecycle: recorded (written, or oral before a witness), renewed (a new consent
supersedes the old one, which stays in the history) and withdrawn (for the future only).
Pure rules over `ConsentView`s and `ConsentDraft`s; the service stores, the screens ask."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.model import (
    MAX_NOTE_LENGTH,
    ConsentDraft,
    ConsentForm,
    ConsentPurpose,
    ConsentView,
)
from kim_tui.i18n import tr

MAX_RECIPIENT_LENGTH = 200
"""Longest free-text recipient organisation."""


def in_force(consent: ConsentView, on: date) -> bool:
    """Given by `on`, not withdrawn by then and not yet replaced by a renewal."""
    if consent.given_on > on:
        return False
    if consent.withdrawn_on is not None and consent.withdrawn_on <= on:
        return False
    return consent.superseded_on is None or consent.superseded_on > on


def consent_for(
    consents: Iterable[ConsentView],
    purpose: ConsentPurpose,
    on: date,
    agency: str | None = None,
) -> ConsentView | None:
    """The consent in force on `on` for `purpose` (for sharing with an agency: that agency's),
    or None when it is missing."""
    for consent in consents:
        if consent.purpose is not purpose or not in_force(consent, on):
            continue
        if agency is not None and consent.agency != agency:
            continue
        return consent
    return None


def missing_consent_text(purpose: ConsentPurpose, agency: str = "") -> tuple[str, str]:
    """What is missing, in German and English (e.g. "Einwilligung „Case Management“");
    `agency` a code of the agencies catalog, named in each language."""
    entry = catalog("consent_purposes").get(purpose.value)
    de = entry.label("de") if entry is not None else purpose.value
    en = entry.label("en") if entry is not None else purpose.value
    if agency:
        agencies = catalog("agencies")
        return (
            f"Es fehlt die Einwilligung „{de}“ für „{agencies.label(agency, 'de')}“.",
            f"The consent “{en}” for “{agencies.label(agency, 'en')}” is missing.",
        )
    return f"Es fehlt die Einwilligung „{de}“.", f"The consent “{en}” is missing."


def validate_consent(draft: ConsentDraft, today: date) -> dict[str, str]:
    """A consent must name its purpose, a recipient when it is about sharing with an agency, and
    for an oral one the witness; it cannot be given in the future. Keys are field names; the
    messages are in the UI language (`kim_tui.i18n`)."""
    problems: dict[str, str] = {}
    if draft.purpose.value not in catalog("consent_purposes"):
        problems["purpose"] = tr(
            f"Unbekannter Zweck {draft.purpose.value!r}.",
            f"Unknown purpose {draft.purpose.value!r}.",
        )
    if draft.given_on > today:
        problems["given_on"] = tr(
            "Eine Einwilligung kann nicht in der Zukunft erteilt sein.",
            "A consent cannot be given in the future.",
        )
    if draft.agency and draft.agency not in catalog("agencies"):
        problems["agency"] = tr(
            f"Unbekannte Stelle {draft.agency!r}.", f"Unknown agency {draft.agency!r}."
        )
    if draft.purpose is ConsentPurpose.SHARE_AGENCY and not (
        draft.agency or draft.recipient.strip()
    ):
        problems["agency"] = tr(
            "Bitte die Stelle angeben, an die weitergegeben werden darf.",
            "Please name the agency the data may be passed to.",
        )
    if len(draft.recipient) > MAX_RECIPIENT_LENGTH:
        problems["recipient"] = tr(
            f"Die Stelle ist zu lang ({len(draft.recipient)} Zeichen, "
            f"höchstens {MAX_RECIPIENT_LENGTH}).",
            f"The agency is too long ({len(draft.recipient)} characters, "
            f"at most {MAX_RECIPIENT_LENGTH}).",
        )
    if len(draft.scope) > MAX_NOTE_LENGTH:
        problems["scope"] = tr(
            f"Der Umfang ist zu lang ({len(draft.scope)} Zeichen, höchstens {MAX_NOTE_LENGTH}).",
            f"The scope is too long ({len(draft.scope)} characters, at most {MAX_NOTE_LENGTH}).",
        )
    if draft.form is ConsentForm.ORAL and not draft.witness.strip():
        problems["witness"] = tr(
            "Eine mündliche Einwilligung braucht eine Zeugin oder einen Zeugen: bitte den Namen "
            "angeben.",
            "An oral consent needs a witness: please give their name.",
        )
    return problems
