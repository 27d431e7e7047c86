"""Posting lists read whole, as {docnum: weight}, and what is read from them: BM25 scores.

Whoosh's matchers cost about 3 µs a posting in Python, and a query here has many terms (every
lemma in four fields); totals and facets need every matching bulletin. So each term's postings
are read once, a whole block at a time, and its BM25 scores kept for as long as the index
generation lasts (a bounded cache shared by the threads)."""

from __future__ import annotations

import threading
from collections import OrderedDict

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import Matcher, WrappingMatcher
from whoosh.reading import IndexReader
from whoosh.scoring import bm25
from whoosh.searching import Searcher

Scores = dict[int, float]


def read_postings(reader: IndexReader, field: str, text: str) -> Scores:
    """{docnum: weight} of every document with the term, deleted ones included."""
    weights: Scores = {}
    for segment, base in reader.leaf_readers():
        if (field, text) not in segment:
            continue
        matcher = segment.postings(field, text)
        while isinstance(matcher, WrappingMatcher):  # the filter of deleted documents
            matcher = matcher.child
        for docnum, weight in _items(matcher):
            weights[base + docnum] = weight
    return weights


def _items(matcher: Matcher) -> list[tuple[int, float]]:
    if not isinstance(matcher, W3LeafMatcher):  # short lists are stored inline, as a ListMatcher
        items = []
        while matcher.is_active():
            items.append((matcher.id(), matcher.weight()))
            matcher.next()
        return items
    # Whole blocks through the block reader's internals (whoosh3 is pinned to one version, and
    # tests/test_search_postings.py checks this against the public one-posting-at-a-time reading).
    items = []
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        items.extend(zip(matcher._ids, matcher._weights))
        matcher._next_block()
    return items


class TermScores:
    """BM25 scores of terms in the live documents of one index generation, cached (LRU)."""

    def __init__(self, live: frozenset[int], k1: float, b: float, size: int = 20_000) -> None:
        self.live = live
        self.k1, self.b = k1, b
        self.size = size
        self._scores: OrderedDict[tuple[str, str], Scores] = OrderedDict()
        self._lengths: dict[str, list[int]] = {}
        self._lock = threading.Lock()

    def of(self, searcher: Searcher, field: str, text: str) -> Scores:
        """{docnum: score} of the term, read through `searcher` (the calling thread's own)."""
        key = (field, text)
        with self._lock:
            scores = self._scores.get(key)
            if scores is not None:
                self._scores.move_to_end(key)
                return scores
        scores = self._score(searcher, field, text)
        with self._lock:
            self._scores[key] = scores
            if len(self._scores) > self.size:
                self._scores.popitem(last=False)
        return scores

    def _score(self, searcher: Searcher, field: str, text: str) -> Scores:
        reader = searcher.reader()
        weights = read_postings(reader, field, text)
        if not weights:
            return {}
        idf, average = searcher.idf(field, text), searcher.avg_field_length(field) or 1
        lengths = self._field_lengths(reader, field)
        k1, b, live = self.k1, self.b, self.live
        return {docnum: bm25(idf, weight, lengths[docnum], average, b, k1)
                for docnum, weight in weights.items() if docnum in live}

    def _field_lengths(self, reader: IndexReader, field: str) -> list[int]:
        lengths = self._lengths.get(field)
        if lengths is None:
            lengths = self._lengths[field] = [reader.doc_field_length(docnum, field)
                                              for docnum in range(reader.doc_count_all())]
        return lengths
