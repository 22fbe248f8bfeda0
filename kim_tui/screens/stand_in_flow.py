"""Stand-in (Vertretung) dialogs: lend clients from the Wiedervorlagen (``V``), and take over,
return or import a return from the command palette. Each step is a small prompt; the service
does the work while the last prompt is open, and its refusal (`VaultError`, a full disk) is shown
under the path as it is, nothing half done and nothing typed lost."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from textual import work

from kim_tui.actions import KimView, UiAction
from kim_tui.domain.dates import format_date, parse_date
from kim_tui.i18n import tr
from kim_tui.screens.file_steps import on_file

if TYPE_CHECKING:
    from kim_tui.app import KimApp
    from kim_tui.domain.stand_in import StandInExpiry

T = TypeVar("T")

SEND_ACTION = UiAction(
    "followups.stand_in",
    "V",
    "stand_in",
    "Vertretung",
    "Stand-in",
    "Vertretung: Klient*innen befristet einer Kolleg*in überlassen (Kopie, verschlüsselt)",
    "Stand-in: lend clients to a colleague for a time (a copy, encrypted)",
    show=False,
)

STAND_IN_APP_ACTIONS: tuple[UiAction, ...] = (
    UiAction(
        "app.stand_in_receive",
        "",
        "stand_in_receive",
        "Vertretung übernehmen",
        "Take over a stand-in",
        "Vertretungsdatei einer Kolleg*in einlesen (Klient*innen erscheinen markiert)",
        "Read a colleague's stand-in file (the clients appear marked)",
    ),
    UiAction(
        "app.stand_in_return",
        "",
        "stand_in_return",
        "Vertretung zurückgeben",
        "Return a stand-in",
        "Rückgabe schreiben: erfasste Kontakte und Wiedervorlagen für die zuständige Kolleg*in",
        "Write the return: contacts and follow-ups recorded, for the colleague in charge",
    ),
    UiAction(
        "app.stand_in_import",
        "",
        "stand_in_import",
        "Rückgabe einer Vertretung einlesen",
        "Import a stand-in return",
        "Rückgabedatei der Kolleg*in einlesen: Kontakte und Wiedervorlagen übernehmen",
        "Read the colleague's return file: take over contacts and follow-ups",
    ),
)


def expiry_notice(e: StandInExpiry) -> str:
    """What the coach is told when an unlock erased an expired stand-in copy."""
    names = ", ".join(e.client_names) or "–"
    if e.returned_on:
        returned = tr(
            f"Rückgabe geschrieben am {format_date(e.returned_on)}.",
            f"Return written on {format_date(e.returned_on)}.",
        )
    else:
        returned = tr(
            "Keine Rückgabe geschrieben: was Sie erfasst haben, ist mit gelöscht.",
            "No return was written: what you recorded was erased with it.",
        )
    return tr(
        f"Vertretung für {e.colleague} endete am {format_date(e.until)}; die Kopie ist "
        f"gelöscht ({len(e.client_names)}: {names}). {returned}",
        f"Standing in for {e.colleague} ended on {format_date(e.until)}; the copy was "
        f"erased ({len(e.client_names)}: {names}). {returned}",
    )


def _until_problem(text: str, today: date) -> tuple[str, str] | None:
    try:
        day = parse_date(text)
    except ValueError:
        return ("Bitte ein Datum TT.MM.JJJJ.", "Please give a date DD.MM.YYYY.")
    if day < today:
        return ("Das Datum liegt in der Vergangenheit.", "The date is in the past.")
    return None


async def send_stand_in(app: KimApp, client_id: str | None, client_name: str) -> None:
    """Ask colleague, end date, clients and path; write the stand-in file while the path prompt
    is open (a refusal keeps the path there, with the reason)."""
    from kim_tui.screens.choice import ChoiceScreen
    from kim_tui.screens.text_prompt import TextPromptScreen

    ws = app.workspace
    colleagues = ws.colleagues()
    if not colleagues:
        app.notify(
            tr(
                "Noch keine Kolleg*in gespeichert: Strg+P „Kolleg*in hinzufügen“.",
                "No colleague stored yet: Ctrl+P “Add a colleague”.",
            ),
            severity="warning",
        )
        return
    who = await app.push_screen_wait(
        ChoiceScreen(
            tr("Vertretung: an welche Kolleg*in?", "Stand-in: which colleague?"),
            [(c.fingerprint, f"{c.name or '–'}, {c.organisation or '–'}") for c in colleagues],
        )
    )
    if not who:
        return
    today = app.today()
    until_text = await app.push_screen_wait(
        TextPromptScreen(
            tr("Vertretung bis", "Standing in until"),
            tr(
                "Letzter Tag der Vertretung (TT.MM.JJJJ):", "Last day of the stand-in (DD.MM.YYYY):"
            ),
            max_length=10,
            check=lambda t: _until_problem(t, today),
        )
    )
    if not until_text:
        return
    with_follow_ups = ws.stand_in_follow_up_clients()
    with_cases = ws.stand_in_default_clients()
    options = [
        (
            "follow_ups",
            tr(
                f"Alle mit offenen Wiedervorlagen ({len(with_follow_ups)})",
                f"Everyone with open follow-ups ({len(with_follow_ups)})",
            ),
        ),
        (
            "cases",
            tr(
                f"Alle mit offenem Fall ({len(with_cases)})", f"Every open case ({len(with_cases)})"
            ),
        ),
    ]
    if client_id is not None:
        options.insert(1, ("one", tr(f"Nur {client_name}", f"Only {client_name}")))
    which = await app.push_screen_wait(
        ChoiceScreen(tr("Welche Klient*innen?", "Which clients?"), options)
    )
    if not which:
        return
    chosen = {"follow_ups": with_follow_ups, "cases": with_cases}.get(which, [client_id or ""])
    until = parse_date(until_text)
    default = Path.home() / f"vertretung-{until.isoformat()}.kimh"
    sent_to = await on_file(
        app,
        tr("Vertretung speichern", "Save the stand-in"),
        tr(
            "Pfad der Datei (verschlüsselt für die Kolleg*in):",
            "File path (encrypted for the colleague):",
        ),
        lambda path: ws.send_stand_in(who, until, chosen, path),
        exists=False,
        value=str(default),
    )
    if sent_to is None:
        return
    _path, sent = sent_to
    app.notify(
        tr(
            f"Vertretung bis {format_date(sent.until)} für {sent.colleague}: {sent.clients} "
            f"Klient*innen in {sent.path}. Ihre Einträge bleiben unverändert.",
            f"Stand-in until {format_date(sent.until)} for {sent.colleague}: {sent.clients} "
            f"clients in {sent.path}. Your records stay as they are.",
        ),
        timeout=15,
        markup=False,
    )


class StandInAppActions:
    """The palette's stand-in actions of `KimApp` (take over, return, import a return)."""

    STAND_IN_ACTIONS: ClassVar[tuple[UiAction, ...]] = STAND_IN_APP_ACTIONS

    def _kim(self) -> KimApp:
        return cast("KimApp", self)

    def show_stand_in_expiries(self) -> None:
        """After an unlock: say which stand-in copies were erased because they had ended."""
        app = self._kim()
        if not app.is_unlocked:
            return
        for expiry in app.workspace.stand_in_expiries:
            app.notify(
                expiry_notice(expiry),
                title=tr("Vertretung beendet", "Stand-in ended"),
                severity="warning",
                timeout=30,
                markup=False,
            )

    async def _file_step(
        self,
        title: str,
        explanation: str,
        *,
        exists: bool,
        run: Callable[[Any, str], T],
        done: Callable[[T], str],
        reload: bool = True,
    ) -> None:
        """Ask for a file and run one stand-in step on it while the prompt is open (a refusal,
        in the service's words, stays under the path to correct it), then say how it went
        (names from the file shown literally)."""
        app = self._kim()
        if not app.is_unlocked:
            return
        got = await on_file(
            app, title, explanation, lambda path: run(app.workspace, path), exists=exists
        )
        if got is None:
            return
        app.notify(done(got[1]), timeout=15, markup=False)
        if reload and isinstance(app.screen, KimView):
            app.screen.reload()

    @work(exclusive=True, group="settings")
    async def action_stand_in_receive(self) -> None:
        await self._file_step(
            tr("Vertretung übernehmen", "Take over a stand-in"),
            tr("Pfad der Vertretungsdatei:", "Path of the stand-in file:"),
            exists=True,
            run=lambda ws, path: ws.receive_stand_in(path),
            done=lambda got: tr(
                f"Vertretung von {got.colleague} bis {format_date(got.until)} übernommen: "
                + ", ".join(got.client_names),
                f"Standing in for {got.colleague} until {format_date(got.until)}: "
                + ", ".join(got.client_names),
            ),
        )

    @work(exclusive=True, group="settings")
    async def action_stand_in_return(self) -> None:
        await self._file_step(
            tr("Vertretung zurückgeben", "Return a stand-in"),
            tr("Pfad der Rückgabedatei:", "Path of the return file:"),
            exists=False,
            run=lambda ws, path: ws.write_stand_in_return(path),
            done=lambda written: tr(
                f"Rückgabe für {written.colleague}: {written.contacts} Kontakte, "
                f"{written.follow_ups} Wiedervorlagen in {written.path}.",
                f"Return for {written.colleague}: {written.contacts} contacts, "
                f"{written.follow_ups} follow-ups in {written.path}.",
            ),
            reload=False,
        )

    @work(exclusive=True, group="settings")
    async def action_stand_in_import(self) -> None:
        await self._file_step(
            tr("Rückgabe einlesen", "Import a return"),
            tr("Pfad der Rückgabedatei:", "Path of the return file:"),
            exists=True,
            run=lambda ws, path: ws.import_stand_in_return(path),
            done=lambda imported: tr(
                f"Rückgabe von {imported.colleague}: {imported.contacts_added} Kontakte, "
                f"{imported.follow_ups_completed} Wiedervorlagen erledigt, "
                f"{imported.follow_ups_snoozed} verschoben, {imported.follow_ups_added} neu.",
                f"Return from {imported.colleague}: {imported.contacts_added} contacts, "
                f"{imported.follow_ups_completed} follow-ups done, "
                f"{imported.follow_ups_snoozed} snoozed, {imported.follow_ups_added} new.",
            ),
        )
