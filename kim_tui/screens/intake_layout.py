"""The intake form's fields (Erstberatung): layout only, so the screen module keeps the
behaviour (reading, validation display, saving) and both stay readable.

The first screenful is mounted with the first paint; everything below it is wrapped in
`Lazy` and mounted right after, so F4 shows a form that takes keys at once. Error lines are
not composed here: the screen mounts one under a field when it has something to say.
"""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.lazy import Lazy
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, SelectionList, Static, TextArea

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import date_placeholder, format_date
from kim_tui.domain.geo import search_countries, search_languages
from kim_tui.domain.model import ConsentPurpose
from kim_tui.i18n import language, tr
from kim_tui.widgets.field_error import FieldError
from kim_tui.widgets.suggest import NameSuggester

DATE_FIELDS = (
    "birth_date",
    "first_contact_on",
    "residence_valid_until",
    "cm_on",
    "coord_on",
    "agency_on",
)
FIRST_SCREENFUL: dict[str, object] = {
    **dict.fromkeys(
        (
            "given_name",
            "family_name",
            "other_names",
            "birth_date",
            "nationality",
            "country_of_birth",
            "languages",
        ),
        "",
    ),
    "gender": Select.NULL,
    "interpreter": False,
}
"""The fields mounted with the first paint, as an untouched form holds them."""
CONSENT_FIELDS = {
    ConsentPurpose.CASE_MANAGEMENT: ("cm", "consent_case_management"),
    ConsentPurpose.SHARE_COORDINATOR: ("coord", "consent_share_coordinator"),
    ConsentPurpose.SHARE_AGENCY: ("agency", "consent_share_agency"),
}


def intake_form(today: date) -> ComposeResult:
    """The scrolling form of every intake field (to `yield from` in the screen's compose)."""
    lang = language()
    countries = NameSuggester(
        lambda q: [c.de if lang == "de" else c.en for c in search_countries(q, 10)]
    )
    languages = NameSuggester(
        lambda q: [x.de if lang == "de" else x.en for x in search_languages(q, 10)], multi=True
    )
    agencies = [(e.label(lang), e.code) for e in catalog("agencies")]
    forms = [(tr("schriftlich", "written"), "written"), (tr("mündlich", "oral"), "oral")]
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
                Input(compact=True, id="birth_date", placeholder=date_placeholder()),
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
            yield Static(tr("Aufenthalt (aktuell)", "Residence (current)"), classes="section-title")
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
                    Input(compact=True, id="residence_valid_until", placeholder=date_placeholder()),
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


def _field(label: str, field_id: str, widget: Widget) -> Vertical:
    """A labelled form field; its error line is mounted below it when one is shown
    (`IntakeScreen._error_line`)."""
    children: list[Widget] = []
    if label:
        children.append(Static(label, classes="field-label", markup=False))
    children.append(widget)
    return Vertical(*children, id=f"field-{field_id}")
