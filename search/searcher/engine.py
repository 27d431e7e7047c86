"""BulletinSearch: the one search API that the CLI and the web app call.

A query's hits come in two tiers: first the bulletins that hold every query word (in any
inflection, or as a part of a compound), then those that hold only some of them or hold a
compound query word only as its separate parts. Measured on the dev set, letting the partial
matches follow beats showing them only when no bulletin holds every word
(benchmarks/relevance.py prints both). Within a tier the best hits by BM25 are re-ranked with a
bonus where query words stand next to each other, then by feedback from the openings of the best
hits (search.searcher.feedback) and from what they refer to (search.searcher.citations)."""

from __future__ import annotations

import heapq
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
from search.index.columns import column
from search.index.store import open_index
from search.searcher.citations import References, rerank_by_citations
from search.searcher.evaluate import Evaluator
from search.searcher.explain import explain
from search.searcher.feedback import DEPTH, FEEDBACK_DOCS, Leads, LeadStats, rerank_tiers
from search.searcher.matching import QueryMatcher
from search.searcher.postings import TermScores
from search.searcher.query import DateRange, ParsedQuery, parse_query
from search.searcher.ranking import WEIGHTS, Weights, all_words, any_word, proximity
from search.searcher.results import MAX_PAGE_SIZE, SORTS, Hit, SearchRequest, SearchResult, Span, StoredBulletin
from search.searcher.snippets import highlight, snippet
from search.searcher.suggest import suggest

Partial = Literal["follow", "fallback"]

# How many of a tier's best hits the proximity bonus may reorder.
RERANK = 30


class _Generation:
    """What the threads share about one generation of the index: its bulletins' years and dates,
    the cached term scores and what feedback keeps of the bulletins' leads and references."""

    def __init__(self, searcher: Searcher, weights: Weights) -> None:
        self.terms = TermScores(searcher, weights.k1, weights.b)
        reader = searcher.reader()
        years, dates = column(reader, "year"), column(reader, "date", translate=True)
        self.years = {docnum: years[docnum] for docnum in self.terms.live}
        self.dates = {docnum: dates[docnum].date() for docnum in self.terms.live}
        self.lead_stats = LeadStats(reader)
        self.references = References(reader)


@dataclass
class _View:
    """One search's view: the thread's searcher, the generation's shared data, an evaluator, and
    the leads of bulletins as the thread's searcher reads them."""

    searcher: Searcher
    shared: _Generation
    evaluator: Evaluator
    leads: Leads


@dataclass(frozen=True)
class Ranking:
    """A search before its hits are read: the page's (docnum, score) pairs, how many bulletins
    match, how many of them hold every query word, and the year facets."""

    parsed: ParsedQuery
    page: tuple[tuple[int, float], ...]
    total: int
    complete: int
    facets: dict[str, dict[str, int]]


@dataclass(frozen=True)
class _Tier:
    query: q.Query
    docs: set[int]


class BulletinSearch:
    """Searches the index in `index_dir`. Safe to share between threads: each thread searches with
    its own Whoosh searcher, refreshed when another process has committed to the index."""

    def __init__(self, index_dir: Path, weights: Weights = WEIGHTS, partial: Partial = "follow") -> None:
        self.index_dir = Path(index_dir)
        self.weights = weights
        self.partial = partial
        self._index: FileIndex = open_index(self.index_dir)
        self._local = threading.local()
        self._generations: dict[tuple[str, int], _Generation] = {}
        self._lock = threading.Lock()

    def search(self, request: SearchRequest) -> SearchResult:
        """The hits of one page, the total, the year facets and a did-you-mean suggestion.
        Raise QueryError for a query or parameter that cannot be understood."""
        started = time.perf_counter()
        view = self._view()
        ranking = self._rank(view, request)
        matcher = QueryMatcher(ranking.parsed)
        return SearchResult(
            request=request,
            total=ranking.total,
            hits=tuple(self._hit(view, docnum, score, matcher, request.explain) for docnum, score in ranking.page),
            facets=ranking.facets,
            suggestion=suggest(request.query, ranking.parsed, view.searcher.reader()),
            related=not ranking.complete and bool(ranking.total),
            seconds=time.perf_counter() - started,
            complete=ranking.complete,
        )

    def rank(self, request: SearchRequest) -> Ranking:
        """The search without its hits' text: which bulletins the page holds, the total and the
        facets. Raise QueryError as `search` does."""
        return self._rank(self._view(), request)

    def _rank(self, view: _View, request: SearchRequest) -> Ranking:
        _check(request)
        parsed = parse_query(request.query)
        allowed = _allowed(view.shared, parsed.dates & DateRange(request.date_from, request.date_to), request.year)
        tiers = self._tiers(view, parsed, allowed)
        years = Counter(view.shared.years[docnum] for tier in tiers for docnum in tier.docs)
        return Ranking(
            parsed=parsed,
            page=tuple(self._page(view, parsed, tiers, request)),
            total=sum(len(tier.docs) for tier in tiers),
            complete=len(tiers[0].docs),
            facets={"year": {str(year): count for year, count in sorted(years.items(), reverse=True)}},
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
        """This thread's searcher, renewed when the index has changed, with the shared data of its
        generation."""
        searcher: Searcher | None = getattr(self._local, "searcher", None)
        if searcher is None or not searcher.up_to_date():
            if searcher is not None:
                searcher.close()
            if self._index.latest_generation() < 0:  # rebuilt under a new schema version's name
                self._index = open_index(self.index_dir)
            searcher = self._local.searcher = self._index.searcher()
            self._local.generation = (self._index.indexname, searcher.reader().generation())
            self._local.leads = None
        with self._lock:
            shared = self._generations.get(self._local.generation)
            if shared is None:
                shared = _Generation(searcher, self.weights)
                # Older generations go: a thread still on one builds its own until it renews.
                self._generations = {self._local.generation: shared}
        if self._local.leads is None:
            self._local.leads = Leads(searcher.reader(), shared.lead_stats)
        return _View(searcher, shared, Evaluator(searcher, shared.terms), self._local.leads)

    def _tiers(self, view: _View, parsed: ParsedQuery, allowed: frozenset[int] | None) -> list[_Tier]:
        """The bulletins with every query word, then those with only some, or with a compound query
        word only as its parts (unless partial matches come only as a fallback and the first tier
        has hits)."""
        complete = _Tier(all_words(parsed, self.weights),
                         _only(view.evaluator.docs(all_words(parsed, self.weights, split=False)), allowed))
        if self.partial == "fallback" and complete.docs:
            return [complete]
        loose = any_word(parsed, self.weights)
        return [complete, _Tier(loose, _only(view.evaluator.docs(loose), allowed) - complete.docs)]

    def _page(self, view: _View, parsed: ParsedQuery, tiers: list[_Tier],
              request: SearchRequest) -> list[tuple[int, float]]:
        """(docnum, score) of the hits on the requested page: the tiers one after another, each in
        the requested order. By relevance, the tiers that hold the best hits give feedback."""
        start = (request.page - 1) * request.page_size
        end = start + request.page_size
        relevance = request.sort == "relevance"
        orders, before = [], 0
        for tier in tiers:
            if before >= end and not (relevance and before < FEEDBACK_DOCS):
                break
            orders.append(self._ordered(view, parsed, tier, end - before, request.sort))
            before += len(tier.docs)
        if relevance and parsed.required:  # a query of excluded words only is about nothing
            orders = rerank_tiers(orders, view.leads, self.weights.feedback)
            orders = rerank_tiers(orders, view.shared.references, self.weights.provisions)
            orders = rerank_by_citations(orders, view.shared.references.links, self.weights.citations)
        page, before = [], 0
        for tier, order in zip(tiers, orders):
            page += order[max(0, start - before):max(0, end - before)]
            before += len(tier.docs)
        return page

    def _ordered(self, view: _View, parsed: ParsedQuery, tier: _Tier, limit: int,
                 sort: str) -> list[tuple[int, float]]:
        """At least the first `limit` hits of the tier (all, if fewer) in the `sort` order, with
        their scores; by relevance, as many as feedback may reorder."""
        if sort != "relevance":
            dates = view.shared.dates
            pick = heapq.nlargest if sort == "newest" else heapq.nsmallest
            docs = pick(limit, tier.docs, key=lambda docnum: (dates[docnum], docnum))
            scores = view.evaluator.scores(tier.query, docs)
            return [(docnum, scores[docnum]) for docnum in docs]
        scores = view.evaluator.scores(tier.query, tier.docs)
        best = heapq.nlargest(max(limit, RERANK, DEPTH), scores.items(), key=lambda item: (item[1], -item[0]))
        near = proximity(parsed, self.weights)
        if near is not None:
            top = {docnum for docnum, _ in best[:RERANK]}
            bonus = view.evaluator.scores(near, view.evaluator.docs(near, within=top))
            reranked = sorted(((docnum, score + bonus.get(docnum, 0.0)) for docnum, score in best[:RERANK]),
                              key=lambda item: (-item[1], item[0]))
            best = reranked + best[RERANK:]
        return best

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


def _allowed(shared: _Generation, dates: DateRange, year: int | None) -> frozenset[int] | None:
    """The bulletins within the dates and of the year; None when nothing is filtered out."""
    if dates == DateRange() and year is None:
        return None
    first, last = dates.first or date.min, dates.last or date.max
    return frozenset(docnum for docnum, day in shared.dates.items()
                     if first <= day <= last and (year is None or shared.years[docnum] == year))


def _only(docs: set[int], allowed: frozenset[int] | None) -> set[int]:
    return docs if allowed is None else docs & allowed
