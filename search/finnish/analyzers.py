"""The Whoosh analysis chains of the index: lemmas, exact surface forms, and compound parts.

Whoosh pickles analyzers into the index, so these classes must stay at this import path. They hold
no Voikko handle (each thread opens its own in `search.finnish.voikko`), so they pickle cleanly.

All three chains share one tokenizer, so a word has the same position in every field; a stopword
is dropped but its position stays used, and every term of one word shares the word's position."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from whoosh.analysis import Filter, Token

from search.finnish.tokenizer import FinnishTokenizer, word_texts
from search.finnish.words import analyze_word

# The filters run once per word occurrence in three fields, so their loops bind analyze_word locally
# and only set the token's text: the tokenizer set everything else.


class LemmaFilter(Filter):
    """Every base form of the word (all readings of an ambiguous word; a participle's verb too)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        analyze = analyze_word
        for token in tokens:
            analysis = analyze(token.text)
            if not analysis.stop:
                for lemma in analysis.lemmas:
                    token.text = lemma
                    yield token


class ExactFilter(Filter):
    """The word as written, lowercased: exact matches rank above other inflections."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        analyze = analyze_word
        for token in tokens:
            analysis = analyze(token.text)
            if not analysis.stop:
                token.text = analysis.exact
                yield token


class PartsFilter(Filter):
    """The parts of a compound word and their longer runs (`yrityshautomopalvelujen` → yritys,
    hautomo, palvelu, yrityshautomo, hautomopalvelu)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        analyze = analyze_word
        for token in tokens:
            for part in analyze(token.text).parts:
                token.text = part
                yield token


def lemma_analyzer():
    """Text → lemma terms, for the scored body and title fields and for phrases."""
    return FinnishTokenizer() | LemmaFilter()


def exact_analyzer():
    """Text → lowercased surface forms."""
    return FinnishTokenizer() | ExactFilter()


def parts_analyzer():
    """Text → compound parts and runs of parts."""
    return FinnishTokenizer() | PartsFilter()


# The opening of a bulletin, in words: the title and the first sentences of the body.
LEAD_WORDS = 120


@dataclass(frozen=True)
class TermLists:
    """What one pass over a bulletin's words gives the index: the terms of the exact and parts
    fields, and the distinct lemmas of its opening (the first LEAD_WORDS words)."""

    exact: list[str]
    parts: list[str]
    lead: list[str]


def term_lists(text: str) -> TermLists:
    """The terms exact_analyzer() and parts_analyzer() give for `text`, and its lead's lemmas, in one
    pass. These fields keep no positions, so the index takes the term lists as they are (Whoosh
    indexes a list value without running the analyzer), which spares two token streams per bulletin."""
    analyses = list(map(analyze_word, word_texts(text)))
    exact = [analysis.exact for analysis in analyses if not analysis.stop]
    parts = [part for analysis in analyses for part in analysis.parts]
    lead = dict.fromkeys(lemma for analysis in analyses[:LEAD_WORDS] if not analysis.stop for lemma in analysis.lemmas)
    return TermLists(exact, parts, list(lead))
