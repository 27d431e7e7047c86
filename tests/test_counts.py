"""What counts: the total, the facets, the date orders, the pages and the feed hold matches only,
through the search API, the JSON API, the page, the feed and the CLI, both for a query with
matches and related results and for a query with related results only, on every backend. Real
Finnish text; nothing is mocked."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from search.cli import main
from search.searcher import MAX_PAGE_SIZE, SearchRequest

from conftest import copy_seeds

SEED_2020, SEED_2024 = "000_d69fc6f4f0811f96", "003_1869dba633d4af7d"
ATOM = "{http://www.w3.org/2005/Atom}"

# Newer than every match, the related results would come first if they were mixed into a date order.
BULLETINS = [
    {"id": "kh-2019", "date": "2019-05-06", "organ": "Kaupunginhallitus", "kind": "decision",
     "title": "Kaupunginhallitus hyväksyi talousarvioesityksen",
     "body": "Kaupunginhallitus hyväksyi esityksensä ensi vuoden talousarvioksi ja lähetti sen valtuustolle."},
    {"id": "kaupunki-2025", "date": "2025-03-01", "organ": "Kulttuuri- ja vapaa-aikalautakunta", "kind": "decision",
     "title": "Kaupunki avasi kirjaston",
     "body": "Kaupunki avasi uuden kirjaston keskustaan, ja lainaajia kävi ensimmäisenä päivänä tuhansia."},
    {"id": "hallitus-2026", "date": "2026-01-20", "title": "Hallituksen esitys",
     "body": "Hallitus antoi eduskunnalle esityksen laiksi kuntien valtionosuuksista."},
    {"id": "verohallitus-2023", "date": "2023-04-11", "title": "Kiinteistökaupan merkitys",
     "body": "Salon kaupunginjohtaja oli käynyt verohallituksessa selostamassa suunnitellun kiinteistökaupan "
             "merkitystä Salon kaupungille."},
]
MATCHES = [SEED_2024, SEED_2020, "kh-2019"]  # kaupunginhallitus, newest first
RELATED = {"verohallitus-2023"}  # kaupunki and hallitus apart
ONE_PART = {"kaupunki-2025", "hallitus-2026"}  # kaupunki or hallitus alone: not even related


@pytest.fixture(scope="module")
def indexed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = copy_seeds(tmp_path_factory.mktemp("counts") / "corpus")
    (corpus / "more.jsonl").write_text("".join(json.dumps(b, ensure_ascii=False) + "\n" for b in BULLETINS),
                                       encoding="utf-8")
    return corpus


# A query with matches and related results


def test_total_and_facets_count_matches_only(search):
    result = search.search(SearchRequest("kaupunginhallitus", page_size=MAX_PAGE_SIZE))
    assert result.total == 3 and result.related_total == len(RELATED)
    assert result.facets == {"year": {"2024": 1, "2020": 1, "2019": 1}, "organ": {"Kaupunginhallitus": 1},
                             "kind": {"decision": 1}}
    assert {hit.id for hit in result.hits if not hit.related} == set(MATCHES)
    assert {hit.id for hit in result.hits if hit.related} == RELATED
    assert not ONE_PART & {hit.id for hit in result.hits}


@pytest.mark.parametrize("sort, expected", [("newest", MATCHES), ("oldest", MATCHES[::-1])])
def test_date_orders_list_matches_only_by_date(search, sort, expected):
    result = search.search(SearchRequest("kaupunginhallitus", sort=sort, page_size=MAX_PAGE_SIZE))
    assert [hit.id for hit in result.hits] == expected


def test_related_results_fill_out_only_the_last_page_of_matches(search):
    def page(number: int) -> list[tuple[str, bool]]:
        result = search.search(SearchRequest("kaupunginhallitus", page=number, page_size=2))
        return [(hit.id, hit.related) for hit in result.hits]

    first, second, third = page(1), page(2), page(3)
    assert [related for _, related in first] == [False, False]
    assert [related for _, related in second] == [False, True]  # the last match, then a related result
    assert third == []  # pages end with the matches


def test_api_says_total_related_total_and_related_per_hit(client):
    data = client.get("/api/search?q=kaupunginhallitus&size=100").get_json()
    assert (data["total"], data["related_total"]) == (3, len(RELATED))
    assert [hit["related"] for hit in data["hits"]] == [False] * 3 + [True] * len(RELATED)
    assert data["facets"]["year"] == {"2024": 1, "2020": 1, "2019": 1}
    assert "complete" not in data


def test_page_counts_matches_and_sets_related_results_apart(client):
    html = client.get("/?q=kaupunginhallitus").get_data(as_text=True)
    assert "<strong>3 osumaa</strong>" in html and "1 läheinen tulos" in html
    assert "Näytetään läheisiä tuloksia" not in html  # the notice is for when nothing matches
    divider = html.index("Läheiset tulokset: näissä on vain osa hakusanoista")
    hits = re.findall(r'<h3 class="hit-title"><a href="/bulletins/([^?"]+)', html)
    assert all(html.index(f"/bulletins/{hit}?") < divider for hit in MATCHES)
    assert all(html.index(f"/bulletins/{hit}?") > divider for hit in RELATED)
    assert len(hits) == len(MATCHES) + len(RELATED)
    newest = client.get("/?q=kaupunginhallitus&sort=newest").get_data(as_text=True)
    assert re.findall(r'<h3 class="hit-title"><a href="/bulletins/([^?"]+)', newest) == MATCHES


def test_feed_holds_matches_only(client):
    feed = ET.fromstring(client.get("/search.atom?q=kaupunginhallitus").data)
    links = [urlsplit(entry.find(f"{ATOM}link").get("href")).path for entry in feed.findall(f"{ATOM}entry")]
    assert links == [f"/bulletins/{bulletin_id}" for bulletin_id in MATCHES]


def test_cli_counts_matches_and_related_results_apart(target):
    output = CliRunner().invoke(main, ["search", *target.cli_options(), "kaupunginhallitus"]).output
    assert output.rstrip().splitlines()[-1].startswith("3 hits, 1 related result,")
    assert output.index("Related results: these hold only some of the words") > output.index("3. ")


# A query with related results only


def test_nothing_matches_related_results_are_listed_but_not_counted(search):
    result = search.search(SearchRequest("kaupunginkirjasto", page_size=MAX_PAGE_SIZE))  # kaupunki, kirjasto apart
    assert result.total == 0 and result.only_related
    assert result.facets == {"year": {}, "organ": {}, "kind": {}}
    assert "kaupunki-2025" in [hit.id for hit in result.hits] and all(hit.related for hit in result.hits)
    assert len(result.hits) == result.related_total


def test_nothing_matches_a_date_order_sorts_the_related_results(search):
    newest = search.search(SearchRequest("kaupunginkirjasto", sort="newest", page_size=MAX_PAGE_SIZE)).hits
    assert all(hit.related for hit in newest) and [hit.date for hit in newest] == sorted(
        (hit.date for hit in newest), reverse=True)


def test_nothing_matches_the_api_page_feed_and_cli_say_so(client, target):
    data = client.get("/api/search?q=kaupunginkirjasto").get_json()
    assert data["total"] == 0 and data["related_total"] > 0 and all(hit["related"] for hit in data["hits"])
    html = client.get("/?q=kaupunginkirjasto").get_data(as_text=True)
    assert "<strong>Ei osumia</strong>" in html and "Näytetään läheisiä tuloksia" in html
    assert "Läheiset tulokset: näissä on vain osa" not in html  # no divider without matches above it
    assert 'class="facet"' not in html
    feed = ET.fromstring(client.get("/search.atom?q=kaupunginkirjasto").data)
    assert feed.findall(f"{ATOM}entry") == []
    output = CliRunner().invoke(main, ["search", *target.cli_options(), "kaupunginkirjasto"]).output
    assert "No bulletin holds every word of the query" in output
    assert output.rstrip().splitlines()[-1].startswith("0 hits, ")
