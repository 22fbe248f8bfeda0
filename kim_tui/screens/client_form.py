"""Correct a client's master data (Stammdaten): name, birth date, gender, nationality, country
of birth, languages, interpreter, address, phone and household. Opens with the current values;
each changed field keeps its old value in the Verlauf."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, Input, Select, Static, TextArea

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import (
    date_placeholder,
    format_birth_date,
    format_date,
    parse_date,
    read_birth_date,
)
from kim_tui.domain.geo import country_name, find_country, find_language, language_name
from kim_tui.domain.model import ClientDraft, HouseholdMember
from kim_tui.domain.validation import validate_client
from kim_tui.i18n import language, tr
from kim_tui.screens.form import FormInvalid, FormModal, form_actions, save_hint
from kim_tui.widgets.field_error import FieldError


def household_text(members: tuple[HouseholdMember, ...]) -> str:
    """The household as the form edits it: one member a line, "Name; Beziehung; TT.MM.JJJJ"."""
    return "\n".join(
        "; ".join(filter(None, (m.name, m.relation, format_date(m.birth_date)))) for m in members
    )


class MasterDataFormScreen(FormModal[ClientDraft]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = form_actions("masterdata")
    BINDINGS = bindings(ACTIONS)

    def __init__(self, current: ClientDraft, today: date) -> None:
        super().__init__(classes="dialog wide")
        self.current = current
        self.today = today

    def compose(self) -> ComposeResult:
        lang = language()
        c = self.current
        with VerticalScroll(classes="form"):
            yield Static(tr("Stammdaten korrigieren", "Correct master data"), classes="title")
            with Horizontal(classes="row"):
                yield _field(
                    tr("Vorname(n)", "Given name(s)"),
                    Input(c.given_name, id="given_name", compact=True, max_length=200),
                )
                yield _field(
                    tr("Familienname *", "Family name *"),
                    Input(c.family_name, id="family_name", compact=True, max_length=200),
                )
            with Horizontal(classes="row"):
                yield _field(
                    tr("Geburtsdatum", "Date of birth"),
                    Input(
                        format_birth_date(c.birth_date, c.birth_precision),
                        id="birth_date",
                        compact=True,
                        placeholder=date_placeholder(),
                    ),
                )
                yield _field(
                    tr("Geschlecht", "Gender"),
                    Select(
                        [(e.label(lang), e.code) for e in catalog("genders")],
                        value=c.gender or Select.NULL,
                        id="gender",
                        compact=True,
                        prompt=tr("keine Angabe", "not stated"),
                    ),
                )
            yield _field(
                tr("Weitere Schreibweisen", "Other spellings"),
                Input(c.other_names, id="other_names", compact=True, max_length=200),
            )
            with Horizontal(classes="row"):
                yield _field(
                    tr("Staatsangehörigkeit", "Nationality"),
                    Input(
                        country_name(c.nationality, lang) if c.nationality else "",
                        id="nationality",
                        compact=True,
                    ),
                )
                yield _field(
                    tr("Geburtsland", "Country of birth"),
                    Input(
                        country_name(c.country_of_birth, lang) if c.country_of_birth else "",
                        id="country_of_birth",
                        compact=True,
                    ),
                )
            yield _field(
                tr("Sprachen (durch Komma getrennt)", "Languages (comma-separated)"),
                Input(
                    ", ".join(language_name(x, lang) for x in c.languages),
                    id="languages",
                    compact=True,
                ),
            )
            yield Checkbox(
                tr("Dolmetschung nötig", "Interpreter needed"),
                value=c.interpreter_needed,
                id="interpreter_needed",
            )
            yield _field(
                tr("Adresse", "Address"),
                Input(c.address, id="address", compact=True, max_length=300),
            )
            yield _field(
                tr("Telefon", "Phone"), Input(c.phone, id="phone", compact=True, max_length=100)
            )
            yield Static(
                tr(
                    "Haushalt (je Zeile: Name; Beziehung; TT.MM.JJJJ)",
                    "Household (one a line: name; relation; DD.MM.YYYY)",
                ),
                classes="field-label",
            )
            yield TextArea(household_text(c.household), id="household")
            yield FieldError(id="form-error")
            yield save_hint()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#family_name", Input).focus()

    def build_draft(self) -> ClientDraft:
        text = self.text("birth_date")
        try:
            birth, precision = read_birth_date(text) if text else (None, "day")
        except ValueError as exc:
            raise FormInvalid(
                tr("Geburtsdatum: ", "Date of birth: ") + str(exc), "birth_date"
            ) from exc
        languages: list[str] = []
        for part in filter(None, (p.strip() for p in self.text("languages").split(","))):
            found = find_language(part)
            if found is None:
                raise FormInvalid(
                    tr(f"Unbekannte Sprache „{part}“.", f"Unknown language “{part}”."), "languages"
                )
            if found.code not in languages:
                languages.append(found.code)
        gender = self.query_one("#gender", Select).value
        draft = ClientDraft(
            given_name=self.text("given_name"),
            family_name=self.text("family_name"),
            birth_date=birth,
            birth_precision=precision,
            other_names=self.text("other_names"),
            gender="" if gender is Select.NULL else str(gender),
            nationality=self._country("nationality"),
            country_of_birth=self._country("country_of_birth"),
            languages=tuple(languages),
            interpreter_needed=self.query_one("#interpreter_needed", Checkbox).value,
            address=self.text("address"),
            phone=self.text("phone"),
            household=self._household(),
        )
        problems = validate_client(draft, self.today)
        if problems:
            field, message = next(iter(problems.items()))
            raise FormInvalid(message, field if self.query(f"#{field}") else None)
        return draft

    def _country(self, field: str) -> str:
        text = self.text(field)
        if not text:
            return ""
        found = find_country(text)
        if found is None:
            raise FormInvalid(
                tr(f"Unbekanntes Land „{text}“.", f"Unknown country “{text}”."), field
            )
        return found.code

    def _household(self) -> tuple[HouseholdMember, ...]:
        members: list[HouseholdMember] = []
        lines = self.query_one("#household", TextArea).text.splitlines()
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(";")]
            birth: date | None = None
            if len(parts) > 2 and parts[2]:
                try:
                    birth = parse_date(parts[2])
                except ValueError:
                    raise FormInvalid(
                        tr(
                            f"Haushalt, Zeile {number}: „{parts[2]}“ ist kein Datum (TT.MM.JJJJ).",
                            f"Household, line {number}: “{parts[2]}” is not a date (DD.MM.YYYY).",
                        ),
                        "household",
                    ) from None
            relation = parts[1] if len(parts) > 1 else ""
            members.append(HouseholdMember(name=parts[0], relation=relation, birth_date=birth))
        return tuple(members)

    def discard_question(self) -> str | None:
        if not self.holds_input():
            return None
        return tr(
            "Änderungen an den Stammdaten verwerfen?", "Discard the changes to the master data?"
        )


def _field(label: str, widget: Input | Select[str] | TextArea) -> Vertical:
    return Vertical(Static(label, classes="field-label"), widget)
