"""Splits bulletin text into words, keeping their offsets in the original text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from itertools import islice

from whoosh.analysis import Token, Tokenizer

from search.finnish.normalize import normalize

# A word is a run of letters and digits, joined across a hyphen or dash (EU-rahoitusta, 2017–2021,
# 30.12.2021‒5.1.2022 with a figure dash, HEL 2024-009117), a colon (EU:n, 5G:n), a period or comma
# between digits (23.11, 1,5) and an apostrophe between letters (vaa'an). A hyphen with nothing after
# it (`kehitys- ja`) is not part of the word, and neither is a sentence's final period.
WORD = re.compile(
    r"[^\W_]+(?:(?:[-\u2010-\u2013]|:|(?<=\d)[.,](?=\d)|['\u2019](?=[^\W\d_]))[^\W_]+)*"
)

# Longer "words" are binary junk or URLs run together; Voikko would not analyse them anyway.
MAX_WORD = 64


@lru_cache(maxsize=4)
def words(text: str) -> tuple[tuple[str, int, int], ...]:
    """(word, start, end) for every word of `text`, offsets into `text` itself.

    The last few texts are remembered: the index analyses one text for several fields. A text of
    letters and digits alone, as highlighting cuts out of a bulletin word by word, is one word."""
    if text.isalnum() and len(text) <= MAX_WORD and unicodedata.is_normalized("NFC", text):
        return ((text, 0, len(text)),)
    return tuple(_found(text))


def leading_words(text: str, count: int) -> list[tuple[str, int, int]]:
    """The first `count` words of `text` as words() gives them, the rest of it left unread."""
    return list(islice(_found(text), count))


def _found(text: str) -> Iterator[tuple[str, int, int]]:
    norm, origin = normalize(text)
    for match in WORD.finditer(norm):
        word = match.group()
        if len(word) > MAX_WORD:
            continue
        start, end = match.span()
        if origin is not None:
            start = origin[start]
            end = origin[end] if end < len(origin) else len(text)
        yield word, start, end


@lru_cache(maxsize=4)
def word_texts(text: str) -> tuple[str, ...]:
    """The words of `text` as words() finds them, without offsets: indexing needs no offsets, and
    findall is about a third cheaper than collecting match spans. Remembered as words() is."""
    return tuple(word for word in WORD.findall(normalize(text)[0]) if len(word) <= MAX_WORD)


class FinnishTokenizer(Tokenizer):
    """Whoosh tokenizer for Finnish bulletins: NFC, invisible characters dropped, offsets kept.

    Token text keeps its case; the filters that follow decide the terms."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        # Token() starts unstopped with boost 1.0, and the filters after us change only the text,
        # so per word only the text and position are set: this loop runs for every word of a field.
        if not (chars or keeporiginal):
            for pos, word in enumerate(word_texts(value), start_pos):
                token.text = word
                token.pos = pos
                yield token
            return
        for pos, (word, start, end) in enumerate(words(value), start_pos):
            token.text = token.original = word
            token.pos = pos
            token.startchar, token.endchar = start_char + start, start_char + end
            yield token
