"""A parsed query as Xapian queries: the same ways a word matches, with the same weights, as the
Whoosh queries of search.searcher.ranking.

A word matches by any of its lemmas in title or body, by its exact form, or inside a longer compound
(the parts terms); only `split` queries also let a compound query word match all its own parts
scattered (search.finnish.splits), which makes a related result, never a match. Weights scale
each way (OP_SCALE_WEIGHT); a phrase is an OP_PHRASE over the lemmas of each word; a prefix is an
OP_WILDCARD. The date, year and field filters are boolean (OP_FILTER): they never weigh."""

from __future__ import annotations

from datetime import date

import xapian

from search.finnish import analyze_word, splits, surface
from search.searcher.query import DateRange, FieldFilter, ParsedQuery, Term, Word
from search.searcher.ranking import Weights
from search.xapian.layout import DATE, MAX_TERM_BYTES, PREFIXES

B, T, X, P, H = (PREFIXES[name] for name in ("body", "title", "exact", "parts", "case"))
# A prefix query expands to at most this many terms of each field (the most frequent first).
MAX_EXPANSION = 2000


def all_words(parsed: ParsedQuery, weights: Weights, split: bool = True) -> xapian.Query:
    """Every required group, none of the excluded terms; without `split` a compound query word
    counts only when found whole."""
    if not parsed.required:
        return _exclude(xapian.Query.MatchAll, parsed, weights)
    return _exclude(_combine(xapian.Query.OP_AND, [_group(group, weights, split) for group in parsed.required]),
                    parsed, weights)


def any_word(parsed: ParsedQuery, weights: Weights) -> xapian.Query:
    """At least one required group, none of the excluded terms."""
    if not parsed.required:
        return _exclude(xapian.Query.MatchAll, parsed, weights)
    return _exclude(_combine(xapian.Query.OP_OR, [_group(group, weights) for group in parsed.required]),
                    parsed, weights)


def proximity(parsed: ParsedQuery, weights: Weights) -> xapian.Query | None:
    """The bonus for each two neighbouring plain query words next to each other in the body."""
    words = [group[0].words[0] for group in parsed.required
             if len(group) == 1 and not group[0].prefix and not group[0].is_phrase and not group[0].title_only]
    pairs = [xapian.Query(xapian.Query.OP_PHRASE, [_word_lemmas(B, first), _word_lemmas(B, second)], 2)
             for first, second in zip(words, words[1:])]
    if not pairs:
        return None
    return xapian.Query(xapian.Query.OP_SCALE_WEIGHT, _combine(xapian.Query.OP_OR, pairs), weights.near)


def excluded_words(parsed: ParsedQuery, weights: Weights) -> xapian.Query | None:
    if not parsed.excluded:
        return None
    return _combine(xapian.Query.OP_OR, [term_query(term, weights, split=False) for term in parsed.excluded])


def restriction(dates: DateRange, year: int | None, *filter_sets: tuple[FieldFilter, ...]) -> xapian.Query | None:
    """The bulletins within the dates, of the year and passing every set of filters (in each field,
    any of its positive filters and none of its negated ones); None when nothing is filtered out."""
    parts: list[xapian.Query] = []
    first, last = dates.first, dates.last
    if year is not None:
        first = max(first or date(year, 1, 1), date(year, 1, 1))
        last = min(last or date(year, 12, 31), date(year, 12, 31))
    if first is not None or last is not None:
        low = xapian.sortable_serialise((first or date.min).toordinal())
        high = xapian.sortable_serialise((last or date.max).toordinal())
        parts.append(xapian.Query(xapian.Query.OP_VALUE_RANGE, DATE, low, high))
    negated: list[xapian.Query] = []
    for filters in filter_sets:
        for field in {test.field for test in filters}:
            wanted = [_field_query(test) for test in filters if test.field == field and not test.negated]
            if wanted:
                parts.append(_combine(xapian.Query.OP_OR, wanted))
            negated += [_field_query(test) for test in filters if test.field == field and test.negated]
    if not parts and not negated:
        return None
    query = _combine(xapian.Query.OP_AND, parts) if parts else xapian.Query.MatchAll
    if negated:
        query = xapian.Query(xapian.Query.OP_AND_NOT, query, _combine(xapian.Query.OP_OR, negated))
    return query


def _field_query(test: FieldFilter) -> xapian.Query:
    term = PREFIXES[test.field] + test.value
    if test.prefix:
        return xapian.Query(xapian.Query.OP_WILDCARD, term)
    return xapian.Query(term)


def _exclude(query: xapian.Query, parsed: ParsedQuery, weights: Weights) -> xapian.Query:
    excluded = excluded_words(parsed, weights)
    return query if excluded is None else xapian.Query(xapian.Query.OP_AND_NOT, query, excluded)


def _group(group: tuple[Term, ...], weights: Weights, split: bool = True) -> xapian.Query:
    return _combine(xapian.Query.OP_OR, [term_query(term, weights, split) for term in group])


def term_query(term: Term, weights: Weights, split: bool = True) -> xapian.Query:
    """The query of one word, prefix or phrase; a diary number also matches its case's bulletins."""
    if term.prefix:
        text = _prefix_query(term.words[0].text, term.title_only, weights)
    elif term.is_phrase:
        text = _phrase_query(term.words, term.title_only, weights)
    else:
        text = _word_query(term.words[0].text, term.title_only, weights, split)
    if term.case:
        return xapian.Query(xapian.Query.OP_OR, _scaled(xapian.Query(H + term.case), weights.case), text)
    return text


def _word_query(word: str, title_only: bool, weights: Weights, split: bool) -> xapian.Query:
    analysis = analyze_word(word)
    if title_only:
        return _lemmas(T, analysis.lemmas)
    ways = [_lemmas(B, analysis.lemmas), _scaled(_lemmas(T, analysis.lemmas), weights.title),
            _scaled(_term(X + surface(word)), weights.exact), _scaled(_lemmas(P, analysis.lemmas), weights.part)]
    for parts in splits(word) if split else ():
        ways.append(_combine(xapian.Query.OP_AND, [
            _combine(xapian.Query.OP_OR, [way for lemma in lemmas for way in _part(lemma, weights)]) for lemmas in parts]))
    return _combine(xapian.Query.OP_OR, ways)


def _part(lemma: str, weights: Weights) -> list[xapian.Query]:
    """A part of a compound query word, found by itself: scored least."""
    return [_scaled(_term(B + lemma), weights.split), _scaled(_term(T + lemma), weights.split * weights.title),
            _scaled(_term(P + lemma), weights.split * weights.part)]


def _prefix_query(stem: str, title_only: bool, weights: Weights) -> xapian.Query:
    stem = surface(stem)
    if title_only:
        return _wildcard(T + stem)
    return _combine(xapian.Query.OP_OR, [_wildcard(B + stem), _scaled(_wildcard(T + stem), weights.title),
                                         _scaled(_wildcard(X + stem), weights.exact)])


def _phrase_query(words: tuple[Word, ...], title_only: bool, weights: Weights) -> xapian.Query:
    if title_only:
        return _phrase(T, words)
    return xapian.Query(xapian.Query.OP_OR, _phrase(B, words), _scaled(_phrase(T, words), weights.title))


def _phrase(prefix: str, words: tuple[Word, ...]) -> xapian.Query:
    """The words in order within the span they take in the query (a dropped stopword's place counts)."""
    window = words[-1].position - words[0].position + 1
    return xapian.Query(xapian.Query.OP_PHRASE, [_word_lemmas(prefix, word) for word in words], window)


def _word_lemmas(prefix: str, word: Word) -> xapian.Query:
    return _lemmas(prefix, analyze_word(word.text).lemmas)


def _lemmas(prefix: str, lemmas: tuple[str, ...]) -> xapian.Query:
    return _combine(xapian.Query.OP_OR, [_term(prefix + lemma) for lemma in lemmas])


def _term(term: str) -> xapian.Query:
    # a term too long to be indexed is in no bulletin
    return xapian.Query(term) if len(term.encode("utf-8")) <= MAX_TERM_BYTES else xapian.Query.MatchNothing


def _wildcard(pattern: str) -> xapian.Query:
    return xapian.Query(xapian.Query.OP_WILDCARD, pattern, MAX_EXPANSION, xapian.Query.WILDCARD_LIMIT_MOST_FREQUENT)


def _scaled(query: xapian.Query, factor: float) -> xapian.Query:
    return query if factor == 1.0 else xapian.Query(xapian.Query.OP_SCALE_WEIGHT, query, factor)


def _combine(op: int, queries: list[xapian.Query]) -> xapian.Query:
    return queries[0] if len(queries) == 1 else xapian.Query(op, queries)
