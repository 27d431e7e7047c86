"""BulletinSearch: the one search API that the CLI and the web app call.

A query's hits come in two tiers: first the bulletins that hold every query word, then (for a
query of several words) those that hold only some of them. Measured on the dev set, letting the
partial matches follow beats showing them only when no bulletin holds every word
(benchmarks/relevance.py prints both)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from whoosh import query as q
from whoosh.index import FileIndex
from whoosh.searching import Searcher

from search.errors import QueryError
from search.index.store import open_index
from search.searcher.docsets import DocSets
from search.searcher.explain import explain
from search.searcher.matching import QueryMatcher
from search.searcher.query import DateRange, ParsedQuery, parse_query
from search.searcher.ranking import WEIGHTS, Weights, all_words, any_word, weighting
from search.searcher.results import (MAX_PAGE_SIZE, SORTS, Hit, SearchRequest, SearchResult, Span,
                                     StoredBulletin)
from search.searcher.snippets import highlight, snippet
from search.searcher.suggest import suggest

Partial = Literal["follow", "fallback"]


@dataclass(frozen=True)
class _Tier:
    query: q.Query
    docs: frozenset[int]


class _View:
    """One thread's searcher over one generation of the index, with what it caches."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.docsets = DocSets(searcher)
        reader = searcher.reader()
        years, dates = reader.column_reader("year"), reader.column_reader("date", translate=True)
        self.years = {docnum: years[docnum] for docnum in self.docsets.all}
        self.dates = {docnum: dates[docnum].date() for docnum in self.docsets.all}


class BulletinSearch:
    """Searches the index in `index_dir`. Safe to share between threads: each thread searches with
    its own Whoosh searcher, refreshed when another process has committed to the index."""

    def __init__(self, index_dir: Path, weights: Weights = WEIGHTS, partial: Partial = "follow") -> None:
        self.index_dir = Path(index_dir)
        self.weights = weights
        self.partial = partial
        self._index: FileIndex = open_index(self.index_dir)
        self._local = threading.local()

    def search(self, request: SearchRequest) -> SearchResult:
        """The hits of one page, the total, the year facets and a did-you-mean suggestion.
        Raise QueryError for a query or parameter that cannot be understood."""
        started = time.perf_counter()
        _check(request)
        parsed = parse_query(request.query)
        view = self._view()
        allowed = _allowed(view, parsed.dates & DateRange(request.date_from, request.date_to), request.year)
        tiers = self._tiers(view, parsed, allowed)
        matcher = QueryMatcher(parsed)
        hits = tuple(self._hit(view, docnum, score, matcher, request.explain)
                     for docnum, score in _ranked(view, tiers, request))
        matched = frozenset().union(*(tier.docs for tier in tiers))
        complete = len(tiers[0].docs)
        years = Counter(view.years[docnum] for docnum in matched)
        return SearchResult(
            request=request,
            total=len(matched),
            hits=hits,
            facets={"year": {str(year): count for year, count in sorted(years.items(), reverse=True)}},
            suggestion=suggest(request.query, parsed, view.searcher.reader()),
            related=not complete and bool(matched),
            complete=complete,
            seconds=time.perf_counter() - started,
        )

    def bulletin(self, bulletin_id: str) -> StoredBulletin | None:
        """The stored bulletin with this id, or None."""
        fields = self._view().searcher.document(id=bulletin_id)
        if fields is None:
            return None
        return StoredBulletin(id=fields["id"], title=fields["title"], date=fields["date_text"], body=fields["body"],
                              organ=fields.get("organ"), url=fields.get("url"), source=fields.get("source"))

    def highlight(self, text: str, query: str) -> tuple[Span, ...]:
        """All of `text` as spans, the words the query's words and phrases match marked."""
        return highlight(text, QueryMatcher(parse_query(query)).find(text))

    def _view(self) -> _View:
        view: _View | None = getattr(self._local, "view", None)
        if view is None:
            view = _View(self._index.searcher(weighting=weighting(self.weights)))
        elif not view.searcher.up_to_date():
            view = _View(view.searcher.refresh())
        self._local.view = view
        return view

    def _tiers(self, view: _View, parsed: ParsedQuery, allowed: frozenset[int]) -> list[_Tier]:
        """The bulletins with every query word, then (unless they come only as a fallback) those with some."""
        strict = all_words(parsed, self.weights)
        complete = _Tier(strict, view.docsets.of(strict) & allowed)
        if len(parsed.required) < 2 or (self.partial == "fallback" and complete.docs):
            return [complete]
        loose = any_word(parsed, self.weights)
        return [complete, _Tier(loose, (view.docsets.of(loose) & allowed) - complete.docs)]

    def _hit(self, view: _View, docnum: int, score: float, matcher: QueryMatcher, explained: bool) -> Hit:
        fields = view.searcher.stored_fields(docnum)
        found = matcher.find(fields["body"])
        matches = explain(matcher.find(fields["title"]) + found) if explained else ()
        return Hit(id=fields["id"], title=fields["title"], date=fields["date_text"], score=score,
                   snippet=snippet(fields["body"], found), organ=fields.get("organ"), url=fields.get("url"),
                   matches=matches)


def _check(request: SearchRequest) -> None:
    if request.page < 1:
        raise QueryError(f"page must be 1 or more, not {request.page}")
    if not 1 <= request.page_size <= MAX_PAGE_SIZE:
        raise QueryError(f"page size must be from 1 to {MAX_PAGE_SIZE}, not {request.page_size}")
    if request.sort not in SORTS:
        raise QueryError(f"unknown sort {request.sort!r}: use one of {', '.join(SORTS)}")
    if request.date_from and request.date_to and request.date_from > request.date_to:
        raise QueryError(f"the dates run backwards: from {request.date_from} is after to {request.date_to}")


def _allowed(view: _View, dates: DateRange, year: int | None) -> frozenset[int]:
    """The bulletins within the dates and of the year."""
    if dates == DateRange() and year is None:
        return view.docsets.all
    first, last = dates.first or date.min, dates.last or date.max
    return frozenset(docnum for docnum, day in view.dates.items()
                     if first <= day <= last and (year is None or view.years[docnum] == year))


def _ranked(view: _View, tiers: list[_Tier], request: SearchRequest) -> list[tuple[int, float]]:
    """(docnum, score) of the hits on the requested page: the tiers one after another, each in the
    requested order."""
    skip, wanted = (request.page - 1) * request.page_size, request.page_size
    ranked: list[tuple[int, float]] = []
    for tier in tiers:
        if skip >= len(tier.docs):
            skip -= len(tier.docs)
            continue
        page = _top(view, tier, skip + wanted, request.sort)[skip:]
        ranked += page
        wanted -= len(page)
        skip = 0
        if not wanted:
            break
    return ranked


def _top(view: _View, tier: _Tier, limit: int, sort: str) -> list[tuple[int, float]]:
    """The first `limit` hits of the tier in the `sort` order, with their relevance scores."""
    if sort == "relevance":
        docs = tier.docs
    else:
        docs = sorted(tier.docs, key=lambda docnum: (view.dates[docnum], docnum), reverse=sort == "newest")[:limit]
    results = view.searcher.search(tier.query, filter=set(docs), limit=limit, terms=False)
    scores = {hit.docnum: hit.score for hit in results}
    if sort == "relevance":
        return list(scores.items())
    return [(docnum, scores.get(docnum, 0.0)) for docnum in docs]
