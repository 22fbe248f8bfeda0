from __future__ import annotations

import pytest

from kim_tui.domain.text import fold, one_line, safe_text


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Şükrü", "sukru"),
        ("Müller", "Mueller"),
        ("Müller", "muller"),
        ("MÜLLER", "mueller"),
        ("Ğ", "g"),
        ("Straße", "STRASSE"),
        ("İstanbul", "istanbul"),
        ("Yıldız", "yildiz"),
        ("Søren", "soren"),
        ("Łukasz", "lukasz"),
        ("Đorđević", "dordevic"),
        ("Ægir", "agir"),
        ("Œuvre", "oeuvre"),
        ("Göktaş", "Goektas"),
        ("  Jean-Luc   O'Neill ", "jean luc o neill"),
        ("Anne–Marie", "anne marie"),
        ("Ａｂｃ", "abc"),  # fullwidth, NFKD
    ],
)
def test_fold_equivalences(a: str, b: str) -> None:
    assert fold(a) == fold(b)


def test_fold_values() -> None:
    assert fold("Müller") == "muller"
    assert fold("Şükrü") == "sukru"
    assert fold("  a \t b  ") == "a b"
    assert fold("") == ""
    assert fold("Мария") == "мария"  # Cyrillic stays Cyrillic, only casefolded


def test_safe_text_neutralises_escape_sequences() -> None:
    result = safe_text("red\x1b[31malert")
    assert "\x1b" not in result
    assert result == "red\u241b[31malert"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\x00b", "a\\x00b"),
        ("a\x07b", "a\\x07b"),
        ("a\x7fb", "a\\x7fb"),
        ("a\x9bb", "a\\x9bb"),  # C1 CSI
        ("a\u202eb", "a\\u202eb"),  # right-to-left override
        ("a\u2066b\u2069", "a\\u2066b\\u2069"),
        ("a\u200bb", "a\\u200bb"),  # zero-width space
        ("a\u200cb\u200db", "a\\u200cb\\u200db"),
        ("a\ufeffb", "a\\ufeffb"),
        ("a\u2060b", "a\\u2060b"),
        ("a\u200eb\u200fc\u061cd", "a\\u200eb\\u200fc\\u061cd"),  # direction marks
        ("a\U000e0041b", "a\\U000e0041b"),  # tag character
        ("a\udcffb", "a\\udcffb"),  # lone surrogate from a non-UTF-8 file name
        ("a\nb\tc", "a\\x0ab\\x09c"),
    ],
)
def test_safe_text_controls(raw: str, expected: str) -> None:
    assert safe_text(raw) == expected


def test_safe_text_keep_newlines() -> None:
    assert safe_text("a\nb\tc", keep_newlines=True) == "a\nb\tc"
    assert safe_text("a\r\nb\rc", keep_newlines=True) == "a\nb\nc"
    assert safe_text("a\x1b\n", keep_newlines=True) == "a\u241b\n"


@pytest.mark.parametrize(
    "text",
    [
        "مرحبا بالعالم",
        "Привет, мир",
        "Ünal Şahin-Öztürk",
        "[bold]x[/bold]",
        "[red]not markup?[/]",
        "emoji 👍",
        "",
    ],
)
def test_safe_text_keeps_normal_text_and_rich_markup(text: str) -> None:
    assert safe_text(text) == text
    assert safe_text(text, keep_newlines=True) == text


def test_one_line() -> None:
    assert one_line("first\nsecond") == "first \u23ce second"
    assert one_line("  a\r\n\r\n b \n") == "a \u23ce b"
    assert one_line("a\tb") == "a b"
    assert one_line("\x1b[2Jx") == "\u241b[2Jx"
    assert one_line("abcdefghij", 5) == "abcd\u2026"
    assert one_line("abcde", 5) == "abcde"
    assert one_line("abc", 0) == ""
    assert one_line("abc", 1) == "\u2026"
    assert len(one_line("x" * 100, 10)) == 10
