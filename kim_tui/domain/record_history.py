"""The correction history in words: "Adresse geändert: Alte Str. 1 → Neue Str. 2",
"Kontakt vom 03.11.2026 gelöscht". Field and entry names come from the data files
`record_fields.toml` and `record_entities.toml`; values are shown as the client file shows them
(dates TT.MM.JJJJ, codes as labels)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from kim_tui.domain.catalogs import Lang, catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.geo import country_name, language_name
from kim_tui.domain.model import RecordChangeView


@dataclass(frozen=True)
class ChangeText:
    """One history line: what happened (`headline`) and its particulars (`detail`)."""

    headline: str
    detail: str

    @property
    def sentence(self) -> str:
        """Both as one sentence, e.g. "Adresse geändert: Alte Str. 1 → Neue Str. 2"."""
        return f"{self.headline}: {self.detail}" if self.detail else self.headline


def field_label(entity: str, field: str, lang: Lang = "de") -> str:
    """The name of a field of an entry (e.g. ``client``/``address`` → "Adresse")."""
    fields = catalog("record_fields")
    entry = fields.get(f"{entity}_{field}") or fields.get(field)
    return field if entry is None else entry.label(lang)


def field_value(entity: str, field: str, value: str, lang: Lang = "de") -> str:
    """A stored history value as the client file would show it."""
    if not value:
        return ""
    fields = catalog("record_fields")
    entry = fields.get(f"{entity}_{field}") or fields.get(field)
    shape = entry.extra.get("format", "") if entry is not None else ""
    try:
        return _formatted(shape, value, lang)
    except (ValueError, TypeError, KeyError):
        return value  # an odd stored value is still shown, as it is


def _formatted(shape: str, value: str, lang: Lang) -> str:
    yes, no = ("ja", "nein") if lang == "de" else ("yes", "no")
    if shape == "date":
        return format_date(date.fromisoformat(value[:10]))
    if shape == "bool":
        return yes if value == "true" else no
    if shape.startswith("code:"):
        return catalog(shape[5:]).label(value, lang)
    if shape.startswith("codes:"):
        return ", ".join(catalog(shape[6:]).label(c, lang) for c in value.split())
    if shape == "country":
        return country_name(value, lang)
    if shape == "languages":
        return ", ".join(language_name(c, lang) for c in value.split())
    if shape == "consent_form":
        labels = {"written": ("schriftlich", "written"), "oral": ("mündlich", "oral")}
        pair = labels.get(value, (value, value))
        return pair[0] if lang == "de" else pair[1]
    if shape == "themes":
        themes = [str(t) for t in json.loads(value)]
        return ", ".join(
            t[5:] if t.startswith("text:") else catalog("themes").label(t, lang) for t in themes
        )
    if shape == "household":
        members = json.loads(value)
        return "; ".join(
            str(m.get("name", ""))
            + (f" ({m['relation']})" if m.get("relation") else "")
            + (
                f", {format_date(date.fromisoformat(m['birth_date']))}"
                if m.get("birth_date")
                else ""
            )
            for m in members
        )
    return value


def describe(change: RecordChangeView, lang: Lang = "de") -> ChangeText:
    """One correction or deletion in words, in `lang`."""
    if change.kind == "deleted":
        return _deleted(change, lang)
    label = field_label(change.entity, change.field, lang)
    old = field_value(change.entity, change.field, change.old_value, lang)
    new = field_value(change.entity, change.field, change.new_value, lang)
    if not old:
        return ChangeText(label, new)
    if not new:
        return ChangeText(f"{label} " + ("entfernt" if lang == "de" else "removed"), old)
    return ChangeText(f"{label} " + ("geändert" if lang == "de" else "changed"), f"{old} → {new}")


def _deleted(change: RecordChangeView, lang: Lang) -> ChangeText:
    entry = catalog("record_entities").get(change.entity)
    template = (
        entry.extra.get(f"deleted_{lang}", "")
        if entry is not None
        else ("{entity} gelöscht" if lang == "de" else "{entity} deleted")
    )
    try:
        snapshot = json.loads(change.old_value) if change.old_value else {}
    except ValueError:
        snapshot = {}
    if not isinstance(snapshot, dict):
        snapshot = {}
    values: dict[str, str] = {"entity": change.entity}
    for name, value in snapshot.items():
        values[str(name)] = field_value(change.entity, str(name), str(value), lang)
    try:
        headline = template.format_map(_Blank(values))
    except (ValueError, IndexError):
        headline = template
    reason = change.reason or ""
    return ChangeText(headline, reason)


class _Blank(dict[str, str]):
    """A template field the deleted entry did not have shows as "–"."""

    def __missing__(self, key: str) -> str:
        return "–"


__all__ = ["ChangeText", "describe", "field_label", "field_value"]
