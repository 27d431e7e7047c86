"""Which words of a text the query matched, and how: the same rules the index query uses, applied
to the words of one text, for highlighting, snippets and explanations.

Analysing every word of a long bulletin is slow, so only the words that contain the start of a
query word's lemma, part or written form (`sak` for `sakko`, which finds `sakon`) are analysed.
Inflection changes little more than the last two letters of a Finnish stem, and consonant
gradation a double consonant before them (`määrittää` → `määritetty`: `määrit`); a word in -nen
changes its last three (`yleinen` → `yleisen`, `ihminen` → `ihmisiä`: `ylei`, `ihmi`). For the rare
forms that change more (`lapsi` → `lasten`) a search can ask for every word to be analysed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from search.finnish import STEM_MARK, WordAnalysis, analyze_word, leading_words, surface, words
from search.searcher.query import ParsedQuery, Term
from search.searcher.results import How

# Enough words after a phrase's first word to hold the rest of it.
PHRASE_CHARS = 400

_SPACE = re.compile(r"\s")
_VOWELS = frozenset("aeiouyäöå")


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
        """How this query word matches the text word `word`, if it does: as written, as another
        inflection, inside a longer compound (the word's parts hold the query word), or by one part
        of the query word only (which makes a related result, not a match)."""
        return self.how_analysed(surface(word), analyze_word(word))

    def how_analysed(self, low: str, analysis: WordAnalysis) -> How | None:
        """`how`, for a word whose surface form (`surface`) and analysis are known already (as the
        matcher knows them when it tries a prefix query word on a word of the text)."""
        if self.prefix:
            if low.startswith(self.surface):
                return "exact"
            return "lemma" if any(lemma.startswith(self.surface) for lemma in analysis.lemmas) else None
        if low == self.surface:
            return "exact"
        if self.lemmas.intersection(analysis.lemmas):
            return "lemma"
        if self.lemmas.intersection(analysis.parts):
            return "compound"
        if self.parts.intersection(analysis.lemmas) or self.parts.intersection(analysis.parts):
            return "part"
        return None

    def fragments(self, parts: bool) -> set[str]:
        """Pieces that every word this query word matches contains (but for the rare irregular forms);
        with `parts`, also every word that holds only a part of it."""
        if self.prefix:
            return {self.surface}
        stems = {term.lstrip(STEM_MARK) for term in (self.surface, *self.lemmas, *(self.parts if parts else ()))}
        fragments = {_fragment(stem) for stem in stems if stem}
        if "-" in self.surface:  # työsuhde-etuudet: its lemma's start, hyphen and all, finds työsuhde-etuutena
            fragments |= {hyphened for fragment in fragments if (hyphened := _hyphened(fragment, self.surface))}
        return fragments


class QueryMatcher:
    """Finds the words of a text that the positive terms of a query match. Phrases match only
    where their words stand together in order. Keeps a memo of the words it has seen: make one per query."""

    def __init__(self, parsed: ParsedQuery) -> None:
        terms = [term for group in parsed.required for term in group]
        self._words = [_QueryWord.of(term) for term in terms if not term.is_phrase]
        self._phrases = [[(word.position, _QueryWord.of(term, i)) for i, word in enumerate(term.words)]
                         for term in terms if term.is_phrase]
        # A compound query word's parts (short, and in many words) are looked for only when asked:
        # by `parts`, the pattern of the fragments a matched word holds.
        self._patterns = {parts: _fragment_pattern(self._words, self._phrases, parts) for parts in (False, True)}
        self._memo: dict[str, tuple[tuple[str, How], ...]] = {}
        # The query words (by index) that each surface form, lemma and part names, prefixes apart: a
        # word of the text looks its own forms up instead of being tried by each query word in turn.
        self._named: dict[str, dict[str, set[int]]] = {"surface": {}, "lemma": {}, "part": {}}
        for index, query_word in enumerate(self._words):
            if not query_word.prefix:
                for names, keys in (("surface", (query_word.surface,)), ("lemma", query_word.lemmas),
                                    ("part", query_word.parts)):
                    for key in keys:
                        self._named[names].setdefault(key, set()).add(index)
        self._prefixes = [index for index, query_word in enumerate(self._words) if query_word.prefix]
        # The query words as matches name them (a phrase's words one by one): a passage with a
        # match of each has every query word.
        self.labels = frozenset(word.label for word in self._words) | frozenset(
            word.label for phrase in self._phrases for _, word in phrase)
        # How far past a word the text decides whether it is marked: a phrase's length, or nothing.
        self.lookahead = PHRASE_CHARS if self._phrases else 0
        self._chunks: dict[str, list[tuple[str, int, int, tuple[tuple[str, How], ...]]]] = {}

    def find(self, text: str, parts: bool = False, every_word: bool = False, since: int = 0) -> list[Found]:
        """The matched words of `text`, in text order; with `parts`, also the words that hold only a
        part of a compound query word. With `every_word`, every word is analysed, not only those that
        hold a fragment of a query word. From `since` on (0, or where whitespace stands): the words
        after it, and the words of the phrases that begin after it."""
        found: dict[int, Found] = {}
        candidates = list(self._candidates(text, every_word, parts, since))
        for word, start, end, matches in candidates:
            matches = matches if parts else tuple(match for match in matches if match[1] != "part")
            if matches:
                found[start] = Found(start, end, word, matches)
        for phrase in self._phrases:
            for first, start, _, _ in candidates:
                if phrase[0][1].how(first) not in ("exact", "lemma"):
                    continue
                tokens = [(token, start + s, start + e)
                          for token, s, e in leading_words(text[start:start + PHRASE_CHARS], phrase[-1][0] + 1)]
                for (offset, query_word), how in zip(phrase, _phrase_at(phrase, tokens)):
                    token, token_start, token_end = tokens[offset]
                    before = found[token_start].matches if token_start in found else ()
                    if (query_word.label, how) not in before:
                        found[token_start] = Found(token_start, token_end, token, (*before, (query_word.label, how)))
        return [found[start] for start in sorted(found)]

    def _candidates(self, text: str, every_word: bool, parts: bool,
                    since: int = 0) -> Iterator[tuple[str, int, int, tuple[tuple[str, How], ...]]]:
        """The words of `text` from `since` on that contain a fragment of a query word (with `parts`,
        also of its parts; or all, with `every_word`), in text order, with the query words that match
        them. A whitespace-delimited chunk is cut into words as the index cuts it."""
        pattern = self._patterns[parts]
        if pattern is None:
            return
        if every_word:
            yield from ((word, since + start, since + end, self._word_matches(word))
                        for word, start, end in words(text[since:]))
            return
        low = text.lower()
        # compiled when first needed (re keeps what it compiled): most searches never need IGNORECASE
        scanned, fragments = ((low, re.compile(pattern)) if len(low) == len(text)
                              else (text, re.compile(pattern, re.IGNORECASE)))
        position = since
        while (hit := fragments.search(scanned, position)) is not None:
            start = hit.start()  # the chunk around the fragment: back to the space before it, on to the next
            while start > position and not text[start - 1].isspace():
                start -= 1
            space = _SPACE.search(text, hit.end())
            position = space.start() if space else len(text)
            piece = text[start:position]
            cut = self._chunks.get(piece)
            if cut is None:
                cut = self._chunks[piece] = [(word, begin, end, self._word_matches(word))
                                             for word, begin, end in words(piece)]
            for word, begin, end, matches in cut:
                yield word, start + begin, start + end, matches

    def first_fragment(self, text: str, parts: bool = False) -> int | None:
        """Where the first fragment of a query word stands in `text` (None when none does): `find`
        finds nothing before the word that holds it. (Searched without lowercasing the text first:
        the search stops there, and the fragment is usually near the start of a long text.)"""
        pattern = self._patterns[parts]
        hit = re.compile(pattern, re.IGNORECASE).search(text) if pattern is not None else None
        return hit.start() if hit else None

    def _word_matches(self, word: str) -> tuple[tuple[str, How], ...]:
        """The query words that match `word`, each with how (as `_QueryWord.how` says), in query order."""
        matches = self._memo.get(word)
        if matches is None:
            low, analysis = surface(word), analyze_word(word)
            found: dict[int, How] = {}
            # from the weakest way to the strongest, so that the strongest way a query word matches stays
            for how, names, keys in (("part", "part", (*analysis.lemmas, *analysis.parts)),
                                     ("compound", "lemma", analysis.parts), ("lemma", "lemma", analysis.lemmas),
                                     ("exact", "surface", (low,))):
                for key in keys:
                    for index in self._named[names].get(key, ()):
                        found[index] = how
            for index in self._prefixes:
                if how := self._words[index].how_analysed(low, analysis):
                    found[index] = how
            matches = self._memo[word] = tuple((self._words[index].label, found[index]) for index in sorted(found))
        return matches


def _fragment(stem: str) -> str:
    """The start of `stem` that its inflected forms keep: without its last two letters, and without
    the second of a double consonant before them, which gradation makes single (`kehittää` →
    `kehit`, for `kehitetty`); at least two letters. A number keeps all its digits (`2022:n`), up
    to a dash, which the text may write otherwise (`2017-2021` is `2017–2021` there; the stems, as
    surface() and the lemmas give them, write every dash as `-`). A word in -nen keeps all but
    those three letters, as its other forms have -s- there (`yleinen`, `yleisen`, `yleistä`: `ylei`)."""
    if stem[0].isdigit():
        return stem.split("-", 1)[0]
    end = max(2, len(stem) - (3 if stem.endswith("nen") else 2))
    if end > 2 and stem[end - 1] == stem[end - 2] and stem[end - 1] not in _VOWELS:
        end -= 1
    return stem[:end]


def _hyphened(fragment: str, written: str) -> str | None:
    """`fragment` with the hyphens that `written` has where the fragment's letters stand (a lemma
    drops them: `työsuhdeetu` in `työsuhde-etuudet` is `työsuhde-etu`); None when the fragment is
    no start of the written word but for its hyphens, or has them already."""
    letters = iter(fragment)
    spelled = []
    for char in written:
        if len(spelled) - spelled.count("-") == len(fragment):
            break
        if char != "-" and char != next(letters):
            return None
        spelled.append(char)
    hyphened = "".join(spelled)
    return hyphened if hyphened != fragment and len(hyphened) - hyphened.count("-") == len(fragment) else None


def _fragment_pattern(query_words: list[_QueryWord], phrases: list[list[tuple[int, _QueryWord]]],
                      parts: bool) -> str | None:
    """The regular expression of the fragments of the query words, longest first: it finds them at
    C speed, and faster in lowercased text than with IGNORECASE (which lowercasing that changes
    lengths needs); the whitespace-delimited chunk around each is then cut into words. (One pattern
    of the whole chunk around an alternative tries every alternative at every letter: 30 times
    slower.) A phrase's words match whole, never by a part. None for a query without words."""
    fragments = {fragment for query_word in query_words for fragment in query_word.fragments(parts)}
    fragments |= {fragment for phrase in phrases for _, query_word in phrase for fragment in query_word.fragments(False)}
    pattern = "|".join(re.escape(fragment) for fragment in sorted(fragments, key=len, reverse=True))
    return pattern or None


def _phrase_at(phrase: list[tuple[int, _QueryWord]], tokens: list[tuple[str, int, int]]) -> list[How]:
    """How each word of the phrase matches when the phrase starts at the first token; empty if it
    does not. Like the index, a phrase matches by lemma only (the exact form is a lemma match too)."""
    hows: list[How] = []
    for offset, query_word in phrase:
        how = query_word.how(tokens[offset][0]) if offset < len(tokens) else None
        if how not in ("exact", "lemma"):
            return []
        hows.append(how)
    return hows
