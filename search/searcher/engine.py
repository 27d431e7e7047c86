"""BulletinSearch: the one search API that the CLI and the web app call.

A bulletin matches a query when it holds every query word: in any inflection, or inside a longer
compound as a run of its parts (`yrityshautomo` in `yrityshautomopalvelujen`). The matches are
what the total, the facets, the date orders and the feed count. Bulletins that hold only some of
the words, or a compound query word only as its parts scattered over the text, are related
results: listed when nothing matches (with a notice), and in relevance order after the matches,
filling out the last page of matches, but never counted. Measured on the dev set, letting them
follow the matches beats listing them only when nothing matches (benchmarks/relevance.py prints
both). Within each of the two, the best hits by BM25 are re-ranked with a bonus where query words
stand next to each other. By relevance, the openings of the best matches then give feedback
(search.searcher.feedback): their shared lemmas expand the query with a low weight, which reorders
the matches and the related results and brings in bulletins the query's words miss as related
results (search.searcher.expansion), and the first hits whose own openings hold those lemmas move
up."""

from __future__ import annotations

import heapq
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from whoosh import query as q
from whoosh.index import FileIndex
from whoosh.searching import Searcher

from search.finnish import analyze_word
from search.index.store import open_index
from search.index.summaries import IndexSummary
from search.index.whoosh_internals import Scores
from search.searcher.completions import LIMIT, Completion, complete
from search.searcher.evaluate import Evaluator
from search.searcher.expansion import expansion_lemmas, expansion_query, new_hits
from search.searcher.feedback import DEPTH, FEEDBACK_DOCS, Leads, LeadStats, feedback_model, rerank_tiers
from search.searcher.filters import BulletinFields
from search.searcher.hits import check_request, forgiven, forgiving_search, lemma_matcher, make_hit, stored_bulletin
from search.searcher.matching import QueryMatcher
from search.searcher.overview import Overview, overview
from search.searcher.postings import TermPositions, TermScores
from search.searcher.query import DateRange, ParsedQuery, field_filter, parse_query, without_unpaired_quote
from search.searcher.ranking import WEIGHTS, Weights, all_words, any_word, excluded_words, proximity
from search.searcher.results import SearchRequest, SearchResult, Span, StoredBulletin
from search.searcher.snippets import highlight

Related = Literal["follow", "fallback"]

# How many of a tier's best hits the proximity bonus may reorder.
RERANK = 30


class _Generation:
    """What the threads share about one generation of the index: its bulletins' fields (dates,
    years, deciding bodies, kinds, classifications), the cached term scores and positions and what
    feedback keeps of the bulletins' leads."""

    def __init__(self, index_dir: Path, searcher: Searcher, weights: Weights) -> None:
        self.terms = TermScores(searcher, weights.k1, weights.b)
        self.positions = TermPositions()
        reader = searcher.reader()
        summary = IndexSummary(index_dir, reader)
        self.fields = BulletinFields(summary, self.terms.live)
        self.lead_stats = LeadStats(reader, summary)
        self.overview: Overview | None = None  # made on first use: only the start page asks


@dataclass
class _View:
    """One search's view: the thread's searcher, the generation's shared data, an evaluator, and the
    leads of bulletins as the thread's searcher reads them."""

    searcher: Searcher
    shared: _Generation
    evaluator: Evaluator
    leads: Leads


@dataclass(frozen=True)
class Ranking:
    """A search before its hits are read: the page's (docnum, score, related) triples, how many
    bulletins match and how many are related results, the year facets of the matches, the lemmas
    the search was expanded by and the related results that the expansion brought in."""

    parsed: ParsedQuery
    page: tuple[tuple[int, float, bool], ...]
    total: int
    related_total: int
    facets: dict[str, dict[str, int]]
    expansion: tuple[str, ...] = ()
    new_hits: frozenset[int] = frozenset()


@dataclass
class _Tier:
    """The matches, or the related results: the query that scores them, which they are, and their
    scores once worked out (feedback and the page both rank the matches)."""

    query: q.Query
    docs: set[int]
    related: bool
    scores: Scores | None = None


@dataclass(frozen=True)
class _Feedback:
    """What the best matches of a search say it is about: the feedback model of their leads, and the
    query of its lemmas that expands the search (None when there is none)."""

    model: dict[str, float]
    expansion: q.Query | None


class BulletinSearch:
    """Searches the index in `index_dir`. Safe to share between threads: each thread searches with
    its own Whoosh searcher, refreshed when another process has committed to the index."""

    def __init__(self, index_dir: Path, weights: Weights = WEIGHTS, related: Related = "follow") -> None:
        self.index_dir = Path(index_dir)
        self.weights = weights
        self.related = related
        self._index: FileIndex = open_index(self.index_dir)
        self._local = threading.local()
        self._generations: dict[tuple[str, int], _Generation] = {}
        self._lock = threading.Lock()

    def search(self, request: SearchRequest) -> SearchResult:
        """The hits of one page, the number of matches and of related results, the year facets of the
        matches and a did-you-mean suggestion. Raise QueryError for a query or parameter that cannot
        be understood."""
        started = time.perf_counter()
        view = self._view()
        searched, ranking, suggestion, corrections = forgiving_search(
            request, lambda searched: self._rank(view, searched), view.searcher.reader())
        matcher = QueryMatcher(ranking.parsed)
        # the words of the expansion lemmas, marked in the related results the expansion brought in
        topic = lemma_matcher(ranking.expansion) if any(docnum in ranking.new_hits for docnum, _, _ in ranking.page) else None
        return SearchResult(
            request=request,
            total=ranking.total,
            related_total=ranking.related_total,
            hits=tuple(make_hit(view.searcher.stored_fields(docnum), score, related, matcher, request.explain,
                                 topic if docnum in ranking.new_hits else None)
                       for docnum, score, related in ranking.page),
            facets=ranking.facets,
            suggestion=suggestion,
            seconds=time.perf_counter() - started,
            searched=searched.query if corrections else None,
            corrections=tuple(corrections),
        )

    def rank(self, request: SearchRequest) -> Ranking:
        """The search without its hits' text: which bulletins the page holds, the counts and the
        facets. Raise QueryError as `search` does."""
        return self._rank(self._view(), forgiven(request))

    def _rank(self, view: _View, request: SearchRequest) -> Ranking:
        check_request(request)
        parsed = parse_query(request.query)
        asked = tuple(field_filter(field, value) for field, value in request.filters.items() if value)
        allowed = view.shared.fields.allowed(parsed.dates & DateRange(request.date_from, request.date_to), request.year,
                                             parsed.filters, asked)
        matches, related = self._tiers(view, parsed, allowed)
        # A query of excluded words only is about nothing: no feedback
        feedback = self._feedback(view, parsed, matches) if request.sort == "relevance" and parsed.required else None
        expansion = feedback.expansion if feedback is not None else None
        more: set[int] = set()
        if expansion is not None:
            more = new_hits(view.evaluator, expansion, matches.docs | related.docs, allowed, excluded_words(parsed, self.weights))
            related = _Tier(related.query, related.docs | more, related=True)
        return Ranking(
            parsed=parsed,
            page=tuple(self._page(view, parsed, self._listed(matches, related, request), request, feedback)),
            total=len(matches.docs),
            related_total=len(related.docs),
            facets=view.shared.fields.facets(matches.docs),
            expansion=expansion_lemmas(expansion) if expansion is not None else (),
            new_hits=frozenset(more),
        )

    def bulletin(self, bulletin_id: str) -> StoredBulletin | None:
        """The stored bulletin with this id, or None."""
        fields = self._view().searcher.document(id=bulletin_id)
        return None if fields is None else stored_bulletin(fields)

    def case_history(self, case: str) -> tuple[StoredBulletin, ...]:
        """The bulletins of a case (its diary number), oldest first: the case across the bodies that
        handled it."""
        view = self._view()
        dates = view.shared.fields.dates
        docnums = sorted(view.evaluator.docs(q.Term("case", case.lower())), key=lambda docnum: (dates[docnum], docnum))
        return tuple(stored_bulletin(view.searcher.stored_fields(docnum)) for docnum in docnums)

    def highlight(self, text: str, query: str) -> tuple[Span, ...]:
        """All of `text` as spans, the words the query's words and phrases match marked (an unpaired
        quote mark forgiven, as the search forgives it)."""
        return highlight(text, QueryMatcher(parse_query(without_unpaired_quote(query))).find(text))

    def complete(self, text: str, limit: int = LIMIT) -> tuple[Completion, ...]:
        """Completions of a query as typed: its last word completed to words of the index in their
        base form, or a filter's name (`organ:kaupunginh`), the ones most bulletins hold first."""
        view = self._view()
        return complete(text, view.searcher.reader(), view.shared.fields, limit)

    def overview(self) -> Overview:
        """What the index holds: bulletins, years, last update, deciding bodies, example searches."""
        view = self._view()
        if view.shared.overview is None:
            view.shared.overview = overview(view.searcher.reader(), view.shared.fields, self.last_update())
        return view.shared.overview

    def last_update(self) -> datetime:
        """When the index was last committed to (UTC)."""
        return datetime.fromtimestamp(self._index.last_modified(), UTC)

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
                shared = _Generation(self.index_dir, searcher, self.weights)
                # Older generations go: a thread still on one builds its own until it renews.
                self._generations = {self._local.generation: shared}
        if self._local.leads is None:
            self._local.leads = Leads(searcher.reader(), shared.lead_stats)
        return _View(searcher, shared, Evaluator(searcher, shared.terms, shared.positions),
                     self._local.leads)

    def _tiers(self, view: _View, parsed: ParsedQuery, allowed: frozenset[int] | None) -> tuple[_Tier, _Tier]:
        """The matches (every query word, whole or inside a longer compound), and the related
        results (some of the words, or a compound query word only as its scattered parts)."""
        matches = _only(view.evaluator.docs(all_words(parsed, self.weights, split=False)), allowed)
        loose = any_word(parsed, self.weights)
        return (_Tier(all_words(parsed, self.weights), matches, related=False),
                _Tier(loose, _only(view.evaluator.docs(loose), allowed) - matches, related=True))

    def _feedback(self, view: _View, parsed: ParsedQuery, matches: _Tier) -> _Feedback | None:
        """The feedback of the best matches, by BM25 with the bonus for neighbouring query words;
        None for fewer than two matches."""
        best = [docnum for docnum, _ in self._ordered(view, parsed, matches, FEEDBACK_DOCS, "relevance")[:FEEDBACK_DOCS]]
        found = feedback_model(best, view.leads)
        if not found:
            return None
        own = {lemma for word in parsed.positive_words for lemma in analyze_word(word.text).lemmas}
        return _Feedback(found, expansion_query(found, own, view.leads.share, self.weights.expansion))

    def _listed(self, matches: _Tier, related: _Tier, request: SearchRequest) -> list[_Tier]:
        """What the pages list: the related results alone when nothing matches, after the matches in
        relevance order (unless they follow only as a fallback), else the matches alone."""
        if not request.related:
            return [matches]
        if not matches.docs:
            return [related]
        return [matches, related] if request.sort == "relevance" and self.related == "follow" else [matches]

    def _page(self, view: _View, parsed: ParsedQuery, tiers: list[_Tier], request: SearchRequest,
              feedback: _Feedback | None) -> list[tuple[int, float, bool]]:
        """(docnum, score, related) of the hits on the requested page: the tiers one after another,
        each in the requested order; related results after matches only fill out the last page of
        matches. The feedback of the best matches reorders them."""
        start = (request.page - 1) * request.page_size
        end = start + request.page_size
        if len(tiers) > 1 and start >= len(tiers[0].docs):
            return []
        expansion = feedback.expansion if feedback is not None else None
        orders, before = [], 0
        for tier in tiers:
            if before >= end:
                break
            orders.append(self._ordered(view, parsed, tier, end - before, request.sort, expansion))
            before += len(tier.docs)
        if feedback is not None:
            orders = rerank_tiers(orders, view.leads, feedback.model, self.weights.feedback)
        page, before = [], 0
        for tier, order in zip(tiers, orders):
            page += [(docnum, score, tier.related) for docnum, score in order[max(0, start - before):max(0, end - before)]]
            before += len(tier.docs)
        return page

    def _ordered(self, view: _View, parsed: ParsedQuery, tier: _Tier, limit: int, sort: str,
                 expansion: q.Query | None = None) -> list[tuple[int, float]]:
        """At least the first `limit` hits of the tier (all, if fewer) in the `sort` order, with
        their scores; by relevance, as many as feedback may reorder, each also scored by the
        `expansion` query if there is one."""
        if sort != "relevance":
            dates = view.shared.fields.dates
            pick = heapq.nlargest if sort == "newest" else heapq.nsmallest
            docs = pick(limit, tier.docs, key=lambda docnum: (dates[docnum], docnum))
            scores = view.evaluator.scores(tier.query, docs)
            return [(docnum, scores[docnum]) for docnum in docs]
        if tier.scores is None:
            tier.scores = view.evaluator.scores(tier.query, tier.docs)
        scores = tier.scores
        if expansion is not None:
            more = view.evaluator.scores(expansion, tier.docs)
            scores = {docnum: scores.get(docnum, 0.0) + score for docnum, score in more.items()}
        best = heapq.nlargest(max(limit, RERANK, DEPTH), scores.items(), key=lambda item: (item[1], -item[0]))
        near = proximity(parsed, self.weights)
        if near is not None:
            top = {docnum for docnum, _ in best[:RERANK]}
            bonus = view.evaluator.scores(near, view.evaluator.docs(near, within=top))
            reranked = sorted(((docnum, score + bonus.get(docnum, 0.0)) for docnum, score in best[:RERANK]),
                              key=lambda item: (-item[1], item[0]))
            best = reranked + best[RERANK:]
        return best


def _only(docs: set[int], allowed: frozenset[int] | None) -> set[int]:
    return docs if allowed is None else docs & allowed
