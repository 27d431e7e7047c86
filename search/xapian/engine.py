"""XapianSearch: the search API of search.searcher.BulletinSearch over a sharded Xapian index.

The same query language, the same meaning of a match (every query word, whole or inside a longer
compound) and of a related result, the same counts, facets, orders, feedback and hits. Xapian
counts and ranks in C++ over all shards with their global statistics: the total, the related
results' total and the facets are exact (every candidate is checked), and only a page's hits and
the feedback's best matches come back to Python.

Ranking mirrors the Whoosh engine: BM25 with the same weights, a bonus where neighbouring query
words stand next to each other (here for every hit, not only the first RERANK), and feedback from
the leads of the best matches (search.searcher.feedback), which expands the query with their shared
lemmas, reorders the first DEPTH hits of each tier and brings in related results the query's words
miss. One difference stays: Xapian's BM25 normalises by the length of the whole bulletin, not of
each field.

A Xapian database must not be used by two threads at once: each thread opens its own, and reopens
it before each search so that it sees every commit at once. A shard that cannot be reached makes
the search fail with ShardUnavailableError naming it (the web app answers 503): results without
it would count and facet only part of the matches, which the totals promise not to do."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import xapian

from search.finnish import analyze_word
from search.searcher.completions import LIMIT, Completion, complete
from search.searcher.engine import Related
from search.searcher.expansion import MAX_SHARE, NEW_HITS
from search.searcher.feedback import DEPTH, FEEDBACK_DOCS, MIN_VOTES, bm25_idf, model, reorder
from search.searcher.filters import FACETS
from search.searcher.hits import check_request, forgiven, forgiving_search, lemma_matcher, make_hit, stored_bulletin
from search.searcher.matching import QueryMatcher
from search.searcher.overview import Overview, examples
from search.searcher.query import DateRange, ParsedQuery, field_filter, parse_query, without_unpaired_quote
from search.searcher.ranking import WEIGHTS, Weights
from search.searcher.results import SearchRequest, SearchResult, Span, StoredBulletin
from search.searcher.snippets import highlight
from search.xapian import queries
from search.xapian.documents import id_term, stored_fields
from search.xapian.layout import (
    DATE,
    ID,
    LEAD,
    PREFIXES,
    SLOTS,
    YEAR,
    ShardUnavailableError,
    down_shard,
    local_shards,
    open_shards,
)
from search.xapian.writer import UPDATED

_T = TypeVar("_T")
# How long the names of the filter fields (for completions) are kept before they are counted again.
NAMES_SECONDS = 60.0
# The value slots of the facets.
FACET_SLOTS = {"year": YEAR, "organ": SLOTS["organ"], "kind": SLOTS["kind"]}
# How long the number of bulletins holding a term is remembered, at most.
FREQUENCY_SECONDS = 60.0


@dataclass
class _Tier:
    """The matches or the related results: the query that ranks them, and how many there are."""

    query: xapian.Query
    count: int
    related: bool


class Frequencies:
    """How many bulletins hold each term looked up, remembered for FREQUENCY_SECONDS at most and while
    the number of bulletins stays the same: a remote shard answers every lookup with a round trip,
    and feedback and did-you-mean look up dozens per search. Shared by the threads."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}
        self._key: tuple[int, int] | None = None

    def of(self, database: xapian.Database, term: str) -> int:
        key = (database.get_doccount(), int(time.monotonic() // FREQUENCY_SECONDS))
        if key != self._key:
            self._counts, self._key = {}, key
        found = self._counts.get(term)
        if found is None:
            found = self._counts[term] = database.get_termfreq(term)
        return found


class Vocabulary:
    """The terms of a Xapian database's fields, as search.searcher.vocabulary.Vocabulary reads them."""

    def __init__(self, database: xapian.Database, frequencies: Frequencies) -> None:
        self._database = database
        self._frequencies = frequencies

    def doc_frequency(self, field: str, text: str) -> int:
        return self._frequencies.of(self._database, PREFIXES[field] + text)

    def count(self) -> int:
        """How many bulletins the index holds."""
        return self._database.get_doccount()

    def iter_prefix(self, field: str, prefix: str) -> Iterator[tuple[bytes, _TermInfo]]:
        start = len(PREFIXES[field].encode())
        for item in self._database.allterms(PREFIXES[field] + prefix):
            yield item.term[start:], _TermInfo(item.termfreq)

    def iter_field(self, field: str) -> Iterator[tuple[bytes, _TermInfo]]:
        return self.iter_prefix(field, "")


@dataclass(frozen=True)
class _TermInfo:
    frequency: int

    def doc_frequency(self) -> int:
        return self.frequency


class _Names:
    """The names of the filter fields and how many bulletins hold each, counted over all shards."""

    def __init__(self, database: xapian.Database) -> None:
        self.counts: dict[str, dict[str, int]] = {}
        self.names: dict[str, dict[str, str]] = {}
        for field, written in _value_counts(database, xapian.Query.MatchAll, SLOTS).items():
            self.counts[field], self.names[field] = _by_lowercase(written)
        self.made = time.monotonic()

    def name_counts(self, field: str) -> dict[str, int]:
        return self.counts[field]


class XapianSearch:
    """Searches the Xapian shards: the local index in `index_dir` (its shards as its xapian.json
    names them, followed across rebuilds), or the given `shards` (folders or `host:port` of
    xapian-tcpsrv servers). `related` as BulletinSearch takes it. Safe to share between threads."""

    def __init__(self, index_dir: Path | None = None, shards: Sequence[str] = (), weights: Weights = WEIGHTS,
                 related: Related = "follow") -> None:
        self.index_dir = Path(index_dir) if index_dir is not None else None
        self.shards = tuple(shards)
        self.weights = weights
        self.related = related
        self._local = threading.local()
        self._names: _Names | None = None
        self._frequencies = Frequencies()
        self._names_lock = threading.Lock()
        self._database()  # fail now for a missing index or an unreachable shard

    def search(self, request: SearchRequest) -> SearchResult:
        """As BulletinSearch.search."""
        started = time.perf_counter()

        def run(database: xapian.Database) -> SearchResult:
            searched, ranking, suggestion, corrections = forgiving_search(
                request, lambda searched: self._rank(database, searched), Vocabulary(database, self._frequencies))
            matcher = QueryMatcher(ranking.parsed)
            topic = lemma_matcher(ranking.expansion) if any(hit.new for hit in ranking.page) else None
            return SearchResult(
                request=request, total=ranking.total, related_total=ranking.related_total,
                hits=tuple(make_hit(stored_fields(hit.document), hit.score, hit.related, matcher, request.explain,
                                    topic if hit.new else None) for hit in ranking.page),
                facets=ranking.facets, suggestion=suggestion, seconds=time.perf_counter() - started,
                searched=searched.query if corrections else None, corrections=tuple(corrections))

        return self._with_database(run)

    def rank(self, request: SearchRequest) -> Ranking:
        """The search without its hits' text: the page's bulletins, the counts and the facets."""
        return self._with_database(lambda database: self._rank(database, forgiven(request)))

    def bulletin(self, bulletin_id: str) -> StoredBulletin | None:
        """The stored bulletin with this id, or None."""
        def find(database: xapian.Database) -> StoredBulletin | None:
            for posting in _postings(database, id_term(bulletin_id)):
                return stored_bulletin(stored_fields(database.get_document(posting.docid)))
            return None
        return self._with_database(find)

    def case_history(self, case: str) -> tuple[StoredBulletin, ...]:
        """The bulletins of a case (its diary number), oldest first."""
        def history(database: xapian.Database) -> tuple[StoredBulletin, ...]:
            enquire = _enquire(database, xapian.Query(PREFIXES["case"] + case.lower()), xapian.BoolWeight())
            enquire.set_sort_by_value(DATE, False)
            return tuple(stored_bulletin(stored_fields(item.document))
                         for item in enquire.get_mset(0, database.get_doccount()))
        return self._with_database(history)

    def highlight(self, text: str, query: str) -> tuple[Span, ...]:
        """All of `text` as spans, the words the query's words and phrases match marked."""
        return highlight(text, QueryMatcher(parse_query(without_unpaired_quote(query))).find(text))

    def complete(self, text: str, limit: int = LIMIT) -> tuple[Completion, ...]:
        """As BulletinSearch.complete."""
        return self._with_database(lambda database: complete(
            text, Vocabulary(database, self._frequencies), self._field_names(database), limit))

    def overview(self) -> Overview:
        """What the index holds: bulletins, years, last update, deciding bodies, example searches."""
        def make(database: xapian.Database) -> Overview:
            counts = _value_counts(database, xapian.Query.MatchAll, FACET_SLOTS)
            years = [int(year) for year in counts["year"]]
            bulletins = database.get_doccount()
            return Overview(bulletins=bulletins, first_year=min(years, default=None), last_year=max(years, default=None),
                            updated=self._updated(database), organs=_by_lowercase(counts["organ"], named=True)[0],
                            kinds=_by_lowercase(counts["kind"], named=True)[0],
                            examples=examples(Vocabulary(database, self._frequencies), bulletins))
        return self._with_database(make)

    def last_update(self) -> datetime:
        """When the index was last committed to (UTC)."""
        return self._with_database(self._updated)

    @staticmethod
    def _updated(database: xapian.Database) -> datetime:
        stamp = database.get_metadata(UPDATED).decode("ascii")
        return datetime.fromisoformat(stamp) if stamp else datetime.fromtimestamp(0, UTC)

    # --- ranking ---

    def _rank(self, database: xapian.Database, request: SearchRequest) -> Ranking:
        check_request(request)
        weights = self.weights
        parsed = parse_query(request.query)
        asked = tuple(field_filter(field, value) for field, value in request.filters.items() if value)
        restrict = queries.restriction(parsed.dates & DateRange(request.date_from, request.date_to), request.year,
                                       parsed.filters, asked)
        matches_only = queries.all_words(parsed, weights, split=False)
        loose = queries.any_word(parsed, weights)
        scoring = queries.any_word(_without_exclusions(parsed), weights) if parsed.required else loose
        near = queries.proximity(parsed, weights)
        if near is not None:  # the tiers' filters keep to their bulletins: an OR only adds the bonus
            scoring = xapian.Query(xapian.Query.OP_OR, scoring, near)
        matching = _filtered(matches_only, restrict)
        relating = _filtered(xapian.Query(xapian.Query.OP_AND_NOT, loose, matches_only), restrict)
        vocabulary = Vocabulary(database, self._frequencies)
        # one pass over the matches: how many, their facets, and the best of them for feedback
        total, facets, best = _matches(database, _filter(scoring, matching), FEEDBACK_DOCS, weights)
        expansion, found, lemmas, new = None, {}, {}, frozenset()
        if request.sort == "relevance" and parsed.required and total >= MIN_VOTES:
            found = model([_lead(key) for key in _sort_keys(best)], _idf(vocabulary, "body"), _idf(vocabulary, "lead"))
            own = {lemma for word in parsed.positive_words for lemma in analyze_word(word.text).lemmas}
            lemmas = _expansion_lemmas(vocabulary, found, own)
            expansion = _expansion(lemmas, weights.expansion)
        if expansion is not None:
            scoring = xapian.Query(xapian.Query.OP_OR, scoring, expansion)
            new = _new_hits(database, expansion, loose, queries.excluded_words(parsed, weights), restrict, weights)
            if new:
                brought = xapian.Query(xapian.Query.OP_OR, [xapian.Query(id_term(ident)) for ident in new])
                relating = xapian.Query(xapian.Query.OP_OR, relating, brought)
        related_total = _count(database, relating)
        tiers = _listed(_Tier(_filter(scoring, matching), total, False),
                        _Tier(_filter(scoring, relating), related_total, True), request, self.related == "follow")
        gain = _gain(found, weights.feedback) if expansion is not None or found else None
        return Ranking(parsed=parsed, page=tuple(_page(database, tiers, request, weights, gain, new)), total=total,
                       related_total=related_total, facets=facets,
                       expansion=tuple(lemmas) if expansion is not None else (), new_hits=new)

    # --- databases ---

    def _database(self) -> xapian.Database:
        """This thread's database over the shards, reopened to the latest commit of each."""
        shards = local_shards(self.index_dir) if self.index_dir is not None else list(self.shards)
        database = getattr(self._local, "database", None)
        if database is None or self._local.shards != shards:
            database = self._local.database = open_shards(shards)
            self._local.shards = shards
        else:
            database.reopen()
        return database

    def _with_database(self, work: Callable[[xapian.Database], _T]) -> _T:
        """`work` done with this thread's database; again, with the shards reopened, after one
        changed under it or a rebuild replaced them; else ShardUnavailableError naming the shard
        that cannot be reached."""
        for attempt in range(3):
            try:
                return work(self._database())
            except ShardUnavailableError:
                if self.index_dir is None or attempt == 2:  # a local shard may have gone with a rebuild
                    raise
            except (xapian.NetworkError, xapian.DatabaseError) as error:
                self._local.database = None
                if attempt < 2 and isinstance(error, (xapian.DatabaseModifiedError, xapian.DatabaseOpeningError,
                                                      xapian.DatabaseNotFoundError)):
                    continue
                shards = local_shards(self.index_dir) if self.index_dir is not None else list(self.shards)
                raise ShardUnavailableError(down_shard(shards) or ", ".join(shards), error.get_msg()) from None
        raise AssertionError("unreachable")

    def _field_names(self, database: xapian.Database) -> _Names:
        with self._names_lock:
            if self._names is None or time.monotonic() - self._names.made > NAMES_SECONDS:
                self._names = _Names(database)
            return self._names


@dataclass(frozen=True)
class PageHit:
    """A hit of a page before it is shown: its document, score, tier, and whether the expansion
    brought it in."""

    docid: int
    score: float
    related: bool
    document: xapian.Document
    new: bool = False


@dataclass(frozen=True)
class Ranking:
    """As search.searcher.engine.Ranking: the page's hits, the counts, the facets, and the expansion."""

    parsed: ParsedQuery
    page: tuple[PageHit, ...]
    total: int
    related_total: int
    facets: dict[str, dict[str, int]]
    expansion: tuple[str, ...] = ()
    new_hits: frozenset[str] = frozenset()


def _listed(matches: _Tier, related: _Tier, request: SearchRequest, follow: bool) -> list[_Tier]:
    """As BulletinSearch._listed: the related results alone when nothing matches, after the matches
    in relevance order when they `follow` them, else the matches alone."""
    if not request.related:
        return [matches]
    if not matches.count:
        return [related]
    return [matches, related] if request.sort == "relevance" and follow else [matches]


def _page(database: xapian.Database, tiers: list[_Tier], request: SearchRequest, weights: Weights,
          gain: Callable[[frozenset[str]], float] | None, new: frozenset[str]) -> list[PageHit]:
    """The hits of the requested page: the tiers one after another, each in the requested order, the
    first DEPTH of each reordered by the feedback `gain`; related results after matches only fill out
    the last page of matches."""
    start = (request.page - 1) * request.page_size
    end = start + request.page_size
    if len(tiers) > 1 and start >= tiers[0].count:
        return []
    page: list[PageHit] = []
    before = 0
    for tier in tiers:
        if before >= end:
            break
        wanted = max(end - before, DEPTH if gain is not None else 0)
        mset = _ranked(database, tier.query, wanted, request.sort, weights)
        items = {item.docid: item for item in mset}
        ranked = [(docid, item.weight) for docid, item in items.items()]
        if gain is not None:  # by relevance, each item's sort key is its lead
            leads = {item.docid: _lead(key) for item, key in zip(mset, _sort_keys(mset))}
            ranked = reorder(ranked, lambda docid: gain(leads[docid]))
        for docid, score in ranked[max(0, start - before):max(0, end - before)]:
            document = items[docid].document
            is_new = tier.related and bool(new) and _id(document) in new
            page.append(PageHit(docid, score, tier.related, document, is_new))
        before += tier.count
    return page


def _enquire(database: xapian.Database, query: xapian.Query, weighting: xapian.Weight) -> xapian.Enquire:
    enquire = xapian.Enquire(database)
    enquire.set_query(query)
    enquire.set_weighting_scheme(weighting)
    return enquire


def _bm25(weights: Weights) -> xapian.Weight:
    return xapian.BM25Weight(weights.k1, 0.0, 1.0, weights.b, 0.5)


def _ranked(database: xapian.Database, query: xapian.Query, size: int, sort: str, weights: Weights) -> xapian.MSet:
    """The first `size` bulletins `query` matches in the `sort` order; by relevance, each item's sort
    key is its lead (search.xapian.layout.LEAD), which a remote shard sends with the item, sparing
    a round trip for its document."""
    enquire = _enquire(database, query, _bm25(weights))
    if sort == "relevance":
        enquire.set_sort_by_relevance_then_value(LEAD, False)
    else:
        enquire.set_sort_by_value_then_relevance(DATE, sort == "newest")
    return enquire.get_mset(0, size)


def _matches(database: xapian.Database, query: xapian.Query, best: int, weights: Weights) -> tuple[int, dict, xapian.MSet]:
    """One pass over every bulletin `query` matches: how many, exactly; their facets; and the `best` of
    them by BM25, with their leads as sort keys."""
    enquire = _enquire(database, query, _bm25(weights))
    enquire.set_sort_by_relevance_then_value(LEAD, False)  # as _ranked: the items' sort keys are their leads
    spies = _spies(enquire, FACET_SLOTS)
    mset = enquire.get_mset(0, best, database.get_doccount())
    found = _spied(spies)
    facets = {"year": {year: count for year, count in sorted(found["year"].items(), reverse=True)}}
    for field in FACETS[1:]:
        facets[field] = _by_lowercase(found[field], named=True)[0]
    return mset.get_matches_estimated(), facets, mset


def _count(database: xapian.Database, query: xapian.Query) -> int:
    """How many bulletins match `query`, exactly."""
    return _enquire(database, query, xapian.BoolWeight()).get_mset(0, 0, database.get_doccount()).get_matches_estimated()


def _value_counts(database: xapian.Database, query: xapian.Query, slots: dict[str, int]) -> dict[str, dict[str, int]]:
    """How many of the bulletins `query` matches hold each value of each slot, counted in Xapian."""
    enquire = _enquire(database, query, xapian.BoolWeight())
    spies = _spies(enquire, slots)
    enquire.get_mset(0, 0, database.get_doccount())
    return _spied(spies)


def _spies(enquire: xapian.Enquire, slots: dict[str, int]) -> dict[str, xapian.ValueCountMatchSpy]:
    spies = {name: xapian.ValueCountMatchSpy(slot) for name, slot in slots.items()}
    for spy in spies.values():
        enquire.add_matchspy(spy)
    return spies


def _spied(spies: dict[str, xapian.ValueCountMatchSpy]) -> dict[str, dict[str, int]]:
    return {name: {item.term.decode("utf-8"): item.termfreq for item in spy.values()} for name, spy in spies.items()}


def _by_lowercase(written: dict[str, int], named: bool = False) -> tuple[dict, dict[str, str]]:
    """Counts of names as written merged by their lowercase form: (counts by lowercase name, or with
    `named` by the spelling most bulletins use, most first; the spelling of each lowercase name)."""
    counts: dict[str, int] = {}
    spellings: dict[str, tuple[int, str]] = {}
    for name, count in written.items():
        value = name.lower()
        counts[value] = counts.get(value, 0) + count
        spellings[value] = max(spellings.get(value, (0, name)), (count, name))
    names = {value: spelling for value, (_, spelling) in spellings.items()}
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if named:
        return {names[value]: count for value, count in ordered}, names
    return dict(ordered), names


def _filter(query: xapian.Query, keep: xapian.Query) -> xapian.Query:
    return xapian.Query(xapian.Query.OP_FILTER, query, keep)


def _filtered(query: xapian.Query, restrict: xapian.Query | None) -> xapian.Query:
    return query if restrict is None else _filter(query, restrict)


def _without_exclusions(parsed: ParsedQuery) -> ParsedQuery:
    return replace(parsed, excluded=())


def _postings(database: xapian.Database, term: str) -> Iterator:
    return iter(database.postlist(term)) if database.term_exists(term) else iter(())


def _id(document: xapian.Document) -> str:
    return document.get_value(ID).decode("utf-8")


def _sort_keys(mset: xapian.MSet) -> list[bytes]:
    """The sort key of each item of `mset`, in order: what it was sorted by after relevance. (The
    bindings' MSetItem leaves out MSetIterator.get_sort_key; their own _get_hit_internal gives the
    iterator.)"""
    return [mset._get_hit_internal(index).get_sort_key() for index in range(mset.size())]


def _lead(value: bytes) -> frozenset[str]:
    """The lemmas of a bulletin's lead, from its LEAD value."""
    return frozenset(value.decode("utf-8").split())


def _idf(vocabulary: Vocabulary, field: str) -> Callable[[str], float]:
    count = vocabulary.count()
    return lambda lemma: bm25_idf(count, vocabulary.doc_frequency(field, lemma))


def _expansion_lemmas(vocabulary: Vocabulary, found: dict[str, float], own: set[str]) -> dict[str, float]:
    """The lemmas of the feedback model `found` that expand the query, with their weights: not the
    query's `own` lemmas, nor those in more than MAX_SHARE of the bodies (as expansion_query picks them;
    a hit the expansion brought in marks these words, not the whole model's)."""
    count = vocabulary.count() or 1
    return {lemma: part for lemma, part in found.items()
            if lemma not in own and vocabulary.doc_frequency("body", lemma) / count <= MAX_SHARE}


def _expansion(lemmas: dict[str, float], weight: float) -> xapian.Query | None:
    """As search.searcher.expansion.expansion_query: the expansion `lemmas` searched in the bodies with
    `weight` times their share of their weight; None when there is none or the weight is 0."""
    total = sum(lemmas.values())
    if not weight or not total:
        return None
    return xapian.Query(xapian.Query.OP_OR, [
        xapian.Query(xapian.Query.OP_SCALE_WEIGHT, xapian.Query(PREFIXES["body"] + lemma), weight * part / total)
        for lemma, part in lemmas.items()])


def _new_hits(database: xapian.Database, expansion: xapian.Query, loose: xapian.Query,
              excluded: xapian.Query | None, restrict: xapian.Query | None, weights: Weights) -> frozenset[str]:
    """The ids of the NEW_HITS bulletins that the query's words miss and the expansion scores best."""
    query = xapian.Query(xapian.Query.OP_AND_NOT, expansion, loose)
    if excluded is not None:
        query = xapian.Query(xapian.Query.OP_AND_NOT, query, excluded)
    enquire = _enquire(database, _filtered(query, restrict), _bm25(weights))
    enquire.set_sort_by_relevance_then_value(ID, False)  # the ids come with the items as their sort keys
    return frozenset(key.decode("utf-8") for key in _sort_keys(enquire.get_mset(0, NEW_HITS)))


def _gain(found: dict[str, float], weight: float) -> Callable[[frozenset[str]], float] | None:
    """The feedback bonus of a bulletin by its lead, as search.searcher.feedback.rerank_tiers gives it."""
    total = sum(found.values())
    if not weight or not total:
        return None
    bonus = {lemma: weight * share / total for lemma, share in found.items()}
    return lambda lead: sum(bonus[lemma] for lemma in bonus.keys() & lead)
