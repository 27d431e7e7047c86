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
    """A query with its filters, sort and page. `date_from`/`date_to` are inclusive; `organ`, `kind`
    and `classification` keep the bulletins of that name (without regard to case, as `organ:` in the
    query does). Without `related` only matches are listed, even when nothing matches (a feed follows
    matches only). Unless `verbatim`, the search forgives: an unpaired quote mark is dropped, and when
    nothing matches the did-you-mean spelling is searched instead (see SearchResult.searched)."""

    query: str
    date_from: date | None = None
    date_to: date | None = None
    year: int | None = None
    organ: str | None = None
    kind: str | None = None
    classification: str | None = None
    sort: Sort = "relevance"
    page: int = 1
    page_size: int = 10
    explain: bool = False
    related: bool = True
    verbatim: bool = False

    @property
    def filters(self) -> dict[str, str | None]:
        """The names asked for, by field."""
        return {"organ": self.organ, "kind": self.kind, "classification": self.classification}


@dataclass(frozen=True)
class Span:
    """A piece of text, and whether it matched the query (shown highlighted)."""

    text: str
    matched: bool = False


def spans_html(spans: tuple[Span, ...]) -> str:
    """The spans as escaped HTML with matches in <mark>."""
    return "".join(f"<mark>{escape(s.text)}</mark>" if s.matched else escape(s.text) for s in spans)


How = Literal["exact", "lemma", "compound", "part"]
Correction = Literal["quote", "spelling"]
CORRECTIONS: tuple[Correction, ...] = ("quote", "spelling")
HOWS: tuple[How, ...] = ("exact", "lemma", "compound", "part")


@dataclass(frozen=True)
class Match:
    """Why a hit came up: `query_word` matched `bulletin_word` as `how`: `exact` (as written),
    `lemma` (another inflection), `compound` (inside a longer compound: kaupunginhallitus in
    kaupunginhallitusneuvotteluissa) or, in a related result only, `part` (one part of a compound
    query word: yritys of yrityshautomo)."""

    query_word: str
    bulletin_word: str
    how: How


@dataclass(frozen=True)
class Hit:
    """One search result: a match, or with `related` a bulletin that holds only some of
    the words, or words the best matches share. `title_marked` is its title as spans, the words its
    snippet would mark marked."""

    id: str
    title: str
    date: str
    score: float
    snippet: tuple[Span, ...]
    title_marked: tuple[Span, ...]
    organ: str | None = None
    url: str | None = None
    matches: tuple[Match, ...] = ()
    related: bool = False
    kind: str | None = None
    case: str | None = None
    classification: str | None = None
    lang: str | None = None

    def to_dict(self) -> dict:
        data = {"id": self.id, "title": self.title, "title_html": spans_html(self.title_marked),
                "date": self.date, "score": round(self.score, 4), "related": self.related,
                "snippet": spans_html(self.snippet), "organ": self.organ, "kind": self.kind,
                "case": self.case, "classification": self.classification, "url": self.url, "lang": self.lang}
        if self.matches:
            data["matches"] = [{"query_word": m.query_word, "bulletin_word": m.bulletin_word, "how": m.how}
                               for m in self.matches]
        return data


@dataclass(frozen=True)
class SearchResult:
    """The answer to a SearchRequest. `total` bulletins match, and the facets count them; the
    `related_total` related results hold only some of the query words (or, by relevance, words the
    best matches share). The hits are matches, then (by relevance, on the last page of matches)
    related results; or, when nothing matches, related results alone. When the search changed the
    query (`corrections`: `quote`, an unpaired quote mark dropped; `spelling`, nothing matched so the
    `suggestion` was searched), the hits are for `searched`."""

    request: SearchRequest
    total: int
    hits: tuple[Hit, ...]
    related_total: int = 0
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    seconds: float = 0.0
    searched: str | None = None
    corrections: tuple[Correction, ...] = ()

    @property
    def only_related(self) -> bool:
        """Nothing matches, and the hits are related results."""
        return not self.total and bool(self.related_total)

    @property
    def listed(self) -> int:
        """How many hits the pages list: the matches, or the related results when nothing matches."""
        return self.total or self.related_total

    def to_dict(self) -> dict:
        """The documented JSON object of `bulletins search --json` and `GET /api/search`."""
        return {"query": self.request.query, "total": self.total, "related_total": self.related_total,
                "page": self.request.page, "page_size": self.request.page_size, "sort": self.request.sort,
                "hits": [hit.to_dict() for hit in self.hits], "facets": self.facets,
                "suggestion": self.suggestion, "searched": self.searched, "corrections": list(self.corrections),
                "seconds": round(self.seconds, 4)}


@dataclass(frozen=True)
class StoredBulletin:
    """A bulletin as the index stores it, for the bulletin page. `date` keeps its precision (2020-11);
    `kind` is `decision`, `agenda_item`, `announcement` or a source's own word, `case` its diary
    number, `section` its § number."""

    id: str
    title: str
    date: str
    body: str
    organ: str | None = None
    url: str | None = None
    source: str | None = None
    kind: str | None = None
    case: str | None = None
    classification: str | None = None
    section: str | None = None
    lang: str | None = None

    def to_dict(self) -> dict:
        """The documented JSON object of `GET /api/bulletins/<id>`."""
        return {"id": self.id, "title": self.title, "date": self.date, "organ": self.organ, "kind": self.kind,
                "case": self.case, "classification": self.classification, "section": self.section,
                "url": self.url, "lang": self.lang, "source": self.source, "body": self.body}
