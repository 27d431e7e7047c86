"""What a search returns: the one shape the CLI, the web pages and the JSON API all present."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html import escape
from typing import Literal

Sort = Literal["relevance", "newest", "oldest"]
SORTS: tuple[Sort, ...] = ("relevance", "newest", "oldest")
MAX_PAGE_SIZE = 100
MAX_QUERY_CHARS = 1000


@dataclass(frozen=True)
class SearchRequest:
    """A query with its filters, sort and page. `date_from`/`date_to` are inclusive."""

    query: str
    date_from: date | None = None
    date_to: date | None = None
    year: int | None = None
    sort: Sort = "relevance"
    page: int = 1
    page_size: int = 10
    explain: bool = False


@dataclass(frozen=True)
class Span:
    """A piece of text, and whether it matched the query (shown highlighted)."""

    text: str
    matched: bool = False


def spans_html(spans: tuple[Span, ...]) -> str:
    """The spans as escaped HTML with matches in <mark>."""
    return "".join(f"<mark>{escape(s.text)}</mark>" if s.matched else escape(s.text) for s in spans)


@dataclass(frozen=True)
class Match:
    """Why a hit came up: `query_word` matched `bulletin_word` as `how` (exact, lemma, part)."""

    query_word: str
    bulletin_word: str
    how: Literal["exact", "lemma", "part"]


@dataclass(frozen=True)
class Hit:
    """One search result."""

    id: str
    title: str
    date: str
    score: float
    snippet: tuple[Span, ...]
    organ: str | None = None
    url: str | None = None
    matches: tuple[Match, ...] = ()

    def to_dict(self) -> dict:
        data = {"id": self.id, "title": self.title, "date": self.date, "score": round(self.score, 4),
                "snippet": spans_html(self.snippet), "organ": self.organ, "url": self.url}
        if self.matches:
            data["matches"] = [{"query_word": m.query_word, "bulletin_word": m.bulletin_word, "how": m.how}
                               for m in self.matches]
        return data


@dataclass(frozen=True)
class SearchResult:
    """The answer to a SearchRequest. `related` is True when no bulletin held every query word and
    the hits are bulletins that hold only some of them. The first `complete` of the `total` hits
    hold every query word; those after them hold only some."""

    request: SearchRequest
    total: int
    hits: tuple[Hit, ...]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    related: bool = False
    seconds: float = 0.0
    complete: int = 0

    def to_dict(self) -> dict:
        """The documented JSON object of `bulletins search --json` and `GET /api/search`."""
        return {"query": self.request.query, "total": self.total, "page": self.request.page,
                "page_size": self.request.page_size, "sort": self.request.sort,
                "hits": [hit.to_dict() for hit in self.hits], "facets": self.facets,
                "suggestion": self.suggestion, "related": self.related, "complete": self.complete,
                "seconds": round(self.seconds, 4)}


@dataclass(frozen=True)
class StoredBulletin:
    """A bulletin as the index stores it, for the bulletin page. `date` keeps its precision (2020-11)."""

    id: str
    title: str
    date: str
    body: str
    organ: str | None = None
    url: str | None = None
    source: str | None = None
