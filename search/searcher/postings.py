"""Posting lists read whole, as {docnum: weight}, and what is read from them: BM25 scores.

Whoosh's matchers cost about 3 µs a posting in Python, and a query here has many terms (every
lemma in four fields); totals and facets need every matching bulletin. So each term's postings
are read once, a whole block at a time, and its BM25 scores kept for as long as the index
generation lasts (a bounded cache shared by the threads)."""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import OrderedDict
from itertools import accumulate
from pickle import loads

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import Matcher, WrappingMatcher
from whoosh.reading import IndexReader
from whoosh.searching import Searcher
from whoosh.system import _INT_SIZE

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


def read_positions(reader: IndexReader, field: str, text: str, docs: list[int]) -> dict[int, list[int]]:
    """Where the term stands in each of `docs` (sorted) that has it. Skipping to each document reads
    less when they are few next to the term's postings; reading whole blocks is quicker when not."""
    positions: dict[int, list[int]] = {}
    for segment, base in reader.leaf_readers():
        # `docs` is sorted: the segment's share is one slice of it
        share = docs[bisect_left(docs, base):bisect_left(docs, base + segment.doc_count_all())]
        if not share or (field, text) not in segment:
            continue
        local = [docnum - base for docnum in share]
        matcher = segment.postings(field, text)
        while isinstance(matcher, WrappingMatcher):
            matcher = matcher.child
        if isinstance(matcher, W3LeafMatcher) and len(local) * 4 > segment.doc_frequency(field, text):
            wanted = set(local)
            while matcher.is_active():
                matcher._read_ids()
                if not wanted.isdisjoint(matcher._ids):  # else the block's values stay unread
                    matcher._read_values()
                    for docnum, value in zip(matcher._ids, matcher._values):
                        if docnum in wanted:
                            positions[base + docnum] = _positions(value)
                matcher._next_block()
            continue
        for docnum in local:
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                positions[base + docnum] = _positions(matcher.value())
    return positions


def _positions(value: bytes) -> list[int]:
    """A Positions posting value decoded: Whoosh's decode_positions without its Python loop (a
    count, then the pickled gaps between positions, stored with or without pickle's final STOP)."""
    return list(accumulate(loads(value[_INT_SIZE:] if value.endswith(b".") else value[_INT_SIZE:] + b".")))


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

    def __init__(self, live: frozenset[int], k1: float, b: float, size: int = 5000) -> None:
        self.live = live
        self.k1, self.b = k1, b
        self.size = size
        self._scores: OrderedDict[tuple[str, str], Scores] = OrderedDict()
        self._norms_by_field: dict[str, list[float]] = {}
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
        """Whoosh's `bm25()` for every posting, with the length part worked out once per document."""
        reader = searcher.reader()
        weights = read_postings(reader, field, text)
        if not weights:
            return {}
        lift = searcher.idf(field, text) * (self.k1 + 1)
        norms, live = self._norms(searcher, field), self.live
        return {docnum: lift * weight / (weight + norms[docnum]) for docnum, weight in weights.items() if docnum in live}

    def _norms(self, searcher: Searcher, field: str) -> list[float]:
        """K1 * ((1 - B) + B * length / average length) of every document, for the field."""
        norms = self._norms_by_field.get(field)
        if norms is None:
            reader = searcher.reader()
            average, k1, b = searcher.avg_field_length(field) or 1, self.k1, self.b
            norms = self._norms_by_field[field] = [k1 * ((1 - b) + b * (reader.doc_field_length(docnum, field) or 0) / average)
                                            for docnum in range(reader.doc_count_all())]
        return norms
