"""Completions while typing and the overview of the index, over the seeds and a few Finnish bulletins, on
every backend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search.backends import Search

from conftest import copy_seeds

BULLETINS = [
    {"id": "kh-1", "date": "2022-03-01", "organ": "Kaupunginhallitus", "lang": "fi",
     "title": "Kaupunginhallitus hyväksyi kirjastostrategian",
     "body": "Kaupunginhallitus hyväksyi kirjastostrategian. Kaupunginhallitukselle esiteltiin myös kuorma-autojen "
             "pysäköinti."},
    {"id": "kh-2", "date": "2023-04-01", "organ": "Kaupunginhallitus", "title": "Kaupunginhallituksen kokous",
     "body": "Kaupunginhallituksessa käsiteltiin kirjastojen aukioloajat ja kuorma-auton hankinta."},
    {"id": "jaosto-1", "date": "2023-05-01", "organ": "Kaupunginhallituksen elinkeinojaosto",
     "title": "Elinkeinojaoston kokous", "body": "Elinkeinojaosto käsitteli kirjaston hankkeita."},
    {"id": "ruotsi", "date": "2023-06-01", "organ": "Kaupunginhallitus", "lang": "sv",
     "title": "Stadsstyrelsen beslöt", "body": "Stadsstyrelsen beslöt om biblioteket."},
]


@pytest.fixture(scope="module")
def indexed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = copy_seeds(tmp_path_factory.mktemp("complete") / "corpus")
    (corpus / "city.jsonl").write_text("\n".join(json.dumps(b, ensure_ascii=False) for b in BULLETINS) + "\n",
                                       encoding="utf-8")
    return corpus


def words(search: Search, text: str) -> list[tuple[str, int]]:
    return [(completion.word, completion.bulletins) for completion in search.complete(text)]


def test_a_word_begun_completes_to_the_base_forms_most_bulletins_hold_first(search):
    completions = search.complete("kaupunginh")
    assert completions[0].word == "kaupunginhallitus" and completions[0].query == "kaupunginhallitus"
    assert completions[0].bulletins == 4  # the seeds hold kaupunginhallituksen, kh-1 and kh-2 other forms
    assert [c.bulletins for c in completions] == sorted((c.bulletins for c in completions), reverse=True)


def test_an_inflected_word_completes_to_its_base_form(search):
    assert words(search, "kaupunginhallituksen")[0] == ("kaupunginhallitus", 4)
    assert words(search, "kirjastojen") == [("kirjasto", 2)]  # kirjastostrategia is another word


def test_a_hyphened_base_form_is_written_as_the_bulletins_write_it(search):
    assert words(search, "kuorma")[0] == ("kuorma-auto", 2)


def test_only_the_last_word_is_completed_and_the_rest_kept(search):
    completions = search.complete('-korona "kuusi kaupunginh')
    assert completions[0].query == '-korona "kuusi kaupunginhallitus'
    assert search.complete("title:kirjastostr")[0].query == "title:kirjastostrategia"


@pytest.mark.parametrize("text", ["", "k", "kaupunginhallitus ", "date:20", "kokeilu OR", "xyzzyä"])
def test_nothing_to_complete(search, text):
    assert search.complete(text) == ()


def test_a_filter_completes_to_the_names_the_index_holds(search):
    completions = search.complete("kirjasto organ:kaupunginh")
    assert [(c.query, c.bulletins) for c in completions] == [
        ("kirjasto organ:Kaupunginhallitus", 3),
        ('kirjasto organ:"Kaupunginhallituksen elinkeinojaosto"', 1)]
    assert [c.word for c in search.complete('organ:"kaupunginhallituksen elin')] == ["Kaupunginhallituksen elinkeinojaosto"]
    assert [c.word for c in search.complete("organ:elinkeino")] == ["Kaupunginhallituksen elinkeinojaosto"]


def test_overview_says_what_the_index_holds(search):
    overview = search.overview()
    assert overview.bulletins == 6 and (overview.first_year, overview.last_year) == (2020, 2024)
    assert overview.organs == {"Kaupunginhallitus": 3, "Kaupunginhallituksen elinkeinojaosto": 1}
    assert overview.updated == search.last_update() and overview.updated.tzinfo is not None
    # nouns in base form that several titles share: kaupunginhallitus in four, elinkeinojaosto in three
    assert overview.examples[:2] == ("kaupunginhallitus", "elinkeinojaosto")
    assert all(" " not in example and example.isalpha() for example in overview.examples)


def test_hits_and_bulletins_carry_their_language(search):
    assert search.bulletin("ruotsi").lang == "sv" and search.bulletin("kh-2").lang is None
    assert search.bulletin("ruotsi").to_dict()["lang"] == "sv"
