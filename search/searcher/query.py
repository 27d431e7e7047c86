"""The query language: query text → the words, phrases and prefixes to find and the dates to keep.

    kokeilu alusta          both words, in any inflection
    kokeilu OR hanke        either word
    kokeilu NOT korona      bulletins without the word; also -korona at the start
    "kuusi innovaatiohaastetta"   the words together, in this order, in any inflection
    kokeilu*                words that begin so
    title:kokeilu, title:"…"      in the title
    date:2020  date:2020-11  date:2020-11-23  date:2019..2021  date:..2020-06  date:2021..
    organ:kaupunginhallitus       decided by that body (the whole name, any case);
    organ:"Kaupunginhallituksen elinkeinojaosto", organ:kaupunginhallituksen*   (every name that begins so)
    kind:decision, classification:"Kokousasiat"   of that kind or classification, likewise
    HEL 2021-009631, HEL-2021-009631, 2021-009631   the bulletins of that case first
    KKO:2019:105, KKO 2019:105   that code, written with a colon or a space after its letters

Text pasted into the box is text. A hyphen before a word excludes the word only where the word
cannot be the tail of an open compound: at the start of the query, or right after an operator, a
date filter or another excluded word. After a word, `talouden ohjaus -yksikössä` and `covid-19
-potilaiden` are the open compounds of subject lines, read as their words. A hyphen before a
phrase or a field (`-"…"`, `-title:…`) always excludes, and NOT excludes anywhere.

Stopwords (ja, tai, että, …) are not indexed, so they are dropped from the query; in a phrase
they still hold their place. Every problem is a QueryError with a one-line message."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

from search.errors import QueryError
from search.finnish import analyze_word, words
from search.index.schema import FILTER_FIELDS
from search.searcher.results import MAX_QUERY_CHARS

MIN_PREFIX = 2

_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"'})
# A diary number: the year and six digits, after the city's code or not (HEL 2021-009631, 2021-009631)
_CASE = r"(?P<case>(?:(?P<code>[^\W\d_]{2,5})[ -])?(?P<number>\d{4}-\d{6}))(?![\w-])"
_FIELDS = "|".join(("title", "date", *FILTER_FIELDS))
_TOKEN = re.compile(rf'{_CASE}|(?P<lead>-?(?:(?:{_FIELDS}):)?)"(?P<phrase>[^"]*)"|(?P<bare>[^\s"]+)', re.IGNORECASE)
_FIELD = re.compile(rf"({_FIELDS}):", re.IGNORECASE)
# A code with a colon after its letters, as courts cite their decisions (KKO:2019:105), which texts
# also write with a space (KKO 2019:105)
_LETTERED_CODE = re.compile(r"([^\W\d_]+):(\d[\w:]*)")
_OPERATORS = {"OR", "AND", "NOT"}  # a lone "-" is a dash between words, not an operator
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
# 23.11.2020 (day, month, year) and 11/2020 or 11.2020 (month, year), as Finnish writes dates
_FINNISH_DATE = re.compile(r"(?:(?P<day>[0-9]{1,2})\.(?P<month>[0-9]{1,2})\.|(?P<alone>[0-9]{1,2})[./])(?P<year>[0-9]{4})")


@dataclass(frozen=True)
class Word:
    """A query word as typed: where it starts in the query text and, in a phrase, its position."""

    text: str
    start: int = 0
    position: int = 0


@dataclass(frozen=True)
class Term:
    """What one group alternative asks for: a word, a prefix (`prefix`) or a phrase (several words);
    a diary number also names its `case` (`hel 2021-009631`, or `2021-009631` without a code)."""

    words: tuple[Word, ...]
    prefix: bool = False
    title_only: bool = False
    case: str | None = None

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(frozen=True)
class DateRange:
    """Inclusive first and last day; None leaves that end open."""

    first: date | None = None
    last: date | None = None

    def __and__(self, other: DateRange) -> DateRange:
        firsts = [d for d in (self.first, other.first) if d]
        lasts = [d for d in (self.last, other.last) if d]
        return DateRange(max(firsts, default=None), min(lasts, default=None))

    @property
    def empty(self) -> bool:
        return self.first is not None and self.last is not None and self.first > self.last


@dataclass(frozen=True)
class FieldFilter:
    """Bulletins whose `field` (one of FILTER_FIELDS) is `value`, or begins with it (`prefix`), without
    regard to case; with `negated`, the others."""

    field: str
    value: str
    prefix: bool = False
    negated: bool = False

    def accepts(self, value: str) -> bool:
        """Whether a bulletin whose field is `value` (lowercased) passes."""
        found = value.startswith(self.value) if self.prefix else value == self.value
        return found != self.negated


def field_filter(field: str, text: str, negated: bool = False) -> FieldFilter:
    """The filter `field:text`: the whole value, or with a final `*` its beginning, in one form
    (lowercased, whitespace collapsed). Raise QueryError when no value is given."""
    value = " ".join(text.split()).lower()
    prefix = value.endswith("*")
    value = value.rstrip("*").rstrip()
    if not value:
        raise QueryError(f"{field}: needs a name right after it, e.g. {field}:{_EXAMPLES[field]}", "filter_empty",
                         field=field, example=_EXAMPLES[field])
    return FieldFilter(field, value, prefix, negated)


_EXAMPLES = {"organ": "kaupunginhallitus", "kind": "decision", "classification": "Kokousasiat"}


@dataclass(frozen=True)
class ParsedQuery:
    """Every group of `required` must match (a group matches when any of its terms does), no term of
    `excluded` may match, the bulletin's date must fall in `dates`, and it must pass the `filters`
    (any of the positive ones of a field, none of the negated ones)."""

    required: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...] = ()
    dates: DateRange = DateRange()
    filters: tuple[FieldFilter, ...] = ()

    @property
    def positive_words(self) -> tuple[Word, ...]:
        """The words of the required terms, in query order: what highlighting marks."""
        return tuple(word for group in self.required for term in group for word in term.words)


def without_unpaired_quote(text: str) -> str:
    """`text` without its last quote mark when its quote marks do not pair up, so that a phrase left
    open is searched as its words; else `text` as it is."""
    marks = [at for at, char in enumerate(text) if char.translate(_QUOTES) == '"']
    if len(marks) % 2 == 0:
        return text
    return " ".join(f"{text[:marks[-1]]} {text[marks[-1] + 1:]}".split())


def parse_query(text: str) -> ParsedQuery:
    """Parse the query text; raise QueryError saying what is wrong with it."""
    _check_text(text)
    text = text.translate(_QUOTES)
    if text.count('"') % 2:
        raise QueryError('unbalanced quotes: a phrase needs a closing "', "unbalanced_quotes")
    items = _place_dashes([item for match in _TOKEN.finditer(text) for item in _items(match)])
    if not items:
        raise QueryError("empty query: type a word to search for", "empty")
    return _combine(items, text)


def _check_text(text: str) -> None:
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is too long: {len(text):,} characters, at most {MAX_QUERY_CHARS:,}",
                         "too_long", length=len(text), limit=MAX_QUERY_CHARS)
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in "\t\n\r":
            raise QueryError(f"the query contains a control character (U+{ord(char):04X})", "control",
                             code=f"{ord(char):04X}")


@dataclass(frozen=True)
class _Dashed:
    """A bare word after a hyphen: excluded or the tail of an open compound, by where it stands."""

    term: Term


# An item is an operator ("OR", "AND", "NOT"), a (negated, Term) pair, a DateRange, a FieldFilter,
# or None for a token that holds nothing to search for (a stopword, punctuation); _Dashed until its
# place decides.
_Item = str | tuple[bool, Term] | DateRange | FieldFilter | None


def _place_dashes(items: list[_Item | _Dashed]) -> list[_Item]:
    """Each hyphened word as an exclusion where no word stands before it (at the start, after an
    operator, a date filter or another exclusion), else as a plain word of the text."""
    placed: list[_Item] = []
    for item in items:
        if isinstance(item, _Dashed):
            before = placed[-1] if placed else "start"
            excluding = (before == "start" or before in _OPERATORS or isinstance(before, DateRange | FieldFilter)
                         or _is_excluded(before) or placed[-2:-1] == ["NOT"])
            item = (excluding, item.term)
        placed.append(item)
    return placed


def _items(match: re.Match) -> list[_Item | _Dashed]:
    """The items of one token: a diary number, a phrase in quotes, or a bare word with its prefix signs."""
    if match["case"] is not None:  # as the index spells it: HEL-2021-009631 is HEL 2021-009631
        spelled = f"{match['code']} {match['number']}" if match["code"] else match["number"]
        found = tuple(Word(word, match.start("case") + start, position)
                      for position, (word, start, _) in enumerate(words(spelled)))
        return [(False, Term(found, case=spelled.lower()))]
    if match["phrase"] is not None:
        lead = match["lead"].lower()
        negated, field = lead.startswith("-"), lead.lstrip("-").rstrip(":")
        if field == "date":
            return [_date_filter(match["phrase"], negated)]
        if field in FILTER_FIELDS:
            return [field_filter(field, match["phrase"], negated)]
        term = _term(match["phrase"], match.start("phrase"), field == "title")
        return [(negated, term) if term else None]
    token, start = match["bare"], match.start("bare")
    if token in _OPERATORS:
        return [token]
    dashed = token.startswith("-")
    if dashed:
        token, start = token[1:], start + 1
    field = _FIELD.match(token)
    if field:
        name, token, start = field[1].lower(), token[field.end():], start + field.end()
        if name == "date":
            return [_date_filter(token, dashed)]
        if name in FILTER_FIELDS:
            return [field_filter(name, token, dashed)]
        if not token:
            raise QueryError("title: needs a word or a phrase right after it, e.g. title:kokeilu", "title_empty")
    term = _prefix(token, start, bool(field)) if token.endswith("*") else _term(token, start, bool(field))
    if term is None:
        return [None]
    # `-title:…` is never a compound's tail; a bare word after a hyphen may be
    return [(True, term) if dashed and field else _Dashed(term) if dashed else (False, term)]


def _term(text: str, offset: int, title_only: bool) -> Term | None:
    """The words of `text` as a word or a phrase, stopwords dropped but holding their position;
    None when nothing is left."""
    found = [Word(word, offset + start, position) for position, (word, start, _) in enumerate(words(text))]
    kept = [word for word in found if not analyze_word(word.text).stop]
    if not kept:
        return None
    first = kept[0].position
    kept = [Word(word.text, word.start, word.position - first) for word in kept]
    return Term(tuple(kept), title_only=title_only)


def _prefix(token: str, offset: int, title_only: bool) -> Term:
    stem = token.rstrip("*")
    found = list(words(stem))
    if len(found) != 1 or found[0][2] != len(stem) or len(stem) < MIN_PREFIX:
        raise QueryError(f"a prefix search needs at least {MIN_PREFIX} letters of one word before the *, e.g. kokeilu*",
                         "prefix_short", least=MIN_PREFIX)
    return Term((Word(stem, offset),), prefix=True, title_only=title_only)


def _date_filter(text: str, negated: bool) -> DateRange:
    if negated:
        raise QueryError("a date filter cannot be negated; give the dates to keep, e.g. date:2019..2021", "date_negated")
    first, sep, last = text.partition("..")
    if not sep:
        last = first
    if not first and not last:
        raise QueryError("date: needs a date, e.g. date:2020, date:2020-11 or date:2019..2021", "date_empty")
    dates = DateRange(parse_day(first) if first else None, parse_day(last, last=True) if last else None)
    if dates.empty:
        raise QueryError(f"date:{text} ends before it begins", "date_backwards", text=text)
    return dates


def parse_day(text: str, last: bool = False) -> date:
    """The first (or, with `last`, the last) day that a date may mean: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`,
    or as Finnish writes dates, `D.M.YYYY` and `M/YYYY` (also `M.YYYY`)."""
    iso, finnish = _DATE.fullmatch(text.strip()), _FINNISH_DATE.fullmatch(text.strip())
    if iso:
        year, month, day = iso[1], iso[2], iso[3]
    elif finnish:
        year, month, day = finnish["year"], finnish["month"] or finnish["alone"], finnish["day"]
    else:
        raise QueryError(f"{text!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD (or D.M.YYYY, M/YYYY)", "not_a_date",
                         text=text)
    try:
        year, month = int(year), int(month or (12 if last else 1))
        if day is None:
            day = calendar.monthrange(year, month)[1] if last else 1
        return date(year, month, int(day))
    except (ValueError, calendar.IllegalMonthError):
        raise QueryError(f"impossible date: {text}", "impossible_date", text=text) from None


def _combine(items: list[_Item], text: str) -> ParsedQuery:
    """Join the items: OR binds its neighbours into one group, NOT and - exclude the next term."""
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    filters: list[FieldFilter] = []
    dates = DateRange()
    joined = False  # the last group ended in OR: the next term joins it
    for i, item in enumerate(items):
        before = items[i - 1] if i else "start"
        after = items[i + 1] if i + 1 < len(items) else "end"
        if item in ("OR", "AND"):
            if not _is_term(before) or not _is_term(after):
                raise QueryError(f"{item} needs a word on both sides, e.g. kokeilu {item} hanke", "operator_alone", operator=item)
            # an excluded word on either side: `-korona`, or `NOT korona` before
            if item == "OR" and (_is_excluded(before) or (i > 1 and items[i - 2] == "NOT") or _is_excluded(after)):
                raise QueryError("OR cannot join an excluded word: write it on its own, e.g. kokeilu OR hanke NOT korona",
                                 "or_excluded")
            joined = item == "OR" and isinstance(before, tuple)
        elif item == "NOT":
            if not (_is_term(after) or isinstance(after, FieldFilter)) or _is_excluded(after):
                raise QueryError("NOT needs a word right after it, e.g. NOT korona", "not_alone")
        elif isinstance(item, DateRange):
            dates = _intersect(dates, item)
        elif isinstance(item, FieldFilter):
            filters.append(replace(item, negated=True) if before == "NOT" else item)
        elif isinstance(item, tuple):
            negated, term = item
            if negated or before == "NOT":
                excluded.extend(_spellings(term))
            elif joined:
                groups[-1].extend(_spellings(term))
            else:
                groups.append(_spellings(term))
            joined = False
        else:
            joined = False
    if not groups and not excluded and dates == DateRange() and not filters:
        raise QueryError(f"nothing to search for in {text.strip()[:60]!r}: give a word to find "
                         "(common words such as 'ja' are not indexed)", "nothing", text=text.strip()[:60])
    return ParsedQuery(tuple(tuple(group) for group in groups), tuple(excluded), dates, tuple(filters))


def _spellings(term: Term) -> list[Term]:
    """The term, and for a code with a colon after its letters (KKO:2019:105) also the same code
    written with a space, as the phrase "KKO 2019:105": either spelling finds it."""
    code = None if term.prefix or term.is_phrase else _LETTERED_CODE.fullmatch(term.words[0].text)
    if code is None:
        return [term]
    start = term.words[0].start
    spaced = (Word(code[1], start, 0), Word(code[2], start + code.start(2), 1))
    return [term, replace(term, words=spaced)]


def _is_term(item: _Item) -> bool:
    """A term or a token that had nothing to search for: what operators may stand next to."""
    return item is None or isinstance(item, tuple)


def _is_excluded(item: _Item) -> bool:
    return (isinstance(item, tuple) and item[0]) or (isinstance(item, FieldFilter) and item.negated)


def _intersect(dates: DateRange, more: DateRange) -> DateRange:
    both = dates & more
    if both.empty:
        raise QueryError("the date filters do not overlap", "dates_disjoint")
    return both
