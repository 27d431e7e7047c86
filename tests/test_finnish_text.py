"""Normalization and tokenizing: what counts as a word, and where it stands in the original text."""

import re
from pathlib import Path

from search.finnish import leading_words, words
from search.finnish.normalize import normalize
from search.finnish.tokenizer import word_texts

SEED = Path(__file__).parent.parent / "corpus" / "000_d69fc6f4f0811f96.txt"


def texts(text: str) -> list[str]:
    return [word for word, _, _ in words(text)]


def test_nfc_composes_decomposed_letters_and_maps_offsets_back():
    original = "Cafe\u0301 ja ka\u0308ynnistetty"
    norm, origin = normalize(original)
    assert norm == "Café ja käynnistetty"
    assert origin is not None and len(origin) == len(norm)
    assert original[origin[norm.index("ja")]:].startswith("ja")


def test_text_already_normal_has_no_offset_map():
    assert normalize("Kaupunginhallitus päätti.") == ("Kaupunginhallitus päätti.", None)


def test_soft_hyphens_and_zero_width_characters_do_not_split_words():
    text = "EU-ra\u00adhoitusta ja ko\u200bkeilu\u200d"
    assert texts(text) == ["EU-rahoitusta", "ja", "kokeilu"]


def test_offsets_point_into_the_original_text_around_invisible_characters():
    text = "yritys\u00adhautomo\u00adpalvelujen toimeenpanoa"
    for word, start, end in words(text):
        assert text[start:end].replace("\u00ad", "") == word


def test_hyphenated_words_and_names_stay_one_word():
    assert texts("EU-rahoitusta, Haaga-Helia ja elinkeino-osasto") == [
        "EU-rahoitusta", "Haaga-Helia", "ja", "elinkeino-osasto"]


def test_truncated_compound_before_ja_loses_its_hyphen():
    assert texts("kehitys- ja kokeilualustoiminnan") == ["kehitys", "ja", "kokeilualustoiminnan"]


def test_codes_dates_and_ranges_stay_whole():
    assert texts("5G:n verkot, 2017–2021, maanantaina 23.11. asia HEL 2024-009117, 1,5 miljoonaa") == [
        "5G:n", "verkot", "2017–2021", "maanantaina", "23.11", "asia", "HEL", "2024-009117", "1,5", "miljoonaa"]


def test_a_range_with_a_figure_dash_is_one_word():
    assert texts("linjaukset 30.12.2021\u20125.1.2022 tehtiin") == ["linjaukset", "30.12.2021\u20125.1.2022", "tehtiin"]


def test_scandinavian_letters_are_letters():
    assert texts("Yrkeshögskolan Arcada ja Åbo Akademi, älykäs öljy") == [
        "Yrkeshögskolan", "Arcada", "ja", "Åbo", "Akademi", "älykäs", "öljy"]


def test_every_word_of_a_seed_maps_back_to_its_offsets():
    text = SEED.read_text(encoding="utf-8")
    found = list(words(text))
    assert len(found) > 200
    assert all(text[start:end] == word for word, start, end in found)
    assert ("kokeilualustoiminnan", text.index("kokeilualustoiminnan"),
            text.index("kokeilualustoiminnan") + len("kokeilualustoiminnan")) in found


def test_word_texts_are_the_words_without_their_offsets():
    text = "Cafe\u0301 EU-ra\u00adhoitusta 23.11. kello 5G:n vaa'an " + "x" * 65 + " kehitys- ja hanke."
    assert list(word_texts(text)) == texts(text)


def test_leading_words_are_the_first_words_with_the_same_offsets():
    text = "Kaupunginhallitus\u00ad päätti 23.11. myöntää EU-rahoitusta 2017–2021 hankkeelle."
    assert leading_words(text, 3) == list(words(text))[:3]
    assert leading_words(text, 99) == list(words(text))


def test_each_chunk_between_spaces_has_the_words_the_whole_text_has_there():
    """Highlighting cuts a bulletin into its whitespace-delimited chunks and each into words."""
    text = SEED.read_text(encoding="utf-8") + " \u212b ½ ² kuorma-auto a\u0308iti soft\u00adhyphen " + "x" * 70
    whole = list(words(text))
    for chunk in re.finditer(r"\S+", text):
        inside = [(word, start - chunk.start(), end - chunk.start()) for word, start, end in whole
                  if chunk.start() <= start < chunk.end()]
        assert list(words(chunk.group())) == inside, chunk.group()
