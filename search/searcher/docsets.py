"""The bulletins a query matches, as a set of document numbers: set operations over posting lists,
with no scoring, for the total and the facets. Term postings are cached per searcher."""

from __future__ import annotations

from functools import lru_cache

from whoosh import query as q
from whoosh.searching import Searcher


class DocSets:
    """Matching document numbers of queries over one searcher (one generation of the index)."""

    def __init__(self, searcher: Searcher, cache_terms: int = 4096) -> None:
        self.searcher = searcher
        self.all = frozenset(searcher.reader().all_doc_ids())
        self._term = lru_cache(maxsize=cache_terms)(self._postings)

    def of(self, query: q.Query) -> frozenset[int]:
        """The document numbers `query` matches."""
        if isinstance(query, q.Term):
            return self._term(query.fieldname, query.text)
        if isinstance(query, q.Every):
            return self.all
        if isinstance(query, q.And):
            sets = sorted((self.of(sub) for sub in query.subqueries), key=len)
            return sets[0].intersection(*sets[1:])
        if isinstance(query, q.Or):
            return frozenset().union(*(self.of(sub) for sub in query.subqueries))
        if isinstance(query, q.AndNot):
            return self.of(query.a) - self.of(query.b)
        return frozenset(self.searcher.docs_for_query(query))  # phrases and prefixes

    def _postings(self, field: str, text: str) -> frozenset[int]:
        reader = self.searcher.reader()
        if (field, text) not in reader:
            return frozenset()
        return frozenset(reader.postings(field, text).all_ids())
