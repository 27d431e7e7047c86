"""Runs a Whoosh query over cached term scores, in two steps: which bulletins it matches (set
operations on posting lists), then, only for the bulletins that need one, their score.

The scores are those Whoosh's own matchers give (a compound query adds up its parts, a boost
multiplies), worked out as one weighted sum of term scores per bulletin instead of one matcher
call per posting. A phrase (SpanNear over SpanOr, each word at a fixed distance from the one
before) is checked by reading its terms' positions, only in the bulletins that hold every word."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from whoosh import query as q
from whoosh.query.spans import SpanQuery
from whoosh.searching import Searcher

from search.index.whoosh_internals import Scores, Values, positions_in
from search.searcher.postings import TermPositions, TermScores

# A prefix matches at most this many terms (the first in alphabetical order).
MAX_PREFIX_TERMS = 200

# A query's score as a weighted sum: (weight, scores of a term or of a phrase).
Sum = list[tuple[float, Scores]]


class Evaluator:
    """Evaluates queries with the calling thread's searcher and the shared term scores and
    positions. Keeps the phrases it has checked: make one per search."""

    def __init__(self, searcher: Searcher, terms: TermScores, positions: TermPositions) -> None:
        self.searcher = searcher
        self.terms = terms
        self.positions = positions
        self._phrases: dict[q.Query, tuple[set[int], Scores]] = {}
        self._values: dict[q.Term, Values] = {}  # of the phrases' terms whose postings this search read

    def docs(self, query: q.Query, within: set[int] | None = None) -> set[int]:
        """The bulletins `query` matches; phrases are checked only `within` these."""
        if isinstance(query, SpanQuery):
            return set(self._phrase(query, within))
        if isinstance(query, q.Term):
            return set(self._term(query))
        if isinstance(query, q.Prefix):
            return self.docs(self._expand(query))
        if isinstance(query, q.Every):
            return set(self.terms.live)
        if isinstance(query, q.AndNot):
            return self.docs(query.a, within) - self.docs(query.b)
        if isinstance(query, q.And):
            parts = sorted((self.docs(sub, within) for sub in query.subqueries), key=len)
            return parts[0].intersection(*parts[1:]) if parts else set()
        if isinstance(query, q.Or):
            return set().union(*(self.docs(sub, within) for sub in query.subqueries))
        raise TypeError(f"cannot evaluate {type(query).__name__}")

    def scores(self, query: q.Query, docs: Iterable[int]) -> Scores:
        """{docnum: score} of `docs`, which `query` must match."""
        total: Scores = dict.fromkeys(docs, 0.0)
        for weight, scores in self._sum(query, set(total)):
            if len(scores) < len(total):
                for docnum, score in scores.items():
                    if docnum in total:
                        total[docnum] += weight * score
            else:
                for docnum in total:
                    total[docnum] += weight * scores.get(docnum, 0.0)
        return total

    def _sum(self, query: q.Query, within: set[int], boost: float = 1.0, holds: bool = True) -> Sum:
        """The score of `query` on a bulletin (of `within`) it matches, as a weighted sum of tables;
        `holds`: every bulletin of `within` matches `query`. (A part of an Or that does not match
        adds nothing: no table has the bulletin.)"""
        if isinstance(query, SpanQuery):
            return [(boost, self._phrase(query, within))]  # span queries ignore boosts: their terms carry them
        boost *= query.boost
        if isinstance(query, q.Term):
            return [(boost, self._term(query))]
        if isinstance(query, q.Prefix):
            return self._sum(self._expand(query), within, boost)
        if isinstance(query, q.Every):
            return [(boost, dict.fromkeys(self.terms.live, 1.0))]
        if isinstance(query, q.AndNot):
            return self._sum(query.a, within, boost, holds)
        if isinstance(query, q.Or):
            return [part for sub in query.subqueries for part in self._sum(sub, within, boost, holds=False)]
        if isinstance(query, q.And):
            if holds:
                return [part for sub in query.subqueries for part in self._sum(sub, within, boost)]
            # An And inside an Or scores only where it matches, not where one of its parts stands alone
            held = self.docs(query, within) & within
            return [(weight, {docnum: scores[docnum] for docnum in held if docnum in scores})
                    for sub in query.subqueries for weight, scores in self._sum(sub, held, boost)]
        raise TypeError(f"cannot evaluate {type(query).__name__}")

    def _term(self, term: q.Term) -> Scores:
        return self.terms.of(self.searcher, term.fieldname, term.text)

    def _phrase_term(self, term: q.Term) -> Scores:
        """The term's scores; if its postings have to be read for them, their positions are kept too."""
        values: Values = {}
        scores = self.terms.of(self.searcher, term.fieldname, term.text, values)
        if values:
            self._values[term] = values
        return scores

    def _expand(self, prefix: q.Prefix) -> q.Or:
        texts = self.searcher.reader().expand_prefix(prefix.fieldname, prefix.text)
        return q.Or([q.Term(prefix.fieldname, text.decode("utf-8")) for text, _ in zip(texts, range(MAX_PREFIX_TERMS))],
                    boost=prefix.boost)

    def _phrase(self, query: SpanQuery, within: set[int] | None) -> Scores:
        """The summed (boosted) term scores of the bulletins where the phrase really stands, among
        those `within` (all, when None). Each bulletin is checked once per search."""
        checked, found = self._phrases.setdefault(query, (set(), {}))
        words = _span_words(query)
        tables = [[(term.boost, self._phrase_term(term)) for term in terms] for _, terms in words]
        candidates = _common([set().union(*(table for _, table in word)) for word in tables])
        if within is not None:
            candidates &= within
        todo = sorted(candidates - checked)
        checked.update(todo)
        # Word by word, the least common first, keeping the places where the phrase may start:
        # each next word is read only in the bulletins still in the running.
        starts: dict[int, set[int]] | None = None
        for (offset, terms), word in sorted(zip(words, tables), key=lambda pair: sum(len(t) for _, t in pair[1])):
            docs = todo if starts is None else sorted(starts)
            found_at = [self._positions(term, docs) for term in terms]
            shift = (-offset).__add__  # a word's position → where the phrase would start
            still: dict[int, set[int]] = {}
            for docnum in docs:
                places = set()
                for table in found_at:
                    if docnum in table:
                        places.update(map(shift, table[docnum]))
                if starts is not None:
                    places &= starts[docnum]
                if places:
                    still[docnum] = places
            starts = still
        for docnum in starts or ():
            found[docnum] = sum(boost * table.get(docnum, 0.0) for word in tables for boost, table in word)
        return found if within is None else {docnum: score for docnum, score in found.items() if docnum in within}

    def _positions(self, term: q.Term, docs: list[int]) -> dict[int, Sequence[int]]:
        values = self._values.get(term)
        if values is not None:
            return positions_in(values, docs)
        return self.positions.of(self.searcher.reader(), term.fieldname, term.text, docs)


def _span_words(query: q.Query, offset: int = 0) -> list[tuple[int, list[q.Term]]]:
    """The words of a phrase: each one's distance from the first, and its terms (one per lemma)."""
    if isinstance(query, q.Term):
        return [(offset, [query])]
    if hasattr(query, "subqs"):  # SpanOr: the lemmas of one word
        return [(offset, [term for sub in query.subqs for _, terms in _span_words(sub) for term in terms])]
    first = _span_words(query.a, offset)  # SpanNear: b stands `slop` (= mindist) words after a's end
    return first + _span_words(query.b, first[-1][0] + query.slop)


def _common(sets: list[set[int]]) -> set[int]:
    ordered = sorted(sets, key=len)
    return ordered[0].intersection(*ordered[1:]) if ordered else set()
