"""What is read from posting lists, kept per index generation: BM25 scores and positions.

Whoosh's matchers cost about 3 µs a posting in Python, and a query here has many terms (every
lemma in four fields); totals and facets need every matching bulletin. So each term's postings
are read once, a whole block at a time (search.index.whoosh_internals), and its BM25 scores kept
for as long as the index generation lasts (a bounded cache shared by the threads). Positions are
read only in the few bulletins a phrase or the proximity bonus asks about, and kept likewise:
reading them means decompressing and unpickling a whole block of postings for each bulletin."""

from __future__ import annotations

import math
import threading
from array import array
from collections import OrderedDict

from whoosh.reading import IndexReader
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from search.index.whoosh_internals import Scores, Values, length_bytes, read_positions, term_postings


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
        weights, found = term_postings(searcher.reader(), field, text, values)
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
