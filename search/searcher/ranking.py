"""A parsed query as a Whoosh query, and how its matches are weighed.

A word matches a bulletin whose title or body has any of its lemmas, or that has it inside a
longer compound: the `parts` field holds every run of a compound's consecutive parts, so
`rikos` and `ympäristörikos` are both found in `ympäristörikoksesta`. It scores more when the exact
surface form is there too, and less inside a longer compound. A compound query word found only as
its parts (`ympäristörikos` as `ympäristö` … `rikos`) makes a related result, not a match, and
scores less again. The weights were tuned on the dev set with benchmarks/relevance.py."""

from __future__ import annotations

from dataclasses import dataclass

from whoosh import query as q
from whoosh.query.spans import SpanNear, SpanOr
from whoosh.reading import IndexReader

from search.finnish import analyze_word, splits, surface
from search.searcher.query import ParsedQuery, Term, Word


@dataclass(frozen=True)
class Weights:
    """Boosts of the ways a word can match, the bonus for neighbouring query words, the most that
    feedback from the leads of the best matches adds (search.searcher.feedback), what the expansion
    by their lemmas weighs (search.searcher.expansion: at most that many query words), what
    belonging to the case a diary number names adds (more than any text can score: the case's
    bulletins come first), and BM25's parameters (a high k1: in long decisions the topic's words
    recur, and that counts).

    Each field's BM25 saturates on its own and the ways add up (Whoosh's BM25F), so a word found in
    several fields scores more. Saturating a word once, over its fields' length-normalised counts
    added up (BM25F as Robertson et al. 2004 define it), ranked worse on the dev set at every k1 from
    1.2 to 40 and title weight from 0.5 to 10 (nDCG@10 0.544 to 0.571 against 0.577)."""

    title: float = 0.5
    exact: float = 0.5
    part: float = 1.0
    split: float = 0.3
    near: float = 2.0
    feedback: float = 40.0
    expansion: float = 0.5
    case: float = 1000.0
    k1: float = 8.0
    b: float = 0.75


WEIGHTS = Weights()


def all_words(parsed: ParsedQuery, weights: Weights = WEIGHTS, split: bool = True) -> q.Query:
    """Bulletins with every required group and none of the excluded terms. Without `split` a
    compound query word counts only when found whole (in any inflection, or inside a longer
    compound), not when found only as its own parts: those bulletins are the matches."""
    return _exclude(q.And([_group(group, weights, split) for group in parsed.required]), parsed, weights)


def any_word(parsed: ParsedQuery, weights: Weights = WEIGHTS) -> q.Query:
    """Bulletins with at least one required group and none of the excluded terms."""
    return _exclude(q.Or([_group(group, weights) for group in parsed.required]), parsed, weights)


def proximity(parsed: ParsedQuery, weights: Weights = WEIGHTS) -> q.Query | None:
    """The bonus for each two query words next to each other in the body, in query order; None
    for a query without two neighbouring plain words. (Within a window of 3, 5 or 10 words, in
    order or not, ranked no better: nDCG@10 0.001 to 0.006 lower on the dev set, and no known item
    higher.)"""
    words = [group[0].words[0] for group in parsed.required
             if len(group) == 1 and not group[0].prefix and not group[0].is_phrase and not group[0].title_only]
    pairs = [_Near(_span("body", first, 1.0), _span("body", second, 1.0)) for first, second in zip(words, words[1:])]
    if not pairs:
        return None
    return q.Or(pairs, boost=weights.near)


def _exclude(query: q.Query, parsed: ParsedQuery, weights: Weights) -> q.Query:
    """`query` without the bulletins that an excluded term matches: a compound's scattered parts
    do not match it, so they do not exclude."""
    if not parsed.required:
        query = q.Every()
    excluded = excluded_words(parsed, weights)
    return query if excluded is None else q.AndNot(query, excluded)


def excluded_words(parsed: ParsedQuery, weights: Weights = WEIGHTS) -> q.Query | None:
    """The bulletins that hold an excluded word (whole, or inside a longer compound); None without one."""
    return q.Or([term_query(term, weights, split=False) for term in parsed.excluded]) if parsed.excluded else None


def _group(group: tuple[Term, ...], weights: Weights, split: bool = True) -> q.Query:
    queries = [term_query(term, weights, split) for term in group]
    return q.Or(queries) if len(queries) > 1 else queries[0]


def term_query(term: Term, weights: Weights = WEIGHTS, split: bool = True) -> q.Query:
    """The query of one word, prefix or phrase; `split` lets a compound word match its parts. A
    diary number matches the bulletins of its case, and the text that holds it."""
    if term.prefix:
        return _prefix_query(term.words[0].text, term.title_only, weights)
    if term.is_phrase:
        text = _phrase_query(term.words, term.title_only, weights)
    else:
        text = _word_query(term.words[0].text, term.title_only, weights, split)
    return q.Or([q.Term("case", term.case, boost=weights.case), text]) if term.case else text


def _lemmas(field: str, lemmas: tuple[str, ...], boost: float = 1.0) -> q.Query:
    if len(lemmas) == 1:
        return q.Term(field, lemmas[0], boost=boost)
    return q.Or([q.Term(field, lemma) for lemma in lemmas], boost=boost)


def _word_query(word: str, title_only: bool, weights: Weights, split: bool) -> q.Query:
    analysis = analyze_word(word)
    if title_only:
        return _lemmas("title", analysis.lemmas)
    ways = [
        _lemmas("body", analysis.lemmas),
        _lemmas("title", analysis.lemmas, weights.title),
        q.Term("exact", surface(word), boost=weights.exact),
        _lemmas("parts", analysis.lemmas, weights.part),
    ]
    for parts in splits(word) if split else ():
        ways.append(q.And([q.Or([term for lemma in lemmas for term in _part(lemma, weights)]) for lemmas in parts]))
    return q.Or(ways)


def _part(lemma: str, weights: Weights) -> list[q.Query]:
    """A part of a compound query word, found by itself: scored least."""
    return [q.Term("body", lemma, boost=weights.split), q.Term("title", lemma, boost=weights.split * weights.title),
            q.Term("parts", lemma, boost=weights.split * weights.part)]


def _prefix_query(stem: str, title_only: bool, weights: Weights) -> q.Query:
    stem = surface(stem)
    if title_only:
        return q.Prefix("title", stem)
    return q.Or([q.Prefix("body", stem), q.Prefix("title", stem, boost=weights.title),
                 q.Prefix("exact", stem, boost=weights.exact)])


def _phrase_query(words: tuple[Word, ...], title_only: bool, weights: Weights) -> q.Query:
    """The words at their distances, in order, each by any of its lemmas."""
    if title_only:
        return _phrase("title", words)
    return q.Or([_phrase("body", words), _phrase("title", words, weights.title)])


def _phrase(field: str, words: tuple[Word, ...], boost: float = 1.0) -> q.Query:
    # A span query ignores its own boost and scores as the sum of its terms: boost the terms.
    spans = [_span(field, word, boost) for word in words]
    phrase = spans[0]
    for before, word, span in zip(words, words[1:], spans[1:]):
        gap = word.position - before.position  # more than 1 where a stopword stood
        phrase = _Near(phrase, span, slop=gap, mindist=gap)
    return phrase


def _span(field: str, word: Word, boost: float) -> q.Query:
    lemmas = analyze_word(word.text).lemmas
    terms = [q.Term(field, lemma, boost=boost) for lemma in lemmas]
    return terms[0] if len(terms) == 1 else _AnyLemma(terms)


class _Sized:
    """Lets a span query estimate its size, as Whoosh's Or and And ask of their subqueries."""

    q: q.Query

    def estimate_size(self, reader: IndexReader) -> int:
        return self.q.estimate_size(reader)

    def estimate_min_size(self, reader: IndexReader) -> int:
        return self.q.estimate_min_size(reader)


class _Near(_Sized, SpanNear):
    """The second query within `slop` positions after the first."""


class _AnyLemma(_Sized, SpanOr):
    """Any of the lemmas of one word, at the word's position."""
