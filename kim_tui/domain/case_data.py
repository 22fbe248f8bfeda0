"""How a case came in (Falldaten), as the client file corrects it; intake records the same fields
in its `IntakeDraft` (`kim_tui.domain.model` is at its size limit, hence a module of its own)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CaseDataDraft:
    """How a case came in, as corrected from the client file: first contact, access route,
    legal domains and target groups (what the intake recorded about the case, not the person)."""

    first_contact_on: date
    access_route: str = "self"
    """``self`` or ``referred``."""
    referred_by: str | None = None
    """Agency code when ``access_route == "referred"``."""
    legal_domains: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
