"""A deterministic, synthetic KIM caseload for `kim demo` (no real people).

`generate_caseload` yields one `DemoCase` at a time: the intake (person, first case, residence,
consents) plus what a case typically accumulates afterwards (assessments, a goal agreement,
referrals, contacts and manual Wiedervorlagen). Every case draws from its own `random.Random`
seeded with ``(seed, index)``, so the output depends only on ``seed``, ``count`` and ``today``
and the caseload is never held in memory as a whole. All ids are left empty (``case_id=""``):
the seeder fills them in with `dataclasses.replace`.

The mix of origins, names, residence statuses and needs follows a typical caseload of an NRW
KIM office; it is illustrative, not statistics. Names are random combinations of common names;
phone numbers come from the landline blocks the Bundesnetzagentur keeps for film and TV
(030 23125 xxx and the like).
"""

from __future__ import annotations

import functools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.geo import find_country, find_language, language_name
from kim_tui.domain.model import (
    AreaRatingDraft,
    AssessmentDraft,
    ClientDraft,
    ConsentDraft,
    ConsentForm,
    ConsentPurpose,
    ContactDraft,
    GoalAgreementDraft,
    GoalDraft,
    HouseholdMember,
    IntakeDraft,
    ReferralDraft,
    ResidenceDraft,
    StepDraft,
)

__all__ = ["DEMO_PASSPHRASE", "DemoCase", "generate_caseload"]

DEMO_PASSPHRASE = "kim-demo-passwort"
"""Passphrase of throwaway demo vaults (shown to the user; never for real data)."""

T = TypeVar("T")


@dataclass(frozen=True)
class DemoCase:
    """One synthetic client with their first case and its history."""

    intake: IntakeDraft
    assessments: tuple[AssessmentDraft, ...]
    """Oldest first; ``case_id=""``."""
    agreement: GoalAgreementDraft | None
    referrals: tuple[ReferralDraft, ...]
    contacts: tuple[ContactDraft, ...]
    """Oldest first; the first one is the Erstberatung on ``first_contact_on``."""
    follow_ups: tuple[tuple[date, str], ...]
    """Manual Wiedervorlagen: (due date, German reason)."""


# --------------------------------------------------------------------------------------------
# Names. Each name is (Latin spelling, native script or "").

Name = tuple[str, str]


def _latin(*names: str) -> tuple[Name, ...]:
    return tuple((name, "") for name in names)


_ARABIC_MALE: tuple[Name, ...] = (
    ("Mohammed", "محمد"),
    ("Ahmad", "أحمد"),
    ("Khaled", "خالد"),
    ("Omar", "عمر"),
    ("Yousef", "يوسف"),
    ("Ali", "علي"),
    ("Hussein", "حسين"),
    ("Mahmoud", "محمود"),
    ("Ibrahim", "إبراهيم"),
    ("Abdullah", "عبد الله"),
    ("Hassan", "حسن"),
    ("Karim", "كريم"),
    ("Bilal", "بلال"),
    ("Samer", "سامر"),
    ("Tarek", "طارق"),
    ("Anas", "أنس"),
    ("Mustafa", "مصطفى"),
)
_ARABIC_FEMALE: tuple[Name, ...] = (
    ("Fatima", "فاطمة"),
    ("Aisha", "عائشة"),
    ("Mariam", "مريم"),
    ("Rania", "رانيا"),
    ("Nour", "نور"),
    ("Layla", "ليلى"),
    ("Hiba", "هبة"),
    ("Amal", "أمل"),
    ("Rasha", "رشا"),
    ("Huda", "هدى"),
    ("Zainab", "زينب"),
    ("Yasmin", "ياسمين"),
    ("Salma", "سلمى"),
    ("Dima", "ديما"),
    ("Reem", "ريم"),
    ("Lina", "لينا"),
)
_ARABIC_FAMILY: tuple[Name, ...] = (
    ("Al-Hassan", "الحسن"),
    ("Al-Ahmad", "الأحمد"),
    ("Haddad", "حداد"),
    ("Khalil", "خليل"),
    ("Saleh", "صالح"),
    ("Al-Khatib", "الخطيب"),
    ("Darwish", "درويش"),
    ("Hamdan", "حمدان"),
    ("Al-Masri", "المصري"),
    ("Qasim", "قاسم"),
    ("Aziz", "عزيز"),
    ("Mansour", "منصور"),
    ("Al-Ali", "العلي"),
    ("Nasser", "ناصر"),
    ("Shaheen", "شاهين"),
    ("Al-Hamoud", "الحمود"),
    ("Othman", "عثمان"),
    ("Al-Sayed", "السيد"),
)
_UKRAINIAN_MALE: tuple[Name, ...] = (
    ("Oleksandr", "Олександр"),
    ("Andrii", "Андрій"),
    ("Serhii", "Сергій"),
    ("Dmytro", "Дмитро"),
    ("Mykola", "Микола"),
    ("Volodymyr", "Володимир"),
    ("Yurii", "Юрій"),
    ("Vasyl", "Василь"),
    ("Bohdan", "Богдан"),
    ("Taras", "Тарас"),
    ("Maksym", "Максим"),
    ("Artem", "Артем"),
)
_UKRAINIAN_FEMALE: tuple[Name, ...] = (
    ("Olena", "Олена"),
    ("Oksana", "Оксана"),
    ("Iryna", "Ірина"),
    ("Nataliia", "Наталія"),
    ("Tetiana", "Тетяна"),
    ("Yuliia", "Юлія"),
    ("Kateryna", "Катерина"),
    ("Svitlana", "Світлана"),
    ("Anastasiia", "Анастасія"),
    ("Halyna", "Галина"),
    ("Liudmyla", "Людмила"),
    ("Viktoriia", "Вікторія"),
    ("Khrystyna", "Христина"),
    ("Daryna", "Дарина"),
)
_UKRAINIAN_FAMILY: tuple[Name, ...] = (
    ("Kovalenko", "Коваленко"),
    ("Shevchenko", "Шевченко"),
    ("Bondarenko", "Бондаренко"),
    ("Tkachenko", "Ткаченко"),
    ("Kravchenko", "Кравченко"),
    ("Melnyk", "Мельник"),
    ("Boiko", "Бойко"),
    ("Moroz", "Мороз"),
    ("Lysenko", "Лисенко"),
    ("Savchenko", "Савченко"),
    ("Rudenko", "Руденко"),
    ("Marchenko", "Марченко"),
    ("Polishchuk", "Поліщук"),
    ("Hnatiuk", "Гнатюк"),
    ("Kovalchuk", "Ковальчук"),
    ("Oliinyk", "Олійник"),
)
_BULGARIAN_MALE: tuple[Name, ...] = (
    ("Yordan", "Йордан"),
    ("Georgi", "Георги"),
    ("Ivan", "Иван"),
    ("Dimitar", "Димитър"),
    ("Stoyan", "Стоян"),
    ("Hristo", "Христо"),
    ("Nikolay", "Николай"),
    ("Asen", "Асен"),
    ("Petar", "Петър"),
    ("Krasimir", "Красимир"),
)
_BULGARIAN_FEMALE: tuple[Name, ...] = (
    ("Maria", "Мария"),
    ("Ivanka", "Иванка"),
    ("Desislava", "Десислава"),
    ("Gergana", "Гергана"),
    ("Radka", "Радка"),
    ("Tsvetanka", "Цветанка"),
    ("Yordanka", "Йорданка"),
    ("Snezhana", "Снежана"),
    ("Violeta", "Виолета"),
    ("Elena", "Елена"),
)
_BULGARIAN_FAMILY: tuple[Name, ...] = (
    ("Petrov", "Петров"),
    ("Ivanov", "Иванов"),
    ("Georgiev", "Георгиев"),
    ("Dimitrov", "Димитров"),
    ("Stoyanov", "Стоянов"),
    ("Nikolov", "Николов"),
    ("Hristov", "Христов"),
    ("Angelov", "Ангелов"),
    ("Kostadinov", "Костадинов"),
    ("Todorov", "Тодоров"),
)
# Turkish-speaking Bulgarian citizens (a large group among Bulgarians in the Ruhr area).
_BG_TURKISH_MALE: tuple[Name, ...] = (
    ("Ahmed", "Ахмед"),
    ("Mehmed", "Мехмед"),
    ("Ismail", "Исмаил"),
    ("Sali", "Сали"),
    ("Redzhep", "Реджеп"),
)
_BG_TURKISH_FEMALE: tuple[Name, ...] = (
    ("Aysel", "Айсел"),
    ("Fatme", "Фатме"),
    ("Emine", "Емине"),
    ("Nurie", "Нурие"),
    ("Sevim", "Севим"),
)
_BG_TURKISH_FAMILY: tuple[Name, ...] = (
    ("Ismailov", "Исмаилов"),
    ("Mehmedov", "Мехмедов"),
    ("Aliev", "Алиев"),
    ("Salimov", "Салимов"),
    ("Hasanov", "Хасанов"),
)
_TURKISH_MALE = _latin(
    "Şükrü", "Mehmet", "Mustafa", "Hüseyin", "Emre", "Burak", "Oğuz", "Ömer", "Yusuf",
    "Murat", "İsmail", "Çağrı", "Serkan", "Ahmet", "Gökhan", "Tuğrul",
)  # fmt: skip
_TURKISH_FEMALE = _latin(
    "Gülşen", "Ayşe", "Fatma", "Emine", "Zeynep", "Elif", "Hatice", "Şeyma", "Özlem",
    "Büşra", "Derya", "Melek", "Gökçe", "Sevgi", "Nurşen",
)  # fmt: skip
_TURKISH_FAMILY = _latin(
    "Yılmaz", "Öztürk", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Aydın", "Özdemir",
    "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Koç", "Kurt", "Güneş", "Erdoğan",
)  # fmt: skip
_KURDISH_MALE = _latin(
    "Şêrko", "Xebat", "Azad", "Dilovan", "Rêbaz", "Hêmin", "Baran", "Berzan", "Serhad",
    "Rizgar", "Welat", "Aram", "Dilşad",
)  # fmt: skip
_KURDISH_FEMALE = _latin(
    "Rojîn", "Berfîn", "Helîn", "Jîyan", "Nazdar", "Avîn", "Dilan", "Evîn", "Hêvî", "Şîlan",
    "Zozan", "Bêrîvan",
)  # fmt: skip
_KURDISH_FAMILY = _latin(
    "Ehmed", "Xelîl", "Silêman", "Mihemed", "Hesen", "Şêxo", "Cemîl", "Bekir", "Osman",
    "Îbrahîm", "Reşîd", "Heso", "Zaxoyî", "Amedî",
)  # fmt: skip
# Romanian with s/t comma below (U+0219, U+021B), never the Turkish cedilla forms.
_ROMANIAN_MALE = _latin(
    "Ștefan", "Bogdan", "Ionuț", "Mihai", "Andrei", "Florin", "Cătălin", "Gheorghe",
    "Constantin", "Marius", "Vasile", "Costel",
)  # fmt: skip
_ROMANIAN_FEMALE = _latin(
    "Ioana", "Maria", "Elena", "Andreea", "Mihaela", "Florentina", "Alexandra", "Roxana",
    "Georgiana", "Daniela", "Lăcrămioara", "Nicoleta",
)  # fmt: skip
_ROMANIAN_FAMILY = _latin(
    "Popescu", "Ionescu", "Popa", "Stan", "Dumitru", "Munteanu", "Constantin", "Ștefănescu",
    "Rădulescu", "Țurcanu", "Lungu", "Stoica", "Dinu", "Căldăraru", "Bălan", "Mocanu",
)  # fmt: skip
_POLISH_MALE = _latin(
    "Krzysztof", "Paweł", "Łukasz", "Tomasz", "Grzegorz", "Michał", "Wojciech", "Piotr",
    "Jarosław",
)  # fmt: skip
_POLISH_FEMALE = _latin(
    "Małgorzata", "Agnieszka", "Katarzyna", "Joanna", "Magdalena", "Żaneta", "Grażyna", "Beata",
)  # fmt: skip
_POLISH_FAMILY = _latin(
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński",
    "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Mazur", "Krawczyk",
)  # fmt: skip
_AFGHAN_MALE = _latin(
    "Ahmad", "Mohammad", "Sayed", "Mustafa", "Hamid", "Farid", "Jawad", "Navid", "Rahmatullah",
    "Zabihullah", "Ali Reza", "Sohrab", "Wahid", "Nasir",
)  # fmt: skip
_AFGHAN_FEMALE = _latin(
    "Zahra", "Maryam", "Fatema", "Nargis", "Shabnam", "Freshta", "Parwana", "Mahbooba",
    "Sadia", "Marzia", "Hasina", "Nilofar",
)  # fmt: skip
_AFGHAN_FAMILY = _latin(
    "Ahmadi", "Hussaini", "Rahimi", "Sultani", "Noori", "Hakimi", "Mohammadi", "Haidari",
    "Karimi", "Stanikzai", "Popal", "Sadat", "Jafari", "Nazari", "Amiri", "Safi",
)  # fmt: skip
_ERITREAN_MALE = _latin(
    "Tesfay", "Mehari", "Yonas", "Filmon", "Biniam", "Dawit", "Robel", "Samuel", "Habtom",
    "Kidane", "Amanuel", "Medhanie",
)  # fmt: skip
_ERITREAN_FEMALE = _latin(
    "Senait", "Helen", "Selam", "Luwam", "Yordanos", "Freweyni", "Saba", "Mebrat", "Rahel",
    "Hiwet", "Winta", "Semhar",
)  # fmt: skip
_ERITREAN_FAMILY = _latin(
    "Tesfamariam", "Ghebremedhin", "Habte", "Gebreyesus", "Tekle", "Berhane", "Weldemichael",
    "Kidane", "Mehari", "Haile", "Asmelash", "Tesfay", "Yohannes", "Zerai",
)  # fmt: skip
_IRANIAN_MALE = _latin(
    "Reza", "Mehdi", "Amir", "Hossein", "Saeed", "Behnam", "Farhad", "Kaveh", "Arash", "Babak",
)  # fmt: skip
_IRANIAN_FEMALE = _latin(
    "Maryam", "Shirin", "Parisa", "Leila", "Nasrin", "Roya", "Mahsa", "Niloufar", "Samira",
    "Azadeh",
)  # fmt: skip
_IRANIAN_FAMILY = _latin(
    "Hosseini", "Rezaei", "Mohammadi", "Karimi", "Moradi", "Sadeghi", "Tehrani", "Ghorbani",
    "Kazemi", "Najafi", "Rostami", "Bagheri",
)  # fmt: skip
_GERMAN_MALE = _latin(
    "Jürgen", "Waldemar", "Viktor", "Alexander", "Eduard", "Andreas", "Klaus", "Dieter", "Uwe",
)  # fmt: skip
_GERMAN_FEMALE = _latin(
    "Jelena", "Swetlana", "Irina", "Lydia", "Sabine", "Birgit", "Jutta", "Renate", "Jördis",
)  # fmt: skip
_GERMAN_FAMILY = _latin(
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Schäfer", "Köhler", "Großmann", "Krüger", "Friesen", "Neufeld", "Dück",
)  # fmt: skip


@dataclass(frozen=True)
class _Origin:
    key: str
    weight: int
    nationalities: tuple[tuple[str, int], ...]
    male: tuple[Name, ...]
    female: tuple[Name, ...]
    family: tuple[Name, ...]
    script: str
    """``arabic``, ``cyrillic`` or ``latin``: how names are recorded."""
    female_share: float
    wife_keeps_name: bool
    gendered_family: bool = False
    """Bulgarian -ov/-ova and Polish -ski/-ska."""


_ORIGINS: tuple[_Origin, ...] = (
    _Origin(
        "arab", 20, (("SYR", 78), ("IRQ", 15), ("XXA", 7)),
        _ARABIC_MALE, _ARABIC_FEMALE, _ARABIC_FAMILY, "arabic", 0.45, True,
    ),
    _Origin(
        "turkish", 12, (("TUR", 100),),
        _TURKISH_MALE, _TURKISH_FEMALE, _TURKISH_FAMILY, "latin", 0.55, False,
    ),
    _Origin(
        "ukrainian", 15, (("UKR", 100),),
        _UKRAINIAN_MALE, _UKRAINIAN_FEMALE, _UKRAINIAN_FAMILY, "cyrillic", 0.72, False,
    ),
    _Origin(
        "afghan", 10, (("AFG", 100),),
        _AFGHAN_MALE, _AFGHAN_FEMALE, _AFGHAN_FAMILY, "latin", 0.35, True,
    ),
    _Origin(
        "kurdish", 8, (("SYR", 40), ("TUR", 25), ("IRQ", 20), ("XXA", 10), ("IRN", 5)),
        _KURDISH_MALE, _KURDISH_FEMALE, _KURDISH_FAMILY, "latin", 0.45, True,
    ),
    _Origin(
        "romanian", 7, (("ROU", 100),),
        _ROMANIAN_MALE, _ROMANIAN_FEMALE, _ROMANIAN_FAMILY, "latin", 0.5, False,
    ),
    _Origin(
        "bulgarian", 5, (("BGR", 100),),
        _BULGARIAN_MALE, _BULGARIAN_FEMALE, _BULGARIAN_FAMILY, "cyrillic", 0.5, False, True,
    ),
    _Origin(
        "bulgarian_turkish", 3, (("BGR", 100),),
        _BG_TURKISH_MALE, _BG_TURKISH_FEMALE, _BG_TURKISH_FAMILY, "cyrillic", 0.5, False, True,
    ),
    _Origin(
        "eritrean", 4, (("ERI", 100),),
        _ERITREAN_MALE, _ERITREAN_FEMALE, _ERITREAN_FAMILY, "latin", 0.4, True,
    ),
    _Origin(
        "iranian", 4, (("IRN", 100),),
        _IRANIAN_MALE, _IRANIAN_FEMALE, _IRANIAN_FAMILY, "latin", 0.45, True,
    ),
    _Origin(
        "polish", 3, (("POL", 100),),
        _POLISH_MALE, _POLISH_FEMALE, _POLISH_FAMILY, "latin", 0.55, False, True,
    ),
    _Origin(
        "german", 4, (("DEU", 100),),
        _GERMAN_MALE, _GERMAN_FEMALE, _GERMAN_FAMILY, "latin", 0.55, False,
    ),
)  # fmt: skip

# --------------------------------------------------------------------------------------------
# Residence statuses by profile: (code, legal basis override or "", weight).

_Status = tuple[str, str, int]
_PARA_24 = "§ 24 AufenthG"
"""Temporary protection (§ 24) has its own code, ``ae_24``."""

_STATUSES: dict[str, tuple[_Status, ...]] = {
    "SYR": (
        ("ae_25_2_subs", "", 28), ("ae_25_2_gfk", "", 14), ("ae_25_1", "", 14),
        ("ne_26_3", "", 14), ("german", "", 5), ("gestattung", "", 8), ("fiktion", "", 5),
        ("ae_other", "§ 30 AufenthG", 5), ("ae_other", "§ 32 AufenthG", 3), ("duldung", "", 4),
    ),
    "IRQ": (
        ("duldung", "", 22), ("gestattung", "", 14), ("ae_25_3", "", 10),
        ("ae_25_2_gfk", "", 14), ("ae_25b", "", 10), ("ae_104c", "", 8),
        ("beschaeftigungsduldung", "", 6), ("ausbildungsduldung", "", 4), ("ne_26_4", "", 5),
        ("ae_23", "", 4), ("duldung_light", "", 3),
    ),
    "AFG": (
        ("gestattung", "", 24), ("ae_25_3", "", 20), ("duldung", "", 14),
        ("ae_25_2_gfk", "", 10), ("ae_other", "§ 22 S. 2 AufenthG", 8), ("ae_25_1", "", 5),
        ("ausbildungsduldung", "", 6), ("ae_25a", "", 5), ("ae_104c", "", 4), ("fiktion", "", 4),
    ),
    "ERI": (
        ("ae_25_2_subs", "", 32), ("ae_25_2_gfk", "", 24), ("gestattung", "", 15),
        ("ae_25_3", "", 5), ("ne_26_3", "", 10), ("ae_other", "§ 30 AufenthG", 10),
        ("ae_25_5", "", 4),
    ),
    "IRN": (
        ("gestattung", "", 28), ("ae_25_2_gfk", "", 28), ("duldung", "", 14), ("ae_25_1", "", 10),
        ("ae_25b", "", 5), ("ne_26_3", "", 10), ("ae_16g", "", 5),
    ),
    "TUR": (
        ("ne_9", "", 22), ("german", "", 18), ("ae_other", "§ 30 AufenthG", 14),
        ("gestattung", "", 16), ("daueraufenthalt_eu", "", 5), ("ae_other", "§ 18a AufenthG", 4),
        ("duldung", "", 10), ("ae_25_2_gfk", "", 7), ("ae_25b", "", 4),
    ),
    "UKR": (
        ("ae_24", "", 84), ("fiktion", "", 10), ("ae_other", "§ 18a AufenthG", 3),
        ("ae_16g", "", 3),
    ),
    "EU": (("eu_freizuegigkeit", "", 100),),
    "POL": (("eu_freizuegigkeit", "", 92), ("german", "", 8)),
    "DEU": (("german", "", 100),),
    "XXA": (
        ("duldung", "", 28), ("ae_25b", "", 15), ("ae_104c", "", 12), ("ae_25_5", "", 14),
        ("ae_25_2_gfk", "", 10), ("beschaeftigungsduldung", "", 6),
        ("ausbildungsduldung", "", 5), ("duldung_light", "", 4), ("ne_26_4", "", 6),
    ),
}  # fmt: skip

# (min, max) validity in days of a title; statuses not listed have no end date.
_VALIDITY: dict[str, tuple[int, int]] = {
    "gestattung": (90, 180),
    "fiktion": (90, 180),
    "duldung": (90, 180),
    "duldung_light": (90, 120),
    "ausbildungsduldung": (365, 1095),
    "beschaeftigungsduldung": (900, 915),
    "ae_16g": (365, 1095),
    "ae_25a": (730, 1095),
    "ae_25b": (700, 730),
    "ae_25_1": (1095, 1095),
    "ae_25_2_gfk": (1095, 1095),
    "ae_25_2_subs": (365, 730),
    "ae_25_3": (365, 365),
    "ae_25_4": (180, 365),
    "ae_25_5": (180, 1095),
    "ae_23": (1095, 1095),
    "ae_24": (365, 730),
    "ae_other": (365, 1095),
    "visum": (90, 365),
}
_NEAR_EXPIRY_DAYS = 56
"""Eight weeks: a title ending within this window already has its residence reminder due."""
_CHANCEN_FIRST = date(2023, 1, 1)
_CHANCEN_LAST_ISSUE = date(2026, 3, 31)
"""§ 104c: applications until 31.12.2025, so the last titles were issued around early 2026."""

_YOUNG_TOLERATED_STATUSES = frozenset(
    {"gestattung", "duldung", "duldung_light", "ausbildungsduldung", "beschaeftigungsduldung"}
)
_IMPROVABLE = frozenset(
    {"ae_104c", "ae_25b", "ae_25a", "ae_25_3", "ae_25_5", "ae_23", "fiktion", "ae_25_2_subs"}
)

# --------------------------------------------------------------------------------------------
# Agencies

_REFERRING_AGENCIES: tuple[tuple[str, int], ...] = (
    ("jobcenter", 25), ("auslaenderbehoerde", 15), ("mbe", 12), ("jmd", 8), ("sozialamt", 6),
    ("jugendamt", 6), ("ki", 8), ("asylblg_stelle", 6), ("integrationskurstraeger", 6),
    ("schule", 3), ("psz", 2), ("other", 3),
)  # fmt: skip

# Legal domain for agencies whose catalog entry has none.
_AGENCY_DOMAIN_FALLBACK: dict[str, str] = {
    "mbe": "aufenthg",
    "jmd": "sgb8",
    "wohnungsamt": "other",
    "gesundheitsamt": "other",
    "psz": "sgb5",
    "familienkasse": "other",
    "schuldnerberatung": "sgb2",
    "bildungstraeger": "sgb3",
    "anerkennung_iq": "other",
    "schule": "other",
    "arbeitgeber": "sgb3",
    "ki": "other",
    "rechtsberatung": "aufenthg",
    "other": "other",
}

# --------------------------------------------------------------------------------------------
# Assessment texts by area: (level-3 texts, level-2 texts, level-1 texts, resources).

_SITUATIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]]
_SITUATIONS = {
    "residence": (
        (), (), (),  # by residence status, see _RESIDENCE_SITUATIONS
        ("Pass liegt vor", "Anwältin begleitet das Verfahren", "Arbeitsvertrag vorhanden"),
    ),
    "language": (
        ("Keine Deutschkenntnisse, Alphabetisierung nötig",
         "Spricht kaum Deutsch, Termine nur mit Dolmetschung"),
        ("A1 abgeschlossen, Integrationskurs abgebrochen",
         "Wartet seit Monaten auf einen Platz im Integrationskurs",
         "A2 mündlich, Schriftsprache schwach"),
        ("B1 erreicht, möchte B2-Berufssprachkurs",
         "Versteht Alltagsdeutsch, Behördenbriefe schwierig"),
        ("Sehr motiviert, lernt mit App", "Besucht Sprachcafé", "Tochter übersetzt Briefe"),
    ),
    "education": (
        ("Nur 4 Jahre Schule besucht", "Kein Schulabschluss"),
        ("Schulabschluss aus dem Herkunftsland nicht anerkannt",
         "Studium abgebrochen wegen Flucht"),
        ("Zeugnisse nur im Original, Übersetzung fehlt",),
        ("Abitur im Herkunftsland", "2 Semester Studium", "Lernt gern"),
    ),
    "work": (
        ("Arbeitslos seit über 2 Jahren, keine Berufserfahrung in Deutschland",
         "Arbeitslos, keine Bewerbungserfahrung in Deutschland"),
        ("Minijob in der Gastronomie, möchte Vollzeit arbeiten",
         "Leiharbeit, befristet bis Jahresende"),
        ("Teilzeitstelle in Reinigungsfirma, sucht mehr Stunden",),
        ("Berufserfahrung als Schneiderin", "Führerschein Klasse B", "Erfahrung auf dem Bau",
         "Arbeitet zuverlässig, gute Referenz"),
    ),
    "vocational": (
        ("Abschluss als Krankenpfleger, Anerkennung nicht beantragt",
         "Kein Berufsabschluss, Interesse an Ausbildung"),
        ("Ausbildungsplatz in Aussicht, Finanzierung ungeklärt",
         "Berufsschule schwierig wegen Fachsprache"),
        ("Praktikum in Kfz-Werkstatt läuft",),
        ("Zeugnisse übersetzt", "Praktikum erfolgreich abgeschlossen"),
    ),
    "income": (
        ("Jobcenter hat Leistungen eingestellt, Miete offen",
         "Keine Leistungen seit dem Statuswechsel"),
        ("Weiterbewilligungsantrag nicht gestellt", "Kindergeld noch nicht beantragt"),
        ("Bürgergeld bewilligt, Mehrbedarfe prüfen",),
        ("Ehepartner arbeitet Teilzeit", "Bescheide werden sorgfältig aufbewahrt"),
    ),
    "housing": (
        ("Wohnung zu klein, 5 Personen auf 2 Zimmern", "Lebt noch in Gemeinschaftsunterkunft",
         "Räumungsklage angekündigt"),
        ("Schimmel im Schlafzimmer, Vermieter reagiert nicht",
         "Sucht Wohnung mit Wohnberechtigungsschein"),
        ("Nebenkostennachzahlung offen",),
        ("Vermieter kooperativ", "WBS vorhanden", "Gute Nachbarschaft"),
    ),
    "health": (
        ("Traumafolgestörung, kein Therapieplatz",
         "Chronische Erkrankung, Krankenversicherung ungeklärt"),
        ("Diabetes, Arzttermine nur mit Dolmetschung",
         "Zahnbehandlung aufgeschoben, Eigenanteil unklar"),
        ("Hausarzt vorhanden, Vorsorge offen",),
        ("Hausärztin spricht die Herkunftssprache", "Krankenversicherung geklärt"),
    ),
    "care": (
        ("Pflegebedürftige Mutter im Haushalt, kein Pflegegrad",
         "Ehepartner nach Schlaganfall pflegebedürftig"),
        ("Hilfe beim Einkaufen und bei Behördengängen nötig",),
        ("Gelegentlich Unterstützung im Alltag nötig",),
        ("Familie unterstützt", "Nachbarin hilft im Alltag"),
    ),
    "family": (
        ("Jugendamt eingeschaltet, Konflikte in der Familie",
         "Familiennachzug der Kinder offen"),
        ("Kind ohne Kitaplatz", "Sohn hat Schwierigkeiten in der Schule"),
        ("Elternabende nur mit Sprachmittlung",),
        ("Familie unterstützt", "Kinder gehen gern zur Schule"),
    ),
    "consumer": (
        ("Schulden bei Handyvertrag und Inkasso, rund 4.000 €", "Stromsperre angedroht"),
        ("Mehrere Verträge an der Haustür abgeschlossen", "Kein Girokonto"),
        ("Überblick über Versicherungen fehlt",),
        ("Führt Haushaltsbuch", "Kontoauszüge werden gesammelt"),
    ),
    "participation": (
        ("Sozial isoliert, kaum Kontakte außerhalb der Familie",),
        ("Wünscht Kontakt zu Vereinen, weiß nicht wie",),
        ("Besucht Frauencafé im Stadtteil",),
        ("Engagiert sich im Elternrat", "Spielt im Fußballverein",
         "Hilft Nachbarn beim Übersetzen"),
    ),
}  # fmt: skip

# Residence situations by status kind (or code): (level-3, level-2, level-1 texts).
_RESIDENCE_SITUATIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "procedure": (
        ("Asylverfahren läuft seit über einem Jahr, Anhörung steht aus",
         "Asylantrag abgelehnt, Klage beim Verwaltungsgericht anhängig"),
        ("Anhörung beim BAMF steht bevor",),
        ("Verlängerung der Bescheinigung beantragt",),
    ),
    "toleration": (
        ("Duldung wird nur für 3 Monate verlängert, Passbeschaffung ungeklärt",
         "Abschiebung angedroht, Bleiberecht prüfen"),
        ("Bleiberecht nach § 25b möglich, Nachweise fehlen",
         "Ausbildung in Aussicht, Ausbildungsduldung prüfen"),
        ("Duldung verlängert, Arbeitserlaubnis vorhanden",),
    ),
    "ae_104c": (
        ("Chancen-Aufenthaltsrecht endet, Übergang in § 25b offen",),
        ("Chancen-Aufenthaltsrecht läuft, Sprachnachweis A2 fehlt",),
        ("Voraussetzungen für § 25b fast erfüllt",),
    ),
    "permit": (
        ("Aufenthaltserlaubnis läuft bald ab, Verlängerung nicht beantragt",
         "Nur Fiktionsbescheinigung, Arbeitgeber verunsichert"),
        ("Verlängerung hängt an Lebensunterhaltssicherung",
         "Pass abgelaufen, Verlängerung bei der Botschaft nötig"),
        ("Voraussetzungen für Niederlassungserlaubnis prüfen",),
    ),
    "§ 24": (
        ("Schutz nach § 24 befristet, Perspektive unklar",),
        ("Wechsel in einen Aufenthaltstitel zur Beschäftigung prüfen",),
        ("Verlängerung des Schutzstatus abwarten",),
    ),
    "settlement": (
        ("Einbürgerung scheitert bisher an fehlender Passvorlage",),
        ("Einbürgerung möglich, Unterlagen unvollständig",),
        ("Einbürgerung möglich, B1-Nachweis fehlt noch",),
    ),
    "unknown": (
        ("Aufenthaltsstatus ungeklärt, keine Dokumente vorhanden",),
        ("Aufenthaltsstatus ungeklärt, Unterlagen bei der Ausländerbehörde anfordern",),
        ("Aufenthaltsdokument liegt zur Ansicht nicht vor",),
    ),
    "eu_freizuegigkeit": (
        ("Jobcenter verlangt Nachweis des Freizügigkeitsrechts",),
        ("Freizügigkeitsrecht wegen fehlender Arbeit unsicher",),
        ("Meldebescheinigung und Arbeitsvertrag nachreichen",),
    ),
}  # fmt: skip

# --------------------------------------------------------------------------------------------
# Goals by area: (title, indicator, steps as (text, owner)).

_Goal = tuple[str, str, tuple[tuple[str, str], ...]]

_GOALS: dict[str, tuple[_Goal, ...]] = {
    "language": (
        ("B1-Sprachkurs abschließen", "DTZ-Zertifikat B1 liegt vor",
         (("Anmeldung beim Kursträger", "client"),
          ("Berechtigungsschein beim BAMF beantragen", "coach"),
          ("Kinderbetreuung während des Kurses klären", "client"))),
        ("Alphabetisierungskurs beginnen", "Teilnahmebestätigung liegt vor",
         (("Einstufungstest machen", "client"), ("Kursplatz anfragen", "coach"))),
        ("Berufssprachkurs B2 beginnen", "Kursstart bestätigt",
         (("Antrag beim Jobcenter stellen", "client"), ("Kursträger auswählen", "coach"))),
    ),
    "education": (
        ("Schulabschluss anerkennen lassen", "Bescheid der Bezirksregierung liegt vor",
         (("Zeugnisse übersetzen lassen", "client"), ("Antrag vorbereiten", "coach"))),
        ("Hauptschulabschluss an der Abendschule nachholen", "Anmeldung bestätigt",
         (("Beratungstermin an der Abendschule", "client"),)),
    ),
    "work": (
        ("Sozialversicherungspflichtige Arbeit finden", "Arbeitsvertrag unterschrieben",
         (("Lebenslauf erstellen", "coach"), ("10 Bewerbungen schreiben", "client"),
          ("Vermittlungsvorschläge des Jobcenters prüfen", "agency"))),
        ("Minijob in eine Teilzeitstelle umwandeln", "Neuer Arbeitsvertrag liegt vor",
         (("Gespräch mit dem Arbeitgeber", "client"),
          ("Auswirkungen auf Leistungen berechnen", "coach"))),
    ),
    "vocational": (
        ("Ausbildungsplatz als Pflegefachkraft finden", "Ausbildungsvertrag liegt vor",
         (("Praktikum im Pflegeheim", "client"), ("Berufsberatung der Agentur", "agency"))),
        ("Berufsabschluss anerkennen lassen", "Anerkennungsbescheid liegt vor",
         (("Termin bei der Anerkennungsberatung", "client"),
          ("Unterlagen beglaubigen lassen", "client"))),
        ("Einstiegsqualifizierung beginnen", "EQ-Vertrag unterschrieben",
         (("Betrieb ansprechen", "coach"), ("Bewerbung abgeben", "client"))),
    ),
    "income": (
        ("Bürgergeld-Weiterbewilligung sichern", "Bewilligungsbescheid liegt vor",
         (("Weiterbewilligungsantrag ausfüllen", "client"),
          ("Fehlende Kontoauszüge nachreichen", "client"))),
        ("Kinderzuschlag und Wohngeld beantragen", "Bescheide liegen vor",
         (("Einkommensnachweise sammeln", "client"), ("Anträge gemeinsam ausfüllen", "coach"))),
        ("Kindergeld beantragen", "Kindergeld wird gezahlt",
         (("Antrag an die Familienkasse", "client"),)),
    ),
    "housing": (
        ("Wohnung mit {rooms} Zimmern finden", "Mietvertrag unterschrieben",
         (("Wohnberechtigungsschein beantragen", "client"),
          ("Bei Wohnungsgesellschaften vormerken lassen", "coach"),
          ("Besichtigungstermine wahrnehmen", "client"))),
        ("Umzug aus der Gemeinschaftsunterkunft", "Eigene Wohnung bezogen",
         (("Mietübernahme beim Leistungsträger klären", "agency"),)),
        ("Schimmelbeseitigung durch den Vermieter erreichen", "Mangel behoben",
         (("Mängelanzeige schreiben", "coach"), ("Fotos dokumentieren", "client"))),
    ),
    "health": (
        ("Therapieplatz im Psychosozialen Zentrum erhalten", "Erstgespräch hat stattgefunden",
         (("Anmeldung beim PSZ", "coach"), ("Hausärztliche Überweisung holen", "client"))),
        ("Krankenversicherung klären", "Versichertenkarte liegt vor",
         (("Mitgliedsbescheinigung anfordern", "client"),)),
        ("Hausärztin finden", "Erster Termin wahrgenommen",
         (("Praxen mit Sprachkenntnissen suchen", "coach"),)),
    ),
    "care": (
        ("Pflegegrad für die angehörige Person beantragen", "Bescheid der Pflegekasse liegt vor",
         (("Antrag bei der Pflegekasse stellen", "client"),
          ("Begutachtung vorbereiten", "coach"), ("Beratung im Pflegestützpunkt", "agency"))),
        ("Hilfe im Haushalt organisieren", "Haushaltshilfe kommt regelmäßig",
         (("Anbieter anfragen", "coach"),)),
    ),
    "family": (
        ("Kitaplatz für das jüngste Kind finden", "Betreuungsvertrag liegt vor",
         (("Anmeldung im Kita-Portal", "client"), ("Rückfrage beim Jugendamt", "coach"))),
        ("Schulplatz für das Kind sichern", "Schulanmeldung bestätigt",
         (("Termin beim Schulamt", "client"),)),
        ("Familiennachzug beantragen", "Antrag bei der Botschaft gestellt",
         (("Unterlagen zusammenstellen", "client"), ("Termin bei der Botschaft buchen", "coach"))),
    ),
    "consumer": (
        ("Schulden ordnen und Ratenplan vereinbaren", "Ratenvereinbarung liegt vor",
         (("Alle Forderungen sammeln", "client"), ("Termin bei der Schuldnerberatung", "agency"))),
        ("Girokonto eröffnen", "Kontoeröffnung bestätigt",
         (("Termin bei der Bank", "client"),)),
    ),
    "participation": (
        ("Sportverein im Stadtteil finden", "Anmeldung im Verein",
         (("Vereine im Stadtteil heraussuchen", "coach"), ("Probetraining", "client"))),
        ("Ehrenamtliche Patenschaft vermitteln", "Erstes Treffen hat stattgefunden",
         (("Anfrage beim Integrationszentrum", "coach"),)),
        ("Frauentreff im Stadtteil besuchen", "Regelmäßige Teilnahme",
         (("Gemeinsamer erster Besuch", "coach"),)),
    ),
}  # fmt: skip

_RESIDENCE_GOALS: dict[str, tuple[_Goal, ...]] = {
    "toleration": (
        ("Antrag auf Aufenthaltserlaubnis nach § 25b stellen", "Antrag eingereicht",
         (("Nachweise zu Arbeit und Sprache sammeln", "client"),
          ("Antrag mit Rechtsberatung prüfen", "agency"),
          ("Termin bei der Ausländerbehörde buchen", "coach"))),
        ("Identität klären und Pass beschaffen", "Pass liegt vor",
         (("Termin bei der Botschaft", "client"), ("Kosten der Passbeschaffung klären", "coach"))),
    ),
    "young": (
        ("Antrag auf Aufenthaltserlaubnis nach § 25a stellen", "Antrag eingereicht",
         (("Schulbescheinigungen sammeln", "client"), ("Antrag vorbereiten", "coach"))),
        ("Ausbildungsplatz finden und Ausbildungsduldung beantragen", "Ausbildungsduldung erteilt",
         (("Bewerbungen an Ausbildungsbetriebe", "client"),
          ("Antrag bei der Ausländerbehörde", "coach"))),
    ),
    "procedure": (
        ("Anhörung beim BAMF vorbereiten", "Anhörung hat stattgefunden",
         (("Termin bei der Asylverfahrensberatung", "agency"),
          ("Dokumente aus dem Herkunftsland sammeln", "client"))),
    ),
    "permit": (
        ("Aufenthaltserlaubnis rechtzeitig verlängern", "Verlängerung erteilt",
         (("Termin bei der Ausländerbehörde buchen", "client"),
          ("Unterlagen vollständig machen", "coach"))),
        ("Niederlassungserlaubnis beantragen", "Niederlassungserlaubnis erteilt",
         (("Rentenversicherungsverlauf anfordern", "client"),
          ("Voraussetzungen prüfen", "coach"))),
    ),
    "§ 24": (
        ("Aufenthaltserlaubnis nach § 24 verlängern lassen", "Verlängerung erteilt",
         (("Online-Antrag der Ausländerbehörde ausfüllen", "client"),
          ("Meldebescheinigung beilegen", "client"))),
        ("Wechsel in eine Aufenthaltserlaubnis zur Beschäftigung prüfen",
         "Beratungsergebnis liegt vor",
         (("Arbeitsvertrag und Qualifikation zusammenstellen", "client"),
          ("Termin bei der Ausländerbehörde anfragen", "coach"))),
    ),
    "settlement": (
        ("Einbürgerung beantragen", "Antrag bei der Einbürgerungsbehörde gestellt",
         (("Einbürgerungstest ablegen", "client"), ("B1-Zertifikat nachreichen", "client"),
          ("Beratung bei der Einbürgerungsbehörde", "agency"))),
    ),
}  # fmt: skip

# --------------------------------------------------------------------------------------------
# Referrals by area: (agency, German reason).

_REFERRALS: dict[str, tuple[tuple[str, str], ...]] = {
    "residence": (
        ("auslaenderbehoerde", "Antrag auf Verlängerung der Aufenthaltserlaubnis vorbereitet"),
        ("rechtsberatung", "Prüfung Bleiberecht nach § 25b"),
    ),
    "language": (("integrationskurstraeger", "Anmeldung zum Integrationskurs"),),
    "education": (("anerkennung_iq", "Bewertung ausländischer Zeugnisse"),),
    "work": (
        ("jobcenter", "Unterstützung bei der Arbeitsuche, Vermittlungsbudget"),
        ("agentur_arbeit", "Beratung zu Weiterbildung und Arbeitsuche"),
    ),
    "vocational": (
        ("agentur_arbeit", "Berufsberatung und Ausbildungsvermittlung"),
        ("anerkennung_iq", "Anerkennung des Berufsabschlusses"),
        ("bildungstraeger", "Teilnahme an berufsbezogener Maßnahme"),
    ),
    "income": (
        ("jobcenter", "Weiterbewilligung und Mehrbedarfe"),
        ("familienkasse", "Antrag auf Kindergeld"),
        ("wohngeldstelle", "Antrag auf Wohngeld"),
    ),
    "housing": (
        ("wohnungsamt", "Wohnberechtigungsschein und Wohnungssuche"),
        ("wohngeldstelle", "Wohngeld für die neue Wohnung"),
    ),
    "health": (
        ("psz", "Psychosoziale Beratung und Therapieplatz"),
        ("krankenkasse", "Klärung des Versicherungsschutzes"),
        ("gesundheitsamt", "Impfberatung und Untersuchung der Kinder"),
    ),
    "care": (("pflegestuetzpunkt", "Pflegeberatung und Antrag auf Pflegegrad"),),
    "family": (
        ("jugendamt", "Unterstützung der Familie, Hilfen zur Erziehung"),
        ("kita", "Anmeldung Kitaplatz"),
        ("schule", "Gespräch zur Schulsituation des Sohnes"),
    ),
    "consumer": (("schuldnerberatung", "Schuldenregulierung"),),
    "participation": (("ki", "Vermittlung in ein Patenschaftsprojekt"), ("mbe", "Beratung")),
}

_OUTCOMES = {
    "done": ("Antrag bewilligt", "Termin hat stattgefunden, Klient*in zufrieden", "Erledigt"),
    "rejected": ("Keine Kapazität, Warteliste", "Nicht zuständig, an andere Stelle verwiesen"),
    "withdrawn": ("Klient*in hat sich selbst gekümmert", "Nach Umzug nicht mehr nötig"),
}

_CONTACT_NOTES: dict[str, tuple[str, ...]] = {
    "in_person": (
        "Bescheid des Jobcenters gemeinsam besprochen", "Bewerbungsunterlagen überarbeitet",
        "Antrag auf Wohngeld ausgefüllt", "Zielvereinbarung besprochen",
        "Schreiben der Ausländerbehörde erklärt", "Stand Integrationskurs besprochen",
        "Unterlagen für die Verlängerung kopiert",
    ),
    "phone": (
        "Termin verschoben, Kind krank", "Rückfrage zu Unterlagen für die Ausländerbehörde",
        "Kurzer Stand: Wohnungsbesichtigung am Freitag", "Nicht erreicht, Nachricht hinterlassen",
        "Rückruf Kursträger, Platz ab nächstem Monat",
    ),
    "home_visit": (
        "Hausbesuch: Schimmel im Schlafzimmer dokumentiert",
        "Hausbesuch mit der Familie, Situation der Kinder besprochen",
        "Pflegesituation im Haushalt angesehen",
    ),
    "digital": (
        "Videotermin, Unterlagen über sicheren Upload erhalten",
        "E-Mail mit Terminbestätigung des Kursträgers weitergeleitet",
        "Online-Antrag gemeinsam ausgefüllt",
    ),
    "interpreted": (
        "Schreiben der Ausländerbehörde erklärt", "Bescheid des Jobcenters erklärt",
        "Zielvereinbarung besprochen", "Arztbrief gemeinsam durchgegangen",
    ),
}  # fmt: skip

_FOLLOW_UP_REASONS = (
    "Bescheid Jobcenter nachfragen",
    "Termin Ausländerbehörde vorbereiten",
    "Rückmeldung Kursträger einholen",
    "Unterlagen für Wohngeldantrag prüfen",
    "Nachweis Sprachzertifikat anfordern",
    "Passbeschaffung: Stand bei der Botschaft erfragen",
    "Widerspruchsfrist gegen Bescheid beachten",
    "Kitaplatz: Rückruf Jugendamt",
    "Termin Schuldnerberatung bestätigen",
    "Verlängerung der Fiktionsbescheinigung klären",
    "Rückmeldung Arbeitgeber zum Praktikum einholen",
)

_STREETS = (
    "Marktstraße", "Mülheimer Straße", "Bahnhofstraße", "Lothringer Straße", "Steinbrinkstraße",
    "Concordiastraße", "Friedrich-Karl-Straße", "Falkensteinstraße", "Dorstener Straße",
    "Elsässer Straße", "Goebenstraße", "Vestische Straße",
)  # fmt: skip
_POSTCODES = ("46045", "46047", "46049", "46117", "46119", "46145", "46147", "46149")

_GOAL_STATUS_OPEN = (("open", 35), ("in_progress", 55), ("achieved", 10))
_GOAL_STATUS_PAST = (("achieved", 40), ("not_achieved", 15), ("in_progress", 35), ("dropped", 10))
_REFERRAL_STATUSES = (
    ("open", 38), ("accepted", 30), ("done", 17), ("rejected", 8), ("withdrawn", 7),
)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Helpers


def _weighted(rng: random.Random, options: Sequence[tuple[T, int]]) -> T:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def _between(rng: random.Random, start: date, end: date) -> date:
    """A random date in [start, end] (start when the range is empty)."""
    span = (end - start).days
    return start if span <= 0 else start + _days(rng.randint(0, span))


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def _add_months(d: date, months: int) -> date:
    month0 = d.month - 1 + months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _spread_due(
    rng: random.Random, today: date, floor: date, weights: tuple[int, int, int, int]
) -> date:
    """A due date that is overdue, today, this week or later (by ``weights``), never < floor."""
    bucket = rng.choices((0, 1, 2, 3), weights=weights)[0]
    if bucket == 0:
        due = today - _days(rng.randint(1, 30))
    elif bucket == 1:
        due = today
    elif bucket == 2:
        due = today + _days(rng.randint(1, 6))
    else:
        due = today + _days(rng.randint(7, 150))
    return max(due, floor)


def _feminine(origin: _Origin, family: Name) -> Name:
    latin, native = family
    if origin.key in ("bulgarian", "bulgarian_turkish") and latin.endswith(("ov", "ev")):
        return latin + "a", native + "а" if native else ""
    if origin.key == "polish":
        for masc, fem in (("ski", "ska"), ("cki", "cka")):
            if latin.endswith(masc):
                return latin[: -len(masc)] + fem, native
    return family


@functools.cache
def _check_codes() -> bool:
    """Fail loudly if a catalog or the ISO data lost a code this module emits."""
    countries = {code for o in _ORIGINS for code, _ in o.nationalities}
    countries |= {"DEU", "KAZ", "RUS", "LBN"}
    for code in countries:
        found = find_country(code)
        assert found is not None and found.code == code, code
    for code in ("ara", "tur", "kur", "kmr", "ckb", "ukr", "rus", "ron", "rom", "bul", "fas",
                 "prs", "pus", "tir", "pol", "deu", "eng"):  # fmt: skip
        language = find_language(code)
        assert language is not None and language.code == code, code
    statuses = catalog("residence_statuses")
    for options in _STATUSES.values():
        for code, _, _ in options:
            assert code in statuses, code
    agencies = catalog("agencies")
    used_agencies = {a for a, _ in _REFERRING_AGENCIES}
    used_agencies |= {a for options in _REFERRALS.values() for a, _ in options}
    for agency in used_agencies:
        assert agency in agencies, agency
    for area in catalog("priority_areas").codes():
        assert area in _SITUATIONS, area
    for kind in _CONTACT_NOTES:
        assert kind in catalog("contact_kinds"), kind
    return True


def _status_field(code: str, key: str) -> str:
    """A field of a residence-status catalog entry (``kind``, ``legal_basis``), or ""."""
    entry = catalog("residence_statuses").get(code)
    return "" if entry is None else entry.extra.get(key, "")


def _agency_domain(agency: str) -> str:
    entry = catalog("agencies").get(agency)
    domain = entry.extra.get("legal_domain") if entry is not None else None
    return domain or _AGENCY_DOMAIN_FALLBACK.get(agency, "other")


# --------------------------------------------------------------------------------------------
# The person


@dataclass(frozen=True)
class _Person:
    origin: _Origin
    client: ClientDraft
    male: bool
    minors: int
    """Number of minor children in the household."""


def _birth_date(rng: random.Random, today: date) -> date:
    latest = min(date(2008, 12, 31), _years_before(today, 18))
    earliest = max(date(1950, 1, 1), _years_before(today, 100))
    if rng.random() < 0.35:  # the bump at 18-27
        age = rng.randint(18, 27)
        birth = _years_before(today, age) - _days(rng.randint(0, 364))
        return min(max(birth, earliest), latest)
    return _between(rng, earliest, latest)


def _languages(rng: random.Random, origin: _Origin, nationality: str, born: str) -> list[str]:
    key = origin.key
    if key == "arab":
        langs = ["ara"]
        if rng.random() < 0.1:
            langs.append("eng")
    elif key in ("turkish",):
        langs = ["tur"]
    elif key == "kurdish":
        sorani = nationality in ("IRQ", "IRN") and rng.random() < 0.6
        langs = ["ckb" if sorani else rng.choice(("kmr", "kmr", "kur"))]
        second = {"SYR": "ara", "IRQ": "ara", "XXA": "ara", "TUR": "tur", "IRN": "fas"}
        if rng.random() < 0.7:
            langs.append(second[nationality])
    elif key == "ukrainian":
        langs = (
            ["ukr", "rus"] if rng.random() < 0.5 else (["rus"] if rng.random() < 0.2 else ["ukr"])
        )
    elif key == "romanian":
        langs = ["ron", "rom"] if rng.random() < 0.2 else ["ron"]
    elif key == "bulgarian":
        langs = ["bul", "rom"] if rng.random() < 0.15 else ["bul"]
    elif key == "bulgarian_turkish":
        langs = ["tur", "bul"]
    elif key == "afghan":
        langs = [_weighted(rng, (("prs", 60), ("pus", 30), ("fas", 10)))]
        if langs[0] == "pus" and rng.random() < 0.5:
            langs.append("prs")
    elif key == "eritrean":
        langs = ["tir"]
        if rng.random() < 0.15:
            langs.append("ara")
        if rng.random() < 0.1:
            langs.append("eng")
    elif key == "iranian":
        langs = ["fas"] + (["eng"] if rng.random() < 0.3 else [])
    elif key == "polish":
        langs = ["pol"]
    else:
        langs = ["deu"] + (["rus"] if born in ("KAZ", "RUS") else [])
    return langs


def _address(rng: random.Random) -> str:
    return f"{rng.choice(_STREETS)} {rng.randint(1, 140)}, {rng.choice(_POSTCODES)} Oberhausen"


_FICTION_PHONE_BLOCKS = ("030 23125", "069 90009", "040 66969", "0221 4710", "089 99998")


def _phone(rng: random.Random) -> str:
    return f"{rng.choice(_FICTION_PHONE_BLOCKS)}{rng.randint(0, 999):03d}"


def _render_name(rng: random.Random, origin: _Origin, given: Name, family: Name) -> tuple[str, ...]:
    """Return (given_name, family_name, other_names) as recorded."""
    latin = f"{given[0]} {family[0]}"
    native = f"{given[1]} {family[1]}" if given[1] and family[1] else ""
    if not native:
        return given[0], family[0], ""
    roll = rng.random()
    native_first = 0.12 if origin.script == "arabic" else 0.25
    if roll < native_first:
        return given[1], family[1], latin
    if roll < 0.75:
        return given[0], family[0], native
    return given[0], family[0], ""


def _household(
    rng: random.Random,
    origin: _Origin,
    male: bool,
    given: str,
    birth: date,
    family: Name,
    today: date,
) -> tuple[tuple[HouseholdMember, ...], int]:
    """Household members and the number of minors; ``family`` is the masculine base form."""
    age = _age(birth, today)
    members: list[HouseholdMember] = []
    spouse_prob = 0.5 if age >= 24 else 0.15
    if origin.key == "ukrainian" and not male:
        spouse_prob = 0.2  # many husbands stayed in Ukraine
    husband_family, husband_given = family, given if male else ""
    if rng.random() < spouse_prob:
        partner = rng.choice(origin.female if male else origin.male)[0]
        own_family = rng.choice(origin.family) if origin.wife_keeps_name else family
        if male:
            members.append(
                HouseholdMember(
                    f"{partner} {_feminine(origin, own_family)[0]}",
                    "Ehefrau",
                    _between(
                        rng,
                        birth - _days(3 * 365),
                        min(birth + _days(8 * 365), _years_before(today, 18)),
                    ),
                )
            )
        else:
            husband_family, husband_given = own_family, partner
            members.append(
                HouseholdMember(
                    f"{partner} {own_family[0]}",
                    "Ehemann",
                    _between(
                        rng,
                        birth - _days(8 * 365),
                        min(birth + _days(3 * 365), _years_before(today, 18)),
                    ),
                )
            )
    if not male and not husband_given and origin.wife_keeps_name:
        husband_family = rng.choice(origin.family)
    if origin.key == "eritrean":  # a child's second name is the father's given name
        husband_family = (husband_given or rng.choice(origin.male)[0], "")
    minors = 0
    used = {given, *(m.name.split(" ")[0] for m in members)}
    births: list[date] = []
    if age >= 20 and rng.random() < (0.75 if members else 0.25):
        count = _weighted(rng, ((1, 30), (2, 35), (3, 20), (4, 10), (5, 5)))
        for _ in range(count):
            born = _between(
                rng, birth + _days(18 * 365), min(birth + _days(44 * 365), today - _days(30))
            )
            if born > today - _days(30) or _age(born, today) >= 30:
                continue  # grown-up children rarely live with the client
            if any(abs((born - other).days) < 300 for other in births):
                continue
            births.append(born)
            son = rng.random() < 0.5
            child_given = rng.choice(origin.male if son else origin.female)[0]
            if child_given in used:
                continue
            used.add(child_given)
            surname = husband_family if son else _feminine(origin, husband_family)
            members.append(
                HouseholdMember(f"{child_given} {surname[0]}", "Sohn" if son else "Tochter", born)
            )
            if _age(born, today) < 18:
                minors += 1
    if age <= 26 and rng.random() < 0.12:
        mother_family = rng.choice(origin.family) if origin.wife_keeps_name else family
        members.append(
            HouseholdMember(
                f"{rng.choice(origin.female)[0]} {_feminine(origin, mother_family)[0]}",
                "Mutter",
                _between(rng, birth - _days(45 * 365), birth - _days(18 * 365)),
            )
        )
    if age >= 60 and not members and rng.random() < 0.3:
        members.append(
            HouseholdMember(
                f"{rng.choice(origin.male)[0]} {family[0]}",
                "Enkel",
                _between(rng, _years_before(today, 16), _years_before(today, 6)),
            )
        )
    return tuple(members), minors


def _person(rng: random.Random, today: date) -> _Person:
    origin = _weighted(rng, [(o, o.weight) for o in _ORIGINS])
    nationality = _weighted(rng, origin.nationalities)
    born = nationality
    if nationality == "XXA":
        born = _weighted(rng, (("SYR", 60), ("LBN", 30), ("IRQ", 10)))
    elif origin.key == "german":
        born = _weighted(rng, (("DEU", 50), ("KAZ", 30), ("RUS", 20)))
    roll = rng.random()
    gender = "x" if roll < 0.01 else ("d" if roll < 0.015 else "")
    male = rng.random() >= origin.female_share
    gender = gender or ("m" if male else "f")
    given = rng.choice(origin.male if male else origin.female)
    base_family = rng.choice(origin.family)
    family = base_family if male else _feminine(origin, base_family)
    given_name, family_name, other_names = _render_name(rng, origin, given, family)
    if not other_names and not male and not origin.wife_keeps_name and rng.random() < 0.25:
        other_names = f"geb. {_feminine(origin, rng.choice(origin.family))[0]}"
    birth = _birth_date(rng, today)
    household, minors = _household(rng, origin, male, given[0], birth, base_family, today)
    langs = _languages(rng, origin, nationality, born)
    if "deu" not in langs and rng.random() < 0.25:
        langs.append("deu")
    client = ClientDraft(
        given_name=given_name,
        family_name=family_name,
        birth_date=birth,
        other_names=other_names,
        gender=gender,
        nationality=nationality,
        country_of_birth=born if rng.random() < 0.9 else "",
        languages=tuple(langs),
        interpreter_needed="deu" not in langs and rng.random() < 0.55,
        address=_address(rng) if rng.random() < 0.85 else "",
        phone=_phone(rng) if rng.random() < 0.8 else "",
        household=household,
    )
    return _Person(origin, client, male, minors)


def _status_profile(origin: _Origin, nationality: str) -> str:
    if origin.key in ("romanian", "bulgarian", "bulgarian_turkish"):
        return "EU"
    return nationality


def _residence(rng: random.Random, person: _Person, today: date) -> ResidenceDraft:
    client = person.client
    assert client.birth_date is not None
    age = _age(client.birth_date, today)
    code, basis, _ = _weighted(
        rng, [(s, s[2]) for s in _STATUSES[_status_profile(person.origin, client.nationality)]]
    )
    if code == "ae_25a" and age > 29:
        code = "ae_25b"
    if code == "ausbildungsduldung" and age > 35:
        code = "beschaeftigungsduldung"
    basis = basis or _status_field(code, "legal_basis")
    if code == "ae_104c":
        # 18 months, not extendable, issued 2023 until early 2026.
        earliest = max(_CHANCEN_FIRST, _add_months(today, -18) + _days(1))
        latest = min(today - _days(1), _CHANCEN_LAST_ISSUE)
        if earliest <= latest:
            valid_from = _between(rng, earliest, latest)
            return ResidenceDraft(code, basis, valid_from, _add_months(valid_from, 18) - _days(1))
        code, basis = "ae_25b", "§ 25b AufenthG"
    validity = _VALIDITY.get(code)
    if validity is None:
        since = _between(rng, today - _days(15 * 365), today - _days(30))
        return ResidenceDraft(code, basis, since if code != "german" else None, None)
    duration = rng.randint(*validity)
    if rng.random() < 0.25:
        offset = rng.randint(0, min(_NEAR_EXPIRY_DAYS, duration - 2))
    else:
        offset = rng.randint(min(_NEAR_EXPIRY_DAYS + 1, duration - 2), duration - 2)
    valid_until = today + _days(offset)
    return ResidenceDraft(code, basis, valid_until - _days(duration - 1), valid_until)


def _target_groups(
    rng: random.Random, person: _Person, residence: ResidenceDraft, first_contact: date
) -> tuple[str, ...]:
    assert person.client.birth_date is not None
    age = _age(person.client.birth_date, first_contact)
    kind = _status_field(residence.status, "kind")
    groups: set[str] = set()
    if 18 <= age <= 27 and residence.status in _YOUNG_TOLERATED_STATUSES:
        groups.add("young_tolerated")
    if (
        kind in ("procedure", "toleration")
        or (residence.status in _IMPROVABLE and rng.random() < 0.6)
        or (kind == "settlement" and rng.random() < 0.35)
        or (kind == "permit" and rng.random() < 0.2)
    ):
        groups.add("residence_improvement")
    if kind in ("procedure", "permit", "other") and rng.random() < 0.45:
        groups.add("catch_up")
    if (person.minors >= 2 and rng.random() < 0.55) or rng.random() < 0.1:
        groups.add("multiple_problems")
    if (age >= 60 and rng.random() < 0.6) or rng.random() < 0.04:
        groups.add("care_setting")
    if not groups:
        groups.add("catch_up")
    return tuple(c for c in catalog("target_groups").codes() if c in groups)


def _legal_domains(
    rng: random.Random, person: _Person, residence: ResidenceDraft, today: date
) -> tuple[str, ...]:
    assert person.client.birth_date is not None
    age = _age(person.client.birth_date, today)
    status = residence.status
    kind = _status_field(status, "kind")
    domains: set[str] = set()
    if kind == "procedure" and status == "gestattung":
        domains |= {"asylg"}
    elif kind in ("procedure", "toleration"):
        domains |= {"aufenthg", "asylg"}
    elif kind in ("permit", "settlement"):
        domains.add("aufenthg")
        if rng.random() < 0.7:
            domains.add("sgb12" if age >= 67 else "sgb2")
        if kind == "settlement" and rng.random() < 0.4:
            domains.add("stag")
    elif status == "eu_freizuegigkeit":
        domains.add("sgb2" if rng.random() < 0.55 else "sgb3")
    else:
        domains.add("sgb12" if age >= 67 else "sgb2")
    if person.minors and rng.random() < 0.35:
        domains.add("sgb8")
    if age >= 60 and rng.random() < 0.35:
        domains.add("sgb11")
    if rng.random() < 0.12:
        domains.add("sgb5")
    if age <= 25 and kind in ("permit", "settlement", "citizen") and rng.random() < 0.2:
        domains.add("bafoeg")
    if rng.random() < 0.08:
        domains.add("wogg")
    if rng.random() < 0.02:
        domains.add("sgb9")
    return tuple(c for c in catalog("legal_domains").codes() if c in domains)


# --------------------------------------------------------------------------------------------
# The case


def _levels(
    rng: random.Random, person: _Person, residence: ResidenceDraft, today: date
) -> dict[str, int]:
    client = person.client
    assert client.birth_date is not None
    age = _age(client.birth_date, today)
    kind = _status_field(residence.status, "kind")
    levels: dict[str, int] = {}
    for area in catalog("priority_areas").codes():
        levels[area] = _weighted(rng, ((0, 30), (1, 30), (2, 25), (3, 15)))
    levels["residence"] = {
        "procedure": rng.choice((2, 3)),
        "toleration": 3,
        "permit": rng.choice((1, 2, 2, 3)) if residence.status != "ae_104c" else 3,
        "settlement": rng.choice((0, 1, 1, 2)),
        "citizen": 0,
    }.get(kind, rng.choice((0, 0, 1)))
    if "deu" in client.languages:
        levels["language"] = rng.choice((0, 0, 1))
    elif client.interpreter_needed:
        levels["language"] = rng.choice((2, 3, 3))
    levels["family"] = rng.choice((1, 2, 2, 3)) if person.minors else rng.choice((0, 0, 1))
    levels["care"] = rng.choice((1, 2, 3)) if age >= 60 else rng.choice((0, 0, 0, 1))
    if age >= 60:
        levels["vocational"] = 0
        levels["education"] = min(levels["education"], 1)
    return levels


def _ratings(
    rng: random.Random, levels: dict[str, int], residence: ResidenceDraft, rich: bool
) -> tuple[AreaRatingDraft, ...]:
    kind = _situation_kind(residence)
    ratings: list[AreaRatingDraft] = []
    for area, level in levels.items():
        high, medium, low, resources = _SITUATIONS[area]
        if area == "residence":
            high, medium, low = _RESIDENCE_SITUATIONS.get(kind, ((), (), ()))
            if not high:
                level = levels[area] = 0
        situation = ""
        if level >= 1 and high:
            situation = rng.choice({3: high, 2: medium, 1: low}[level])
        elif rich and rng.random() < 0.3:
            situation = "Kein Handlungsbedarf"
        resource = rng.choice(resources) if rng.random() < (0.5 if rich else 0.3) else ""
        ratings.append(AreaRatingDraft(area, level, situation, resource))
    return tuple(ratings)


def _improved(rng: random.Random, levels: dict[str, int]) -> dict[str, int]:
    result: dict[str, int] = {}
    for area, level in levels.items():
        if rng.random() < 0.1:
            result[area] = min(3, level + 1)
        else:
            result[area] = max(0, level - rng.choice((0, 0, 1, 1, 1, 2)))
    return result


def _situation_kind(residence: ResidenceDraft) -> str:
    """Key into `_RESIDENCE_SITUATIONS` and `_RESIDENCE_GOALS`."""
    if residence.status in ("ae_104c", "eu_freizuegigkeit", "unknown"):
        return residence.status
    if residence.status == "ae_24" or residence.legal_basis == _PARA_24:
        return "§ 24"
    if residence.status == "fiktion":  # waiting for a permit to be extended or issued
        return "permit"
    return _status_field(residence.status, "kind")


def _residence_goals(person: _Person, residence: ResidenceDraft, today: date) -> tuple[_Goal, ...]:
    assert person.client.birth_date is not None
    kind = _situation_kind(residence)
    if kind in ("ae_104c", "toleration"):
        if _age(person.client.birth_date, today) <= 26:
            return _RESIDENCE_GOALS["young"]
        return _RESIDENCE_GOALS["toleration"]
    return _RESIDENCE_GOALS.get(kind, _RESIDENCE_GOALS["permit"])


def _agreement(
    rng: random.Random,
    person: _Person,
    residence: ResidenceDraft | None,
    levels: dict[str, int],
    assessed_on: date,
    today: date,
) -> GoalAgreementDraft | None:
    agreed_on = min(assessed_on + _days(rng.randint(0, 21)), today)
    areas = [a for a, level in levels.items() if level >= 2]
    kind = _status_field(residence.status, "kind") if residence is not None else ""
    if kind not in ("procedure", "toleration", "permit", "settlement"):
        areas = [a for a in areas if a != "residence"]
    if not areas:
        return None
    rng.shuffle(areas)
    household_size = len(person.client.household) + 1
    goals: list[GoalDraft] = []
    for area in areas[: rng.choice((1, 1, 2, 2, 3))]:
        options = (
            _residence_goals(person, residence, today)
            if area == "residence" and residence is not None
            else _GOALS[area]
        )
        title, indicator, step_texts = rng.choice(options)
        title = title.format(rooms=max(2, min(5, (household_size + 1) // 2 + 1)))
        target_on = agreed_on + _days(rng.randint(90, 365))
        status = _weighted(rng, _GOAL_STATUS_PAST if target_on < today else _GOAL_STATUS_OPEN)
        steps: list[StepDraft] = []
        for text, owner in step_texts[: rng.randint(1, len(step_texts))]:
            due = _spread_due(rng, today, agreed_on, (15, 8, 12, 65))
            done_on: date | None = None
            if status in ("achieved", "not_achieved", "dropped") or (
                due < today and status == "in_progress" and rng.random() < 0.5
            ):
                done_on = min(today, max(agreed_on, due + _days(rng.randint(-10, 5))))
            steps.append(StepDraft(text, owner, due, done_on))
        goals.append(GoalDraft(area, title, indicator, target_on, status, tuple(steps)))
    review_on = _spread_due(rng, today, agreed_on, (15, 5, 12, 68))
    return GoalAgreementDraft("", agreed_on, review_on, tuple(goals))


def _referrals(
    rng: random.Random,
    residence: ResidenceDraft | None,
    levels: dict[str, int] | None,
    share_agency: str | None,
    start: date,
    today: date,
) -> tuple[ReferralDraft, ...]:
    if levels is not None:
        areas = [a for a, level in levels.items() if level >= 2] or list(levels)
    else:
        areas = list(_REFERRALS)
    if residence is None or residence.status in ("german", "eu_freizuegigkeit"):
        areas = [a for a in areas if a != "residence"] or ["work"]
    tolerated = residence is not None and residence.status in _YOUNG_TOLERATED_STATUSES
    result: list[ReferralDraft] = []
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        area = rng.choice(areas)
        agency, reason = rng.choice(_REFERRALS[area])
        if agency == "jobcenter" and tolerated:
            agency, reason = "asylblg_stelle", "Leistungen nach dem AsylbLG klären"
        sent_on = _between(rng, start, min(today, start + _days(120)))
        status = _weighted(rng, _REFERRAL_STATUSES)
        outcome = ""
        feedback: date | None
        if status in _OUTCOMES:
            feedback = min(today, sent_on + _days(rng.randint(14, 42)))
            outcome = rng.choice(_OUTCOMES[status])
            if rng.random() < 0.3:
                feedback = None
        else:
            feedback = _spread_due(rng, today, sent_on, (20, 8, 15, 57))
        consent = share_agency == agency
        override = ""
        if not consent and rng.random() < 0.05:
            override = "Mündliche Zustimmung im Termin, schriftliche Einwilligung folgt"
        result.append(
            ReferralDraft(
                case_id="",
                agency=agency,
                legal_domain=_agency_domain(agency),
                reason=reason,
                sent_on=sent_on,
                feedback_due_on=feedback,
                status=status,
                outcome=outcome,
                passes_identifying_data=consent or bool(override),
                override_reason=override,
            )
        )
    return tuple(result)


def _contacts(
    rng: random.Random, client: ClientDraft, first_contact: date, today: date
) -> tuple[ContactDraft, ...]:
    age_days = (today - first_contact).days
    count = min(rng.randint(1, 8), 1 + age_days // 7)
    dates = sorted(_between(rng, first_contact, today) for _ in range(count - 1))
    spoken = next((c for c in client.languages if c != "deu"), "")
    result: list[ContactDraft] = []
    for i, on in enumerate([first_contact, *dates]):
        if i == 0:
            kind = "interpreted" if client.interpreter_needed else "in_person"
        elif client.interpreter_needed and rng.random() < 0.5:
            kind = "interpreted"
        else:
            kind = _weighted(
                rng, (("in_person", 50), ("phone", 30), ("home_visit", 8), ("digital", 12))
            )
        if i == 0:
            note = "Erstgespräch geführt, Einwilligung und Unterlagen besprochen"
        else:
            note = rng.choice(_CONTACT_NOTES[kind])
        if kind == "interpreted" and spoken:
            note = f"{note} (Sprachmittlung {language_name(spoken)})"
        minutes = 15 if kind == "phone" and rng.random() < 0.5 else 5 * rng.randint(3, 24)
        if i == 0:
            minutes = max(minutes, 60)
        result.append(ContactDraft("", on, kind, minutes, note, kind == "interpreted"))
    return tuple(result)


def _follow_ups(
    rng: random.Random, first_contact: date, today: date, carrier: bool
) -> tuple[tuple[date, str], ...]:
    if carrier:
        return (
            (today - _days(7), "Bescheid Jobcenter nachfragen"),
            (today, "Termin Ausländerbehörde vorbereiten"),
        )
    result: list[tuple[date, str]] = []
    for reason in rng.sample(_FOLLOW_UP_REASONS, _weighted(rng, ((0, 45), (1, 40), (2, 15)))):
        bucket = rng.choices((0, 1, 2, 3), weights=(25, 10, 25, 40))[0]
        if bucket == 0:
            due = today - _days(rng.randint(1, 21))
        elif bucket == 1:
            due = today
        elif bucket == 2:
            due = today + _days(rng.randint(1, 6))
        else:
            due = today + _days(rng.randint(7, 60))
        result.append((max(due, first_contact), reason))
    return tuple(sorted(result))


def _case(rng: random.Random, today: date, carrier: bool) -> DemoCase:
    person = _person(rng, today)
    client = person.client
    assert client.birth_date is not None
    sixteenth_birthday = _years_before(client.birth_date, -16)
    earliest = max(today - _days(3 * 365 - 1), sixteenth_birthday)
    latest = today - _days(30) if carrier else today
    first_contact = _between(rng, earliest, max(earliest, latest))
    residence = _residence(rng, person, today) if rng.random() < 0.97 else None
    route = _weighted(rng, (("self", 45), ("referred", 40), ("outreach", 15)))
    referred_by = _weighted(rng, _REFERRING_AGENCIES) if route == "referred" else None
    form = ConsentForm.WRITTEN if rng.random() < 0.8 else ConsentForm.ORAL
    consents: list[ConsentDraft] = []
    if carrier or rng.random() < 0.95:
        consents.append(ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, first_contact, form))
    if rng.random() < 0.6:
        consents.append(ConsentDraft(ConsentPurpose.SHARE_COORDINATOR, first_contact, form))
    share_agency: str | None = None
    if rng.random() < 0.25:
        settled = residence is None or residence.status in ("german", "eu_freizuegigkeit")
        share_agency = referred_by or rng.choice(
            ("jobcenter", "jugendamt", "integrationskurstraeger")
            if settled
            else ("jobcenter", "auslaenderbehoerde", "jugendamt", "integrationskurstraeger")
        )
        consents.append(
            ConsentDraft(ConsentPurpose.SHARE_AGENCY, first_contact, form, share_agency)
        )
    status_for_rules = residence or ResidenceDraft("unknown")
    intake = IntakeDraft(
        client=client,
        first_contact_on=first_contact,
        access_route=route,
        referred_by=referred_by,
        legal_domains=_legal_domains(rng, person, status_for_rules, first_contact),
        target_groups=_target_groups(rng, person, status_for_rules, first_contact),
        residence=residence,
        consents=tuple(consents),
    )

    assessments: list[AssessmentDraft] = []
    agreement: GoalAgreementDraft | None = None
    levels: dict[str, int] | None = None
    if rng.random() < 0.75:
        assessed_on = min(today, first_contact + _days(rng.randint(0, 42)))
        levels = _levels(rng, person, status_for_rules, today)
        assessments.append(
            AssessmentDraft("", assessed_on, _ratings(rng, levels, status_for_rules, True))
        )
        if rng.random() < 0.73:
            agreement = _agreement(rng, person, residence, levels, assessed_on, today)
        second_on = assessed_on + _days(rng.randint(90, 300))
        if second_on <= today and rng.random() < 0.6:
            later = _improved(rng, levels)
            assessments.append(
                AssessmentDraft("", second_on, _ratings(rng, later, status_for_rules, False))
            )
    referrals: tuple[ReferralDraft, ...] = ()
    if rng.random() < 0.45:
        start = agreement.agreed_on if agreement is not None else first_contact
        referrals = _referrals(rng, residence, levels, share_agency, start, today)
    return DemoCase(
        intake=intake,
        assessments=tuple(assessments),
        agreement=agreement,
        referrals=referrals,
        contacts=_contacts(rng, client, first_contact, today),
        follow_ups=_follow_ups(rng, first_contact, today, carrier),
    )


def generate_caseload(count: int, seed: int, today: date) -> Iterator[DemoCase]:
    """Yield ``count`` synthetic cases, one at a time.

    The same ``count``, ``seed`` and ``today`` always give the same cases (case ``i`` depends
    only on ``seed``, ``i`` and ``today``). Everything dated lies on or before ``today`` where
    it has to be in the past (first contact, assessments, contacts, referrals sent); due dates
    are spread over overdue, today, this week and later. The first case always carries one
    overdue and one due-today manual Wiedervorlage, so even a tiny demo shows both groups.
    """
    if count < 0:
        raise ValueError("count must be 0 or greater")
    _check_codes()
    return _iterate(count, seed, today)


def _iterate(count: int, seed: int, today: date) -> Iterator[DemoCase]:
    for index in range(count):
        rng = random.Random(f"kim-demo:{seed}:{index}")
        yield _case(rng, today, carrier=index == 0)
