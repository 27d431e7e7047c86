"""Which words of a text the query matched, and how: the same rules the index query uses, applied
to the words of one text, for highlighting, snippets and explanations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from search.finnish import analyze_word, surface, words
from search.searcher.query import ParsedQuery, Term

How = Literal["exact", "lemma", "part"]


@dataclass(frozen=True)
class Found:
    """A matched word of the text: its offsets and which query words matched it, how."""

    start: int
    end: int
    word: str
    matches: tuple[tuple[str, How], ...]


@dataclass(frozen=True)
class _QueryWord:
    label: str  # as shown to the user: the word as typed, `kokeilu*` for a prefix
    surface: str
    lemmas: frozenset[str]
    parts: frozenset[str]
    prefix: bool = False

    @classmethod
    def of(cls, term: Term, index: int = 0) -> _QueryWord:
        text = term.words[index].text
        if term.prefix:
            return cls(text + "*", surface(text), frozenset(), frozenset(), prefix=True)
        analysis = analyze_word(text)
        return cls(text, surface(text), frozenset(analysis.lemmas), frozenset(analysis.parts))

    def how(self, word: str) -> How | None:
        """How this query word matches the text word `word`, if it does."""
        low = surface(word)
        analysis = analyze_word(word)
        if self.prefix:
            if low.startswith(self.surface):
                return "exact"
            return "lemma" if any(lemma.startswith(self.surface) for lemma in analysis.lemmas) else None
        if low == self.surface:
            return "exact"
        if self.lemmas.intersection(analysis.lemmas):
            return "lemma"
        if self.lemmas.intersection(analysis.parts) or self.parts.intersection(analysis.lemmas):
            return "part"
        return None


class QueryMatcher:
    """Finds the words of a text that the positive terms of a query match. Phrases match only
    where their words stand together in order. Keeps a memo of the words it has seen: make one per query."""

    def __init__(self, parsed: ParsedQuery) -> None:
        terms = [term for group in parsed.required for term in group]
        self._words = [_QueryWord.of(term) for term in terms if not term.is_phrase]
        self._phrases = [[(word.position, _QueryWord.of(term, i)) for i, word in enumerate(term.words)]
                         for term in terms if term.is_phrase]
        self._memo: dict[str, tuple[tuple[str, How], ...]] = {}

    def find(self, text: str) -> list[Found]:
        """The matched words of `text`, in text order."""
        tokens = list(words(text))
        found: dict[int, list[tuple[str, How]]] = {}
        for i, (word, _, _) in enumerate(tokens):
            matches = self._word_matches(word)
            if matches:
                found[i] = list(matches)
        for phrase in self._phrases:
            for i in range(len(tokens)):
                hows = _phrase_at(phrase, tokens, i)
                for (offset, query_word), how in zip(phrase, hows):
                    found.setdefault(i + offset, []).append((query_word.label, how))
        return [Found(tokens[i][1], tokens[i][2], tokens[i][0], tuple(found[i])) for i in sorted(found)]

    def _word_matches(self, word: str) -> tuple[tuple[str, How], ...]:
        matches = self._memo.get(word)
        if matches is None:
            matches = self._memo[word] = tuple(
                (query_word.label, how) for query_word in self._words if (how := query_word.how(word)))
        return matches


def _phrase_at(phrase: list[tuple[int, _QueryWord]], tokens: list[tuple[str, int, int]], i: int) -> list[How]:
    """How each word of the phrase matches when the phrase starts at token `i`; empty if it does not.
    Like the index, a phrase matches by lemma only (the exact form is a lemma match too)."""
    hows: list[How] = []
    for offset, query_word in phrase:
        how = query_word.how(tokens[i + offset][0]) if i + offset < len(tokens) else None
        if how not in ("exact", "lemma"):
            return []
        hows.append(how)
    return hows
