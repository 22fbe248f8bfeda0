from __future__ import annotations

from importlib import resources

import pytest

from kim_tui.domain.catalogs import CATALOG_NAMES, Catalog, CatalogEntry, _load, catalog
from kim_tui.domain.model import CaseStage, ConsentPurpose, FollowUpSource
from kim_tui.domain.text import fold

RULE_FILES = {"regimes", "retention", "processing_record"}
"""Data files that hold legal rules with sources, not code catalogs (their own loaders)."""


def test_every_data_file_is_a_known_catalog_and_vice_versa() -> None:
    data = resources.files("kim_tui.domain").joinpath("data")
    files = {p.name.removesuffix(".toml") for p in data.iterdir() if p.name.endswith(".toml")}
    assert files - RULE_FILES == set(CATALOG_NAMES)


@pytest.mark.parametrize("name", CATALOG_NAMES)
def test_catalog_loads_with_unique_codes_and_both_labels(name: str) -> None:
    cat = catalog(name)
    assert cat.name == name
    assert len(cat) > 0
    assert len(set(cat.codes())) == len(cat)
    for entry in cat:
        assert entry.de.strip() and entry.en.strip()
        assert entry.code in cat


@pytest.mark.parametrize("name", CATALOG_NAMES)
def test_folded_labels_are_unambiguous_within_a_catalog(name: str) -> None:
    keys = [fold(e.de) for e in catalog(name)]
    assert len(keys) == len(set(keys))
    for entry in catalog(name):
        assert catalog(name).find(entry.de) == entry
        assert catalog(name).find(entry.en) is not None


def test_catalog_is_cached_and_immutable() -> None:
    cat = catalog("genders")
    assert catalog("genders") is cat
    with pytest.raises(AttributeError):
        cat.name = "x"  # type: ignore[misc]
    assert isinstance(cat.entries, tuple)


def test_unknown_catalog_name_raises_key_error_naming_it() -> None:
    with pytest.raises(KeyError, match="nope"):
        catalog("nope")


def test_priority_areas_are_the_twelve_of_the_domain() -> None:
    assert catalog("priority_areas").codes() == (
        "residence",
        "language",
        "education",
        "work",
        "vocational",
        "income",
        "housing",
        "health",
        "care",
        "family",
        "consumer",
        "participation",
    )
    assert catalog("priority_areas").label("residence") == "Aufenthaltsstatus"
    assert catalog("priority_areas").label("residence", "en") == "residence status"


def test_labels_are_german_by_default() -> None:
    assert catalog("genders").label("m") == "männlich"
    assert catalog("referral_statuses").label("withdrawn") == "zurückgezogen"
    assert catalog("target_groups").label("catch_up") == "Nachholende Integration"
    assert catalog("step_owners").label("client", "en") == "client"


def test_label_of_unknown_code_is_the_code() -> None:
    assert catalog("genders").label("zz") == "zz"
    assert catalog("genders").get("zz") is None
    assert "zz" not in catalog("genders")
    assert 3 not in catalog("genders")


def test_residence_statuses_cover_section_6_1_with_basis_and_kind() -> None:
    cat = catalog("residence_statuses")
    expected = {
        "gestattung", "duldung", "duldung_light", "ausbildungsduldung", "ae_16g",
        "beschaeftigungsduldung", "ae_25a", "ae_25b", "ae_104c", "ae_25_1", "ae_25_2_gfk",
        "ae_25_2_subs", "ae_25_3", "ae_25_4", "ae_25_5", "ae_23", "ae_24", "ne_26_3", "ne_26_4",
        "ne_9",
        "daueraufenthalt_eu", "ae_other", "ne_other", "eu_freizuegigkeit", "visum", "fiktion",
        "german", "unknown",
    }  # fmt: skip
    assert set(cat.codes()) == expected
    kinds = {"procedure", "toleration", "permit", "settlement", "citizen", "other"}
    for entry in cat:
        assert entry.extra["kind"] in kinds
        assert "legal_basis" in entry.extra
        assert len(entry.de) <= 26, entry.de
    duldung = cat.get("duldung")
    assert duldung is not None
    assert duldung.de == "Duldung"
    assert duldung.extra["legal_basis"] == "§ 60a AufenthG"
    assert cat.label("ae_25b") == "AE § 25b"
    assert cat.label("ne_9") == "NE § 9"


def test_agencies_reference_existing_legal_domains() -> None:
    domains = catalog("legal_domains")
    for entry in catalog("agencies"):
        if "legal_domain" in entry.extra:
            assert entry.extra["legal_domain"] in domains
    jobcenter = catalog("agencies").get("jobcenter")
    assert jobcenter is not None and jobcenter.extra["legal_domain"] == "sgb2"


def test_catalogs_match_the_model_enums() -> None:
    assert set(catalog("case_stages").codes()) == {s.value for s in CaseStage}
    assert set(catalog("follow_up_sources").codes()) == {s.value for s in FollowUpSource}
    assert set(catalog("consent_purposes").codes()) == {s.value for s in ConsentPurpose}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Duldung", "duldung"),
        ("  duldung ", "duldung"),
        ("DULDUNG", "duldung"),
        ("Beschaftigungsduldung", "beschaeftigungsduldung"),
        ("Beschaeftigungsduldung", "beschaeftigungsduldung"),
        ("beschäftigungsduldung", "beschaeftigungsduldung"),
        ("toleration", "duldung"),
        ("ae_25b", "ae_25b"),
        ("AE § 25b", "ae_25b"),
        ("Aufenthaltsgestattung", "gestattung"),
        ("EU-Freizügigkeit", "eu_freizuegigkeit"),
        ("eu freizugigkeit", "eu_freizuegigkeit"),
    ],
)
def test_find_ignores_case_diacritics_and_spaces(text: str, code: str) -> None:
    entry = catalog("residence_statuses").find(text)
    assert entry is not None
    assert entry.code == code


def test_find_in_other_catalogs_and_misses() -> None:
    assert catalog("agencies").find("Auslaenderbehoerde") == catalog("agencies").get(
        "auslaenderbehoerde"
    )
    assert catalog("genders").find("MÄNNLICH") == catalog("genders").get("m")
    assert catalog("genders").find("") is None
    assert catalog("genders").find("   ") is None
    assert catalog("genders").find("robot") is None


def test_entry_label_and_hash() -> None:
    entry = catalog("genders").get("f")
    assert isinstance(entry, CatalogEntry)
    assert entry.label() == "weiblich"
    assert entry.label("en") == "female"
    assert hash(entry) == hash(catalog("genders").get("f"))


_TWICE_A = '[[entries]]\ncode = "a"\nde = "A"\nen = "A"\n' * 2


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (_TWICE_A, "duplicate code 'a'"),
        ('[[entries]]\ncode = "a"\nde = ""\nen = "A"\n', "entry 1 \\('a'\\): label 'de'"),
        ('[[entries]]\ncode = "a"\nde = "A"\n', "label 'en'"),
        ('[[entries]]\ncode = "A b"\nde = "A"\nen = "A"\n', "code must be"),
        ('[[entries]]\ncode = "a"\nde = "A"\nen = "A"\nkind = 3\n', "field 'kind'"),
        ("x = 1\n", "entries"),
        ("[[entries]\n", "invalid TOML"),
    ],
)
def test_validation_names_file_and_entry(toml: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        _load("broken", toml)
    assert "broken.toml" in str(info.value)


def test_catalog_constructor_rejects_duplicate_codes() -> None:
    a = CatalogEntry("a", "A", "A")
    with pytest.raises(ValueError, match="duplicate"):
        Catalog("x", (a, a))
