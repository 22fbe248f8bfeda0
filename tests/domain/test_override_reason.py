"""A reason for sharing data without consent is a real sentence: at least 20 characters."""

from __future__ import annotations

import pytest

from kim_tui.domain.validation import (
    MIN_OVERRIDE_REASON,
    override_reason_problem,
    validate_override_reason,
)


@pytest.mark.parametrize("reason", ["x", "Eilfall", "   Frist läuft ab   ", " " * 40])
def test_a_word_is_no_reason(reason: str) -> None:
    problem = override_reason_problem(reason)
    assert problem is not None
    german, english = problem
    assert f"mindestens {MIN_OVERRIDE_REASON}" in german
    assert f"({len(reason.strip())} Zeichen" in german
    assert f"at least {MIN_OVERRIDE_REASON}" in english
    assert validate_override_reason(reason) == {"override_reason": german}


def test_a_sentence_is_a_reason() -> None:
    reason = "Frist läuft heute ab, mündlich einverstanden"
    assert MIN_OVERRIDE_REASON == 20
    assert override_reason_problem(reason) is None
    assert override_reason_problem("x" * MIN_OVERRIDE_REASON) is None
    assert override_reason_problem("x" * (MIN_OVERRIDE_REASON - 1)) is not None
    assert validate_override_reason(reason) == {}
