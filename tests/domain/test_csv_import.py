"""Bulk intake from a spreadsheet: parsing, checking and the template."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kim_tui.domain.csv_import import (
    COLUMNS,
    MAX_BYTES,
    CsvFormatError,
    ImportResult,
    columns_markdown,
    parse_clients_csv,
    template_csv,
)
from kim_tui.domain.model import ResidenceDraft

TODAY = date(2026, 3, 15)
FULL_HEADER = (
    "Nachname;Vorname;Geburtsdatum;Geschlecht;Staatsangehörigkeit;Sprachen;Telefon;Adresse;"
    "Aufenthaltsstatus;Gültig bis;Zielgruppen"
)


def csv_bytes(*lines: str, sep: str = ";", encoding: str = "utf-8", eol: str = "\n") -> bytes:
    return eol.join(line.replace(";", sep) for line in lines).encode(encoding) + eol.encode()


def parse(data: bytes) -> ImportResult:
    return parse_clients_csv(data, TODAY)


def messages(result: ImportResult) -> list[str]:
    return [e.message for e in result.errors]


# --- encodings, separators, line endings -------------------------------------------------------


def test_utf8_with_bom_and_semicolon() -> None:
    data = csv_bytes(FULL_HEADER, "Müller;Jürgen;03.07.1991;m;Syrien;Arabisch, Kurdisch;;;;;")
    result = parse(b"\xef\xbb\xbf" + data)
    assert result.ok, messages(result)
    assert result.encoding == "utf-8-sig"
    assert result.delimiter == ";"
    (draft,) = result.drafts
    assert draft.client.family_name == "Müller"
    assert draft.client.given_name == "Jürgen"
    assert draft.client.birth_date == date(1991, 7, 3)
    assert draft.client.gender == "m"
    assert draft.client.nationality == "SYR"
    assert draft.client.languages[0] == "ara"
    assert len(draft.client.languages) == 2
    assert draft.first_contact_on == TODAY
    assert draft.access_route == "self"
    assert draft.consents == ()
    assert draft.residence is None
    assert result.draft_lines == (2,)


def test_utf8_without_bom_and_comma_with_quoted_commas() -> None:
    data = csv_bytes(
        "Nachname,Vorname,Geburtsdatum,Adresse,Sprachen",
        'Yılmaz,Ayşe,1985-11-02,"Musterstr. 1, 40210 Düsseldorf","Türkisch, Deutsch"',
    )
    result = parse(data)
    assert result.ok, messages(result)
    assert (result.encoding, result.delimiter) == ("utf-8", ",")
    (draft,) = result.drafts
    assert draft.client.given_name == "Ayşe"
    assert draft.client.family_name == "Yılmaz"
    assert draft.client.address == "Musterstr. 1, 40210 Düsseldorf"
    assert draft.client.birth_date == date(1985, 11, 2)
    assert draft.client.languages == ("tur", "deu")


def test_quoted_comma_in_header_does_not_confuse_detection() -> None:
    data = csv_bytes('"Nachname";"Vorname";"Geburtsdatum"', '"Doe, Jr.";"John";"01.01.1980"')
    result = parse(data)
    assert result.ok, messages(result)
    assert result.delimiter == ";"
    assert result.drafts[0].client.family_name == "Doe, Jr."


def test_windows_1252_with_umlauts() -> None:
    data = csv_bytes(
        "Nachname;Vorname;Geburtsdatum;Staatsangehörigkeit",
        "Müller;Jürgen;1.2.1970;Türkei",
        encoding="cp1252",
    )
    result = parse(data)
    assert result.ok, messages(result)
    assert result.encoding == "cp1252"
    client = result.drafts[0].client
    assert (client.family_name, client.given_name) == ("Müller", "Jürgen")
    assert client.nationality == "TUR"


def test_crlf_and_trailing_empty_lines() -> None:
    data = csv_bytes(
        "Nachname;Vorname;Geburtsdatum",
        "Petrenko;Olena;12.05.1990",
        "Kaya;Emre;1990-05-12",
        "",
        ";;",
        eol="\r\n",
    )
    result = parse(data)
    assert result.ok, messages(result)
    assert [d.client.family_name for d in result.drafts] == ["Petrenko", "Kaya"]
    assert result.draft_lines == (2, 3)


def test_tab_separated_and_excel_sep_line() -> None:
    tabbed = parse(csv_bytes("Nachname;Vorname;Geburtsdatum", "A;B;01.01.1990", sep="\t"))
    assert tabbed.ok and tabbed.delimiter == "\t"
    with_sep = parse(csv_bytes("sep=,", "Nachname,Vorname,Geburtsdatum", "A,B,01.01.1990,"))
    assert with_sep.delimiter == ","
    assert messages(with_sep) == ["Zeile 3: 4 Felder statt 3"]


def test_undecodable_file_is_rejected_not_mangled() -> None:
    # 0x81 is undefined in Windows-1252 and invalid UTF-8.
    with pytest.raises(CsvFormatError, match="weder UTF-8 noch Windows-1252"):
        parse(b"Nachname;Vorname;Geburtsdatum\nM\x81ller;A;01.01.1990\n")
    with pytest.raises(CsvFormatError, match="UTF-8 gekennzeichnet"):
        parse(b"\xef\xbb\xbfNachname;Vorname;Geburtsdatum\nM\xfcller;A;01.01.1990\n")
    with pytest.raises(CsvFormatError, match="UTF-16"):
        parse("Nachname;Vorname;Geburtsdatum\n".encode("utf-16"))
    with pytest.raises(CsvFormatError, match="Excel-Arbeitsmappe"):
        parse(b"PK\x03\x04rest-of-a-zip")


# --- dates, catalogs --------------------------------------------------------------------------


def test_optional_columns_are_mapped() -> None:
    data = csv_bytes(
        FULL_HEADER,
        "Haddad;Lina;2001-02-03;weiblich;SYR;ara / kmr;0211 1;Weg 2;Duldung;30.06.2026;"
        "Junge Geduldete/Gestattete 18–27, catch_up",
        "Nowak;Adam;03.02.2001;x;staatenlos;Polnisch;;;ae_25b;;Multiple Problemlagen",
    )
    result = parse(data)
    assert result.ok, messages(result)
    first, second = result.drafts
    assert first.client.gender == "f"
    assert first.client.languages == ("ara", "kmr")
    assert first.client.phone == "0211 1"
    assert first.residence == ResidenceDraft(status="duldung", valid_until=date(2026, 6, 30))
    assert first.target_groups == ("young_tolerated", "catch_up")
    assert second.client.gender == "x"
    assert second.client.nationality == "XXA"
    assert second.residence == ResidenceDraft(status="ae_25b")
    assert second.target_groups == ("multiple_problems",)


@pytest.mark.parametrize(
    ("text", "code"),
    [("w", "f"), ("W", "f"), ("weiblich", "f"), ("m", "m"), ("männlich", "m")]
    + [("maennlich", "m"), ("d", "d"), ("divers", "d"), ("x", "x"), ("keine Angabe", "x")],
)
def test_gender_values(text: str, code: str) -> None:
    result = parse(csv_bytes("Nachname;Geburtsdatum;Vorname;Geschlecht", f"A;01.01.1990;;{text}"))
    assert result.ok, messages(result)
    assert result.drafts[0].client.gender == code


def test_valid_until_without_status_is_an_error() -> None:
    data = csv_bytes("Nachname;Vorname;Geburtsdatum;Gültig bis", "A;B;01.01.1990;01.01.2027")
    result = parse(data)
    assert not result.ok
    assert messages(result) == [
        "Zeile 2: „Gültig bis“ ist nur zusammen mit einem Aufenthaltsstatus erlaubt"
    ]


def test_an_invalid_valid_until_is_glossed_in_english(english: None) -> None:
    data = csv_bytes(
        "Nachname;Vorname;Geburtsdatum;Aufenthaltsstatus;Gültig bis",
        "A;B;01.01.1990;Duldung;99.99.2027",
    )
    [message] = messages(parse(data))
    assert message.startswith("Row 2: Gültig bis (valid until): ")


def test_several_mistakes_are_all_reported_with_line_numbers() -> None:
    data = csv_bytes(
        FULL_HEADER,
        "Gut;Anna;01.01.1990;;;;;;;;",  # 2: valid
        "Zukunft;Ben;01.01.2030;;;;;;;;",  # 3: future birth date
        "Februar;Cem;31.02.1990;;;;;;;;",  # 4: no such date
        "Status;Dana;01.01.1990;;;;;;Supergeduldet;;",  # 5: unknown status
        "Land;Emil;01.01.1990;;Atlantis;;;;;;",  # 6: unknown country
        ";Fatma;01.01.1990;;;;;;;;",  # 7: no Nachname
        "Kurz;Gül;01.01.1990;;;;;;",  # 8: 9 fields instead of 11
        "Kurz;Hans;01.01.90;;;;;;;;",  # 9: two-digit year
    )
    result = parse(data)
    assert not result.ok
    assert [d.client.family_name for d in result.drafts] == ["Gut"]
    by_line = {e.line: e.message for e in result.errors}
    assert sorted(by_line) == [3, 4, 5, 6, 7, 8, 9]
    assert len(result.errors) == 7  # one message per bad row, nothing twice
    assert by_line[3] == "Zeile 3: Geburtsdatum 01.01.2030 liegt in der Zukunft"
    assert by_line[4] == (
        "Zeile 4: Geburtsdatum '31.02.1990': diesen Tag gibt es nicht (TT.MM.JJJJ; "
        "unbekannter Tag oder Monat als 00, z. B. 00.00.1990)"
    )
    assert by_line[5].startswith("Zeile 5: Aufenthaltsstatus 'Supergeduldet' ist unbekannt")
    assert by_line[6].startswith("Zeile 6: Staatsangehörigkeit 'Atlantis' ist unbekannt")
    assert by_line[7] == "Zeile 7: Nachname fehlt"
    assert by_line[8] == "Zeile 8: 9 Felder statt 11"
    assert "Jahr bitte vierstellig" in by_line[9]


def test_all_problems_of_one_row_are_listed() -> None:
    data = csv_bytes(FULL_HEADER, ";;;q;Atlantis;Klingonisch, Arabisch;;;;01.01.2027;Ohne")
    result = parse(data)
    text = "\n".join(messages(result))
    for part in (
        "Nachname fehlt",
        "Geburtsdatum fehlt",
        "Geschlecht 'q'",
        "'Atlantis'",
        "Sprache 'Klingonisch'",
        "Gültig bis",
        "Zielgruppe 'Ohne'",
    ):
        assert part in text
    assert all(e.line == 2 for e in result.errors)


def test_missing_birth_date_is_an_error() -> None:
    result = parse(csv_bytes("Nachname;Vorname;Geburtsdatum", "A;;"))
    assert messages(result) == ["Zeile 2: Geburtsdatum fehlt"]


def test_expired_residence_is_reported() -> None:
    data = csv_bytes(
        "Nachname;Vorname;Geburtsdatum;Aufenthaltsstatus;Gültig bis",
        "A;B;01.01.1990;Duldung;01.01.2020",
    )
    (error,) = parse(data).errors
    assert error.message.startswith("Zeile 2: Gültig bis 01.01.2020 liegt vor heute")


def test_line_numbers_count_physical_lines_of_multiline_cells() -> None:
    data = csv_bytes(
        "Nachname;Vorname;Geburtsdatum;Adresse",
        'A;B;01.01.1990;"Weg 1\n40210 Düsseldorf"',
        "C;D;31.02.1990;",
    )
    result = parse(data)
    assert result.drafts[0].client.address == "Weg 1\n40210 Düsseldorf"
    assert [e.line for e in result.errors] == [4]


# --- header -----------------------------------------------------------------------------------


def test_unknown_column_is_named() -> None:
    with pytest.raises(CsvFormatError) as info:
        parse(csv_bytes("Nachname;Vorname;Geburtsdatum;Lieblingsfarbe", "A;B;01.01.1990;rot"))
    message = str(info.value)
    assert "„Lieblingsfarbe“" in message
    assert "Erlaubte Spalten" in message and "Staatsangehörigkeit" in message


def test_missing_required_column() -> None:
    with pytest.raises(CsvFormatError, match="Pflichtspalte fehlt: „Geburtsdatum“"):
        parse(csv_bytes("Nachname;Vorname", "A;B"))


def test_duplicate_column() -> None:
    with pytest.raises(CsvFormatError, match="Doppelte Spalte"):
        parse(csv_bytes("Nachname;Vorname;Geburtsdatum;nachname", "A;B;01.01.1990;A"))


def test_empty_file() -> None:
    for data in (b"", b"\xef\xbb\xbf", b"\r\n\r\n", b"   \n"):
        with pytest.raises(CsvFormatError, match="leer"):
            parse(data)


def test_header_is_case_and_space_insensitive_and_accepts_ascii_spellings() -> None:
    data = csv_bytes(
        "NACHNAME; vorname ;Geburtsdatum;Staatsangehoerigkeit;Aufenthaltsstatus;GUELTIG BIS",
        "A;B;01.01.1990;DEU;Duldung;01.01.2027",
    )
    result = parse(data)
    assert result.ok, messages(result)
    assert result.drafts[0].client.nationality == "DEU"
    assert result.drafts[0].residence == ResidenceDraft("duldung", valid_until=date(2027, 1, 1))


def test_empty_header_cells_are_tolerated_when_their_column_is_empty() -> None:
    data = csv_bytes("Nachname;Vorname;Geburtsdatum;", "A;B;01.01.1990;", "C;D;01.01.1990;x")
    result = parse(data)
    assert len(result.drafts) == 1
    assert messages(result) == ["Zeile 3: Wert 'x' in Spalte 4, die keine Überschrift hat"]


# --- names, duplicates, limits ------------------------------------------------------------------


def test_names_in_other_scripts_are_kept_exactly() -> None:
    data = csv_bytes(
        "Nachname;Vorname;Geburtsdatum",
        "  محمد  ;علي;01.01.1990",
        "Олена;Коваленко;02.02.1992",
        "Öztürk;Şükrü İsmail;03.03.1993",
    )
    result = parse(data)
    assert result.ok, messages(result)
    names = [(d.client.family_name, d.client.given_name) for d in result.drafts]
    assert names == [("محمد", "علي"), ("Олена", "Коваленко"), ("Öztürk", "Şükrü İsmail")]


def test_duplicate_person_within_file() -> None:
    data = csv_bytes(
        "Nachname;Vorname;Geburtsdatum",
        "Müller;Jürgen;01.01.1990",
        "Other;Person;01.01.1990",
        "MUELLER;jurgen;1990-01-01",
    )
    result = parse(data)
    assert messages(result) == ["Zeile 4: gleiche Person wie Zeile 2"]
    assert len(result.drafts) == 2


def test_too_large_file_is_rejected() -> None:
    with pytest.raises(CsvFormatError, match="zu groß"):
        parse(b"x" * (MAX_BYTES + 1))


def test_too_many_rows_are_rejected() -> None:
    data = ("Nachname;Vorname;Geburtsdatum\n" + "A;B;01.01.1990\n" * 50_001).encode()
    with pytest.raises(CsvFormatError, match="mehr als 50.000 Datenzeilen"):
        parse(data)


# --- template and docs ------------------------------------------------------------------------


def test_template_round_trip() -> None:
    template = template_csv()
    assert template.startswith(b"\xef\xbb\xbf")
    assert template.endswith(b"\r\n")
    assert template.count(b"\r\n") == 1
    household = ";Haushalt;Rolle im Haushalt"
    assert template.decode("utf-8-sig").rstrip("\r\n") == FULL_HEADER + household
    result = parse(template)
    assert result.ok
    assert result.drafts == ()
    assert (result.encoding, result.delimiter) == ("utf-8-sig", ";")


def test_columns_markdown_lists_every_column() -> None:
    table = columns_markdown()
    lines = table.strip().splitlines()
    assert lines[0] == "| Spalte | Pflicht | Bedeutung | Beispiel |"
    assert len(lines) == 2 + len(COLUMNS)
    for column in COLUMNS:
        assert f"| {column.header} |" in table


# --- fuzz -------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    try:
        result = parse_clients_csv(data, TODAY)
    except CsvFormatError:
        return
    assert isinstance(result, ImportResult)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list(';,"\r\n\t /.-0123456789aäßwxАم')), max_size=30),
        max_size=8,
    )
)
def test_csv_like_text_after_a_valid_header_never_crashes(rows: list[str]) -> None:
    data = ("\n".join([FULL_HEADER, *rows])).encode()
    try:
        result = parse_clients_csv(data, TODAY)
    except CsvFormatError:
        return
    assert all(e.message.startswith(f"Zeile {e.line}: ") for e in result.errors)


def test_unknown_day_and_month_written_as_00_become_the_placeholder() -> None:
    """Refugee papers write a birth date known only by its year as 00.00.JJJJ: it is imported
    as 01.01.JJJJ (an unknown day alone as the 1st), the placeholder the duplicate check knows,
    together with what is known of it (shown again as 00.00.JJJJ)."""
    data = csv_bytes(
        "Nachname;Vorname;Geburtsdatum",
        "Ahmadi;Sara;00.00.1990",
        "Rahimi;Omid;00.05.1988",
        "Karimi;Lale;15.00.1990",
        "Nazari;Reza;00.13.1990",
    )
    result = parse(data)
    by_name = {d.client.family_name: d.client.birth_date for d in result.drafts}
    assert by_name == {"Ahmadi": date(1990, 1, 1), "Rahimi": date(1988, 5, 1)}
    known = {d.client.family_name: d.client.birth_precision for d in result.drafts}
    assert known == {"Ahmadi": "year", "Rahimi": "month"}
    by_line = {e.line: e.message for e in result.errors}
    assert by_line[4] == (
        "Zeile 4: Geburtsdatum '15.00.1990': ein Tag ohne Monat ist kein Datum "
        "(bei unbekanntem Monat 00.00.1990)"
    )
    assert by_line[5].startswith("Zeile 5: Geburtsdatum '00.13.1990': diesen Tag gibt es nicht")
