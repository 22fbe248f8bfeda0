"""Erstberatung: the intake form for a new client and case.

It validates inline (domain rules, specific messages under each field), checks for likely
duplicates on save, and returns the draft; the app saves it through the service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.lazy import Lazy
from textual.widgets import (
    Checkbox,
    Header,
    Input,
    Select,
    SelectionList,
    TextArea,
)

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.dates import parse_date, read_birth_date
from kim_tui.domain.geo import find_country, find_language
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
from kim_tui.i18n import tr
from kim_tui.screens.base import KimScreen
from kim_tui.screens.form import cancel_form, field_values
from kim_tui.screens.intake_layout import (
    CONSENT_FIELDS,
    DATE_FIELDS,
    FIRST_SCREENFUL,
    intake_form,
)
from kim_tui.widgets.field_error import FieldError
from kim_tui.widgets.key_line import KeyLine


@dataclass(frozen=True)
class IntakeResult:
    """What the form returns: a draft to save, or an existing client the coach chose."""

    draft: IntakeDraft | None = None
    open_existing: str | None = None
    saved: str | None = None  # the client written (before closing: a refused write keeps input)


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
    BINDINGS = [
        *bindings(ACTIONS),
        # With priority the cursor moves while the key is taken in, before the next key is
        # handed out: "Amal⇥Haddad" typed fast (or on a busy machine) fills two fields, not
        # one with "AmalHaddad" (Textual's own Tab reaches the screen after the keys behind it).
        Binding("tab", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
    ]
    AUTO_FOCUS = "#given_name"
    """Focus lands on the first field as soon as the form is composed: Textual's default would
    focus the scrolling form first (keys typed meanwhile went nowhere) and restyle every field
    twice (focus, then blur) on the way to F4's paint."""
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
        self.styled_ahead = False
        """Set when the form was styled and laid out while hidden (`intake_prebuild`): the
        first time it comes on top it is not styled again."""
        self.tried_save = False
        self._initial: dict[str, object] | None = None
        """Every field's value once the form is shown (`holds_input`)."""

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield from intake_form(self.app.today())
        yield KeyLine()

    def on_mount(self) -> None:
        self.title = tr("Erstberatung – neue Klient*in", "Intake – new client")
        # No focus call here: AUTO_FOCUS has focused the first field before the first paint,
        # and the coach may have typed and pressed Tab by now; focusing again would pull the
        # cursor back into "Vorname".
        self.call_after_refresh(self._remember_initial)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Textual's own handler (a subclass's first), which would restyle every
        # node of the form (about 300) each time it comes on top; a form styled ahead is
        # current, so the first time is skipped (theme changes restyle hidden screens too).
        if self.styled_ahead:
            self.styled_ahead = False
            event.refresh_styles = False

    @property
    def is_built(self) -> bool:
        """Whether every field is mounted (the lower part mounts after the first refresh)."""
        return self._initial is not None

    def _remember_initial(self) -> None:
        if self.query(Lazy):  # the lower part is not mounted yet: its fields count too
            self.call_after_refresh(self._remember_initial)
            return
        # The coach may already have typed into the upper part (it takes keys from the first
        # paint on): those fields count as they start, empty, so Esc still asks about them.
        self._initial = {**field_values(self), **FIRST_SCREENFUL}

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
        birth_precision = "day"
        for field in DATE_FIELDS:
            text = self._value(field)
            try:
                if field == "birth_date" and text:  # 00.00.JJJJ: the year only
                    dates[field], birth_precision = read_birth_date(text)
                else:
                    dates[field] = parse_date(text) if text else None
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
        # A field that did not parse stays empty in the draft (first contact: today), so the
        # checks still look at the rest: an empty family name shows with a wrong date at once,
        # not only after the date was fixed and Ctrl+S pressed again.
        first_contact = dates.get("first_contact_on") or self.app.today()
        draft = IntakeDraft(
            client=ClientDraft(
                given_name=self._value("given_name"),
                family_name=self._value("family_name"),
                birth_date=dates.get("birth_date"),
                birth_precision=birth_precision,
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
                valid_until=dates.get("residence_valid_until"),
            )
            if status
            else None,
            consents=tuple(consents),
        )
        checked = validate_intake(draft, self.app.today())
        if problems:
            return None, {**checked, **problems}
        return draft, checked

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

    def _error_line(self, field: str) -> FieldError | None:
        """The error line of `field`, mounted under the field the first time it is needed
        (an empty form has none: 33 fewer widgets to mount and style on F4)."""
        found = self.query(f"#err-{field}")
        if found:
            return found.first(FieldError)
        holders = self.query(f"#field-{field}")
        if not holders:
            return None
        line = FieldError(id=f"err-{field}")
        holders.first().mount(line)
        return line

    def _show(self, problems: dict[str, str]) -> None:
        for label in self.query(FieldError):
            if label.id and label.id.startswith("err-"):
                label.clear()
        unplaced: list[str] = []
        for field, message in problems.items():
            line = self._error_line(field)
            if line is not None:
                line.show(message)
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
                message = problems.get(field, "")
                line = self._error_line(field) if message else None
                if line is None:
                    found = self.query(f"#err-{field}")
                    line = found.first(FieldError) if found else None
                if line is not None:
                    line.show(message)
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
        from kim_tui.store.errors import VaultError

        try:  # written before closing: a write the vault refuses keeps the form and its input
            client_id, _case_id = self.app.workspace.intake(draft)
        except VaultError as refused:
            self.query_one("#form-summary", FieldError).show(str(refused))
            return False
        self.notify(tr("Klient*in angelegt.", "Client created."))
        self.dismiss(IntakeResult(draft=draft, saved=client_id))
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
