"""A check of what a search calls a match that uses neither the index nor Voikko: does a text hold
a stem of every word of the query?

A query word is held when a stem of it stands anywhere in the text (so also inside a compound): the
word cut two letters short, or the word without a case ending or a participle's or verbal noun's
ending cut one letter short, but to no fewer than four letters, with consonant gradation folded away
on both sides (sakko/sakon, lupa/luvan, tappo/tapon). Lenient by design: it tells a bulletin that lacks a query word, not one
that holds it only in passing."""

from __future__ import annotations

import re

_FOLD = [("kk", "k"), ("pp", "p"), ("tt", "t"), ("v", "p"), ("d", "t")]
_SKIP = frozenset("ja tai sekä eli että kuin ym".split())


def fold(text: str) -> str:
    """Lowercased, with the consonants that gradation changes folded together."""
    text = text.lower()
    for before, after in _FOLD:
        text = text.replace(before, after)
    return text


_ENDINGS = tuple(fold(ending) for ending in (
    "minen", "misen", "mista", "mistä", "tava", "tävä", "tu", "ty", "ksen", "kset", "ksia", "ksiä", "sten", "iden",
    "jen", "den", "ssa", "ssä", "sta", "stä", "lla", "llä", "lta", "ltä", "een", "ien", "en", "an", "än", "in", "on",
    "un", "yn", "t", "n", "a", "ä"))


def stems(word: str) -> set[str]:
    """The stems of a query word that the check looks for."""
    word = fold(word)
    bases = {word[:-len(ending)] for ending in _ENDINGS if word.endswith(ending) and len(word) - len(ending) >= 3}
    return {word[:max(4, len(word) - 2)]} | {base[:max(min(len(base), 4), len(base) - 1)] for base in bases}


def holds_every_word(text: str, query: str) -> bool:
    """Whether `text`, folded, holds a stem of every word of `query`."""
    return all(any(stem in text for stem in stems(word))
               for word in re.findall(r"[^\W_]+", query) if word.lower() not in _SKIP)
