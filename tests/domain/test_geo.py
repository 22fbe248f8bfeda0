from __future__ import annotations

import pytest

from kim_tui.domain.geo import (
    Country,
    countries,
    country_name,
    find_country,
    find_language,
    language_name,
    languages,
    search_countries,
    search_languages,
)
from kim_tui.domain.text import fold


@pytest.mark.parametrize(
    "text",
    ["Türkei", "turkei", "TÜRKEI", " Tuerkei ", "TR", "tr", "TUR", "Turkey", "Türkiye"],
)
def test_find_country_turkey(text: str) -> None:
    country = find_country(text)
    assert country is not None
    assert country.code == "TUR"
    assert country.de == "Türkei"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Syrien", "SYR"),
        ("Syria", "SYR"),
        ("syrien, arabische republik", "SYR"),
        ("SY", "SYR"),
        ("Ukraine", "UKR"),
        ("Iran", "IRN"),
        ("Afghanistan", "AFG"),
        ("Irak", "IRQ"),
        ("Russland", "RUS"),
        ("Deutschland", "DEU"),
        ("Germany", "DEU"),
        ("Agypten", "EGY"),
        ("Elfenbeinküste", "CIV"),
        ("Kosovo", "XKX"),
        ("staatenlos", "XXA"),
        ("stateless", "XXA"),
        ("ungeklärt", "XXX"),
    ],
)
def test_find_country(text: str, code: str) -> None:
    country = find_country(text)
    assert country is not None
    assert country.code == code


def test_find_country_misses() -> None:
    assert find_country("") is None
    assert find_country("Atlantis") is None


def test_country_names() -> None:
    assert country_name("UKR") == "Ukraine"
    assert country_name("UKR", "en") == "Ukraine"
    assert country_name("TUR") == "Türkei"
    assert country_name("DEU") == "Deutschland"
    assert country_name("XXA") == "staatenlos"
    assert country_name("XXA", "en") == "stateless"
    assert country_name("QQQ") == "QQQ"
    assert country_name("") == ""


def test_countries_sorted_by_folded_german_name_with_special_entries_last() -> None:
    all_countries = countries()
    assert all(isinstance(c, Country) for c in all_countries)
    codes = [c.code for c in all_countries]
    assert len(codes) == len(set(codes))
    assert codes[-2:] == ["XXA", "XXX"]
    iso = all_countries[:-2]
    keys = [fold(c.de) for c in iso]
    assert keys == sorted(keys)
    assert codes.index("EGY") < codes.index("ALB")  # Ägypten sorts with A
    assert len(iso) > 240


def test_search_countries_prefix_first_then_substring() -> None:
    result = [c.code for c in search_countries("syr")]
    assert result[0] == "SYR"
    kongo = [c.code for c in search_countries("kongo")]
    assert kongo[0] == "COG"  # "Kongo" starts with the query
    assert "COD" in kongo  # "Demokratische Republik Kongo" contains it
    arab = search_countries("arab")
    assert {"SAU", "SYR", "ARE"} <= {c.code for c in arab}
    assert len(search_countries("a", limit=5)) == 5
    assert search_countries("", limit=3) == countries()[:3]
    assert search_countries("zzzz") == ()
    assert search_countries("DEU")[0].code == "DEU"
    assert search_countries("Russland")[0].code == "RUS"  # exact everyday name


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Arabisch", "ara"),
        ("arabic", "ara"),
        ("ar", "ara"),
        ("Kurdisch", "kur"),
        ("Türkisch", "tur"),
        ("turkisch", "tur"),
        ("Ukrainisch", "ukr"),
        ("Tigrinya", "tir"),
        ("Tigrinja", "tir"),
        ("Persisch", "fas"),
        ("Farsi", "fas"),
        ("Dari", "prs"),
        ("Russisch", "rus"),
        ("Deutsch", "deu"),
        ("ger", "deu"),
        ("Sorani", "ckb"),
        ("Kurmandschi", "kmr"),
    ],
)
def test_find_language(text: str, code: str) -> None:
    language = find_language(text)
    assert language is not None
    assert language.code == code


def test_languages_are_living_individual_plus_macrolanguages() -> None:
    codes = {lang.code for lang in languages()}
    assert {"ara", "kur", "fas", "tur", "ukr", "tir", "kmr", "ckb", "prs", "deu"} <= codes
    assert "grc" not in codes  # Ancient Greek: historical
    assert "lat" not in codes  # Latin: ancient
    keys = [fold(lang.de) for lang in languages()]
    assert keys == sorted(keys)


def test_language_names() -> None:
    assert language_name("ara") == "Arabisch"
    assert language_name("ara", "en") == "Arabic"
    assert language_name("pus") == "Paschtu"  # first of "Paschtu; Afghanisch"
    assert language_name("xxx-unknown") == "xxx-unknown"


def test_search_languages() -> None:
    result = [lang.code for lang in search_languages("kurd")]
    assert result[0] == "kur"
    assert {"kmr", "ckb"} <= set(result)
    assert search_languages("arabisch", limit=1)[0].code == "ara"
    assert "ara" in [lang.code for lang in search_languages("arab", limit=3)]
    assert search_languages("dari")[0].code == "prs"  # exact name before prefix matches
    assert search_languages("x", limit=0) == ()
