"""Our query evaluation against Whoosh's own: the same bulletins, the same BM25F scores."""

from __future__ import annotations

import pytest
from whoosh.scoring import BM25F

from search.index.store import open_index
from search.index.whoosh_internals import read_positions
from search.searcher.evaluate import Evaluator
from search.searcher.postings import TermPositions, TermScores, _cost
from search.searcher.query import parse_query
from search.searcher.ranking import WEIGHTS, all_words, any_word

QUERIES = ["kokeilu", "kaupunginhallituksen elinkeinojaosto", "hautomo OR innovaatiohaaste", "kokeilu -korona",
           '"kuusi innovaatiohaastetta"', '"kaupunginhallituksen elinkeinojaosto" yritys', "alusta", "kokeilu*"]


@pytest.fixture(scope="module")
def searcher(segmented_index):
    with open_index(segmented_index).searcher(weighting=BM25F(K1=WEIGHTS.k1, B=WEIGHTS.b)) as searcher:
        yield searcher


def test_the_live_bulletins_are_those_the_reader_gives(searcher):
    reader = searcher.reader()
    assert reader.has_deletions() and 300 < reader.doc_count() < reader.doc_count_all()
    assert TermScores(searcher, WEIGHTS.k1, WEIGHTS.b).live == frozenset(reader.all_doc_ids())


def test_kept_positions_are_those_read(searcher):
    """Asked again and again for overlapping bulletins, some without the term, the kept positions are
    what reading them gives; and beyond its size the least recently asked terms are dropped."""
    reader = searcher.reader()
    every = list(range(reader.doc_count_all()))
    texts = ("kokeilu", "yritys", "kaupunki", "hanke", "palvelu", "vuosi")
    kept, small = TermPositions(), TermPositions(size=4000)
    for round in range(2):
        for text in texts:
            for docs in (every[:40], every[20:200], every[::7], every):
                expected = {docnum: list(positions) for docnum, positions in read_positions(reader, "body", text, docs).items()}
                assert expected, text
                for positions in (kept, small):
                    assert {docnum: list(at) for docnum, at in positions.of(reader, "body", text, docs).items()} == expected
    for positions in (kept, small):  # what it counts is what it keeps
        assert positions._bytes == sum(_cost(at) for held in positions._kept.values() for at in held.values())
    assert kept._bytes > 40_000 and len(kept._kept) == len(texts)  # all of it kept
    assert small._bytes <= 4000 + max(sum(map(_cost, held.values())) for held in small._kept.values())
    assert len(small._kept) < len(texts)


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("build", [all_words, any_word])
def test_same_bulletins_and_scores_as_whoosh(searcher, text, build):
    query = build(parse_query(text))
    evaluator = Evaluator(searcher, TermScores(searcher, WEIGHTS.k1, WEIGHTS.b), TermPositions())
    docs = evaluator.docs(query)
    results = searcher.search(query, limit=None)
    assert docs == {hit.docnum for hit in results}
    if "*" not in text:  # Whoosh scores a prefix as a constant
        scores = evaluator.scores(query, docs)
        for hit in results:
            assert scores[hit.docnum] == pytest.approx(hit.score, rel=1e-6)
