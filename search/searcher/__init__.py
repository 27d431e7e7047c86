"""Searching the index: the one API that the CLI and the web app both call.

The engine (and Whoosh and Voikko with it) loads when BulletinSearch is first asked for, so that a
command that only needs the result shapes starts fast."""

from __future__ import annotations

from typing import TYPE_CHECKING

from search.searcher.results import (
    MAX_PAGE_SIZE,
    MAX_QUERY_CHARS,
    SORTS,
    Hit,
    Match,
    SearchRequest,
    SearchResult,
    Sort,
    Span,
    StoredBulletin,
    spans_html,
)

__all__ = [
    "MAX_PAGE_SIZE",
    "MAX_QUERY_CHARS",
    "SORTS",
    "BulletinSearch",
    "Hit",
    "Match",
    "SearchRequest",
    "SearchResult",
    "Sort",
    "Span",
    "StoredBulletin",
    "spans_html",
]

if TYPE_CHECKING:
    from search.searcher.engine import BulletinSearch


def __getattr__(name: str) -> object:
    if name == "BulletinSearch":
        from search.searcher.engine import BulletinSearch

        return BulletinSearch
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
