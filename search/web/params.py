"""The search parameters of the page, the API and the feed: read and checked here, in one place."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from werkzeug.datastructures import MultiDict

from search.errors import QueryError
from search.searcher.query import FILTER_FIELDS, parse_day
from search.searcher.results import MAX_PAGE_SIZE, MAX_QUERY_CHARS, SORTS, SearchRequest

DEFAULT_PAGE_SIZE = 10
MAX_NAME_CHARS = 200
MAX_PAGE = 10_000
FEED_SIZE = 20
MAX_SHOWN_CHARS = 40  # of a value or name sent, at most, in an error message

# What `parse_date` reads: ISO dates (a year from 0001, a month 1–12, a day 1–31: whether the day is in
# the month is for the server to say) and Finnish ones (23.11.2020, 11/2020), a comma for a dot, in ASCII
# digits; or nothing, as an empty field of the page's form sends.
_DAY, _MONTH, _YEAR_DIGITS = "(0?[1-9]|[12][0-9]|3[01])", "(0?[1-9]|1[0-2])", "(?!0000)[0-9]{4}"
DATE_PATTERN = (rf"^({_YEAR_DIGITS}(-{_MONTH}(-{_DAY})?)?"
                rf"|{_DAY}[.,]{_MONTH}[.,]{_YEAR_DIGITS}|{_MONTH}[./,]{_YEAR_DIGITS})?$")
_DATE = re.compile(DATE_PATTERN)
_YEAR = re.compile(r"[0-9]{4}")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


@dataclass(frozen=True)
class Param:
    """One query parameter, as the OpenAPI document describes it."""

    name: str
    description: str
    schema: dict


LANG = Param("lang", "Language of error messages: fi or en. Without it, or with another value, the language is "
                     "the best of Accept-Language, else fi.", {"type": "string", "examples": ["fi", "en"]})
SEARCH_PARAMS: tuple[Param, ...] = (
    Param("q", "Search words, in any inflected form. Also: `a OR b`, `NOT word` (or `-word` at the start), "
               "`\"a phrase\"`, `prefix*`, `title:word`, `date:2019..2021`, `organ:kaupunginhallitus`, "
               "`kind:decision`, a diary number (`HEL 2021-009631`).",
          {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS}),
    Param("from", "Earliest bulletin date, inclusive: YYYY, YYYY-MM or YYYY-MM-DD, or as Finnish writes dates, "
                  "M/YYYY or D.M.YYYY (a comma may stand for the dot, as a phone's number pad has it).",
          {"type": "string", "pattern": DATE_PATTERN}),
    Param("to", "Latest bulletin date, inclusive to the end of the year or month given: YYYY, YYYY-MM or "
                "YYYY-MM-DD, or M/YYYY or D.M.YYYY.", {"type": "string", "pattern": DATE_PATTERN}),
    Param("year", "Only bulletins of this year (the year facet).",
          {"type": "integer", "minimum": 1000, "maximum": 9999}),
    Param("organ", "Only bulletins of this deciding body (the organ facet): the whole name, without regard to case; "
                   "empty means any.", {"type": "string", "maxLength": MAX_NAME_CHARS}),
    Param("kind", "Only bulletins of this kind: decision, agenda_item, announcement (the kind facet); empty means any.",
          {"type": "string", "maxLength": MAX_NAME_CHARS}),
    Param("classification", "Only bulletins of this classification, e.g. Kokousasiat (without regard to case); "
                            "empty means any.", {"type": "string", "maxLength": MAX_NAME_CHARS}),
    Param("sort", "Order of the hits.", {"type": "string", "enum": list(SORTS), "default": "relevance"}),
    Param("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}),
    Param("size", "Hits per page.", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE,
                                     "default": DEFAULT_PAGE_SIZE}),
    Param("explain", "Add to each hit the words that matched and how (exact, lemma, compound, part).",
          {"type": "boolean", "default": False}),
    Param("verbatim", "Search the query exactly as typed: an unpaired quote mark is an error (400), and a "
                      "misspelt word is only suggested, never searched instead.",
          {"type": "boolean", "default": False}),
    LANG,
)

COMPLETION_SIZE, MAX_COMPLETION_SIZE = 8, 20
COMPLETION_PARAMS: tuple[Param, ...] = (
    Param("q", "The query as typed so far: its last word (or the name after organ:, kind:, classification:) "
               "is completed. Empty, or ending in a space, completes nothing.",
          {"type": "string", "maxLength": MAX_QUERY_CHARS}),
    Param("size", "Completions at most.", {"type": "integer", "minimum": 1, "maximum": MAX_COMPLETION_SIZE,
                                           "default": COMPLETION_SIZE}),
    Param("format", "json: an object with the completions; opensearch: the OpenSearch suggestions array "
                    "[query, [completed queries]] that browsers read.",
          {"type": "string", "enum": ["json", "opensearch"], "default": "json"}),
    LANG,
)

# The feed's: a search's, but its order is newest first and it explains nothing.
FEED_PARAMS = tuple(param for param in SEARCH_PARAMS if param.name not in ("sort", "explain"))

# The parameters a search page links carry along (to the bulletin page and back, between pages).
CARRIED = ("q", "from", "to", "year", "organ", "kind", "classification", "sort", "size", "verbatim", "lang")


class ParamError(QueryError):
    """A parameter that cannot be used; `key` names the message in `search.web.i18n`."""

    def __init__(self, param: str, key: str, **values: object) -> None:
        super().__init__(f"{param}: {key}", key, param=param, **values)
        self.param = param


def check_names(args: MultiDict, params: tuple[Param, ...]) -> None:
    """ParamError for a parameter that is not one of `params`, or one given more than once. For the
    API and the feed, whose clients are programs: left out without a word, a misspelt filter
    (`organisation=…`, `page_size=3`) would give hits that are not what was asked for."""
    names = [param.name for param in params]
    for name in args:
        if name not in names:
            raise ParamError(name[:MAX_SHOWN_CHARS], "param_unknown", names=", ".join(names))
        if len(args.getlist(name)) > 1:
            raise ParamError(name, "param_repeated")


def search_request(args: MultiDict, *, page_size: int = DEFAULT_PAGE_SIZE, sort: str | None = None,
                   related: bool = True) -> SearchRequest:
    """The SearchRequest that `args` ask for; ParamError names the first parameter that is wrong.

    `sort` forces an order and `related=False` lists matches only (the feed: its newest matches)."""
    query = search_words(args)
    if not query:
        raise ParamError("q", "param_query_missing")
    date_from = parse_date(args.get("from", ""), "from", end=False)
    date_to = parse_date(args.get("to", ""), "to", end=True)
    if date_from and date_to and date_from > date_to:
        raise ParamError("from", "param_date_range")
    page = integer(args, "page", 1, MAX_PAGE, "param_page")
    size = integer(args, "size", page_size, MAX_PAGE_SIZE, "param_size")
    names = {field: parse_name(args.get(field, ""), field) for field in FILTER_FIELDS}
    return SearchRequest(query=query, date_from=date_from, date_to=date_to, year=parse_year(args.get("year")), **names,
                         sort=sort or parse_sort(args.get("sort")), page=page, page_size=size,
                         explain=flag(args, "explain"), related=related, verbatim=flag(args, "verbatim"))


def completion_request(args: MultiDict) -> tuple[str, int, bool]:
    """The text to complete, how many completions at most, and whether the OpenSearch array is asked for."""
    text = args.get("q", "")
    if len(text) > MAX_QUERY_CHARS:
        raise ParamError("q", "param_query_length", max=MAX_QUERY_CHARS)
    form = args.get("format", "json")
    if form not in ("json", "opensearch"):
        raise ParamError("format", "param_format")
    return text, integer(args, "size", COMPLETION_SIZE, MAX_COMPLETION_SIZE, "param_size"), form == "opensearch"


def search_words(args: MultiDict) -> str:
    """The search words, stripped; ParamError if longer than MAX_QUERY_CHARS as sent (the documented limit)."""
    query = args.get("q", "")
    if len(query) > MAX_QUERY_CHARS:
        raise ParamError("q", "param_query_length", max=MAX_QUERY_CHARS)
    return query.strip()


def parse_date(value: str, param: str, *, end: bool) -> date | None:
    """A date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `M/YYYY`, `D.M.YYYY`) as its first day, or its last day
    when `end`; None if empty. A comma stands for a dot: a phone's decimal pad has only one of the two."""
    if not value:
        return None
    try:
        if not _DATE.fullmatch(value):  # not .match: $ would let a final newline through
            raise QueryError(f"not a date: {value!r}")
        return parse_day(value.replace(",", "."), last=end)
    except QueryError:
        raise ParamError(param, "param_date", value=value[:MAX_SHOWN_CHARS]) from None


def parse_name(value: str, param: str) -> str | None:
    """A deciding body's, kind's or classification's name, or None if empty."""
    value = " ".join(value.split())
    if len(value) > MAX_NAME_CHARS:
        raise ParamError(param, "param_name_length", max=MAX_NAME_CHARS)
    return value or None


def parse_year(value: str | None) -> int | None:
    """The year facet's value, or None if not given."""
    if value is None:
        return None
    if not _YEAR.fullmatch(value) or value.startswith("0"):
        raise ParamError("year", "param_year")
    return int(value)


def parse_sort(value: str | None) -> str:
    """One of SORTS; relevance if not given."""
    value = "relevance" if value is None else value
    if value not in SORTS:
        raise ParamError("sort", "param_sort")
    return value


def integer(args: MultiDict, param: str, default: int, high: int, key: str) -> int:
    """A whole number from 1 to `high`, or `default` when not given; ParamError `key` if out of range."""
    if param not in args:
        return default
    value = args[param]
    if not re.fullmatch(r"-?[0-9]+", value):
        raise ParamError(param, "param_not_integer")
    number = int(value) if len(value) <= 12 else high + 1  # never convert a 10 kB number
    if not 1 <= number <= high:
        raise ParamError(param, key, max=high)
    return number


def flag(args: MultiDict, param: str) -> bool:
    """A true/false parameter; absent means false."""
    if param not in args:
        return False
    value = args[param].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ParamError(param, "param_flag")
