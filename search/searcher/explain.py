"""Why a hit came up: which query word matched which words of the bulletin, and how."""

from __future__ import annotations

from search.finnish import surface
from search.searcher.matching import Found
from search.searcher.results import HOWS, Match

_ORDER = {how: rank for rank, how in enumerate(HOWS)}


def explain(found: list[Found]) -> tuple[Match, ...]:
    """Each (query word, bulletin word, how) once: query words in the order the bulletin first has
    them, then exact matches, other inflections, runs inside longer compounds and parts of compound
    query words, each in the bulletin's order.
    Forms of a bulletin word that differ only in case count as one."""
    seen: dict[tuple[str, str, str], Match] = {}
    for word in found:
        for query_word, how in word.matches:
            seen.setdefault((query_word, surface(word.word), how), Match(query_word, word.word, how))
    first = {match.query_word: None for match in seen.values()}
    rank = {query_word: i for i, query_word in enumerate(first)}
    return tuple(sorted(seen.values(), key=lambda match: (rank[match.query_word], _ORDER[match.how])))
