"""Word analysis on real words of the seed bulletins: lemmas, participles, compounds, fallback."""

import pytest

from search.finnish import STEM_MARK, analyze_word, splits


def lemmas(word: str) -> set[str]:
    return set(analyze_word(word).lemmas)


def meet(a: str, b: str) -> bool:
    """Whether two words share a lemma term, i.e. a search for one finds the other."""
    return bool(lemmas(a) & lemmas(b))


@pytest.mark.parametrize("inflected, base", [
    ("kokeiluja", "kokeilu"),
    ("kaupunginhallituksen", "kaupunginhallitus"),
    ("elinkeinojaoston", "elinkeinojaosto"),
    ("yrityshautomopalvelujen", "yrityshautomopalvelu"),
    ("Helsingin", "Helsinki"),
    ("korkeakoulujen", "korkeakoulu"),
    ("päätavoitteiksi", "päätavoite"),
])
def test_inflected_forms_meet_their_base_form(inflected, base):
    assert meet(inflected, base)


def test_ambiguous_word_keeps_every_reading():
    assert {"alku", "alus", "alusta", "alustaa"} <= lemmas("alusta")
    assert {"kuusi", "kuu"} <= lemmas("kuusi")


@pytest.mark.parametrize("participle, verb", [
    ("päätetty", "päättää"), ("päättänyt", "päättää"), ("hyväksytty", "hyväksyä"),
    ("käynnistettyjen", "käynnistää"), ("suunnatun", "suunnata"), ("luettavissa", "lukea"),
    ("hyväksymän", "hyväksyä"),
])
def test_participles_also_yield_their_verb(participle, verb):
    assert verb in lemmas(participle)


def test_compound_parts_are_kept_apart_from_lemmas():
    analysis = analyze_word("yrityshautomopalvelujen")
    assert {"yritys", "hautomo", "palvelu"} <= set(analysis.parts)
    assert "hautomo" not in analysis.lemmas


def test_parts_hold_every_run_of_consecutive_parts_but_the_whole():
    assert analyze_word("yrityshautomopalvelujen").parts == (
        "yritys", "hautomo", "palvelu", "yrityshautomo", "hautomopalvelu")
    runs = set(analyze_word("kaupunginhallitusneuvotteluissa").parts)
    assert {"kaupunkihallitus", "hallitusneuvottelu"} <= runs  # each part in its base form
    assert "kaupunkineuvottelu" not in runs  # not consecutive
    assert "osakeyhtiö" in analyze_word("asunto-osakeyhtiön").parts


def test_a_run_equals_the_joined_lemma_of_the_compound_it_names():
    # A query word is found inside a longer compound when one of its lemmas is one of the runs.
    assert set(analyze_word("kaupunginhallituksen").lemmas) & set(analyze_word("kaupunginhallitusneuvotteluissa").parts)
    assert set(analyze_word("EU-rahoitus").lemmas) & set(analyze_word("EU-rahoitushakemuksen").parts)


def test_unknown_hyphenated_word_holds_runs_of_its_pieces():
    assert "covid19" in analyze_word("covid-19-potilaiden").parts


def test_genitive_first_part_is_found_by_its_base_form():
    assert set(analyze_word("kaupunginhallituksen").parts) >= {"kaupunki", "hallitus"}


@pytest.mark.parametrize("word", ["hakemusta", "kuuluvan", "vankilasta", "varsinaisen", "asemassa", "voimassa"])
def test_a_word_that_is_also_read_as_a_plain_word_is_not_split(word):
    """Voikko reads these as hake+musta, kuu+lupa, vanki+lapsi, varsi+nainen, ase+massa, voi+massa too."""
    assert analyze_word(word).parts == ()


def test_a_word_read_only_as_compounds_keeps_the_parts_of_every_split():
    # asunto+kauppa+laki, and asunto+kauppala (a market town's): the law is not lost
    assert {"asuntokauppa", "laki", "kauppala"} <= set(analyze_word("asuntokauppalain").parts)
    assert {"valitus", "lupa"} == set(analyze_word("valitusluvan").parts)


def test_names_are_not_split_into_parts():
    assert analyze_word("Helsingin").parts == ()
    assert analyze_word("Jyväskylän").parts == ()


def test_a_compound_splits_into_its_single_parts_in_order_once_a_reading():
    """What a bulletin must hold, scattered, to hold a compound query word as its parts."""
    assert splits("päiväkoti") == ((("päivä",), ("koti",)),)
    assert (("päivä",), ("kota",)) in splits("päiväkodin")  # kodin is also the genitive of kota
    assert splits("yrityshautomopalvelujen") == ((("yritys",), ("hautomo",), ("palvelu",)),)
    assert splits("asuntokauppalain") == ((("asunto",), ("kauppa",), ("laki",)), (("asunto",), ("kauppala",)))


def test_pieces_of_a_hyphenated_word_or_a_code_are_a_split_too():
    assert (("koronavirus",), ("tilanne",)) in splits("koronavirus-tilanteessa")
    assert splits("2017–2021") == ((("2017",), ("2021",)),)
    assert splits("KKO:2019:105:ssä")[0][1:] == (("2019",), ("105",))


@pytest.mark.parametrize("word", ["hakemusta", "Helsingin", "kokeiluja", "HSL:n", "A-olutta"])
def test_a_plain_word_a_name_or_one_piece_does_not_split(word):
    """hakemusta is also hake+musta, but it is read as a plain word; A-olutta has one piece of two letters or more."""
    assert splits(word) == ()


def test_hyphenated_word_yields_its_pieces_as_parts():
    assert {"elinkeino", "osasto"} <= set(analyze_word("elinkeino-osaston").parts)
    assert "rahoitus" in analyze_word("EU-rahoitusta").parts


def test_hyphen_and_no_hyphen_spellings_meet():
    assert meet("kuorma-autoon", "kuormaauto")
    assert meet("EU-rahoitusta", "EU-rahoitus")


@pytest.mark.parametrize("form, base", [
    ("Arcadan", "Arcada"), ("Arcadassa", "Arcada"), ("Haaga-Helian", "Haaga-Helia"),
    ("Kampusinkubaattorit-ohjelman", "Kampusinkubaattorit-ohjelma"), ("Iglesiaksen", "Iglesias"),
])
def test_unknown_words_still_meet_their_inflections(form, base):
    assert not analyze_word(form).known
    assert meet(form, base)


def test_unknown_word_stems_are_marked_apart_from_real_lemmas():
    marked = [term for term in lemmas("Arcadan") if term.startswith(STEM_MARK)]
    assert STEM_MARK + "arcada" in marked


def test_unknown_inflection_of_a_known_word_finds_the_known_lemma():
    assert "smoothie" in lemmas("smoothieita")


def test_number_range_yields_both_years_as_parts():
    analysis = analyze_word("2017–2021")
    assert analysis.lemmas == ("2017-2021",)
    assert set(analysis.parts) == {"2017", "2021"}


def test_a_range_written_with_a_figure_dash_meets_one_typed_with_a_hyphen():
    """Ahjo's texts write date ranges with U+2012 (`30.12.2021‒5.1.2022`); a searcher types `-`."""
    assert analyze_word("30.12.2021\u20125.1.2022").lemmas == ("30.12.2021-5.1.2022",)
    assert meet("30.12.2021\u20125.1.2022", "30.12.2021-5.1.2022")


def test_abbreviation_with_case_ending_meets_the_abbreviation():
    assert meet("5G:n", "5G")
    assert meet("EU:n", "EU")
    assert meet("HSL:ää", "HSL")


def test_numbers_joined_by_colons_are_one_term_with_their_runs_as_parts():
    number = analyze_word("2019:105")
    assert (number.lemmas, number.parts) == (("2019:105",), ("2019", "105"))
    code = analyze_word("KKO:2019:105:ssä")  # the case ending after the last colon is dropped
    assert code.lemmas == ("kko:2019:105",)
    assert set(code.parts) == {"kko", "2019", "105", "kko:2019", "2019:105"}
    assert lemmas("16:00") == {"16:00"} and not meet("16:00", "16")
    assert not meet("2019:105", "2019")


def test_function_words_are_stopwords_but_content_words_are_not():
    assert analyze_word("ja").stop and analyze_word("on").stop and analyze_word("että").stop
    assert not analyze_word("kokeilu").stop
    assert not analyze_word("voi").stop  # voida is a stopword reading, voi (butter) is not
