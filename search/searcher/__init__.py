"""Searching the index: the one API that the CLI and the web app both call."""

from search.searcher.engine import BulletinSearch
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
