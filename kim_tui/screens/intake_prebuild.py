"""Erstberatung built ahead: F4 shows a form that was made while the coach was idle.

Composing and styling the intake form (about 160 Textual widgets) took 0.2–0.5 s on an idle
laptop and over 3 s on a busy one (docs/performance.md § 7), and keys typed meanwhile reached
the screen below the form. So after unlocking, and again after each intake is closed, the app
builds the next form once the coach has not pressed a key for a moment (`IntakeAhead`), and
F4 only pushes it. The same idle moment builds the duplicate check's index in a worker thread,
so the first save after unlocking does not wait for it either.

A form built ahead holds no personal data until the coach types into it. It is made for one
language and one day (its dates default to today): one from before a language switch or from
yesterday is thrown away and built again. A form in use is dropped when it closes (saved,
discarded or cancelled) and a fresh one is built for the next intake.
"""

from __future__ import annotations

import asyncio
import time
from datetime import date
from typing import TYPE_CHECKING, cast

from textual import work

from kim_tui.i18n import language, tr

if TYPE_CHECKING:
    from textual.timer import Timer

    from kim_tui.app import KimApp
    from kim_tui.domain.model import IntakeDraft
    from kim_tui.screens.intake import IntakeResult, IntakeScreen

# The intake screen is imported where it is used: the app imports this module at start-up,
# before the unlock screen, which must appear as fast as a bare Textual app.

IDLE_SECONDS = 0.4
"""How long the coach has not pressed a key before work is done ahead (and how often it is
looked at again while they type)."""
KEY_WAIT_SECONDS = 30.0
"""How long a key typed right after F4 waits for a form that is still being built."""
MAX_LAYOUT_PASSES = 4
"""Layout passes over a hidden form before it counts as ready anyway (two suffice)."""
DUPLICATE_INDEX_GROUP = "duplicate-index"
"""The worker group that builds the duplicate check's index ahead (a failure is not shown:
the first check builds the index itself)."""


class IntakeAhead:
    """The next intake form, built while the coach is idle, and the duplicate index."""

    def __init__(self, app: KimApp) -> None:
        self._app = app
        self._screen: IntakeScreen | None = None
        self._made_for: tuple[str, date] | None = None
        self._timer: Timer | None = None
        self._laid_out = False
        self._layout_passes = 0
        self._index_due = False

    @property
    def ready(self) -> bool:
        """Whether a form is built, fully mounted and laid out, waiting for F4."""
        return self._screen is not None and self._screen.is_built and self._laid_out

    def after_unlock(self) -> None:
        """Plan the work ahead of a session: the form (kept from before a lock if it is still
        there) and the duplicate index (dropped on every lock)."""
        self._index_due = True
        self.when_idle()

    def when_idle(self) -> None:
        """Do what is due once the coach pauses (now planned, or planned again)."""
        if self._timer is not None:
            self._timer.stop()
        self._timer = self._app.set_timer(IDLE_SECONDS, self._work_if_idle, name="intake-ahead")

    def take(self) -> IntakeScreen:
        """The form for F4: the one built ahead when it fits today and the language, else a
        new one (built as it is shown)."""
        from kim_tui.screens.intake import IntakeScreen

        screen, self._screen = self._screen, None
        if screen is not None and self._made_for == self._fit():
            return screen
        if screen is not None:
            self._discard(screen)
        return IntakeScreen()

    def drop(self) -> None:
        """Throw the form built ahead away (the language changed) and build another later."""
        screen, self._screen = self._screen, None
        if screen is not None:
            self._discard(screen)
        self.when_idle()

    def _discard(self, screen: IntakeScreen) -> None:
        # Not while it is still being built: Textual's Header then fails to set its title on a
        # removed screen (a crash); the form is finished first, then removed.
        if screen.is_built:
            screen.remove()
        else:
            self._app.set_timer(IDLE_SECONDS, lambda: self._discard(screen))

    def _fit(self) -> tuple[str, date]:
        return language(), self._app.today()

    def _work_if_idle(self) -> None:
        from kim_tui.screens.intake import IntakeScreen

        self._timer = None
        app = self._app
        if not app.is_unlocked:
            return  # planned again by the next unlock
        if app.idle_seconds() < IDLE_SECONDS:
            self.when_idle()
            return
        if self._screen is not None and self._made_for != self._fit():
            self.drop()  # yesterday's form (kim open past midnight) or another language
            return
        screen = self._screen
        if screen is None:
            if not any(isinstance(s, IntakeScreen) for s in app.screen_stack):
                self._build()
                self.when_idle()  # laid out next, once it is built
            return
        if not screen.is_built:
            self.when_idle()
            return
        if not self._laid_out:
            self._lay_out(screen)
            self.when_idle()  # until a pass leaves nothing to do; then the index
            return
        if self._index_due:
            self._index_due = False
            app.run_worker(
                app.workspace.prepare_duplicate_check,
                thread=True,
                group=DUPLICATE_INDEX_GROUP,
                exit_on_error=False,
                description="duplicate index",
            )

    def _build(self) -> None:
        from kim_tui.screens.intake import IntakeScreen

        screen = IntakeScreen()
        self._made_for = self._fit()
        self._screen = screen
        # Started like a pushed screen (composed, mounted, styled) but not shown: Textual does
        # this in `push_screen` (`App._get_screen`), which has no public form that stops short
        # of showing the screen. Pushing it later finds it running and only shows it.
        app = self._app
        app._register(app, screen)
        self._laid_out = False
        self._layout_passes = 0

    def _lay_out(self, screen: IntakeScreen) -> None:
        # Where each field goes, at the terminal's size, and the styles of what only a layout
        # makes (the scroll bars of the form and of the household box inside it). Textual
        # styles and lays out a screen when it comes on top: on F4 that was most of the time
        # left once the form was built, and twice over (the first layout asks for another).
        # Done here while it is hidden, and again on the next idle moment while the widgets
        # still ask for one, showing it only paints; after a resize it is laid out again.
        # Textual has no public way to lay out a screen that is not shown (these are the
        # private steps `Screen._on_screen_resume` and `Screen._on_timer_update` take).
        if self._layout_passes and not screen._layout_required:
            self._laid_out = True
            screen.styled_ahead = True
            # Each field draws its lines now (kept until it changes): F4 then only puts them
            # together on the terminal.
            screen._compositor.render_update(full=True)
            return
        if self._layout_passes >= MAX_LAYOUT_PASSES:
            self._laid_out = True  # shown as any screen is: styled and laid out then
            return
        self._layout_passes += 1
        size = self._app.size
        screen._refresh_layout(size)
        for _ in range(2):
            screen.update_node_styles(animate=False)
            screen._refresh_layout(size)
        screen._layout_required = False


class IntakeAppActions:
    """F4 Erstberatung of `KimApp`: show the form (built ahead if it is ready), then save,
    offer the household members, and open the new client's file."""

    def _kim(self) -> KimApp:
        return cast("KimApp", self)

    def action_intake(self) -> None:
        """F4: back to the intake that is open (never a second one), else a new intake."""
        from kim_tui.screens.intake import IntakeScreen

        app = self._kim()
        if app.is_unlocked:
            app._go_to(IntakeScreen, self._open_intake)

    def _open_intake(self) -> None:
        # Pushed here and now, not from a worker: a key typed right after F4 is handled after
        # this one and then finds the form on top, with the cursor in its first field.
        app = self._kim()
        app.push_screen(app.intake_ahead.take(), self._intake_closed)

    async def hold_key_for_intake(self) -> None:
        """Before the app handles a key: while the form F4 pushed is still being composed (it
        was not built ahead yet), wait for it. The key then reaches the form's first field,
        in the order it was typed; before, nothing had the focus and it was dropped (or, from
        a worker's push, taken by the screen below)."""
        screen = self._kim().screen
        if screen.is_mounted:
            return
        from kim_tui.screens.intake import IntakeScreen

        if not isinstance(screen, IntakeScreen):
            return
        deadline = time.monotonic() + KEY_WAIT_SECONDS
        while not screen.is_mounted and time.monotonic() < deadline:
            await asyncio.sleep(0.005)

    def _intake_closed(self, result: IntakeResult | None) -> None:
        app = self._kim()
        app.intake_ahead.when_idle()  # the used form is gone: a fresh one for the next intake
        if result is not None:
            self._after_intake(result)

    @work(exclusive=True, group="intake")
    async def _after_intake(self, result: IntakeResult) -> None:
        """The form closed with a client: open them (offering the household members first)."""
        from kim_tui.screens.client_file import ClientFileScreen

        app = self._kim()
        if result.open_existing is not None:
            app.push_screen(ClientFileScreen(result.open_existing))
            return
        assert result.draft is not None
        # The form has written it already (a refused write keeps the form open with its input).
        client_id = result.saved or self.save_intake(result.draft)
        if client_id is not None:
            from kim_tui.screens.household_from_intake import offer_household_members

            await offer_household_members(app, client_id, result.draft)
            app.push_screen(ClientFileScreen(client_id))

    def save_intake(self, draft: IntakeDraft) -> str | None:
        """Write an intake the form did not write itself; None (and the reason shown) when
        the vault refuses it."""
        from kim_tui.store.errors import VaultError

        app = self._kim()
        try:
            client_id, _case_id = app.workspace.intake(draft)
        except VaultError as exc:
            app.notify(str(exc), severity="error", timeout=10)
            return None
        app.notify(tr("Klient*in angelegt.", "Client created."))
        return client_id
