"""The facts a rule is applied to: residence periods and what the file knows about the client."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from kim_tui.domain.model import ResidenceFactsDraft, ResidenceView

GERMAN_LEVELS: tuple[str, ...] = ("A1", "A2", "B1", "B2", "C1", "C2")

CONVICTION_REFERENCE_TAGESSAETZE = 50
"""What ``ResidenceFacts.conviction_over_threshold`` is coded against: a conviction above
50 Tagessätze (90 for offences only foreigners can commit), the lowest limit any rule uses.
For rules with a higher limit (§ 12a StAG: 90) or a weighing (§ 9 Abs. 2 Nr. 4) "yes" only
means "check"."""

ConvictionCode = Literal["yes", "no", "unknown"]

UNKNOWN_STATUS = "unknown"


@dataclass(frozen=True)
class StatusPeriod:
    """One residence record: a status code from the catalog and its validity."""

    status: str
    valid_from: date
    valid_until: date | None = None
    """None: open-ended or not recorded."""

    def __post_init__(self) -> None:
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise ValueError(
                f"period {self.status!r}: valid_until {self.valid_until} before {self.valid_from}"
            )


@dataclass(frozen=True)
class ResidenceFacts:
    """What the file knows about the client for the rules; None always means "not known".

    Convictions are recorded only as a code (DSGVO Art. 10): see
    `CONVICTION_REFERENCE_TAGESSAETZE` for the threshold "yes" refers to.
    """

    current_status: str | None = None
    """Residence-status catalog code; None or ``unknown`` when not known."""
    periods: tuple[StatusPeriod, ...] = ()
    birth_date: date | None = None
    birth_precision: str = "day"
    """How much of `birth_date` is known (day, month, year): age limits are judged on the safe
    side of what is not."""
    date_of_entry: date | None = None
    nationality: str | None = None
    """ISO 3166-1 alpha-3 code (``XXX`` unknown); None when not recorded."""
    german_level: str | None = None
    """Highest proven level, "A1" to "C2"."""
    german_certificate_on: date | None = None
    livelihood_share: int | None = None
    """Share of the livelihood covered by own income, 0–100 percent."""
    minor_children_in_household: bool | None = None
    in_school_or_training: bool | None = None
    school_attendance_months: int | None = None
    """Months of successful school attendance in Germany."""
    school_or_vocational_degree: bool | None = None
    """A recognised school or vocational degree obtained in Germany."""
    vocational_training_contract: bool | None = None
    """A contract for (qualified) vocational training (§ 60c)."""
    employment_months_20h: int | None = None
    """Months of insurable employment with at least 20 hours a week, up to now."""
    pension_contribution_months: int | None = None
    civic_knowledge_proven: bool | None = None
    """Basic knowledge of the legal and social order (e.g. test "Leben in Deutschland")."""
    naturalisation_test_passed: bool | None = None
    """Einbürgerungstest passed (or a German school certificate)."""
    identity_clarified: bool | None = None
    conviction_over_threshold: ConvictionCode = "unknown"

    def __post_init__(self) -> None:
        if self.german_level is not None and self.german_level not in GERMAN_LEVELS:
            raise ValueError(
                f"german_level must be one of {GERMAN_LEVELS}, got {self.german_level!r}"
            )
        if self.livelihood_share is not None and not 0 <= self.livelihood_share <= 100:
            raise ValueError(f"livelihood_share must be 0–100, got {self.livelihood_share}")
        for name in (
            "school_attendance_months",
            "employment_months_20h",
            "pension_contribution_months",
        ):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} must not be negative, got {value}")
        if self.conviction_over_threshold not in ("yes", "no", "unknown"):
            raise ValueError(
                f"conviction_over_threshold must be yes/no/unknown, "
                f"got {self.conviction_over_threshold!r}"
            )

    @property
    def status(self) -> str | None:
        """The current status, None when not recorded or recorded as ``unknown``."""
        if self.current_status in (None, "", UNKNOWN_STATUS):
            return None
        return self.current_status


def infer_starts(records: Iterable[ResidenceView], entry_on: date | None) -> list[ResidenceView]:
    """Fill in a missing "valid from" (intake records the current status without one), given the
    records in the order they were recorded, oldest first: the first starts at the date of
    entry, a later one the day after its predecessor ended. What cannot be inferred stays
    undated (and so is not counted)."""
    records = list(records)
    out: list[ResidenceView] = []
    for index, record in enumerate(records):
        if record.valid_from is None:
            start: date | None = None
            if index == 0:
                start = entry_on
            elif out[-1].valid_until is not None:
                start = out[-1].valid_until + timedelta(days=1)
            if start is not None and (record.valid_until is None or start <= record.valid_until):
                record = replace(record, valid_from=start)
        out.append(record)
    return out


def facts_from_records(
    *,
    birth_date: date | None,
    residence: Iterable[ResidenceView],
    draft: ResidenceFactsDraft | None,
    minor_children_in_household: bool | None = None,
    nationality: str | None = None,
    birth_precision: str = "day",
) -> ResidenceFacts:
    """Build the rule input from what the store keeps for a client.

    Residence records without ``valid_from`` cannot be counted and are left out of the periods;
    the current status is the record with the latest ``valid_from``. Facts the store does not
    keep stay None (= unknown).
    """
    records = list(residence)
    dated = sorted(
        (r for r in records if r.valid_from is not None), key=lambda r: r.valid_from or date.min
    )
    periods = tuple(
        StatusPeriod(r.status, r.valid_from, r.valid_until)
        for r in dated
        if r.valid_from is not None and (r.valid_until is None or r.valid_until >= r.valid_from)
    )
    latest = dated[-1] if dated else (records[-1] if records else None)
    d = draft if draft is not None else ResidenceFactsDraft()
    conviction: ConvictionCode = "unknown"
    if d.conviction_over_threshold == "yes":
        conviction = "yes"
    elif d.conviction_over_threshold == "no":
        conviction = "no"
    return ResidenceFacts(
        current_status=latest.status if latest is not None else None,
        periods=periods,
        birth_date=birth_date,
        birth_precision=birth_precision,
        date_of_entry=d.entry_on,
        nationality=nationality or None,
        german_level=d.german_level if d.german_level in GERMAN_LEVELS else None,
        german_certificate_on=d.german_certificate_on,
        livelihood_share=d.livelihood_share,
        minor_children_in_household=minor_children_in_household,
        in_school_or_training=d.in_school_or_training,
        school_attendance_months=d.school_months,
        pension_contribution_months=d.pension_months,
        identity_clarified=d.identity_clarified,
        conviction_over_threshold=conviction,
    )
