"""Enterprise names across languages (issue 21): translated, transliterated and acronym forms
of one name meet (`enterprise_words.yml`, pymorphy3), and English words written in Cyrillic by
sound are read as English (`loanwords.yml`)."""

from __future__ import annotations

import pytest

from diversion.matching.analysis import GENERIC, NAME, analyse, initials_form
from diversion.matching.enterprise_words import (
    _forms,
    enterprise_words,
    morphology,
    place_of_adjective,
)
from diversion.matching.index import Entry, NameIndex
from diversion.matching.loanwords import english_reading, loanwords
from diversion.matching.matcher import search
from diversion.matching.pairs import Pair, score_pair
from diversion.matching.scoring import DEFAULT_THRESHOLD, Query
from diversion.matching.text import romanisation_key, spelled
from diversion.matching.vocabulary import data_path, fold_surface, vocabulary
from diversion.reference import describe, load_yaml
from tests.test_matching import _check_bound

BLOCKS = 0.90  # screening's party.sanctioned blocks from here


def score(a: str, b: str, schema: str = "Company") -> float:
    return score_pair(Pair(0, a, b, schema)).score


ZARYA = (
    "АО «Научно-производственное объединение «Заря»»",
    "JSC Scientific Production Association Zarya",
    "AO NPO Zarya",
    "АО «НПО «Заря»",
    "Nauchno-Proizvodstvennoe Obedinenie Zarya AO",
)


@pytest.mark.parametrize("a", ZARYA)
@pytest.mark.parametrize("b", ZARYA)
def test_a_name_meets_its_translation_transliteration_and_acronym(a: str, b: str) -> None:
    assert score(a, b) >= BLOCKS
    assert _check_bound(a, b, "Company")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ФКП «Бийский пороховой завод»", "Biysk Powder Plant"),
        ("НИИ точного приборостроения", "Research Institute of Precision Instrument Engineering"),
        ("Казанский оптико-механический завод", "Kazan Optical and Mechanical Plant"),
        ("ОКБ «Сокол»", "Experimental Design Bureau Sokol"),
        ("ЦНИИ «Буревестник»", "Central Research Institute Burevestnik"),
        ("Московский машиностроительный завод «Вымпел»", "Moscow Machine Building Plant Vympel"),
        ("Ижевский механический завод", "Izhevsk Mechanical Works"),
        ("Омского моторостроительного завода", "Omsk Engine Factory"),  # genitive, as cited
        # the real OFAC SDN entry 16885 gives both names
        (
            "RESEARCH AND PRODUCTION CORPORATION URALVAGONZAVOD OAO",
            "NAUCHNO-PROIZVODSTVENNAYA KORPORATSIYA URALVAGONZAVOD OAO",
        ),
        ("ТОО «Алматинский завод тяжелого машиностроения»", "Almaty Heavy Machine Building Plant"),
        ("Navoiy kon-metallurgiya kombinati", "Navoi Mining and Metallurgical Combine"),
        # two names of OFAC's TEKHMASH entry (18772), a pair of the Central Asia set
        (
            "JOINT STOCK COMPANY SCIENTIFIC INDUSTRIAL CONCERN MANUFACTURING ENGINEERING",
            "JSC SCIENTIFIC INDUSTRIAL CONCERN MECHANICAL ENGINEERING",
        ),
    ],
)
def test_translated_enterprise_names_match(a: str, b: str) -> None:
    assert score(a, b) >= DEFAULT_THRESHOLD, (a, b)
    assert _check_bound(a, b, "Company")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the same frame with another distinctive word is another enterprise
        ("АО «НПО «Заря»", "JSC Scientific Production Association Zvezda"),
        ("ФКП «Бийский пороховой завод»", "Biysk Oleum Plant"),
        ("НИИ точного приборостроения", "Research Institute of Radio Engineering"),
        ("ОКБ «Сокол»", "Experimental Design Bureau Vympel"),
        ("Казанский оптико-механический завод", "Kazan Helicopter Plant"),
        (
            "JOINT STOCK COMPANY SCIENTIFIC INDUSTRIAL CONCERN MANUFACTURING ENGINEERING",
            "JSC SCIENTIFIC INDUSTRIAL CONCERN INSTRUMENT ENGINEERING",
        ),
    ],
)
def test_the_frame_alone_never_makes_a_match(a: str, b: str) -> None:
    assert score(a, b) < DEFAULT_THRESHOLD, (a, b)


def test_the_explanation_says_which_words_were_read_in_english() -> None:
    found = score_pair(
        Pair(0, "АО «НПО «Заря»", "JSC Scientific Production Association Zarya", "Company")
    )
    explanation = found.by_feature()["name_parts"].explanation
    assert "query read npo: scientific production association" in explanation
    plant = score_pair(Pair(0, "ФКП «Бийский пороховой завод»", "Biysk Powder Plant", "Company"))
    text = plant.by_feature()["name_parts"].explanation
    assert "porohovoi: powder" in text and "zavod: plant" in text and ": biisk" in text
    # an English synonym is not a translation: nothing is noted for it
    works = score_pair(Pair(0, "Izhevsk Mechanical Works", "Izhevsk Mechanical Plant", "Company"))
    assert "read" not in works.by_feature()["name_parts"].explanation


def test_russian_word_forms_come_from_the_dictionary() -> None:
    # every inflected form of a listed lemma reads as its English word, in Cyrillic and in Latin
    for written in ("завода", "заводом", "заводов", "zavoda", "zavodami"):
        assert [p.text for p in analyse(f"Vympel {written}", "Company").parts] == [
            "vympel",
            "plant",
        ], written
    # a Russian word the table does not list stays as written
    assert [p.text for p in analyse("Заря Звезда", "Company").parts] == ["zarya", "zvezda"]
    # persons are never read so: Zavod is a surname too
    assert analyse("Ivan Zavod", "Person").parts[1].text == "zavod"


def test_place_adjectives_read_as_their_place() -> None:
    assert place_of_adjective("бийский") == "бийск"
    assert place_of_adjective("казанского") == "казань"
    assert place_of_adjective("омский") == "омск"
    assert place_of_adjective("тульский") == "тула"
    assert place_of_adjective("точного") is None  # an adjective, not a place's
    assert place_of_adjective("завод") is None
    assert analyse("Бийский завод", "Company").parts[0].text == spelled("бийск")


def test_every_russian_lemma_is_in_the_dictionary_and_every_form_reads_one_way() -> None:
    data = load_yaml(data_path("enterprise_words.yml"))
    assert describe(data_path("enterprise_words.yml")).id == "enterprise-words"
    analyser = morphology()
    letters = vocabulary().letters
    table = enterprise_words()
    unknown = [
        str(lemma)
        for entry in data["words"]
        for lemma in entry.get("ru") or []
        if not analyser.word_is_known(str(lemma))
    ]
    assert unknown == []  # a lemma the dictionary lacks gets no inflected forms
    predicted = [str(w) for entry in data["words"] for w in entry.get("ru_predicted") or []]
    assert predicted and not any(analyser.word_is_known(w) for w in predicted)
    clashes = []
    for entry in data["words"]:
        english = tuple(fold_surface(str(entry["en"]), letters))
        for form, _ in _forms(entry):
            keys = tuple(romanisation_key(w) for w in fold_surface(form, letters))
            found = table.phrases[keys][0]
            if found != english:
                clashes.append((form, english, found))
    # a form two entries shared would read as the first entry's: none does
    assert clashes == []
    assert len(table.acronyms) >= 20 and table.acronyms["npo"].split()[0] == "nauchno"


@pytest.mark.parametrize(
    ("cyrillic", "english"),
    [
        ("Альфа Бета Креатив", "Alfa Beta Creative"),
        ("Дефлог Текнолоджис", "Deflog Technologies"),
        ("ООО «Трейдинг Лоджистикс»", "Trading Logistics LLC"),
        ("ТОО «Нетворк Солюшнс»", "Network Solutions LLP"),
        ("Смарт Инжиниринг Консалтинг", "Smart Engineering Consulting"),
        ("Интернешнл Менеджмент Групп", "International Management Group"),
    ],
)
def test_english_names_written_in_cyrillic_match(cyrillic: str, english: str) -> None:
    assert score(cyrillic, english) >= BLOCKS, (cyrillic, english)
    assert _check_bound(cyrillic, english, "Company")


def test_russian_words_that_only_sound_like_english_ones_stay_russian() -> None:
    # Сибирь is Siberia, not cyber; Виктор a given name, not vector; смерть is not smart
    for word in ("сибирь", "виктор", "смерть", "стиль", "фактор", "экспорт"):
        assert english_reading(word, spelled(word)) is None, word
    assert score("ООО «Сибирь»", "Cyber LLC") < DEFAULT_THRESHOLD
    assert score("ООО «Сибирь»", "Sibir LLC") >= BLOCKS
    # a word the dictionary does not know is read by sound; one it knows only when listed
    assert english_reading("текнолоджис", spelled("текнолоджис")) == "technologies"
    assert english_reading("креатив", spelled("креатив")) == "creative"
    table = loanwords()
    analyser = morphology()
    assert all(analyser.word_is_known(w) for w in table.taken_in)


def test_a_name_in_cyrillic_finds_its_english_listing_in_the_index() -> None:
    entries = [(Entry(f"f-{n}", "Company", "", "t"), [f"Filler {n} Trading"]) for n in range(40)]
    entries.append((Entry("deflog", "Company", "", "t"), ["Deflog Technologies Ltd"]))
    entries.append(
        (Entry("zarya", "Company", "", "t"), ["JSC Scientific Production Association Zarya"])
    )
    entries.append((Entry("creative", "Company", "", "t"), ["Creative Logistics FZE"]))
    index = NameIndex.build(entries)
    for query, expected in (
        ("ООО «Дефлог Текнолоджис»", "deflog"),
        ("АО «НПО «Заря»", "zarya"),
        ("Креатив Лоджистикс", "creative"),
    ):
        found = search(index, Query(query, "Company"))
        assert found and found[0].entity_id == expected, (query, found)
        assert found[0].score >= BLOCKS


def test_translated_words_are_generic_where_they_name_a_kind_of_firm() -> None:
    kinds = {p.text: p.kind for p in analyse("Бийский пороховой завод", "Company").parts}
    assert kinds["plant"] == GENERIC and kinds["powder"] == NAME


def test_a_soviet_style_name_meets_its_initials_but_two_names_never_meet_by_theirs() -> None:
    assert score("НИИ точного приборостроения", "NII TP") >= BLOCKS
    assert score("ФГУП «НИИ точного приборостроения»", "FGUP NII TP") >= BLOCKS
    assert _check_bound("НИИ точного приборостроения", "NII TP", "Company")
    # НИИ тяжёлого приборостроения is NII TP too, but it is not НИИ точного приборостроения
    assert score("НИИ тяжёлого приборостроения", "НИИ точного приборостроения") < 0.72
    assert score("NII TP", "NII TK") < 0.72
    # the initials are read only after an enterprise acronym, of two to four words
    assert initials_form("НИИ точного приборостроения") == "нии тп"
    assert initials_form("Research Institute of Precision Instrument Engineering") is None
    assert initials_form("ОКБ «Сокол»") is None
    entries = [(Entry(f"f-{n}", "Company", "", "t"), [f"NII {n} Trading"]) for n in range(30)]
    entries.append((Entry("niitp", "Company", "", "t"), ["NII TP"]))
    found = search(NameIndex.build(entries), Query("НИИ точного приборостроения", "Company"))
    assert found and found[0].entity_id == "niitp" and "initials" in found[0].explanation


def test_foreign_firms_names_as_russian_writes_them() -> None:
    # from the translated set: the real FtM names of LLC CST, and a derived Cyrillic rendering
    assert score("CST Limited", "ООО “ЦСТ”") >= DEFAULT_THRESHOLD
    assert romanisation_key("tsst") == romanisation_key("cst")  # ЦСТ folds as CST
    assert romanisation_key("rtts") == romanisation_key("rtc")  # and РТЦ as RTC
    assert score("CHINA TELECOM CORPORATION LIMITED", "Чайна Телеком Корпорейшн Лимитед") >= BLOCKS
    # a word of two consonants must be spelled nearly alike to be read (чайна, not чан)
    assert english_reading("чайна", spelled("чайна")) == "china"
    assert english_reading("чан", spelled("чан")) is None


def test_a_name_read_in_english_keeps_the_key_of_its_transliteration() -> None:
    # Транзит is read as transit, yet ТОО «Транзит Компонент» and TRANZIT KOMPONENT TOO stay one
    # legal name for exact lookups (licences, imports, registry), and Дефлог Текнолоджис meets
    # its own transliteration as well as its English name
    from diversion.matching.keys import legal_name_key

    assert legal_name_key("ТОО «Транзит Компонент»") == legal_name_key("TRANZIT KOMPONENT TOO")
    assert legal_name_key("Бийский пороховой завод") == legal_name_key("BIYSKIY POROKHOVOY ZAVOD")
    assert score("Дефлог Текнолоджис", "DEFLOG TEKNOLODZHIS") >= BLOCKS
    assert score("Дефлог Текнолоджис", "Deflog Technologies") >= BLOCKS
