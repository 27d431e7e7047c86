"""Text as spans with the matched words marked: the whole text, or its best passage as a snippet."""

from __future__ import annotations

import re
from collections import Counter

from search.finnish import words
from search.searcher.matching import Found
from search.searcher.results import Span

SNIPPET_CHARS = 240
# The snippet starts this far before its first match, so the match is read in context.
LEAD_CHARS = 60
ELLIPSIS = "…"
_SPACE = re.compile(r"\s+")


def highlight(text: str, found: list[Found]) -> tuple[Span, ...]:
    """All of `text` as spans, the found words marked."""
    return _spans(text, 0, len(text), found)


def snippet(text: str, found: list[Found], size: int = SNIPPET_CHARS) -> tuple[Span, ...]:
    """The passage of about `size` characters with the most different query words (then the most
    matches), cut at word boundaries, "…" where cut, whitespace runs made single spaces."""
    start = _best_start(found, size)
    bounds = [(word_start, word_end) for _, word_start, word_end in words(text)]
    first = next((s for s, _ in bounds if s >= start), 0) if start else 0
    last = max((e for s, e in bounds if s >= first and e <= first + size), default=min(len(text), first + size))
    spans = tuple(Span(_SPACE.sub(" ", span.text), span.matched) for span in _spans(text, first, last, found))
    if first > 0:
        spans = (Span(ELLIPSIS + " "), *spans)
    if last < len(text.rstrip()):
        spans = (*spans, Span(" " + ELLIPSIS))
    return spans


def _best_start(found: list[Found], size: int) -> int:
    """Where the best window of `size` characters starts (0 without matches)."""
    if not found:
        return 0
    best, best_key = 0, (0, 0)
    window: Counter[str] = Counter()
    j = 0
    for i, head in enumerate(found):
        while j < len(found) and found[j].end <= head.start - LEAD_CHARS + size:
            window.update(query_word for query_word, _ in found[j].matches)
            j += 1
        key = (len(window), sum(window.values()))
        if key > best_key:
            best, best_key = head.start, key
        window.subtract(query_word for query_word, _ in head.matches)
        window += Counter()  # drop the words no longer in the window
    return max(0, best - LEAD_CHARS)


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
