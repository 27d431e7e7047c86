"""Feedback from the openings of the best matches, on real Finnish text: hits whose openings share
what the best matches' openings are about rise; no hit comes or goes (the expansion that brings new
ones in is tests/test_search_expansion.py). On every backend, but for the lead statistics that only the
Whoosh index keeps."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from search.finnish import term_lists
from search.index.store import open_index
from search.index.summaries import IndexSummary
from search.searcher import MAX_PAGE_SIZE, SearchRequest
from search.searcher.feedback import CANDIDATES, EXPANSION_TERMS, Leads, LeadStats, model, needles
from search.searcher.ranking import WEIGHTS

from conftest import SEEDS, Target

BULLETINS = {
    # Three library bulletins open with the loan-period trial: they make the feedback model.
    "kirjasto-1": "Kirjaston lainausaikojen kokeilu alkaa. Kirjasto pidentää lainausaikaa syksyllä.",
    "kirjasto-2": "Kirjastojen lainausaikaa koskeva kokeilu jatkuu. Kirjastot kertovat kokeilusta asiakkaille.",
    "kirjasto-3": "Lainausajan kokeilu laajenee kaikkiin kirjastoihin ensi vuonna.",
    # A long library bulletin that names the trial once: a low score by BM25 alone.
    "kirjasto-4": "Kirjasto muuttaa lainausaikoja. Asiakkaat voivat lainata kirjoja, levyjä ja pelejä "
                  "pidempään, ja myöhästymismaksut poistuvat lasten aineistosta. Muutoksesta päätti "
                  "kulttuuri- ja vapaa-aikalautakunta, joka seuraa lainojen määrää ja asiakkaiden "
                  "palautetta koko vuoden ajan. Muutos on osa kokeilua.",
    # A short parking bulletin that repeats the word: a high score by BM25 alone.
    "pysakointi": "Pysäköinnin kokeilu keskustassa: kokeilussa maksut nousevat, ja kokeilu päättyy keväällä.",
    "puisto": "Puiston penkit uusitaan kesällä.",
}


@pytest.fixture(scope="module")
def indexed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = tmp_path_factory.mktemp("feedback") / "corpus"
    corpus.mkdir()
    for name, body in BULLETINS.items():
        (corpus / f"{name}.txt").write_text(f"date 2024-05\n\n{body}\n", encoding="utf-8")
    return corpus


def ranked(target: Target, query: str, feedback: float) -> list[str]:
    search = target.open(weights=replace(WEIGHTS, feedback=feedback))
    return [hit.id for hit in search.search(SearchRequest(query, page_size=MAX_PAGE_SIZE)).hits]


def test_a_hit_whose_opening_shares_the_best_hits_topic_rises(target):
    plain, with_feedback = ranked(target, "kokeilu", 0), ranked(target, "kokeilu", WEIGHTS.feedback)
    assert plain.index("pysakointi") < plain.index("kirjasto-4")
    assert with_feedback.index("kirjasto-4") < with_feedback.index("pysakointi")


def test_feedback_reorders_but_never_adds_or_drops_a_hit(target):
    for query in ("kokeilu", "kirjasto", "kokeilu kirjasto", "penkki"):
        assert sorted(ranked(target, query, 0)) == sorted(ranked(target, query, WEIGHTS.feedback))
    assert ranked(target, "penkki", WEIGHTS.feedback) == ["puisto"]


def test_only_matches_give_feedback(target):
    # No bulletin holds both words: the related results keep their order.
    assert ranked(target, "kokeilu penkki", WEIGHTS.feedback) == ranked(target, "kokeilu penkki", 0)
    plain = ranked(target, "kokeilu penkki", 0)
    assert plain.index("pysakointi") < plain.index("kirjasto-4")


def test_a_query_of_excluded_words_only_gets_no_feedback(target):
    assert ranked(target, "-penkki", WEIGHTS.feedback) == ranked(target, "-penkki", 0)


def test_the_model_holds_lemmas_shared_by_several_openings_rare_ones_first():
    leads = [frozenset(term_lists(BULLETINS[name]).lead) for name in ("kirjasto-1", "kirjasto-2", "kirjasto-3", "pysakointi")]
    rarity = {"kokeilu": 0.1, "kirjasto": 2.0, "lainausaika": 3.0}
    idf = lambda lemma: rarity.get(lemma, 1.0)  # noqa: E731
    found = model(leads, idf, idf)
    assert {"kokeilu", "kirjasto", "lainausaika"} <= found.keys() and len(found) <= EXPANSION_TERMS
    assert "pysäköinti" not in found  # in one opening only
    assert found["lainausaika"] > found["kirjasto"] > found["kokeilu"]


def test_lead_stats_count_the_leads_that_hold_each_lemma(index_dir):  # Whoosh's own lead statistics
    with open_index(index_dir).searcher() as searcher:
        stats = LeadStats(searcher.reader(), IndexSummary(index_dir, searcher.reader()))
    assert stats.count == len(BULLETINS)
    assert stats.in_leads("kirjasto") == 4 and stats.in_leads("pysäköinti") == 1 and stats.in_leads("kokeilu") == 5


def test_a_lead_holds_a_lemma_only_whole(index_dir):
    with open_index(index_dir).searcher() as searcher:
        reader = searcher.reader()
        leads = Leads(reader, LeadStats(reader, IndexSummary(index_dir, reader)))
        # whole lemmas, and pieces of them that are no lemma of these leads
        probes = ["kirjasto", "kokeilu", "lainausaika", "pysäköinti", "kirjast", "jasto", "ausaika", "kokeilua"]
        wanted = needles(probes)
        for docnum in range(reader.doc_count_all()):
            assert leads.holding(docnum, wanted) == [lemma for lemma in probes if lemma in leads.of(docnum)]
        assert any("kirjasto" in leads.holding(docnum, wanted) for docnum in range(reader.doc_count_all()))
        assert not any({"kirjast", "ausaika"} & leads.of(docnum) for docnum in range(reader.doc_count_all()))


def test_only_the_likeliest_lemmas_have_their_idf_looked_up():
    lead = frozenset(term_lists((SEEDS / "000_d69fc6f4f0811f96.txt").read_text(encoding="utf-8")).lead)
    assert len(lead) > CANDIDATES
    rough = {lemma: len(lemma) for lemma in lead}  # long lemmas first, for this test
    looked_up = []

    def idf(lemma: str) -> float:
        looked_up.append(lemma)
        return 1.0

    found = model([lead, lead], idf, rough.__getitem__)
    skipped = lead - set(looked_up)
    assert len(looked_up) == CANDIDATES and min(map(len, looked_up)) >= max(map(len, skipped))
    assert found.keys() <= set(looked_up) and len(found) == EXPANSION_TERMS


def test_tied_lemmas_are_picked_alike_whatever_order_the_openings_come_in():
    # The order of a set of strings changes with the process's hash seed: were ties broken by it, two
    # server processes (or a search and its next page in two CLI runs) would weigh different lemmas.
    lead = frozenset(term_lists((SEEDS / "000_d69fc6f4f0811f96.txt").read_text(encoding="utf-8")).lead)
    longer = lead | frozenset(term_lists((SEEDS / "003_1869dba633d4af7d.txt").read_text(encoding="utf-8")).lead)
    assert len(lead) > CANDIDATES and len(longer) > len(lead)
    same = lambda lemma: 1.0  # noqa: E731 - every lemma of both openings ties
    found = model([lead, longer], same, same)
    assert found == model([longer, lead], same, same)
    assert sorted(found) == sorted(lead)[-EXPANSION_TERMS:]  # ties go to the lemma, as sorted
