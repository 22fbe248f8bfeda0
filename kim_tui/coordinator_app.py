"""The coordinator's app: unlock the coordinator store, import weekly bundles, see the report.

It reuses the coach app's unlock, lock, help and crash handling; only its home screen and its
service object differ.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.screen import Screen

from kim_tui.actions import UiAction, bindings
from kim_tui.app import APP_ACTIONS, KimApp
from kim_tui.config import load_config
from kim_tui.i18n import set_language

if TYPE_CHECKING:
    from kim_tui.sync.coordinator_service import CoordinatorService

COORDINATOR_ACTIONS: tuple[UiAction, ...] = tuple(
    a for a in APP_ACTIONS if a.id in ("app.lock", "app.help", "app.quit")
)


class CoordinatorApp(KimApp, inherit_bindings=False):
    TITLE = "KIM Koordinierung"
    ACTIONS: ClassVar[tuple[UiAction, ...]] = COORDINATOR_ACTIONS
    BINDINGS = bindings(COORDINATOR_ACTIONS)

    @property
    def coordinator(self) -> CoordinatorService:
        """The coordinator's service object (import, gaps, report)."""
        return self.session  # type: ignore[return-value]

    def home_screen(self) -> Screen[None]:
        from kim_tui.screens.coordinator import CoordinatorScreen

        return CoordinatorScreen()

    def _preload_store(self) -> None:  # type: ignore[override]
        # Nothing to warm up beyond what the coordinator service imports itself.
        return


def run_coordinator_app(directory: Path, *, language: str | None = None) -> int:
    from kim_tui.store.errors import VaultNotFound
    from kim_tui.sync.coordinator_service import CoordinatorService
    from kim_tui.sync.coordinator_store import KEY_FILE

    if not (Path(directory) / KEY_FILE).is_file():
        raise VaultNotFound(directory)
    config = load_config()
    lang = language or config.language
    set_language("en" if lang == "en" else "de")
    service = CoordinatorService(directory)
    app = CoordinatorApp(directory, config=config, session=service)  # type: ignore[arg-type]
    app.run()
    service.release()
    return int(app.return_code or 0)
