"""Erstberatung: the intake form for a new client and case.

It validates inline (domain rules, specific messages under each field), checks for likely
duplicates on save, and returns the draft; the app saves it through the service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.lazy import Lazy
from textual.widget import Widget
from textual.widgets import (
    Checkbox,
    Header,
    Input,
    Select,
    SelectionList,
    Static,
    TextArea,
)

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date, parse_birth_date, parse_date
from kim_tui.domain.geo import find_country, find_language, search_countries, search_languages
from kim_tui.domain.model import (
    ClientDraft,
    ConsentDraft,
    ConsentForm,
    ConsentPurpose,
    HouseholdMember,
    IntakeDraft,
    ResidenceDraft,
)
from kim_tui.domain.validation import validate_intake
from kim_tui.i18n import language, tr
from kim_tui.screens.base import KimScreen
from kim_tui.screens.form import cancel_form, field_values
from kim_tui.widgets.field_error import FieldError
from kim_tui.widgets.key_line import KeyLine
from kim_tui.widgets.suggest import NameSuggester

DATE_FIELDS = (
    "birth_date",
    "first_contact_on",
    "residence_valid_until",
    "cm_on",
    "coord_on",
    "agency_on",
)
CONSENT_FIELDS = {
    ConsentPurpose.CASE_MANAGEMENT: ("cm", "consent_case_management"),
    ConsentPurpose.SHARE_COORDINATOR: ("coord", "consent_share_coordinator"),
    ConsentPurpose.SHARE_AGENCY: ("agency", "consent_share_agency"),
}


@dataclass(frozen=True)
class IntakeResult:
    """What the form returns: a draft to save, or an existing client the coach chose."""

    draft: IntakeDraft | None = None
    open_existing: str | None = None


class IntakeScreen(KimScreen[IntakeResult | None]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = (
        UiAction(
            "intake.save",
            "ctrl+s",
            "save",
            "Speichern",
            "Save",
            "Prüfen, Dubletten suchen und speichern",
            "Check, look for duplicates, save",
            priority=True,
        ),
        UiAction(
            "intake.cancel",
            "escape",
            "cancel",
            "Abbrechen",
            "Cancel",
            "Formular verlassen (fragt bei Eingaben nach)",
            "Leave the form (asks first)",
        ),
    )
    BINDINGS = bindings(ACTIONS)
    HOLDS_INPUT: ClassVar[bool] = True
    """A language switch waits until this form is saved or cancelled."""
    HELP_TEXT: ClassVar[tuple[str, str]] = (
        "Tab/Umschalt+Tab wechseln das Feld. Länder und Sprachen mit deutschem Namen; "
        "→ übernimmt den Vorschlag. Datum als TT.MM.JJJJ.",
        "Tab/Shift+Tab move between fields. Countries and languages by name; "
        "→ accepts the suggestion. Dates as DD.MM.YYYY.",
    )

    def __init__(self) -> None:
        super().__init__()
        self.tried_save = False
        self._initial: dict[str, object] | None = None
        """Every field's value once the form is shown (`holds_input`)."""

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        lang = language()
        today = self.app.today()
        countries = NameSuggester(
            lambda q: [c.de if lang == "de" else c.en for c in search_countries(q, 10)]
        )
        languages = NameSuggester(
            lambda q: [x.de if lang == "de" else x.en for x in search_languages(q, 10)], multi=True
        )
        agencies = [(e.label(lang), e.code) for e in catalog("agencies")]
        forms = [(tr("schriftlich", "written"), "written"), (tr("mündlich", "oral"), "oral")]
        yield Header()
        with VerticalScroll(classes="form", id="intake-form"):
            yield Static(tr("Person", "Person"), classes="section-title")
            with Horizontal(classes="row"):
                yield _field(
                    tr("Vorname(n)", "Given name(s)"),
                    "given_name",
                    Input(compact=True, id="given_name", max_length=200),
                )
                yield _field(
                    tr("Familienname *", "Family name *"),
                    "family_name",
                    Input(compact=True, id="family_name", max_length=200),
                )
            yield _field(
                tr(
                    "Weitere Schreibweisen (z. B. aus Pass, arabische Schrift)",
                    "Other spellings (passport, original script)",
                ),
                "other_names",
                Input(compact=True, id="other_names", max_length=400),
            )
            with Horizontal(classes="row"):
                yield _field(
                    tr("Geburtsdatum (TT.MM.JJJJ)", "Date of birth (DD.MM.YYYY)"),
                    "birth_date",
                    Input(compact=True, id="birth_date", placeholder="TT.MM.JJJJ"),
                )
                yield _field(
                    tr("Geschlecht", "Gender"),
                    "gender",
                    Select(
                        [(e.label(lang), e.code) for e in catalog("genders")],
                        compact=True,
                        id="gender",
                        prompt=tr("nicht angegeben", "not stated"),
                    ),
                )
            with Horizontal(classes="row"):
                yield _field(
                    tr("Staatsangehörigkeit", "Nationality"),
                    "nationality",
                    Input(
                        compact=True,
                        id="nationality",
                        suggester=countries,
                        placeholder=tr("z. B. Syrien", "e.g. Syria"),
                    ),
                )
                yield _field(
                    tr("Geburtsland", "Country of birth"),
                    "country_of_birth",
                    Input(compact=True, id="country_of_birth", suggester=countries),
                )
            with Horizontal(classes="row"):
                yield _field(
                    tr("Sprachen (mit Komma)", "Languages (comma-separated)"),
                    "languages",
                    Input(
                        compact=True,
                        id="languages",
                        suggester=languages,
                        placeholder=tr("z. B. Arabisch, Kurdisch", "e.g. Arabic, Kurdish"),
                    ),
                )
                yield _field(
                    tr("Dolmetschung", "Interpreter"),
                    "interpreter",
                    Checkbox(tr("Dolmetschung nötig", "needs an interpreter"), id="interpreter"),
                )
            # Below the first screenful: mounted right after the first paint (F4 is quick).
            with Lazy(Vertical(classes="form", id="intake-rest")):
                yield Static(
                    tr("Kontakt und Haushalt", "Contact and household"), classes="section-title"
                )
                with Horizontal(classes="row"):
                    yield _field(
                        tr("Adresse", "Address"),
                        "address",
                        Input(compact=True, id="address", max_length=300),
                    )
                    yield _field(
                        tr("Telefon", "Phone"),
                        "phone",
                        Input(compact=True, id="phone", max_length=60),
                    )
                yield _field(
                    tr(
                        "Haushalt: je Zeile Name; Beziehung; Geburtsdatum",
                        "Household: one per line: name; relation; date of birth",
                    ),
                    "household",
                    TextArea(id="household"),
                )
                yield Static(tr("Fall", "Case"), classes="section-title")
                with Horizontal(classes="row"):
                    yield _field(
                        tr("Erstkontakt", "First contact"),
                        "first_contact_on",
                        Input(compact=True, value=format_date(today), id="first_contact_on"),
                    )
                    yield _field(
                        tr("Zugang", "Access"),
                        "access_route",
                        Select(
                            [(e.label(lang), e.code) for e in catalog("access_routes")],
                            compact=True,
                            value="self",
                            allow_blank=False,
                            id="access_route",
                        ),
                    )
                    yield _field(
                        tr("vermittelt durch", "referred by"),
                        "referred_by",
                        Select(agencies, compact=True, id="referred_by", prompt="–"),
                    )
                with Horizontal(classes="row"):
                    yield _field(
                        tr("Rechtskreise", "Legal domains"),
                        "legal_domains",
                        SelectionList[str](
                            *[(e.label(lang), e.code) for e in catalog("legal_domains")],
                            id="legal_domains",
                        ),
                    )
                    yield _field(
                        tr("Zielgruppen", "Target groups"),
                        "target_groups",
                        SelectionList[str](
                            *[(e.label(lang), e.code) for e in catalog("target_groups")],
                            id="target_groups",
                        ),
                    )
                yield Static(
                    tr("Aufenthalt (aktuell)", "Residence (current)"), classes="section-title"
                )
                with Horizontal(classes="row"):
                    yield _field(
                        tr("Status", "Status"),
                        "residence_status",
                        Select(
                            [(e.label(lang), e.code) for e in catalog("residence_statuses")],
                            compact=True,
                            id="residence_status",
                            prompt=tr("nicht erfasst", "not recorded"),
                        ),
                    )
                    yield _field(
                        tr("Rechtsgrundlage", "Legal basis"),
                        "residence_legal_basis",
                        Input(compact=True, id="residence_legal_basis", max_length=100),
                    )
                    yield _field(
                        tr("gültig bis", "valid until"),
                        "residence_valid_until",
                        Input(compact=True, id="residence_valid_until", placeholder="TT.MM.JJJJ"),
                    )
                yield Static(tr("Einwilligungen", "Consents"), classes="section-title")
                for purpose, (prefix, _key) in CONSENT_FIELDS.items():
                    with Horizontal(classes="row"):
                        yield _field(
                            "",
                            f"{prefix}_given",
                            Checkbox(
                                catalog("consent_purposes").label(purpose.value, lang),
                                id=f"{prefix}_given",
                                value=False,
                            ),
                        )
                        if purpose is ConsentPurpose.SHARE_AGENCY:
                            yield _field(
                                tr("Stelle", "Agency"),
                                "agency_code",
                                Select(agencies, compact=True, id="agency_code", prompt="–"),
                            )
                        yield _field(
                            tr("am", "on"),
                            f"{prefix}_on",
                            Input(compact=True, value=format_date(today), id=f"{prefix}_on"),
                        )
                        yield _field(
                            tr("Form", "Form"),
                            f"{prefix}_form",
                            Select(
                                forms,
                                compact=True,
                                value="written",
                                allow_blank=False,
                                id=f"{prefix}_form",
                            ),
                        )
                        yield _field(
                            tr("Zeug*in", "Witness"),
                            f"{prefix}_witness",
                            Input(compact=True, id=f"{prefix}_witness", max_length=200),
                        )
                    yield FieldError(id=f"err-{CONSENT_FIELDS[purpose][1]}")
                yield FieldError(id="form-summary")
        yield KeyLine()

    def on_mount(self) -> None:
        self.title = tr("Erstberatung – neue Klient*in", "Intake – new client")
        self.query_one("#given_name", Input).focus()
        self.call_after_refresh(self._remember_initial)

    def _remember_initial(self) -> None:
        if self.query(Lazy):  # the lower part is not mounted yet: its fields count too
            self.call_after_refresh(self._remember_initial)
            return
        self._initial = field_values(self)

    # -- reading the form --------------------------------------------------------------------

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value.strip()

    def _select(self, field_id: str) -> str | None:
        value = self.query_one(f"#{field_id}", Select).value
        return None if value is Select.NULL else str(value)

    def _read(self) -> tuple[IntakeDraft | None, dict[str, str]]:
        """Build the draft; parse problems (dates, names) come back per field."""
        problems: dict[str, str] = {}
        dates: dict[str, date | None] = {}
        for field in DATE_FIELDS:
            text = self._value(field)
            try:
                parse = parse_birth_date if field == "birth_date" else parse_date  # 00.00.JJJJ
                dates[field] = parse(text) if text else None
            except ValueError as exc:
                problems[field] = str(exc)
        nationality = self._country("nationality", problems)
        country_of_birth = self._country("country_of_birth", problems)
        languages: list[str] = []
        for part in filter(None, (p.strip() for p in self._value("languages").split(","))):
            found = find_language(part)
            if found is None:
                problems["languages"] = tr(
                    f"Unbekannte Sprache „{part}“.", f"Unknown language “{part}”."
                )
            elif found.code not in languages:
                languages.append(found.code)
        household = self._household(problems)
        status = self._select("residence_status")
        if self._value("residence_valid_until") and status is None:
            problems["residence_valid_until"] = tr(
                "„gültig bis“ nur zusammen mit einem Status.", "“valid until” needs a status."
            )
        if dates.get("first_contact_on") is None and "first_contact_on" not in problems:
            problems["first_contact_on"] = tr(
                "Bitte das Datum des Erstkontakts angeben.",
                "Please give the date of first contact.",
            )
        consents: list[ConsentDraft] = []
        for purpose, (prefix, key) in CONSENT_FIELDS.items():
            if not self.query_one(f"#{prefix}_given", Checkbox).value:
                continue
            given_on = dates.get(f"{prefix}_on")
            if given_on is None:
                problems.setdefault(
                    key,
                    tr(
                        "Bitte das Datum der Einwilligung angeben.",
                        "Please give the date of the consent.",
                    ),
                )
                continue
            consents.append(
                ConsentDraft(
                    purpose=purpose,
                    given_on=given_on,
                    form=ConsentForm(self._select(f"{prefix}_form") or "written"),
                    witness=self._value(f"{prefix}_witness"),
                    recorded_by=self.app.config.coach_name,
                    agency=self._select("agency_code")
                    if purpose is ConsentPurpose.SHARE_AGENCY
                    else None,
                )
            )
        if problems:
            return None, problems
        first_contact = dates["first_contact_on"]
        assert first_contact is not None
        draft = IntakeDraft(
            client=ClientDraft(
                given_name=self._value("given_name"),
                family_name=self._value("family_name"),
                birth_date=dates["birth_date"],
                other_names=self._value("other_names"),
                gender=self._select("gender") or "",
                nationality=nationality,
                country_of_birth=country_of_birth,
                languages=tuple(languages),
                interpreter_needed=self.query_one("#interpreter", Checkbox).value,
                address=self._value("address"),
                phone=self._value("phone"),
                household=household,
            ),
            first_contact_on=first_contact,
            access_route=self._select("access_route") or "self",
            referred_by=self._select("referred_by"),
            legal_domains=tuple(self.query_one("#legal_domains", SelectionList).selected),
            target_groups=tuple(self.query_one("#target_groups", SelectionList).selected),
            residence=ResidenceDraft(
                status=status,
                legal_basis=self._value("residence_legal_basis"),
                valid_until=dates["residence_valid_until"],
            )
            if status
            else None,
            consents=tuple(consents),
        )
        return draft, validate_intake(draft, self.app.today())

    def _country(self, field: str, problems: dict[str, str]) -> str:
        text = self._value(field)
        if not text:
            return ""
        found = find_country(text)
        if found is None:
            problems[field] = tr(f"Unbekanntes Land „{text}“.", f"Unknown country “{text}”.")
            return ""
        return found.code

    def _household(self, problems: dict[str, str]) -> tuple[HouseholdMember, ...]:
        members: list[HouseholdMember] = []
        text = self.query_one("#household", TextArea).text
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(";")]
            birth: date | None = None
            if len(parts) > 2 and parts[2]:
                try:
                    birth = parse_date(parts[2])
                except ValueError:
                    problems["household"] = tr(
                        f"Zeile {number}: Geburtsdatum „{parts[2]}“ ist kein Datum (TT.MM.JJJJ).",
                        f"Line {number}: “{parts[2]}” is not a date (DD.MM.YYYY).",
                    )
            members.append(
                HouseholdMember(
                    name=parts[0], relation=parts[1] if len(parts) > 1 else "", birth_date=birth
                )
            )
        return tuple(members)

    # -- validation display ------------------------------------------------------------------

    def _show(self, problems: dict[str, str]) -> None:
        for label in self.query(FieldError):
            if label.id and label.id.startswith("err-"):
                label.clear()
        unplaced: list[str] = []
        for field, message in problems.items():
            matches = self.query(f"#err-{field}")
            if matches:
                matches.first(FieldError).show(message)
            else:
                unplaced.append(message)
        summary = self.query_one("#form-summary", FieldError)
        if problems:
            count = len(problems)
            summary.show(
                "\n".join(
                    [
                        tr(
                            f"{count} Angabe(n) prüfen – siehe rote Hinweise.",
                            f"Check {count} field(s) – see the red notes.",
                        ),
                        *unplaced,
                    ]
                ),
            )
        else:
            summary.clear()

    @on(Input.Changed)
    def revalidate(self, event: Input.Changed) -> None:
        # Live feedback for dates as soon as one is complete; everything once a save was tried.
        field = event.input.id or ""
        if field in DATE_FIELDS and len(event.value.strip()) < 8 and not self.tried_save:
            label = self.query(f"#err-{field}")
            if label:
                label.first(FieldError).clear()  # still typing: an old message is stale
            return
        if self.tried_save or (field in DATE_FIELDS and len(event.value.strip()) >= 8):
            _draft, problems = self._read()
            if not self.tried_save:
                problems = {
                    k: v
                    for k, v in problems.items()
                    if k == field
                    or (field == "residence_valid_until" and k.startswith("residence"))
                }
                label = self.query(f"#err-{field}")
                if label:
                    label.first(FieldError).show(problems.get(field, ""))
                return
            self._show(problems)

    # -- actions -----------------------------------------------------------------------------

    @work(exclusive=True, group="intake-save")
    async def action_save(self) -> None:
        await self.save_input()

    async def save_input(self) -> bool:
        """Check, ask about likely duplicates, and close with the draft (or with the existing
        client the coach chose); False while the form stays open."""
        from kim_tui.screens.duplicates import DuplicateDecision, DuplicateScreen

        self.tried_save = True
        draft, problems = self._read()
        self._show(problems)
        if draft is None or problems:
            self._focus_first_error(problems)
            return False
        candidates = self.app.workspace.find_duplicates(draft.client)
        if candidates:
            decision = await self.app.push_screen_wait(DuplicateScreen(draft.client, candidates))
            if decision is None or decision.action == DuplicateDecision.BACK:
                return False
            if decision.action == DuplicateDecision.OPEN:
                self.dismiss(IntakeResult(open_existing=decision.client_id))
                return True
        self.dismiss(IntakeResult(draft=draft))
        return True

    def _focus_first_error(self, problems: dict[str, str]) -> None:
        for field in problems:
            targets = self.query(f"#{field}")
            if not targets:
                prefix = next(
                    (p for p, (_pre, key) in CONSENT_FIELDS.items() if key == field), None
                )
                targets = self.query(f"#{CONSENT_FIELDS[prefix][0]}_on") if prefix else targets
            if targets:
                targets.first().focus()
                return

    def holds_input(self) -> bool:
        return self._initial is not None and field_values(self) != self._initial

    def unsaved_question(self) -> str:
        return tr(
            "Die Erstberatung ist nicht gespeichert. Speichern, verwerfen oder weiter bearbeiten?",
            "The intake is not saved. Save, discard or keep editing?",
        )

    @work(exclusive=True, group="intake-cancel")
    async def action_cancel(self) -> None:
        await cancel_form(self.app, self, lambda: self.dismiss(None))


def _field(label: str, field_id: str, widget: Widget) -> Vertical:
    """A labelled form field with its own inline error line."""
    children: list[Widget] = []
    if label:
        children.append(Static(label, classes="field-label", markup=False))
    children.append(widget)
    children.append(FieldError(id=f"err-{field_id}"))
    return Vertical(*children)
