"""Posting lists read whole, as {docnum: weight}, and what is read from them: BM25 scores and
positions.

Whoosh's matchers cost about 3 µs a posting in Python, and a query here has many terms (every
lemma in four fields); totals and facets need every matching bulletin. So each term's postings
are read once, a whole block at a time, and its BM25 scores kept for as long as the index
generation lasts (a bounded cache shared by the threads). Positions are read only in the few
bulletins a phrase or the proximity bonus asks about, and kept likewise: reading them means
decompressing and unpickling a whole block of postings for each bulletin."""

from __future__ import annotations

import math
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from itertools import accumulate
from pickle import loads

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.matching import Matcher, WrappingMatcher
from whoosh.reading import IndexReader, TermNotFound
from whoosh.searching import Searcher
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import byte_to_length

Scores = dict[int, float]
Values = dict[int, bytes]  # {docnum: the posting's value}: its positions, not yet decoded


def read_postings(reader: IndexReader, field: str, text: str, values: Values | None = None) -> Scores:
    """{docnum: weight} of every document with the term, deleted ones included. With `values`,
    also put there every posting's value, read from the same blocks."""
    return _read(reader, field, text, values)[0]


def _read(reader: IndexReader, field: str, text: str, values: Values | None) -> tuple[Scores, int]:
    """The term's {docnum: weight}, as read_postings gives it, and its document frequency as Whoosh
    counts it (deleted documents included): each segment's entry for the term is looked up once."""
    weights: Scores = {}
    found = 0
    btext = text.encode("utf-8")
    for segment, base in reader.leaf_readers():
        if not segment.doc_count_all():  # an empty index's reader has no terms at all
            continue
        terms = segment._terms
        try:
            info = terms.term_info(field, btext)
        except TermNotFound:
            continue
        found += info.doc_frequency()
        matcher = _blocks(terms._codec.postings_reader(terms._postfile, info, segment.schema[field].format,
                                                       term=(field, btext)))
        while matcher.is_active():
            ids = list(map(base.__add__, _block_ids(matcher)))
            matcher._read_weights()
            weights.update(zip(ids, matcher._weights))
            if values is not None:
                matcher._read_values()
                values.update(zip(ids, matcher._values))
            matcher._next_block()
    return weights, found


def read_positions(reader: IndexReader, field: str, text: str, docs: list[int]) -> dict[int, list[int]]:
    """Where the term stands in each of `docs` (sorted) that has it. A block of postings is read
    only if its range of documents holds one of `docs`."""
    positions: dict[int, list[int]] = {}
    for segment, base in reader.leaf_readers():
        # `docs` is sorted: the segment's share is one slice of it
        share = docs[bisect_left(docs, base):bisect_left(docs, base + segment.doc_count_all())]
        if not share or (field, text) not in segment:
            continue
        matcher = _blocks(segment.postings(field, text))
        local, i = [docnum - base for docnum in share], 0
        while matcher.is_active() and i < len(local):
            last = matcher.block_max_id()
            if local[i] <= last:
                ids = _block_ids(matcher)
                matcher._read_values()
                end = bisect_right(local, last, i)
                for docnum in local[i:end]:
                    at = bisect_left(ids, docnum)
                    if at < len(ids) and ids[at] == docnum:
                        positions[base + docnum] = _positions(matcher._values[at])
                i = end
            matcher._next_block()
    return positions


def positions_in(values: Values, docs: list[int]) -> dict[int, list[int]]:
    """Where the term stands in each of `docs` that has it, from its postings' `values`."""
    return {docnum: _positions(values[docnum]) for docnum in docs if docnum in values}


def length_bytes(reader: IndexReader, field: str) -> bytes:
    """The field's length in every document (deleted ones included), by docnum, as the one byte
    Whoosh stores (0 for none; `byte_to_length` gives the approximate length): read a segment's
    column at once instead of one document at a time."""
    lengths = bytearray(reader.doc_count_all())
    for segment, base in reader.leaf_readers():
        if not segment.doc_count_all():  # an empty index's reader has no columns at all
            continue
        # the segment's length column, as W3PerDocReader.doc_field_length reads it one byte at a time
        column = segment._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
        if column is not None and column._count:
            lengths[base:base + column._count] = column._dbfile.get(column._basepos, column._count)
    return bytes(lengths)


def _positions(value: bytes) -> list[int]:
    """A Positions posting value decoded: Whoosh's decode_positions without its Python loop (a
    count, then the pickled gaps between positions, stored with or without pickle's final STOP)."""
    return list(accumulate(loads(value[_INT_SIZE:] if value.endswith(b".") else value[_INT_SIZE:] + b".")))


def _blocks(matcher: Matcher) -> W3LeafMatcher:
    """The block reader under the filter of deleted documents. Postings are read a whole block at a
    time through its internals (whoosh3 is pinned to one version, and tests/test_search_postings.py
    checks what is read against the public one-posting-at-a-time reading)."""
    while isinstance(matcher, WrappingMatcher):
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher):  # the W3 codec inlines no postings (its inlinelimit is 1)
        raise TypeError(f"postings in an unknown form: {type(matcher).__name__}")
    return matcher


def _block_ids(matcher: W3LeafMatcher) -> list[int]:
    """The document numbers of the block, as W3LeafMatcher._read_ids gives them, but the gaps
    summed in C, not in a Python generator."""
    if matcher._data is None:
        matcher._read_data()
    ids = matcher._data[0]
    return ids if matcher._byteids else list(accumulate(ids))


class TermScores:
    """BM25 scores of terms in the live documents of one index generation, cached (LRU). The
    length part of every scored field is worked out when made, not by the first query that needs it."""

    def __init__(self, searcher: Searcher, k1: float, b: float, size: int = 5000) -> None:
        self.live = _live(searcher.reader())
        self.size = size
        self._scores: OrderedDict[tuple[str, str], Scores] = OrderedDict()
        self._norms = {name: _norms(searcher, name, k1, b) for name, field in searcher.schema.items() if field.scorable}
        self._lift = k1 + 1
        self._count = searcher.reader().doc_count_all()
        self._lock = threading.Lock()

    def of(self, searcher: Searcher, field: str, text: str, values: Values | None = None) -> Scores:
        """{docnum: score} of the term, read through `searcher` (the calling thread's own). When
        the postings have to be read and `values` is given, their values are put there too."""
        key = (field, text)
        with self._lock:
            scores = self._scores.get(key)
            if scores is not None:
                self._scores.move_to_end(key)
                return scores
        scores = self._score(searcher, field, text, values)
        with self._lock:
            self._scores[key] = scores
            if len(self._scores) > self.size:
                self._scores.popitem(last=False)
        return scores

    def _score(self, searcher: Searcher, field: str, text: str, values: Values | None) -> Scores:
        """Whoosh's `bm25()` for every posting, with the length part worked out once per document; 1
        for every posting of a field that is not scored (an identifier: a bulletin has it or not)."""
        weights, found = _read(searcher.reader(), field, text, values)
        if not weights:
            return {}
        if field not in self._norms:
            return {docnum: 1.0 for docnum in weights if docnum in self.live}
        # Whoosh's idf (WeightingModel.idf, which BM25F keeps), from the frequency counted in reading
        lift = (math.log(self._count / (found + 1)) + 1) * self._lift
        norms, live = self._norms[field], self.live
        return {docnum: lift * weight / (weight + norms[docnum]) for docnum, weight in weights.items() if docnum in live}


class TermPositions:
    """Where terms stand in the bulletins that searches asked about, for one index generation: each
    term's positions by docnum (none, for a bulletin without it), the least recently asked terms
    dropped beyond about `size` bytes. Shared by the threads. Proximity and phrases ask for the same
    terms in the same best hits of a search again and again."""

    def __init__(self, size: int = 32 * 2**20) -> None:
        self.size = size
        self._kept: OrderedDict[tuple[str, str], dict[int, array]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def of(self, reader: IndexReader, field: str, text: str, docs: list[int]) -> dict[int, array]:
        """Where the term stands in each of `docs` (sorted) that has it, as read_positions says;
        only what is not kept yet is read, through `reader` (the calling thread's own)."""
        key = (field, text)
        with self._lock:
            known = self._kept.get(key, {})
            if known:
                self._kept.move_to_end(key)
            missing = [docnum for docnum in docs if docnum not in known]
        new: dict[int, array] = {}
        if missing:
            read = read_positions(reader, field, text, missing)
            new = {docnum: array("I", read.get(docnum, ())) for docnum in missing}
            self._keep(key, new)
        return {docnum: positions for docnum in docs if (positions := new.get(docnum, known.get(docnum)))}

    def _keep(self, key: tuple[str, str], new: dict[int, array]) -> None:
        with self._lock:
            kept = self._kept.setdefault(key, {})
            self._kept.move_to_end(key)
            for docnum, positions in new.items():
                if docnum not in kept:
                    kept[docnum] = positions
                    self._bytes += _cost(positions)
            while self._bytes > self.size and len(self._kept) > 1:
                _, dropped = self._kept.popitem(last=False)
                self._bytes -= sum(map(_cost, dropped.values()))


def _cost(positions: array) -> int:
    """About how many bytes the positions of one bulletin take where they are kept: the array and
    its place in the dict."""
    return 100 + positions.itemsize * len(positions)


def _norms(searcher: Searcher, field: str, k1: float, b: float) -> list[float]:
    """K1 * ((1 - B) + B * length / average length) of every document, for the field."""
    average = searcher.avg_field_length(field) or 1
    by_byte = [k1 * ((1 - b) + b * (byte_to_length(byte) if byte else 0) / average) for byte in range(256)]
    return [by_byte[byte] for byte in length_bytes(searcher.reader(), field)]


def _live(reader: IndexReader) -> frozenset[int]:
    """The docnums of the live documents: a segment without deletions needs no look at each."""
    return frozenset(docnum for segment, base in reader.leaf_readers()
                     for docnum in (range(base, base + segment.doc_count_all()) if not segment.has_deletions()
                                    else (base + docnum for docnum in segment.all_doc_ids())))
