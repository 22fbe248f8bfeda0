"""Printouts: where PDFs go, what they are called, and the consent form (DP-2).

A printed PDF is personal data in plain text, outside the vault: the one exception to "nothing
personal unencrypted on disk". So the folder is a vault setting the coach chooses (default: the
home folder, as before), file names carry the case reference and the date instead of a surname,
and every print is audited without the path.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kim_tui.documents.consent_form_pdf import (
    SPECIAL_CATEGORIES,
    ConsentFormDocument,
    consent_form_languages,
    consent_form_text,
    second_language_for,
    translation_for,
    write_consent_form_pdf,
)
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.regime import DEFAULT_REGIME
from kim_tui.i18n import tr
from kim_tui.service.context import ServiceContext, live
from kim_tui.service.converters import uncodes
from kim_tui.store.errors import ValidationError
from kim_tui.store.models import Client, Consent, VaultSetting

PRINT_FOLDER_SETTING = "print_folder"
"""VaultSetting key of the folder printouts are suggested in."""
DEFAULT_PRINT_FOLDER = "~"
"""The coach's home folder: where printouts went before the setting existed."""


def case_reference(case_id: str) -> str:
    """The short, name-free reference of a case used in file names (first block of its id)."""
    return case_id.split("-", 1)[0][:8]


def printout_name(kind: str, case_id: str, on: date) -> str:
    """A printout's file name: kind, case reference and date, never a name."""
    return f"{kind}-{case_reference(case_id)}-{on.isoformat()}.pdf"


def checked_target(path: str) -> Path:
    """`path` as a new PDF file: `.pdf` added if missing; a ValidationError if it exists or
    its folder does not."""
    target = Path(path).expanduser()
    if target.suffix.lower() != ".pdf":
        target = target.with_name(target.name + ".pdf")
    if target.exists():
        raise ValidationError(
            {
                "path": tr(
                    f"{target} existiert bereits; bitte anderen Namen.",
                    f"{target} already exists; please choose another name.",
                )
            }
        )
    if not target.parent.is_dir():
        raise ValidationError(
            {
                "path": tr(
                    f"Verzeichnis {target.parent} gibt es nicht.",
                    f"Folder {target.parent} does not exist.",
                )
            }
        )
    return target


def write_error(target: Path, exc: OSError) -> ValidationError:
    """The message for a printout that could not be written (never a traceback)."""
    if isinstance(exc, FileExistsError):
        return ValidationError(
            {"path": tr(f"{target} existiert bereits.", f"{target} already exists.")}
        )
    return ValidationError(
        {
            "path": tr(
                f"{target} lässt sich nicht schreiben: {exc.strerror}",
                f"{target} cannot be written: {exc.strerror}",
            )
        }
    )


class PrintoutService:
    """The print folder setting, name-free file names and the printed consent form."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def print_folder(self) -> str:
        """The folder printouts are suggested in (as the coach typed it; "~" by default)."""
        with self._ctx.uow.read() as s:
            row = s.get(VaultSetting, PRINT_FOLDER_SETTING)
            return row.value if row is not None else DEFAULT_PRINT_FOLDER

    def set_print_folder(self, folder: str) -> str:
        """Change the print folder; it must exist. Audited without the path (a folder name can
        name a person). Returns the folder as stored."""
        folder = folder.strip()
        if not folder:
            raise ValidationError(
                {"folder": tr("Bitte einen Ordner angeben.", "Please give a folder.")}
            )
        if not Path(folder).expanduser().is_dir():
            raise ValidationError(
                {
                    "folder": tr(
                        f"Ordner {folder} gibt es nicht.", f"Folder {folder} does not exist."
                    )
                }
            )
        with self._ctx.uow.audited("settings.print_folder", "setting") as tx:
            tx.session.merge(VaultSetting(key=PRINT_FOLDER_SETTING, value=folder))
        return folder

    def printout_path(self, kind: str, case_id: str) -> str:
        """The suggested path of a new printout: the print folder, kind, case reference and
        today's date; "-2", "-3" … appended while a file of that name exists."""
        folder = Path(self.print_folder()).expanduser()
        name = printout_name(kind, case_id, self._ctx.today())
        candidate = folder / name
        number = 2
        while candidate.exists():
            candidate = folder / name.replace(".pdf", f"-{number}.pdf")
            number += 1
        return str(candidate)

    def consent_form_translation(self, language: str) -> str | None:
        """The consent-form translation a speaker of `language` (ISO 639-3) gets, or None."""
        return translation_for(language)

    def special_category_choices(self, lang: str) -> tuple[tuple[str, str], ...]:
        """The special categories (Art. 9) a consent form can name: code and label."""
        text = consent_form_text("eng" if lang == "en" else "deu")
        return tuple((code, text.special_categories[code]) for code in SPECIAL_CATEGORIES)

    def print_consent_form(
        self,
        consent_id: str,
        path: str,
        *,
        organisation: str,
        second_language: str | None = None,
        special_categories: tuple[str, ...] = (),
        regime_code: str = DEFAULT_REGIME,
    ) -> str:
        """Write the consent form of one recorded consent (its purpose and recipient) as a PDF
        to `path` (never overwrites): German, and beside it `second_language` or else the first
        of the client's languages that has a translation. Returns the path written."""
        unknown = [c for c in special_categories if c not in SPECIAL_CATEGORIES]
        if unknown:
            raise ValidationError(
                {
                    "special_categories": tr(
                        f"Unbekannte Kategorie {unknown[0]!r}.", f"Unknown category {unknown[0]!r}."
                    )
                }
            )
        if second_language is not None and second_language not in consent_form_languages():
            raise ValidationError(
                {
                    "language": tr(
                        f"Für {second_language!r} gibt es keine Übersetzung.",
                        f"There is no translation for {second_language!r}.",
                    )
                }
            )
        target = checked_target(path)
        with self._ctx.uow.read() as s:
            consent = live(s, Consent, consent_id)
            client = live(s, Client, consent.client_id)
            # The form must say what the consent covers: which special categories (Art. 9), or
            # that none are shared; never more than the recorded consent allows.
            if consent.special_categories and not special_categories:
                raise ValidationError(
                    {
                        "special_categories": tr(
                            "Diese Einwilligung umfasst besondere Kategorien: "
                            "bitte angeben, welche (z. B. Gesundheit).",
                            "This consent covers special categories: "
                            "please say which (e.g. health).",
                        )
                    }
                )
            if special_categories and not consent.special_categories:
                raise ValidationError(
                    {
                        "special_categories": tr(
                            "Diese Einwilligung umfasst keine besonderen "
                            "Kategorien; das Formular kann keine nennen.",
                            "This consent covers no special categories; the form cannot name any.",
                        )
                    }
                )
            languages = uncodes(client.languages)
            name = f"{client.given_name} {client.family_name}".strip()
            birth_date = client.birth_date
            birth_precision = client.birth_precision
        agencies = catalog("agencies")
        # A catalog agency, or the organisation typed as free text (schema 0008).
        recipient = consent.agency or consent.recipient
        if recipient in agencies:
            recipient = agencies.label(recipient)
        document = ConsentFormDocument(
            client_name=name,
            birth_date=birth_date,
            birth_precision=birth_precision,
            organisation=organisation,
            purpose=consent.purpose,
            recipient=recipient,
            printed_on=self._ctx.today(),
            special_categories=special_categories,
            second_language=second_language or second_language_for(languages),
            regime_code=regime_code,
        )
        try:
            write_consent_form_pdf(document, target)
        except OSError as exc:
            raise write_error(target, exc) from None
        self._ctx.uow.audit_only("consent.print", "consent", consent_id, consent.case_id)
        return str(target)
