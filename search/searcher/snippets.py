"""Text as spans with the matched words marked: the whole text, or its best passage as a snippet.

The best passage is the first with the most different query words. A bulletin states its subject
first, so that passage is usually where it says what it decides; and it is found without reading
the whole text: a long decision's snippet needs only the matches of its beginning (snippet_matches),
which is most of the cost of a page of hits."""

from __future__ import annotations

import re
from dataclasses import replace

from search.finnish import words
from search.headings import HEADING_MARKS
from search.searcher.matching import Found, QueryMatcher
from search.searcher.results import Span

SNIPPET_CHARS = 240
# The snippet starts this far before its first match, so the match is read in context.
LEAD_CHARS = 60
# How much of a text past the first fragment of a query word is first looked through for the best
# passage; four times more each time after.
FIRST_CHARS = 1000
ELLIPSIS = "…"
_SPACE = re.compile(r"\s+")
# What may stand between a title taken from the opening sentence and the text after it.
_SENTENCE_GAP = re.compile(r"[\s.!?,;:…\"'”’»)\]]*")


def highlight(text: str, found: list[Found]) -> tuple[Span, ...]:
    """All of `text` as spans, the found words marked."""
    return _spans(text, 0, len(text), found)


def after_title(title: str, body: str) -> int:
    """Where the text after the title begins when `body` opens with `title` (a title made of the
    opening sentence, or of its first words, "…" where cut), so that a snippet need not repeat the
    title; 0 when the body does not open so."""
    head = title.removesuffix(ELLIPSIS).rstrip()
    opening = len(body) - len(body.lstrip())
    if not head or not body.startswith(head, opening):
        return 0
    return _SENTENCE_GAP.match(body, opening + len(head)).end()


def snippet(text: str, found: list[Found], size: int = SNIPPET_CHARS) -> tuple[Span, ...]:
    """The first passage of about `size` characters with the most different query words, cut at
    word boundaries, "…" where cut, whitespace runs made single spaces and the marks of headings
    dropped. `found` must hold the matches of the text as far as that passage and a phrase beyond."""
    first, _ = _best_passage(found, size)
    if first:  # back to the start of the word, then on to the first word
        first = max(text.rfind(" ", 0, first), text.rfind("\n", 0, first)) + 1
        first += next((start for _, start, _ in words(text[first:first + size])), 0)
    if len(text) - first <= size:  # the rest fits
        last = len(text)
    else:  # whole words only: one more character shows whether the last word goes on
        ends = [end for _, _, end in words(text[first:first + size + 1]) if end <= size]
        last = first + ends[-1] if ends else first + size
    spans = tuple(Span(_SPACE.sub(" ", HEADING_MARKS.sub("", span.text)), span.matched)
                  for span in _spans(text, first, last, found))
    if first > 0:
        spans = (Span(ELLIPSIS + " "), *spans)
    if last < len(text.rstrip()):
        spans = (*spans, Span(" " + ELLIPSIS))
    return spans


def snippet_matches(matcher: QueryMatcher, text: str, parts: bool = False, size: int = SNIPPET_CHARS) -> list[Found]:
    """The matches of `text` (as `matcher.find` finds them) that its snippet needs: those of its
    beginning, as far as the first passage with every query word, and a phrase's length after it;
    all of them when no passage has every query word. (The passage may begin up to `size` after
    where the matches put it, at the first word there.) Each round reads on from where the one
    before stopped, but for a phrase's length before it, where a phrase may have been cut short."""
    first_fragment = matcher.first_fragment(text, parts)
    if first_fragment is None:
        return []
    end = first_fragment + FIRST_CHARS
    found: dict[int, Found] = {}
    done = 0  # the matches before this are all known
    while True:
        space = _SPACE.search(text, end)
        stop = space.start() if space is not None else len(text)
        for word in matcher.find(text[:stop], parts, since=done):
            before = found.get(word.start)
            found[word.start] = word if before is None else _merged(before, word)
        ordered = [found[start] for start in sorted(found)]
        if space is None:
            return ordered
        first, distinct = _best_passage(ordered, size)
        if distinct == len(matcher.labels) and first + 2 * size + matcher.lookahead <= stop:
            return ordered
        done = _space_before(text, stop - matcher.lookahead)
        end *= 4


def _merged(before: Found, again: Found) -> Found:
    """A word found in two rounds, with the matches of both (a phrase's word may be found by a
    phrase that began in the round before)."""
    return replace(before, matches=before.matches + tuple(match for match in again.matches if match not in before.matches))


def _space_before(text: str, at: int) -> int:
    """Where the whitespace at or before `at` stands; 0 when none does."""
    while at > 0 and not text[at].isspace():
        at -= 1
    return max(at, 0)


def _best_passage(found: list[Found], size: int) -> tuple[int, int]:
    """Where the first window of `size` characters with the most different query words starts (0
    without matches), and how many it has."""
    best, best_key = 0, 0
    window: dict[str, int] = {}  # query word → its matches in the window
    j = 0
    for head in found:
        while j < len(found) and found[j].end <= head.start - LEAD_CHARS + size:
            for query_word, _ in found[j].matches:
                window[query_word] = window.get(query_word, 0) + 1
            j += 1
        if len(window) > best_key:
            best, best_key = head.start, len(window)
        for query_word, _ in head.matches:
            window[query_word] -= 1
            if not window[query_word]:
                del window[query_word]
    return (max(0, best - LEAD_CHARS) if found else 0), best_key


def _spans(text: str, start: int, end: int, found: list[Found]) -> tuple[Span, ...]:
    """`text[start:end]` as spans, the found words inside it marked."""
    spans: list[Span] = []
    at = start
    for word in found:
        if word.start < start or word.end > end:
            continue
        if word.start > at:
            spans.append(Span(text[at:word.start]))
        spans.append(Span(text[word.start:word.end], matched=True))
        at = word.end
    if at < end:
        spans.append(Span(text[at:end]))
    return tuple(spans)
