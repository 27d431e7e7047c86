"""The web app through Flask's test client, over a real index of the seeds and a few Finnish bulletins.

Pages, their JSON twins, the feed, bad parameters, escaping and headers, on every backend. Nothing is mocked."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from search.cli import main
from search.searcher.results import MAX_PAGE_SIZE, MAX_QUERY_CHARS, SearchRequest
from search.web import create_app
from search.web.i18n import MESSAGES
from search.web.pages import part_bounds
from search.xapian.servers import ShardServers

from conftest import Target, copy_seeds, make_target

SEED_2020 = "000_d69fc6f4f0811f96"
SEED_2024 = "003_1869dba633d4af7d"
XSS = "<script>alert('xss')</script>"

# Small Finnish bulletins beside the seeds: two years more, organs and links, and hostile text.
FIXTURES = [
    {"id": "kampus-2025", "date": "2025-02-10", "organ": "Kaupunginhallituksen elinkeinojaosto",
     "url": "https://www.hel.fi/fi/uutiset/kampusinkubaattorit",
     "title": "Kampusinkubaattorit saavat jatkorahoitusta",
     "body": "Elinkeinojaosto päätti jatkaa kampusinkubaattoreiden rahoitusta. Kampusinkubaattorit tukevat "
             "opiskelijoiden yrityksiä korkeakoulujen yhteydessä.\n\nRahoitus on 300 000 euroa vuodessa."},
    {"id": "kampus-2021", "date": "2021-06", "organ": "Kaupunginhallituksen elinkeinojaosto",
     "title": "Ensimmäiset kampusinkubaattorit aloittavat",
     "body": "Kaupunki käynnistää kokeiluna kaksi kampusinkubaattoria yhdessä yliopistojen kanssa."},
    {"id": "pyorat-2022", "date": "2022-01-15", "organ": "Kaupunkiympäristölautakunta",
     "title": "Pyöräteiden talvikunnossapito paranee",
     "body": "Lautakunta hyväksyi pyöräteiden talvikunnossapidon uudet laatuvaatimukset."},
    {"id": "xss-2023", "date": "2023-05-04", "organ": f"Kulttuurilautakunta {XSS}", "url": "javascript:alert(1)",
     "title": f"Kirjaston aukioloajat {XSS}",
     "body": f"Kirjastojen aukioloajat muuttuvat kesällä. {XSS} <img src=x onerror=alert(2)> "
             "Kirjastot ovat auki myös sunnuntaisin."},
]


@pytest.fixture(scope="module")
def indexed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = copy_seeds(tmp_path_factory.mktemp("web") / "corpus")
    (corpus / "fixtures.jsonl").write_text("\n".join(json.dumps(b, ensure_ascii=False) for b in FIXTURES) + "\n",
                                           encoding="utf-8")
    return corpus


@pytest.fixture(scope="module")
def app(target: Target) -> Flask:
    return create_app({**target.settings(), "TESTING": True})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def page(client: FlaskClient, url: str, status: int = 200, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def hit_ids(html: str) -> list[str]:
    return re.findall(r'<h3 class="hit-title"><a href="/bulletins/([^?"]+)', html)


# --- the search page -------------------------------------------------------------------------

def test_empty_search_page_has_a_labelled_focused_box_and_example_searches(client):
    html = page(client, "/")
    assert '<html lang="fi">' in html
    assert '<label for="q">Hae tiedotteista</label>' in html
    assert re.search(r'<input id="q" name="q" type="search"[^>]*autofocus', html)
    assert "Esimerkkihakuja" in html and 'href="/?q=kaupunginhallitus"' in html  # drawn from the index


def test_an_empty_query_shows_the_search_box_not_an_error(client):
    assert "Esimerkkihakuja" in page(client, "/?q=+&year=2020")


def test_inflected_query_finds_the_bulletin_and_marks_the_matched_forms(client):
    html = page(client, "/?q=kokeiluja")
    assert hit_ids(html)[0] == SEED_2020
    assert "<mark>kokeiluja</mark>" in html.lower() or "<mark>kokeilu" in html.lower()
    assert re.search(r"\d+ osuma", html) and re.search(r"\(\d+,\d{3} s\)", html)


def test_hit_shows_title_link_date_and_deciding_body(client):
    html = page(client, "/?q=kampusinkubaattorit")
    link = ('<a href="/bulletins/kampus-2025?q=kampusinkubaattorit"><mark>Kampusinkubaattorit</mark> saavat '
            'jatkorahoitusta</a>')  # the title's matched words marked, as the snippet's are
    assert link in html
    assert '<time datetime="2025-02-10">10.2.2025</time>' in html
    assert '<time datetime="2021-06">kesäkuu 2021</time>' in html
    assert '<span class="detail">Kaupunginhallituksen elinkeinojaosto</span>' in html


def test_year_facet_counts_and_filters(client):
    html = page(client, "/?q=kampusinkubaattorit")
    assert re.search(r'href="/\?q=kampusinkubaattorit&amp;year=2025">2025</a> <span class="facet-count">1</span>', html)
    filtered = page(client, "/?q=kampusinkubaattorit&year=2021")
    assert hit_ids(filtered) == ["kampus-2021"]
    assert 'aria-current="true">2021</a>' in filtered
    assert 'href="/?q=kampusinkubaattorit"' in filtered  # the link that removes the year


@pytest.mark.parametrize(("dates", "expected"), [
    ("from=2022", ["kampus-2025", SEED_2024]),
    ("to=2021", ["kampus-2021"]),
    ("from=2021-06&to=2021-06", ["kampus-2021"]),  # `to` is inclusive to the end of the month
    ("from=2021-07-01&to=2024-10-31", []),
])
def test_date_range_filters_hits(client, dates, expected):
    assert hit_ids(page(client, f"/?q=kampusinkubaattorit&sort=newest&{dates}")) == expected


def test_sort_orders_hits_by_date(client):
    newest = ["kampus-2025", SEED_2024, "kampus-2021"]
    assert hit_ids(page(client, "/?q=kampusinkubaattorit&sort=newest")) == newest
    assert hit_ids(page(client, "/?q=kampusinkubaattorit&sort=oldest")) == newest[::-1]
    html = page(client, "/?q=kampusinkubaattorit&sort=oldest")
    assert 'aria-current="true">Vanhimmat</a>' in html


def test_pagination_moves_between_pages(client):
    first = page(client, "/?q=kampusinkubaattorit&size=1")
    assert len(hit_ids(first)) == 1
    assert 'rel="next" href="/?q=kampusinkubaattorit&amp;size=1&amp;page=2"' in first
    second = page(client, "/?q=kampusinkubaattorit&size=1&page=2")
    assert hit_ids(second) != hit_ids(first)
    assert 'rel="prev"' in second and 'aria-current="page"' in second


def test_page_past_the_last_offers_the_first(client):
    html = page(client, "/?q=kampusinkubaattorit&page=50")
    assert "Tällä sivulla ei ole tuloksia" in html and 'href="/?q=kampusinkubaattorit"' in html


def test_misspelled_query_that_finds_nothing_shows_the_spelling_that_does(client):
    html = page(client, "/?q=kirjastto")
    assert ('Näytetään tulokset haulle <a href="/?q=kirjasto">kirjasto</a>.\n'
            '    Hae sen sijaan: <a href="/?q=kirjastto&amp;verbatim=1">kirjastto</a>') in html
    assert hit_ids(html) == ["xss-2023"]
    assert 'href="/bulletins/xss-2023?q=kirjasto"' in html  # the bulletin page marks what was searched


def test_search_instead_searches_as_typed_and_offers_the_spelling(client):
    html = page(client, "/?q=kirjastto&verbatim=1")
    assert 'Tarkoititko: <a href="/?q=kirjasto&amp;verbatim=1">kirjasto</a>?' in html
    assert hit_ids(html) == [] and "Ei osumia" in html


def test_an_unpaired_quote_is_left_out_and_said(client):
    html = page(client, "/?q=%22kampusinkubaattorit+saavat")
    assert "Haussa oli pariton lainausmerkki, joten se jätettiin pois. Haettiin sanoja: kampusinkubaattorit saavat" in html
    assert hit_ids(html)[0] == "kampus-2025"
    data = api(client, "/api/search?q=%22kampusinkubaattorit+saavat")
    assert data["searched"] == "kampusinkubaattorit saavat" and data["corrections"] == ["quote"]


def test_related_results_are_announced_when_no_bulletin_has_every_word(client):
    html = page(client, "/?q=kirjasto+py%C3%B6r%C3%A4tiet")
    assert "Näytetään läheisiä tuloksia" in html
    assert sorted(hit_ids(html)) == ["pyorat-2022", "xss-2023"]


def test_hits_with_only_some_words_are_set_apart_from_the_complete_ones(client):
    html = page(client, "/?q=kampusinkubaattorit+kokeiluna")
    assert "Näytetään läheisiä tuloksia" not in html
    ids = hit_ids(html)
    assert ids[0] == "kampus-2021"
    assert html.index("Läheiset tulokset: näissä on vain osa hakusanoista") < html.index(f"/bulletins/{ids[1]}?")


def test_a_date_order_says_where_its_related_results_are_listed(client):
    """Newest first lists the hits only: no count of related results (that order does not look for
    those the best matches' words bring in), but a link to the order that lists them after the hits."""
    html = page(client, "/?q=kampusinkubaattorit+kokeiluna&sort=newest")
    assert "Läheiset tulokset: näissä" not in html and "läheistä tulosta" not in html
    link = re.search(r'<span class="related-count"><a href="([^"]+)">Läheiset tulokset Osuvimmat-järjestyksessä</a>',
                     html)
    assert link and link[1] == "/?q=kampusinkubaattorit+kokeiluna"
    assert "Läheiset tulokset: näissä" in page(client, link[1])


def test_query_with_no_hits_shows_help_and_examples(client):
    html = page(client, "/?q=xyzzyplugh")
    assert "Haulla ”xyzzyplugh” ei löytynyt tiedotteita." in html
    assert "Esimerkkihakuja" in html


def test_results_page_links_its_feed_and_json_twin(client):
    html = page(client, "/?q=kampusinkubaattorit&page=1")
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/search.atom?q=kampusinkubaattorit"' in html
    assert 'href="/api/search?q=kampusinkubaattorit&amp;page=1"' in html


@pytest.mark.parametrize(("query", "message"), [
    ("page=0", "Sivunumeron pitää olla"),
    ("size=10000", "Sivun koon pitää olla 1–100"),
    ("to=2020-02-30", "Päivämäärä 2020-02-30 ei kelpaa"),
    ("from=2024&to=2020", "Alkupäivä on loppupäivän jälkeen"),
    ("sort=random", "Järjestyksen pitää olla"),
    ("q=" + "a" * 10_000, f"enintään {MAX_QUERY_CHARS} merkkiä"),
])
def test_bad_parameters_show_a_finnish_message_with_status_400(client, query, message):
    url = f"/?{query}" if query.startswith("q=") else f"/?q=kokeiluja&{query}"
    html = page(client, url, 400)
    assert 'role="alert"' in html and message in html
    assert "Traceback" not in html


@pytest.mark.parametrize(("query", "finnish", "english"), [
    ('"kokeiluja&verbatim=1', "Lainausmerkit eivät täsmää", "unbalanced quotes"),
    ("kokeilu OR", "OR tarvitsee sanan kummallekin puolelleen", "OR needs a word on both sides"),
    ("k*", "vähintään 2 kirjainta", "at least 2 letters"),
    ("kokeilu date:2020-02-30", "Mahdoton päivämäärä: 2020-02-30", "impossible date: 2020-02-30"),
    ("ja", "Haussa ”ja” ei ole haettavaa", "nothing to search for in"),
])
def test_bad_query_syntax_is_a_400_in_the_page_language(client, query, finnish, english):
    query, _, more = query.partition("&")
    url = f"/?q={quote(query)}" + (f"&{more}" if more else "")
    html = page(client, url, 400)
    assert 'role="alert"' in html and finnish in html and english not in html
    assert english in page(client, f"{url}&lang=en", 400)


def test_english_interface_by_parameter_or_accept_language(client):
    html = page(client, "/?q=kokeiluja&lang=en")
    assert '<html lang="en">' in html and "Search the bulletins" in html
    assert '<input type="hidden" name="lang" value="en">' in html
    assert '<html lang="en">' in page(client, "/", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert '<html lang="fi">' in page(client, "/", headers={"Accept-Language": "fi-FI,fi;q=0.9,en;q=0.5"})
    assert "Sivun koon pitää olla" not in page(client, "/?q=x&size=0&lang=en", 400)


def test_every_message_is_in_both_languages():
    # The query parser writes its messages in English itself; only the Finnish side lists them.
    assert {key for key in MESSAGES["fi"] if not key.startswith("query_")} == MESSAGES["en"].keys()


# --- the bulletin page -----------------------------------------------------------------------

def test_bulletin_page_shows_the_whole_text_with_the_query_highlighted(client):
    html = page(client, f"/bulletins/{SEED_2020}?q=kokeiluja")
    text = (Path(__file__).parent.parent / "corpus" / f"{SEED_2020}.txt").read_text(encoding="utf-8")
    last_words = text.split()[-3:]
    assert all(word.replace("(", "") in html for word in last_words)
    assert html.lower().count("<mark>") >= 3
    assert 'href="/?q=kokeiluja">‹ Takaisin hakutuloksiin</a>' in html


def test_bulletin_page_without_a_query_marks_nothing(client):
    html = page(client, f"/bulletins/{SEED_2024}")
    assert "<mark>" not in html and "Uusi haku" in html


def test_bulletin_page_links_the_original_and_its_json_twin(client):
    html = page(client, "/bulletins/kampus-2025")
    assert '<a href="https://www.hel.fi/fi/uutiset/kampusinkubaattorit" rel="noopener noreferrer">' in html
    assert 'href="/api/bulletins/kampus-2025"' in html
    assert "<p>Rahoitus on 300 000 euroa vuodessa.</p>" in html  # paragraphs kept


def test_language_link_keeps_the_page_and_only_search_parameters(client):
    html = page(client, f"/bulletins/{SEED_2020}?q=kokeiluja&bulletin_id=x&_scheme=ftp")
    assert f'href="/bulletins/{SEED_2020}?q=kokeiluja&amp;lang=en" lang="en"' in html


def test_unknown_bulletin_is_a_404_page(client):
    html = page(client, "/bulletins/ei-ole", 404)
    assert "Tiedotetta ”ei-ole” ei ole." in html


def test_unknown_page_is_a_404_page(client):
    assert "Sivua ei löytynyt" in page(client, "/ei/ole", 404)


# --- untrusted text stays text -----------------------------------------------------------------

def test_query_is_escaped_everywhere_on_the_page(client):
    html = page(client, "/?q=%3Cscript%3Ealert(1)%3C/script%3E+kirjasto")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; kirjasto" in html


def test_bulletin_text_is_escaped_in_results_and_bulletin_page(client):
    for html in (page(client, "/?q=kirjasto"), page(client, "/bulletins/xss-2023?q=kirjasto")):
        assert "xss-2023" in html
        assert "<script>" not in html and "<img" not in html and "<b>" not in html
        assert "&lt;script&gt;" in html


def test_a_javascript_url_is_never_a_link(client):
    html = page(client, "/bulletins/xss-2023")
    assert "javascript:" not in html


def test_security_headers_on_every_response(client):
    for url in ("/", "/?q=kokeiluja", "/api/search?q=kokeiluja", "/api/search?page=0", "/ei-ole",
                "/search.atom?q=kokeiluja"):
        headers = client.get(url).headers
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_debug_mode_is_off_outside_tests(index_dir):
    assert not create_app({"INDEX_DIR": index_dir}).debug


# --- the JSON API ----------------------------------------------------------------------------

def api(client: FlaskClient, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    return response.get_json()


def without_time(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "seconds"}


def test_api_search_returns_the_search_result_object(client, search):
    data = api(client, "/api/search?q=kampusinkubaattorit&from=2021&to=2025-02&sort=newest&size=5")
    request = SearchRequest("kampusinkubaattorit", date_from=date(2021, 1, 1), date_to=date(2025, 2, 28),
                            sort="newest", page_size=5)
    assert without_time(data) == without_time(search.search(request).to_dict())
    assert [hit["id"] for hit in data["hits"]] == ["kampus-2025", SEED_2024, "kampus-2021"]


def test_api_search_is_the_object_of_the_cli_search_json(client, target):
    cli = CliRunner().invoke(main, ["search", "--json", *target.cli_options(), "--sort", "oldest", "--limit", "2",
                                    "kampusinkubaattorit"])
    assert cli.exit_code == 0, cli.output
    data = api(client, "/api/search?q=kampusinkubaattorit&sort=oldest&size=2")
    assert without_time(data) == without_time(json.loads(cli.output))


def test_api_hits_carry_their_titles_marked_and_escaped(client):
    hit = api(client, "/api/search?q=kirjasto")["hits"][0]
    assert hit["id"] == "xss-2023" and hit["title"] == f"Kirjaston aukioloajat {XSS}"
    assert hit["title_html"] == "<mark>Kirjaston</mark> aukioloajat &lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;"
    # a related result marks the words it holds
    related = api(client, "/api/search?q=kirjasto+py%C3%B6r%C3%A4tiet")["hits"]
    assert {hit["id"]: hit["title_html"] for hit in related} == {
        "pyorat-2022": "<mark>Pyöräteiden</mark> talvikunnossapito paranee",
        "xss-2023": "<mark>Kirjaston</mark> aukioloajat &lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;"}
    assert api(client, "/api/search?q=jatkorahoitus")["hits"][0]["title_html"] == (
        "Kampusinkubaattorit saavat <mark>jatkorahoitusta</mark>")


def test_api_explain_tells_how_words_matched(client):
    data = api(client, "/api/search?q=kokeiluja&explain=true")
    assert data["hits"][0]["matches"]


@pytest.mark.parametrize(("query", "param"), [
    ("q=kokeiluja&page=0", "page"),
    ("q=kokeiluja&page=x", "page"),
    (f"q=kokeiluja&size={MAX_PAGE_SIZE + 1}", "size"),
    ("q=kokeiluja&size=10000", "size"),
    ("q=kokeiluja&from=2020-13", "from"),
    ("q=kokeiluja&to=2021-02-29", "to"),
    ("q=kokeiluja&year=20", "year"),
    ("q=kokeiluja&explain=maybe", "explain"),
    ("q=" + "kokeilu " * 1300, "q"),
    ("", "q"),
])
def test_api_bad_parameters_are_400_with_a_json_message(client, query, param):
    data = api(client, f"/api/search?{query}", 400)
    assert data["status"] == 400 and data["param"] == param and data["message"]


@pytest.mark.parametrize(("url", "param"), [
    ("/api/search?q=kokeiluja&page_size=3", "page_size"),  # the name the result gives the page size
    ("/api/search?q=kampusinkubaattorit&organisation=Kulttuurilautakunta", "organisation"),
    ("/api/search?q=kampusinkubaattorit&organ=Kaupunginhallituksen%20elinkeinojaosto&organ=Kulttuurilautakunta",
     "organ"),
    ("/api/suggest?q=kaupunginh&limit=3", "limit"),
    ("/search.atom?q=kokeiluja&sort=relevance", "sort"),  # a feed is newest first
    ("/search.atom?q=kokeiluja&q=kirjasto", "q"),
])
def test_a_parameter_the_api_or_feed_does_not_know_or_is_given_twice_is_400_not_left_out(client, url, param):
    response = client.get(url)
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert response.get_json()["param"] == param


def test_an_unknown_parameter_is_named_with_the_ones_there_are(client):
    data = api(client, "/api/search?q=kokeiluja&page_size=3&lang=en", 400)
    assert data["message"] == ("Unknown parameter page_size: the parameters are q, from, to, year, organ, kind, "
                               "classification, sort, page, size, explain, verbatim, lang.")
    assert api(client, "/api/suggest?q=kaupunginh&size=3&size=4", 400)["message"] == \
        "Parametri size on annettu useammin kuin kerran."
    assert len(api(client, "/api/search?q=kokeiluja&size=1")["hits"]) == 1  # the parameter that is


def test_the_page_leaves_out_parameters_it_does_not_know(client):
    """Links from elsewhere carry their own (utm_source=…); the page shows the filters in force."""
    assert hit_ids(page(client, "/?q=kokeiluja&utm_source=uutiskirje")) == hit_ids(page(client, "/?q=kokeiluja"))
    assert hit_ids(page(client, "/?q=kokeiluja&utm_source=uutiskirje"))[0] == SEED_2020


def test_api_query_the_search_refuses_is_400(client):
    data = api(client, '/api/search?q=%22kokeiluja&verbatim=true', 400)
    assert data["message"] and "Traceback" not in data["message"]


def test_api_messages_follow_the_language(client):
    assert api(client, "/api/search?q=x&page=0&lang=en", 400)["message"].startswith("The page number")


def test_api_bulletin_returns_the_stored_bulletin(client):
    data = api(client, "/api/bulletins/kampus-2025")
    assert data["title"] == "Kampusinkubaattorit saavat jatkorahoitusta"
    assert data["date"] == "2025-02-10" and data["organ"] == "Kaupunginhallituksen elinkeinojaosto"
    assert data["body"].startswith("Elinkeinojaosto päätti")


def test_api_unknown_bulletin_is_404(client):
    assert api(client, "/api/bulletins/ei-ole", 404)["status"] == 404


def test_api_unknown_path_and_wrong_method_are_json(client):
    assert api(client, "/api/ei-ole", 404)["status"] == 404
    response = client.post("/api/search?q=kokeiluja")
    assert response.status_code == 405 and response.get_json()["status"] == 405


@pytest.mark.parametrize(("method", "url"), [("POST", "/api/search?q=kokeiluja"), ("DELETE", f"/bulletins/{SEED_2020}"),
                                             ("TRACE", "/search.atom"), ("PUT", "/")])
def test_a_wrong_method_is_405_with_the_methods_allowed(client, method, url):
    response = client.open(url, method=method)
    assert response.status_code == 405
    assert sorted(response.headers["Allow"].split(", ")) == ["GET", "HEAD", "OPTIONS"]
    assert response.mimetype == ("text/html" if method in ("DELETE", "PUT") else "application/json")


def test_api_health_is_ok_over_an_index(client):
    assert api(client, "/api/health") == {"status": "ok"}


def test_missing_index_is_503_with_the_fix(tmp_path):
    client = create_app({"INDEX_DIR": tmp_path / "none", "TESTING": True}).test_client()
    assert "bulletins index" in api(client, "/api/health", 503)["message"]
    assert "bulletins index" in page(client, "/?q=kokeiluja", 503)


# --- the feed --------------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


def test_feed_lists_matching_bulletins_newest_first(client):
    response = client.get("/search.atom?q=kampusinkubaattorit")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    entries = feed.findall(f"{ATOM}entry")
    links = [urlsplit(e.find(f"{ATOM}link").get("href")).path for e in entries]
    assert links == [f"/bulletins/{bulletin_id}" for bulletin_id in ("kampus-2025", SEED_2024, "kampus-2021")]
    assert feed.find(f"{ATOM}updated").text == "2025-02-10T00:00:00Z"
    assert entries[0].find(f"{ATOM}title").text == "Kampusinkubaattorit saavat jatkorahoitusta"
    assert "<mark>" in entries[0].find(f"{ATOM}summary").text


def test_feed_escapes_bulletin_text(client):
    feed = ET.fromstring(client.get("/search.atom?q=kirjasto").data)  # well-formed despite the markup
    summary = feed.find(f"{ATOM}entry/{ATOM}summary").text
    assert "<script" not in summary and "&lt;script&gt;" in summary


def test_feed_bad_parameters_are_400_json(client):
    response = client.get("/search.atom?q=kokeiluja&from=2020-99")
    assert response.status_code == 400 and response.get_json()["param"] == "from"


# --- as people use the page: what the index holds, help, chips, dates, completions, languages --------

def test_start_page_says_what_the_index_holds(client, app):
    html = page(client, "/")
    assert "Haussa on 6 tiedotetta vuosilta 2020–2025." in html
    updated = app.extensions["bulletins"].get().last_update().astimezone()
    assert f"Päivitetty {updated.day}.{updated.month}.{updated.year} klo {updated.hour}.{updated.minute:02d}." in html
    assert '<a href="/?q=organ:%22Kaupunginhallituksen+elinkeinojaosto%22&amp;sort=newest">' \
           'Kaupunginhallituksen elinkeinojaosto</a> <span class="facet-count">2</span>' in html
    assert "Päättäjät" in html and "hautomo" not in re.sub(r"<p>Haku ymmärtää.*?</p>", "", html, flags=re.S)


def test_help_page_is_linked_beside_the_box_and_explains_the_query_language(client):
    html = page(client, "/")
    assert '<a class="help-link" href="/help">Hakuohjeet</a>' in html
    help_html = page(client, "/help")
    for piece in ("kokeiluja", "hautomo", "&#34;kuusi innovaatiohaastetta&#34;", "kokeilu OR hanke", "NOT korona",
                  "-korona", "kokeilu*", "title:", "date:2020", "organ:kaupunginhallitus", "kind:decision",
                  "classification:", "HEL 2021-009631", "23.11.2020"):
        assert piece in help_html, piece
    english = page(client, "/help?lang=en")
    assert "Search help" in english and '<code lang="fi">kokeilu OR hanke</code>' in english
    assert 'href="/help?lang=en"' in page(client, "/?lang=en")


def test_filters_in_force_are_chips_that_remove_them(client):
    html = page(client, "/?q=kampusinkubaattorit&year=1985&from=1987")
    assert hit_ids(html) == []
    assert "Voimassa olevat rajaukset" in html
    assert '<a class="chip" href="/?q=kampusinkubaattorit&amp;from=1987" aria-label="Poista rajaus Vuosi: 1985">' in html
    assert '<a class="chip" href="/?q=kampusinkubaattorit&amp;year=1985" aria-label="Poista rajaus Alkaen 1987">' in html
    assert '<a class="chips-clear" href="/?q=kampusinkubaattorit">Poista kaikki rajaukset</a>' in html
    organ = page(client, "/?q=kampusinkubaattorit&organ=kaupunginhallituksen+elinkeinojaosto&kind=decision")
    assert "Päättäjä: <span>kaupunginhallituksen elinkeinojaosto</span>" in organ and "Laji: <span>Päätös</span>" in organ
    assert "Voimassa olevat rajaukset" not in page(client, "/?q=kampusinkubaattorit")


def test_a_new_search_keeps_the_filters_that_show_as_chips(client):
    html = page(client, "/?q=kampusinkubaattorit&organ=Kaupunkiymp%C3%A4rist%C3%B6lautakunta&year=2022")
    assert '<input type="hidden" name="organ" value="Kaupunkiympäristölautakunta">' in html
    assert '<input type="hidden" name="year" value="2022">' in html


@pytest.mark.parametrize(("dates", "expected"), [
    ("from=1.1.2022", ["kampus-2025", SEED_2024]),
    ("to=6/2021", ["kampus-2021"]),
    ("from=1.6.2021&to=30.6.2021", ["kampus-2021"]),
    ("from=6,2021&to=6,2021", ["kampus-2021"]),  # a phone's decimal pad in Finnish has a comma
    ("from=10.2.2025", ["kampus-2025"]),
])
def test_the_date_filter_takes_dates_as_finnish_writes_them(client, dates, expected):
    assert hit_ids(page(client, f"/?q=kampusinkubaattorit&sort=newest&{dates}")) == expected


def test_the_date_boxes_open_a_number_pad_with_a_separator(client):
    html = page(client, "/?q=kokeiluja")
    assert html.count('inputmode="decimal"') == 2 and 'inputmode="numeric"' not in html
    assert "Esimerkiksi 2020, 11/2020 tai 23.11.2020" in html


def test_api_suggest_completes_the_last_word_from_the_index(client):
    data = api(client, "/api/suggest?q=kampus+kaupunginh")
    assert data["query"] == "kampus kaupunginh"
    assert data["completions"][0] == {"query": "kampus kaupunginhallitus", "word": "kaupunginhallitus", "bulletins": 2}
    assert api(client, "/api/suggest?q=kaupunginhallituksen")["completions"][0]["word"] == "kaupunginhallitus"
    assert api(client, "/api/suggest?q=")["completions"] == []
    response = client.get("/api/suggest?q=kaupunginh&format=opensearch")
    assert response.mimetype == "application/x-suggestions+json"
    assert response.get_json() == ["kaupunginh", ["kaupunginhallitus"]]


@pytest.mark.parametrize(("query", "param"), [("q=x&size=0", "size"), ("q=x&size=21", "size"),
                                              ("q=x&format=xml", "format"), ("q=" + "a" * 1001, "q")])
def test_api_suggest_bad_parameters_are_400(client, query, param):
    assert api(client, f"/api/suggest?{query}", 400)["param"] == param


def test_the_page_has_one_first_party_script_that_the_policy_allows(client):
    response = client.get("/?q=kokeiluja")
    html = response.get_data(as_text=True)
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/search.js" defer>']
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "connect-src 'self'" in response.headers["Content-Security-Policy"]
    assert 'data-suggest="/api/suggest"' in html
    assert 'role="combobox"' not in html  # the script makes the box a combobox; without it the box is plain
    script = client.get("/static/search.js").get_data(as_text=True)
    for piece in ('"combobox"', '"aria-expanded"', '"aria-activedescendant"', '"listbox"', '"option"', "ArrowDown",
                  "Escape"):
        assert piece in script


def test_finnish_text_carries_its_language_in_the_english_interface(client):
    html = page(client, "/?q=kampusinkubaattorit&lang=en")
    assert '<h3 class="hit-title" lang="fi"><a href="/bulletins/kampus-2025' in html
    assert '<p class="snippet" lang="fi">' in html
    assert '<span class="detail" lang="fi">Kaupunginhallituksen elinkeinojaosto</span>' in html
    bulletin_html = page(client, "/bulletins/kampus-2025?lang=en")
    assert '<h1 lang="fi">' in bulletin_html and '<div class="bulletin-body" lang="fi">' in bulletin_html
    finnish = page(client, "/?q=kampusinkubaattorit")
    assert ' lang="fi"' not in finnish.split("<body>", 1)[1]  # the page's own language needs no mark


def test_facets_come_before_the_hits_behind_a_toggle(client):
    html = page(client, "/?q=kampusinkubaattorit")
    assert '<details class="facets" id="facets">' in html and "<summary>Rajaa tuloksia</summary>" in html
    assert html.index('id="facets"') < html.index('<ol class="hits"')  # on a phone, not below every hit


def test_sort_links_are_short(client):
    html = page(client, "/?q=kampusinkubaattorit")
    assert re.findall(r">(Osuvimmat|Uusimmat|Vanhimmat)</a>", html) == ["Osuvimmat", "Uusimmat", "Vanhimmat"]


def test_opensearch_robots_and_favicon(client):
    response = client.get("/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    description = ET.fromstring(response.data)
    urls = {url.get("type"): url.get("template") for url in description.findall("{http://a9.com/-/spec/opensearch/1.1/}Url")}
    assert urls["text/html"] == "http://localhost/?q={searchTerms}"
    assert urls["application/x-suggestions+json"] == "http://localhost/api/suggest?q={searchTerms}&format=opensearch"
    assert '<link rel="search" type="application/opensearchdescription+xml" title="Tiedotehaku" href="/opensearch.xml">' \
        in page(client, "/")
    robots = client.get("/robots.txt")
    assert robots.mimetype == "text/plain" and "Disallow: /api/" in robots.get_data(as_text=True)
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file


# --- the feed, polled --------------------------------------------------------------------------

def test_feed_answers_a_conditional_get_with_304(client, app):
    first = client.get("/search.atom?q=kampusinkubaattorit")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.status_code == 200 and etag and modified
    assert first.last_modified == app.extensions["bulletins"].get().last_update().replace(microsecond=0)
    again = client.get("/search.atom?q=kampusinkubaattorit", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert client.get("/search.atom?q=kampusinkubaattorit", headers={"If-Modified-Since": modified}).status_code == 304
    other = client.get("/search.atom?q=kirjasto", headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["ETag"] != etag


def test_feed_without_hits_is_as_new_as_the_index(client, app):
    feed = ET.fromstring(client.get("/search.atom?q=xyzzyplugh").data)
    updated = app.extensions["bulletins"].get().last_update()
    assert feed.find(f"{ATOM}updated").text == updated.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert feed.findall(f"{ATOM}entry") == []


def test_feed_entries_say_their_language_in_an_english_feed(client):
    feed = ET.fromstring(client.get("/search.atom?q=kampusinkubaattorit&lang=en").data)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert all(entry.get("{http://www.w3.org/XML/1998/namespace}lang") == "fi" for entry in feed.findall(f"{ATOM}entry"))


def test_control_characters_of_a_bulletin_never_reach_the_page_or_the_feed(tmp_path, build_target):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ohjaus.txt").write_bytes("date 2021-03 Kirjasto \x1b[31maukeaa\x00 taas\x01.\r\n\r\nLainaus \x07alkaa.".encode())
    client = create_app({**build_target(corpus).settings(), "TESTING": True}).test_client()
    for url in ("/?q=kirjasto", "/bulletins/ohjaus", "/bulletins/ohjaus?q=lainaus", "/search.atom?q=kirjasto",
                "/api/search?q=kirjasto", "/api/bulletins/ohjaus"):
        text = client.get(url).get_data(as_text=True)
        assert "aukeaa" in text and not {"\x00", "\x01", "\x07", "\x1b", "\r"} & set(text), url


# --- a long bulletin, a part at a time -------------------------------------------------------------

def test_part_bounds_cover_the_text_in_parts_cut_at_paragraphs():
    body = "\n\n".join(f"Kappale {number}. " + "Kaupunginvaltuusto päätti asiasta yksimielisesti. " * 5
                       for number in range(40))
    bounds = part_bounds(body, 2000)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(body)
    assert all(end == start for (_, end), (start, _) in zip(bounds, bounds[1:]))
    assert all(0 < end - start <= 2000 for start, end in bounds)
    assert all(body[start:].startswith("Kappale") for start, _ in bounds)
    assert part_bounds("sana " * 10, 100) == [(0, 50)]
    assert part_bounds("x" * 250, 100) == [(0, 100), (100, 200), (200, 250)]  # no place to cut: cut anyway


@pytest.fixture(scope="module")
def long_client(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    root = tmp_path_factory.mktemp("long")
    body = "\n\n".join(f"Kappale {number}. " + ("Kaupunginvaltuusto päätti asiasta. " * 8) +
                       ("Uimahallin peruskorjaus alkaa." if number == 30 else "") for number in range(40))
    (root / "corpus").mkdir()
    (root / "corpus" / "pitka.jsonl").write_text(json.dumps({"id": "pitka", "date": "2022-02", "title": "Pitkä päätös",
                                                             "body": body}, ensure_ascii=False), encoding="utf-8")
    with ShardServers() as servers:
        target = make_target(backend, root / "corpus", root, servers)
        yield create_app({**target.settings(), "TESTING": True, "PART_CHARS": 2000}).test_client()


def test_a_long_bulletin_is_shown_a_part_at_a_time(long_client):
    first = page(long_client, "/bulletins/pitka?lang=en")
    assert "Part 1 of 7: this bulletin is long, so it is shown in parts." in first
    assert "Kappale 0." in first and "Kappale 8." not in first
    assert 'href="/bulletins/pitka?part=2&amp;lang=en" aria-label="Part 2 of 7"' in first
    assert 'rel="next" href="/bulletins/pitka?part=2&amp;lang=en"' in first and 'rel="prev"' not in first
    last = page(long_client, "/bulletins/pitka?part=7&lang=en")
    assert "Kappale 39." in last and "Kappale 0." not in last and 'rel="next"' not in last


def test_only_the_part_shown_is_highlighted_and_the_links_keep_the_search(long_client):
    shown = page(long_client, "/bulletins/pitka?q=peruskorjaus&part=6")
    assert "<mark>peruskorjaus</mark>" in shown
    assert 'href="/bulletins/pitka?part=7&amp;q=peruskorjaus"' in shown
    assert "<mark>" not in page(long_client, "/bulletins/pitka?q=peruskorjaus&part=1").split("<h1>", 1)[1]


@pytest.mark.parametrize("part", ["0", "8", "x"])
def test_a_part_that_is_not_there_is_a_400(long_client, part):
    text = page(long_client, f"/bulletins/pitka?part={part}&lang=en", status=400)
    assert ("The bulletin has parts 1–7." if part != "x" else "Parameter part must be a whole number.") in text


def test_a_short_bulletin_is_one_part(client):
    shown = page(client, f"/bulletins/{SEED_2020}?lang=en")
    assert "shown in" not in shown and "Parts of the bulletin" not in shown
