"""Query expansion by what the openings of the best matches share, on real Finnish text: a bulletin
that holds none of the query's words but what the best matches are about follows them as a related
result, never counted, never a match, never in a date order; filters and excluded words hold. On every
backend."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from search.searcher import MAX_PAGE_SIZE, SearchRequest, spans_html
from search.searcher.expansion import MAX_SHARE, expansion_query
from search.searcher.ranking import WEIGHTS

from conftest import Target, copy_seeds, generate_bulletins

BULLETINS = {
    # Three bulletins on ploughing the streets: the best matches of `auraus`. Their openings share
    # snow removal and gritting.
    "auraus-1": ("2024-01", "Katujen auraus alkaa. Lumenpoisto ja hiekoitus jatkuvat koko talven ajan."),
    "auraus-2": ("2024-02", "Katujen auraus ja lumenpoisto tehostuvat. Hiekoitus alkaa aamuisin jo kello viisi."),
    "auraus-3": ("2024-02", "Kaupunki tehostaa aurausta keskustassa. Lumenpoisto ja hiekoitus jatkuvat."),
    # Snow removal and gritting without the word `auraus` in any form: the expansion finds it.
    "lumi": ("2019-12", "Lumenpoisto ja hiekoitus viivästyvät pakkasen vuoksi. Asukkaita pyydetään varovaisuuteen."),
}


@pytest.fixture(scope="module")
def indexed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = copy_seeds(tmp_path_factory.mktemp("expansion") / "corpus")
    # Twenty bulletins made of the seeds' sentences: snow removal stands in fewer than a fifth of all.
    generate_bulletins(corpus / "more.jsonl", 20)
    for name, (date, body) in BULLETINS.items():
        (corpus / f"{name}.txt").write_text(f"date {date}\n\n{body}\n", encoding="utf-8")
    return corpus


def search(target: Target, query: str, expansion: float = WEIGHTS.expansion, **request):
    found = target.open(weights=replace(WEIGHTS, expansion=expansion))
    return found.search(SearchRequest(query, page_size=MAX_PAGE_SIZE, **request))


def test_a_bulletin_on_what_the_best_matches_are_about_follows_them_as_a_related_result(target):
    result = search(target, "auraus")
    ids = [hit.id for hit in result.hits]
    assert {hit.id for hit in result.hits if not hit.related} == {"auraus-1", "auraus-2", "auraus-3"}
    assert ids[3] == "lumi" and result.hits[3].related  # the first related result, after every match
    assert "lumi" not in [hit.id for hit in search(target, "auraus", expansion=0).hits]


def test_expansion_never_widens_the_total_nor_makes_a_match(target):
    expanded, plain = search(target, "auraus"), search(target, "auraus", expansion=0)
    assert expanded.total == plain.total == 3
    assert expanded.related_total > plain.related_total
    assert sorted(hit.id for hit in expanded.hits if not hit.related) == sorted(
        hit.id for hit in plain.hits if not hit.related)
    assert all(not hit.related for hit in expanded.hits[:expanded.total])


def test_the_snippet_of_a_bulletin_the_expansion_brought_shows_what_ties_it_to_the_search(target):
    hit = next(hit for hit in search(target, "auraus", explain=True).hits if hit.id == "lumi")
    html = spans_html(hit.snippet)
    assert "<mark>Lumenpoisto</mark>" in html and "<mark>hiekoitus</mark>" in html
    assert hit.matches == ()  # no query word matched it


def test_the_expansion_searches_lemmas_other_than_the_query_s_own(target):
    ranking = target.open().rank(SearchRequest("auraus", page_size=MAX_PAGE_SIZE))
    assert {"lumenpoisto", "hiekoitus"} <= set(ranking.expansion) and "auraus" not in ranking.expansion
    assert len(ranking.new_hits) == 1  # lumi


def test_a_phrase_is_expanded_too(target):
    result = search(target, '"katujen auraus"')
    assert result.total == 2 and {hit.id for hit in result.hits[:2]} == {"auraus-1", "auraus-2"}
    # after the matches: the bulletin with one of the words, then the one the expansion brought
    assert [(hit.id, hit.related) for hit in result.hits[2:]] == [("auraus-3", True), ("lumi", True)]


def test_expansion_keeps_out_excluded_words_and_filtered_bulletins(target):
    assert "lumi" not in [hit.id for hit in search(target, "auraus NOT pakkanen").hits]
    assert "lumi" not in [hit.id for hit in search(target, "auraus", year=2024).hits]
    assert "lumi" not in [hit.id for hit in search(target, "auraus date:2024").hits]


def test_date_orders_list_matches_only(target):
    for sort in ("newest", "oldest"):
        result = search(target, "auraus", sort=sort)
        assert {hit.id for hit in result.hits} == {"auraus-1", "auraus-2", "auraus-3"}
        assert result.hits[0].date == ("2024-02" if sort == "newest" else "2024-01")


def test_the_expansion_query_leaves_out_the_query_s_own_lemmas_and_the_commonest():
    found = {"auraus": 5.0, "lumenpoisto": 3.0, "hiekoitus": 1.0, "kaupunki": 2.0}
    shares = {"auraus": 0.01, "lumenpoisto": 0.01, "hiekoitus": 0.02, "kaupunki": MAX_SHARE + 0.1}
    query = expansion_query(found, {"auraus"}, shares.__getitem__, 0.5)
    assert {(term.text, round(term.boost, 3)) for term in query.subqueries} == {("lumenpoisto", 0.375), ("hiekoitus", 0.125)}
    assert expansion_query(found, {"auraus"}, shares.__getitem__, 0) is None
    assert expansion_query({"auraus": 1.0}, {"auraus"}, shares.__getitem__, 0.5) is None
