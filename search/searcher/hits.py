"""What every backend does alike with a request before it searches, and with a bulletin's stored
fields after: the checks of the request, the unpaired quote it forgives, and a hit with its snippet
and explanation, made from the stored fields alone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Protocol, TypeVar

from search.errors import QueryError
from search.finnish import STEM_MARK
from search.searcher.explain import explain
from search.searcher.matching import QueryMatcher
from search.searcher.query import ParsedQuery, Term, Word, without_unpaired_quote
from search.searcher.results import MAX_PAGE_SIZE, SORTS, Hit, SearchRequest, StoredBulletin
from search.searcher.snippets import after_title, highlight, snippet, snippet_matches
from search.searcher.suggest import suggest
from search.searcher.vocabulary import Vocabulary

# The stored fields a hit carries besides its title, date and snippet (a bulletin's page shows more).
HIT_FIELDS = ("organ", "url", "kind", "case", "classification", "lang")


def make_hit(fields: dict, score: float, related: bool, matcher: QueryMatcher, explained: bool,
             topic: QueryMatcher | None = None) -> Hit:
    """The hit of a bulletin's stored `fields`, with its snippet, which always shows a matched word:
    a match the words that make it one, a related result also the parts of compound query words
    that it holds. A related result that the expansion brought in holds none of the query's words:
    give the `topic` matcher of the expansion's lemmas, and its snippet shows those it holds."""
    title, body = fields["title"], fields["body"]
    if topic is not None:
        return Hit(id=fields["id"], title=title, date=fields["date_text"], score=score, related=True,
                   snippet=snippet(body, snippet_matches(topic, body)),
                   title_marked=highlight(title, topic.find(title)), **{name: fields.get(name) for name in HIT_FIELDS})
    start = after_title(title, body)  # a title made of the opening sentence: the snippet goes on from there
    find = matcher.find if explained else partial(snippet_matches, matcher)  # an explanation lists every match
    text, found = body[start:], find(body[start:], parts=related)
    if not found and start:
        text, found = body, find(body, parts=related)
    if not found:  # in the title only, the case's diary number, or an inflection no fragment of them shows
        text = "\n".join(value for value in (fields.get("case"), title, body) if value)
        found = matcher.find(text, parts=related) or matcher.find(text, parts=related, every_word=True)
    in_title = matcher.find(title, parts=related)
    return Hit(id=fields["id"], title=title, date=fields["date_text"], score=score, related=related,
               snippet=snippet(text, found), matches=explain(in_title + found) if explained else (),
               title_marked=highlight(title, in_title), **{name: fields.get(name) for name in HIT_FIELDS})


def lemma_matcher(lemmas: tuple[str, ...]) -> QueryMatcher | None:
    """A matcher of the words that have these lemmas (a stem without its mark matches as before)."""
    if not lemmas:
        return None
    terms = ((Term((Word(lemma.lstrip(STEM_MARK)),)),) for lemma in lemmas)
    return QueryMatcher(ParsedQuery(required=tuple(terms)))


def stored_bulletin(fields: dict) -> StoredBulletin:
    """The bulletin of its stored fields, as its page shows it."""
    return StoredBulletin(id=fields["id"], title=fields["title"], date=fields["date_text"], body=fields["body"],
                          **{name: fields.get(name) for name in (*HIT_FIELDS, "source", "section")})


class Ranked(Protocol):
    """What a backend's ranking of a search tells of it, besides its page."""

    parsed: ParsedQuery
    total: int


R = TypeVar("R", bound=Ranked)


def forgiving_search(request: SearchRequest, rank: Callable[[SearchRequest], R],
                     vocabulary: Vocabulary) -> tuple[SearchRequest, R, str | None, list[str]]:
    """The request as searched, its ranking by `rank`, the did-you-mean suggestion, and the
    corrections made: unless `verbatim`, an unpaired quote is dropped ("quote"), and when nothing
    matches, the suggested spelling is searched instead if anything matches it ("spelling")."""
    searched = forgiven(request)
    corrections = ["quote"] if searched.query != request.query else []
    ranking = rank(searched)
    suggestion = suggest(searched.query, ranking.parsed, vocabulary)
    if suggestion and not ranking.total and not request.verbatim:
        respelled = replace(searched, query=suggestion)
        found = rank(respelled)
        if found.total:
            searched, ranking, corrections = respelled, found, [*corrections, "spelling"]
    return searched, ranking, suggestion, corrections


def forgiven(request: SearchRequest) -> SearchRequest:
    """The request as searched: unless `verbatim`, without an unpaired quote mark."""
    return request if request.verbatim else replace(request, query=without_unpaired_quote(request.query))


def check_request(request: SearchRequest) -> None:
    """Raise QueryError for a page, page size, sort or date range that cannot be searched."""
    if request.page < 1:
        raise QueryError(f"page must be 1 or more, not {request.page}")
    if not 1 <= request.page_size <= MAX_PAGE_SIZE:
        raise QueryError(f"page size must be from 1 to {MAX_PAGE_SIZE}, not {request.page_size}")
    if request.sort not in SORTS:
        raise QueryError(f"unknown sort {request.sort!r}: use one of {', '.join(SORTS)}")
    if request.date_from and request.date_to and request.date_from > request.date_to:
        raise QueryError(f"the dates run backwards: from {request.date_from} is after to {request.date_to}")
