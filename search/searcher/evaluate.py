"""Runs a Whoosh query over cached term scores: {docnum: score} of every bulletin it matches.

The scores are those of Whoosh's own matchers (a compound query sums its parts, a boost
multiplies), computed with dict and set operations instead of one matcher call per posting.
Phrases are checked with Whoosh's span matchers, but only on the bulletins that hold every word."""

from __future__ import annotations

from whoosh import query as q
from whoosh.query.spans import SpanQuery
from whoosh.searching import Searcher

from search.searcher.postings import Scores, TermScores

# A prefix matches at most this many terms (the first in alphabetical order).
MAX_PREFIX_TERMS = 200


class Evaluator:
    """Scores queries with the calling thread's searcher and the shared term scores."""

    def __init__(self, searcher: Searcher, terms: TermScores) -> None:
        self.searcher = searcher
        self.terms = terms

    def scores(self, query: q.Query, within: set[int] | None = None) -> Scores:
        """{docnum: score} of the bulletins `query` matches; phrases are checked only `within` these."""
        if isinstance(query, SpanQuery):
            return self._phrase(query, within)  # span queries ignore boosts: their terms carry them
        if isinstance(query, q.Term):
            return _boosted(self.terms.of(self.searcher, query.fieldname, query.text), query.boost)
        if isinstance(query, q.Prefix):
            terms = [q.Term(query.fieldname, text.decode("utf-8"))
                     for text, _ in zip(self.searcher.reader().expand_prefix(query.fieldname, query.text),
                                        range(MAX_PREFIX_TERMS))]
            return self.scores(q.Or(terms, boost=query.boost), within)
        if isinstance(query, q.Every):
            return dict.fromkeys(self.terms.live, 1.0)
        if query is q.NullQuery:
            return {}
        if isinstance(query, q.AndNot):
            excluded = self.scores(query.b)
            return {docnum: score for docnum, score in self.scores(query.a, within).items() if docnum not in excluded}
        if isinstance(query, q.AndMaybe):
            required = self.scores(query.a, within)
            return _sum([required, self.scores(query.b, set(required))], keep=required)
        parts = [self.scores(sub, within) for sub in query.subqueries]
        if isinstance(query, q.DisjunctionMax):
            merged = _max(parts)
        elif isinstance(query, q.And):
            merged = _sum(parts, keep=_common(parts))
        elif isinstance(query, q.Or):
            merged = _sum(parts)
        else:
            raise TypeError(f"cannot evaluate {type(query).__name__}")
        return _boosted(merged, query.boost)

    def _phrase(self, query: SpanQuery, within: set[int] | None) -> Scores:
        """The term scores summed on the bulletins where the span query really matches."""
        words = _span_words(query)
        candidates = _common([_sum([self.scores(term) for term in word]) for word in words])
        if within is not None:
            candidates &= within
        found = self._span_matches(query, sorted(candidates))
        return _sum([self.scores(term) for word in words for term in word], keep=found)

    def _span_matches(self, query: SpanQuery, candidates: list[int]) -> set[int]:
        found: set[int] = set()
        for searcher, base in self.searcher.leaf_searchers():
            end = base + searcher.doc_count_all()
            local = [docnum - base for docnum in candidates if base <= docnum < end]
            if not local:
                continue
            matcher = query.matcher(searcher)
            for docnum in local:
                if not matcher.is_active():
                    break
                if matcher.id() < docnum:
                    matcher.skip_to(docnum)
                if matcher.is_active() and matcher.id() == docnum:
                    found.add(base + docnum)
        return found


def _span_words(query: q.Query) -> list[list[q.Term]]:
    """The terms of each word of a phrase (several for a word of several lemmas)."""
    if isinstance(query, q.Term):
        return [[query]]
    if hasattr(query, "subqs"):  # SpanOr: the lemmas of one word
        return [[term for sub in query.subqs for word in _span_words(sub) for term in word]]
    return _span_words(query.a) + _span_words(query.b)  # SpanNear


def _boosted(scores: Scores, boost: float) -> Scores:
    return scores if boost == 1.0 else {docnum: score * boost for docnum, score in scores.items()}


def _common(parts: list[Scores]) -> set[int]:
    if not parts:
        return set()
    ordered = sorted(parts, key=len)
    return set(ordered[0]).intersection(*ordered[1:])


def _sum(parts: list[Scores], keep: set[int] | dict | None = None) -> Scores:
    """The scores added up, over the documents in `keep` (every document when None)."""
    if keep is not None:
        return {docnum: sum(part.get(docnum, 0.0) for part in parts) for docnum in keep}
    if not parts:
        return {}
    biggest = max(range(len(parts)), key=lambda i: len(parts[i]))
    merged = dict(parts[biggest])
    for i, part in enumerate(parts):
        if i != biggest:
            for docnum, score in part.items():
                merged[docnum] = merged.get(docnum, 0.0) + score
    return merged


def _max(parts: list[Scores]) -> Scores:
    merged: Scores = {}
    for part in parts:
        for docnum, score in part.items():
            if score > merged.get(docnum, 0.0):
                merged[docnum] = score
    return merged
