"""The residence-path hints of a client file, rendered for the Aufenthalt section.

Always with the disclaimer: a hint is not legal advice and must be checked with the
Ausländerbehörde.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from rich.console import Group
from rich.table import Table
from rich.text import Text

from kim_tui.domain.dates import format_date
from kim_tui.domain.eligibility import (
    DISCLAIMER_DE,
    DISCLAIMER_EN,
    ConditionState,
    Hint,
    HintStatus,
    evaluate,
    facts_from_records,
    infer_starts,
    load_rules,
    relevant,
)
from kim_tui.domain.household import (
    HouseholdView,
    combine_minor_child,
    minor_child_in_household,
)
from kim_tui.domain.model import ClientFile
from kim_tui.domain.residence import current_paper
from kim_tui.i18n import language, tr

STATUS_TEXT = {
    HintStatus.ELIGIBLE_NOW: ("jetzt möglich", "possible now", "bold green"),
    HintStatus.POSSIBLE_LATER: ("später möglich", "possible later", "green"),
    HintStatus.UNCLEAR: ("offen – Angaben fehlen", "open – facts missing", "yellow"),
    HintStatus.NOT_YET: ("noch nicht", "not yet", "dim"),
    HintStatus.NOTICE: ("Hinweis", "notice", "bold cyan"),
    HintStatus.NOT_APPLICABLE: ("nicht anwendbar", "not applicable", "dim"),
}
STATE_MARK = {
    ConditionState.MET: ("✓", "green"),
    ConditionState.MISSING: ("✗", "red"),
    ConditionState.UNKNOWN: ("?", "yellow"),
}


def minor_children(file: ClientFile, today: date) -> bool | None:
    """Whether a minor child lives in the household, from the household birth dates."""
    members = file.client.household
    if not members:
        return None

    def minor(born: date) -> bool:
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day)) < 18

    if any(m.birth_date is not None and minor(m.birth_date) for m in members):
        return True
    return False if all(m.birth_date is not None for m in members) else None


def hints_for(
    file: ClientFile, today: date, household: HouseholdView | None = None
) -> tuple[Hint, ...]:
    # The file lists residence records newest first; the rules want them oldest first.
    records = infer_starts(reversed(file.residence), file.facts.entry_on)
    facts = facts_from_records(
        birth_date=file.client.birth_date,
        birth_precision=file.client.birth_precision,
        residence=records,
        draft=file.facts,
        # The linked household (own files with birth dates) answers first; the intake's list
        # of names still counts for clients whose family has no files here.
        minor_children_in_household=combine_minor_child(
            minor_child_in_household(household, today), minor_children(file, today)
        ),
        nationality=file.client.nationality,
    )
    # The hints judge the paper the header shows as current (`domain.residence`), not merely
    # the one that started last: an older open-ended Gestattung must not count as current.
    current = current_paper(reversed(file.residence), today)
    if current is not None:
        facts = replace(facts, current_status=current.record.status)
    return relevant(evaluate(facts, today))


ASYLBLG_RULE = "asylblg_24"
"""The notice rule: § 24 holders who entered from 01.04.2025 get benefits under the AsylbLG."""

ASYLBLG_LEGAL_DOMAIN = "asylg"
"""Legal-domain code of the AsylbLG (catalog legal_domains, "AsylG / AsylbLG")."""


def asylblg_notice(file: ClientFile, today: date) -> Hint | None:
    """The AsylbLG notice when it concerns this client today (every condition of the rule met:
    current status a § 24 permit, entry on or after the rule's cutoff, rule in force)."""
    return next(
        (
            h
            for h in hints_for(file, today)
            if h.rule_id == ASYLBLG_RULE and h.status is HintStatus.NOTICE
        ),
        None,
    )


def asylblg_notice_text(hint: Hint) -> tuple[str, str]:
    """The referral form's notice (German, English) built from the rule's data."""
    rule = load_rules().get(hint.rule_id)
    since = format_date(rule.valid_from) if rule is not None and rule.valid_from else ""
    since_de = f"Ab {since}: " if since else ""
    since_en = f"From {since}: " if since else ""
    de = (
        f"Hinweis AsylbLG – {hint.title_de}. {since_de}{hint.notice_de} {hint.verify_note_de} "
        "Rechtskreis „AsylG / AsylbLG“ vorgeschlagen; die Auswahl bleibt frei."
    )
    en = (
        f"AsylbLG notice – {hint.title_en}. {since_en}{hint.notice_en} {hint.verify_note_en} "
        "Legal domain AsylG / AsylbLG suggested; the choice stays open."
    )
    return de, en


def render_hints(file: ClientFile, today: date, household: HouseholdView | None = None) -> Group:
    """A block per relevant hint: status, conditions (met / missing / unknown), source; with a
    linked household, what the members' files say for the hint (children, spouse)."""
    from kim_tui.widgets.household_hints import household_lines

    english = language() == "en"
    rules = load_rules()
    stand = format_date(rules.published) if rules.published else ""
    parts: list[Text | Table] = [
        Text.assemble(
            (tr("Bleibeperspektive – Hinweise", "Residence path – hints"), "bold"),
            (
                tr(
                    f"  (Regelwerk {rules.version}, Stand {stand})",
                    f"  (rules {rules.version}, as of {stand})",
                ),
                "dim",
            ),
        ),
        Text(DISCLAIMER_EN if english else DISCLAIMER_DE, style="italic yellow"),
    ]
    hints = hints_for(file, today, household)
    if not hints:
        parts.append(
            Text(
                tr(
                    "Keine Regel passt zu den erfassten Angaben (f ergänzt Angaben).",
                    "No rule fits the recorded facts (f adds facts).",
                )
            )
        )
    for hint in hints:
        de, en, style = STATUS_TEXT[hint.status]
        title = Text.assemble(
            ("\n" + (hint.title_en if english else hint.title_de), "bold"),
            f"  ({hint.legal_basis})  ",
            (tr(de, en), style),
        )
        if hint.earliest_date and hint.status is HintStatus.POSSIBLE_LATER:
            title.append(
                tr(
                    f" ab {format_date(hint.earliest_date)}",
                    f" from {format_date(hint.earliest_date)}",
                ),
                style=style,
            )
        if hint.deadline:
            title.append(
                tr(
                    f"  Frist: {format_date(hint.deadline)}",
                    f"  deadline: {format_date(hint.deadline)}",
                )
            )
        parts.append(title)
        notice = hint.notice_en if english else hint.notice_de
        if notice:
            parts.append(Text("  " + notice))
        table = Table.grid(padding=(0, 1))
        table.add_column(width=2)
        table.add_column()
        for condition in hint.conditions:
            mark, mark_style = STATE_MARK[condition.state]
            label = condition.label_en if english else condition.label_de
            detail = condition.detail_en if english and condition.detail_en else condition.detail_de
            text = Text(label)
            if detail:
                text.append(f" – {detail}", style="dim")
            # An unknown condition states its own dates (e.g. papers missing since entry):
            # a bare "met from" would hide that the date is not proven.
            if condition.earliest_date and condition.state is ConditionState.MISSING:
                text.append(
                    tr(
                        f" (erfüllt ab {format_date(condition.earliest_date)})",
                        f" (met from {format_date(condition.earliest_date)})",
                    )
                )
            if condition.latest_date:
                text.append(
                    tr(
                        f" (spätestens {format_date(condition.latest_date)})",
                        f" (at the latest {format_date(condition.latest_date)})",
                    )
                )
            table.add_row(Text(mark, style=mark_style), text)
        parts.append(table)
        parts.extend(household_lines(hint, household, today))
        for line in hint.not_checked_en if english else hint.not_checked_de:
            parts.append(Text(tr("  nicht prüfbar: ", "  not checked: ") + line, style="dim"))
        note = hint.verify_note_en if english else hint.verify_note_de
        if hint.verify and note:
            parts.append(Text("  ⚠ " + note, style="yellow"))
        # Sources are German on purpose: the statute and the one guidance page a coach can open.
        parts.append(Text(tr("  Quelle: ", "  Source: ") + hint.sources, style="dim"))
        parts.append(
            Text(
                tr(
                    f"  Stand der Regel: {format_date(hint.as_of)}",
                    f"  Rule as of: {format_date(hint.as_of)}",
                ),
                style="dim",
            )
        )
    return Group(*parts)
