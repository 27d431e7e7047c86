"""What city users ask for, on real Ahjo decisions, agenda items and a päätöstiedote
(tests/fixtures/ahjo): narrowing by deciding body, kind and classification, and following a case by
its diary number, through the search API, the query language, the JSON API, the page and the CLI, on
every backend."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from search.backends import Search
from search.cli import main
from search.searcher import MAX_PAGE_SIZE, SearchRequest, spans_html

FIXTURES = Path(__file__).parent / "fixtures" / "ahjo"
EVERYTHING = "date:2000..2030"  # every bulletin: the fixture's are of 2021 and 2022
BOARD_SUBCOMMITTEE = "Kaupunginhallituksen sosiaali- ja terveydenhuollon sekä pelastustoimen uudistusjaosto"
# Case HEL 2020-006250 went from the city board to the audit committee to the council
AUDIT_CASE = ["C313F4F9-71B6-44E9-83CF-47FCDCE8C473", "ECF8DFAC-947C-4DAE-A603-132E8C207DED",
              "535A1116-731D-4D15-9036-4D07E64FD36B"]


@pytest.fixture(scope="module")
def indexed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = tmp_path_factory.mktemp("city") / "corpus"
    shutil.copytree(FIXTURES, corpus, ignore=shutil.ignore_patterns("*.md"))
    return corpus


def ids(search: Search, query: str, **options) -> list[str]:
    return [hit.id for hit in search.search(SearchRequest(query, page_size=MAX_PAGE_SIZE, **options)).hits]


def test_facets_count_the_matches_by_deciding_body_and_kind(search):
    facets = search.search(SearchRequest(EVERYTHING)).facets
    assert facets["organ"]["Kaupunginhallitus"] == 5 and facets["organ"][BOARD_SUBCOMMITTEE] == 1
    assert list(facets["organ"])[0] == "Kaupunginhallitus"  # the most first
    assert facets["kind"] == {"decision": 8, "agenda_item": 3, "announcement": 1}
    narrower = search.search(SearchRequest("arviointikertomus")).facets  # the audit case's words
    assert set(narrower["organ"]) == {"Kaupunginhallitus", "Tarkastuslautakunta", "Kaupunginvaltuusto"}


@pytest.mark.parametrize("query, options, count", [
    (EVERYTHING, {"organ": "Kaupunginhallitus"}, 5),
    (EVERYTHING, {"organ": "KAUPUNGINHALLITUS"}, 5),  # without regard to case
    (f"organ:kaupunginhallitus {EVERYTHING}", {}, 5),  # the whole name: not its subcommittee
    (f'organ:"{BOARD_SUBCOMMITTEE.lower()}" {EVERYTHING}', {}, 1),
    (f"organ:kaupunginhallituksen* {EVERYTHING}", {}, 1),  # every name that begins so
    (f"NOT organ:kaupunginhallitus {EVERYTHING}", {}, 7),
    (f"-organ:kaupunginhallitus {EVERYTHING}", {}, 7),
    (f"organ:kaupunginhallitus organ:tarkastuslautakunta {EVERYTHING}", {}, 6),  # either body
    (f"organ:kaupunginhallitus {EVERYTHING}", {"organ": "Tarkastuslautakunta"}, 0),  # both: none
    (EVERYTHING, {"kind": "agenda_item"}, 3),
    (f"kind:announcement {EVERYTHING}", {}, 1),
    (EVERYTHING, {"classification": "kilpailutus"}, 1),
    (f'classification:"Hallinnon ja talouden tarkastus" {EVERYTHING}', {}, 3),
])
def test_filters_by_deciding_body_kind_and_classification(search, query, options, count):
    result = search.search(SearchRequest(query, page_size=MAX_PAGE_SIZE, **options))
    assert result.total == count == len(result.hits)


def test_filters_narrow_the_matches_of_words(search):
    found = search.search(SearchRequest("arviointikertomus", organ="tarkastuslautakunta"))
    assert [hit.id for hit in found.hits] == ["535A1116-731D-4D15-9036-4D07E64FD36B"]


@pytest.mark.parametrize("query", ["HEL 2020-006250", "hel 2020-006250", "HEL-2020-006250", "2020-006250"])
def test_a_diary_number_finds_its_case_first(search, query):
    result = search.search(SearchRequest(query, page_size=MAX_PAGE_SIZE))
    assert {hit.id for hit in result.hits[:3]} == set(AUDIT_CASE)
    assert not any(hit.related for hit in result.hits[:3])
    # The decisions' text leaves out the diary number that their case field holds: the snippet shows it
    assert all("<mark>" in spans_html(hit.snippet) for hit in result.hits[:3])
    assert "<mark>2020-006250</mark>" in spans_html(result.hits[0].snippet)


def test_the_case_history_runs_across_bodies_oldest_first(search):
    history = search.case_history("HEL 2020-006250")
    assert [bulletin.id for bulletin in history] == AUDIT_CASE
    assert [bulletin.organ for bulletin in history] == ["Kaupunginhallitus", "Kaupunginvaltuusto", "Tarkastuslautakunta"]
    assert search.case_history("HEL 1999-000001") == ()


def test_hits_carry_kind_case_and_classification(search):
    hit = next(hit for hit in search.search(SearchRequest("potilasvaakojen")).hits)
    assert (hit.kind, hit.case, hit.classification) == ("decision", "HEL 2021-009631", "Kilpailutus")
    assert hit.organ == "Sosiaali- ja terveystoimialan toimialajohtaja"


def test_the_api_filters_and_facets(client):
    data = client.get("/api/search", query_string={"q": EVERYTHING, "organ": "kaupunginhallitus", "size": 100}).get_json()
    assert data["total"] == 5 and all(hit["organ"] == "Kaupunginhallitus" for hit in data["hits"])
    assert {"kind", "case", "classification"} <= data["hits"][0].keys()
    assert data["facets"]["kind"] == {"agenda_item": 3, "announcement": 1, "decision": 1}


def test_the_page_offers_the_facets_as_links_and_shows_the_filter_to_remove(client):
    html = client.get("/", query_string={"q": EVERYTHING}).get_data(as_text=True)
    assert f'href="/?q={EVERYTHING}&amp;organ=Kaupunginhallitus">Kaupunginhallitus</a>' in html
    assert ">Esityslistan asia</a>" in html  # the kind facet in the page's language
    narrowed = client.get("/", query_string={"q": EVERYTHING, "organ": "Kaupunginhallitus"}).get_data(as_text=True)
    assert "<strong>5 osumaa</strong>" in narrowed and "× </span>Kaikki päättäjät" in narrowed
    assert "Päättäjä: <span>Kaupunginhallitus</span>" in narrowed  # and as a chip above the hits
    assert f'href="/?q={EVERYTHING}&amp;organ=Kaupunginhallitus&amp;kind=agenda_item"' in narrowed  # filters add up


def test_the_bulletin_page_lists_the_case_step_by_step(client):
    html = client.get(f"/bulletins/{AUDIT_CASE[1]}").get_data(as_text=True)
    assert "Asian HEL 2020-006250 vaiheet" in html
    steps = re.findall(r'href="/bulletins/([^"?]+)', html.split('class="case-history"')[1])
    assert steps == [AUDIT_CASE[0], AUDIT_CASE[2]]  # the others; this one is marked, not linked
    assert 'aria-current="page"' in html
    lone = client.get("/bulletins/9FF5CCDE-8C0A-4F4F-B0D6-02D9FC3B023A").get_data(as_text=True)
    assert 'class="case-history"' not in lone  # a case of one bulletin has no steps to list


def test_the_cli_filters_and_shows_the_body(target):
    result = CliRunner().invoke(main, ["search", *target.cli_options(), "--organ", "tarkastuslautakunta", "--json",
                                       EVERYTHING])
    assert [hit["id"] for hit in json.loads(result.output)["hits"]] == [AUDIT_CASE[2]]
    text = CliRunner().invoke(main, ["search", *target.cli_options(), "HEL 2020-006250"]).output
    assert "Tarkastuslautakunta  HEL 2020-006250" in text
