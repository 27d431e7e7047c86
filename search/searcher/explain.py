"""Why a hit came up: which query word matched which words of the bulletin, and how."""

from __future__ import annotations

from search.finnish import surface
from search.searcher.matching import Found
from search.searcher.results import Match


def explain(found: list[Found]) -> tuple[Match, ...]:
    """Each (query word, bulletin word, how) once, in the order the bulletin first has them;
    inflections of one bulletin word that differ only in case count as one."""
    seen: dict[tuple[str, str, str], Match] = {}
    for word in found:
        for query_word, how in word.matches:
            seen.setdefault((query_word, surface(word.word), how), Match(query_word, word.word, how))
    return tuple(seen.values())
