"""The pages people read: the search page and the bulletin page. Their JSON twins are in `api`."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import partial

from flask import Blueprint, Flask, current_app, render_template, request, url_for
from markupsafe import Markup, escape

from search.errors import QueryError
from search.headings import HEADING_MARKS
from search.searcher.filters import FACETS
from search.searcher.results import MAX_QUERY_CHARS, SORTS, SearchResult, Span, spans_html
from search.web.backend import index_is_empty, searcher
from search.web.errors import describe, error_response
from search.web.help import ROWS
from search.web.i18n import LANGUAGES, MESSAGES, language, long_date, moment, number, text
from search.web.params import CARRIED, ParamError, integer, search_request, search_words

blueprint = Blueprint("pages", __name__)

# A bulletin page shows at most this much of the body: a long bulletin is read a part at a time.
PART_CHARS = 100_000
FORM_FIELDS = ("q", "from", "to", "year", "organ", "kind", "classification", "sort", "size")
# The filters a search page can have, in the order their chips show.
FILTERS = ("year", "from", "to", "organ", "kind", "classification")
# Deciding bodies the start page names; the rest it counts.
START_ORGANS = 12
_BLANK_LINES = re.compile(r"\n[ \t\r]*\n\s*")


@dataclass(frozen=True)
class Chip:
    """A filter in force, as a person reads it (`field`, `value`), and the link that removes it."""

    field: str
    value: str
    remove: str


@blueprint.get("/")
def search_page():
    """The search box with what the index holds; for a query, its hits with facets and pages, or the
    error inline (400). Filters in force show as chips that remove them."""
    form = {name: request.args.get(name, "").strip()[:MAX_QUERY_CHARS] for name in FORM_FIELDS}
    if not form["q"]:
        return render_template("search.html", form=form, result=None, error=None, overview=searcher().overview(),
                               empty=index_is_empty())
    try:
        result = searcher().search(search_request(request.args))
    except QueryError as error:
        return render_template("search.html", form=form, result=None, error=describe(error, language()),
                               error_param=getattr(error, "param", "q"), chips=chips()), 400
    overview = searcher().overview() if not result.hits else None  # its examples, for a search that found nothing
    return render_template("search.html", form=form, result=result, error=None, pages=page_numbers(result),
                           chips=chips(), overview=overview, empty=not result.total and index_is_empty())


@blueprint.get("/help")
def help_page():
    """How to search: the query language by example, filters, forgiving searches, feeds."""
    return render_template("help.html", rows=ROWS[language()], form={"q": ""})


def chips() -> list[Chip]:
    """The filters of this request that are in force, each with the link that removes it."""
    lang = language()
    found = []
    for name in FILTERS:
        value = " ".join(request.args.get(name, "").split())[:MAX_QUERY_CHARS]
        if value:
            shown = kind_label(lang, value) if name == "kind" else value
            found.append(Chip(name, shown, url_for("pages.search_page", **carried(**{name: None, "page": None}))))
    return found


def facets_shown(result: SearchResult) -> list[str]:
    """The facets a results page shows: those with values, and those chosen (to undo the choice)."""
    chosen = {**result.request.filters, "year": result.request.year}
    return [name for name in FACETS if result.facets.get(name) or chosen.get(name)]


def remove_all_url() -> str:
    """This search without any of its filters."""
    return url_for("pages.search_page", **carried(page=None, **{name: None for name in FILTERS}))


@blueprint.get("/bulletins/<bulletin_id>")
def bulletin(bulletin_id: str):
    """One whole bulletin, with the matches of `q` highlighted when it came from a search. A long one
    is shown a part at a time (`part`, from 1), so that no page costs more than PART_CHARS of text."""
    stored = searcher().bulletin(bulletin_id)
    if stored is None:
        return error_response(404, text(language(), "bulletin_not_found", id=bulletin_id))
    try:
        query = search_words(request.args)
    except ParamError:
        query = ""
    bounds = part_bounds(stored.body, current_app.config.get("PART_CHARS", PART_CHARS))
    part = integer(request.args, "part", 1, len(bounds), "param_part")
    start, end = bounds[part - 1]
    history = searcher().case_history(stored.case) if stored.case else ()
    return render_template("bulletin.html", bulletin=stored, query=query, part=part, parts=len(bounds),
                           title=highlight(stored.title, query), history=history if len(history) > 1 else (),
                           blocks=blocks(highlight(stored.body[start:end], query)))


def highlight(content: str, query: str) -> tuple[Span, ...]:
    """`content` with the query's matches marked; unmarked when there is no usable query."""
    if query:
        try:
            return searcher().highlight(content, query)
        except QueryError:
            pass  # a query the search would refuse highlights nothing
    return (Span(content),)


def part_bounds(body: str, size: int) -> list[tuple[int, int]]:
    """Where each part of `body` starts and ends: at most `size` characters each, cut at the last
    paragraph break in the second half of the part, else the last line break, else the last space."""
    bounds, start = [], 0
    while len(body) - start > size:
        end = start + size
        for separator in ("\n\n", "\n", " "):
            at = body.rfind(separator, start + size // 2, end)
            if at >= 0:
                end = at + len(separator)
                break
        bounds.append((start, end))
        start = end
    return [*bounds, (start, len(body))]


def paragraphs(spans: tuple[Span, ...]) -> list[tuple[Span, ...]]:
    """The spans split at blank lines, so the bulletin reads as the paragraphs it was written in."""
    result: list[list[Span]] = [[]]
    for span in spans:
        for index, piece in enumerate(_BLANK_LINES.split(span.text)):
            if index:
                result.append([])
            if piece:
                result[-1].append(Span(piece, span.matched))
    return [tuple(paragraph) for paragraph in result if "".join(s.text for s in paragraph).strip()]


@dataclass(frozen=True)
class Block:
    """A paragraph of a bulletin, or a heading of level 2–6 (`level`), as spans to show."""

    spans: tuple[Span, ...]
    level: int = 0


def blocks(spans: tuple[Span, ...]) -> list[Block]:
    """The paragraphs of the spans, where a paragraph of one line that begins with two to six `#` and a
    space (`## Päätös`) is a heading of that level, shown without its marks."""
    result = []
    for paragraph in paragraphs(spans):
        text = "".join(span.text for span in paragraph)
        marks = HEADING_MARKS.match(text)
        if marks and "\n" not in text:
            result.append(Block(_without_first(paragraph, marks.end()), len(marks[1])))
        else:
            result.append(Block(paragraph))
    return result


def _without_first(spans: tuple[Span, ...], count: int) -> tuple[Span, ...]:
    """The spans less their first `count` characters."""
    result = []
    for span in spans:
        cut = min(count, len(span.text))
        count -= cut
        if span.text[cut:]:
            result.append(Span(span.text[cut:], span.matched))
    return tuple(result)


def page_numbers(result: SearchResult, around: int = 2) -> list[int | None]:
    """The page links to show: the first, the last and those near the current one; None is a gap."""
    last = max(1, math.ceil(result.listed / result.request.page_size))
    current = min(result.request.page, last)
    shown = sorted({1, last, *range(max(1, current - around), min(last, current + around) + 1)})
    numbers: list[int | None] = []
    for page in shown:
        if numbers and page - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(page)
    return numbers


def carried(**changes: object) -> dict[str, str]:
    """This request's search parameters with `changes` (None removes one): the arguments of a link."""
    values = {name: request.args.get(name, "").strip() for name in (*CARRIED, "page")}
    values.update({name: "" if value is None else str(value) for name, value in changes.items()})
    return {name: value for name, value in values.items() if value}


def home_url(query: str | None = None) -> str:
    """The search page for `query` (empty: the search box alone), in the language `?lang=` asked for."""
    changes = {name: None for name in (*CARRIED, "page") if name != "lang"}
    return url_for("pages.search_page", **carried(**{**changes, "q": query}))


def switch_language_url() -> str:
    """This page in the other language."""
    other = LANGUAGES[1 - LANGUAGES.index(language())]
    return url_for(request.endpoint or "pages.search_page", **{**carried(lang=other), **(request.view_args or {})})


def safe_link(url: str | None) -> str | None:
    """`url` if it is a web address: a bulletin's own `javascript:` link must never become a link."""
    return url if url and url.lower().startswith(("https://", "http://")) else None


def kind_label(lang: str, kind: str) -> str:
    """A bulletin's kind in `lang`: a known kind translated, a source's own word as it is."""
    key = f"kind_{kind}"
    return text(lang, key) if key in MESSAGES[lang] else kind


def lang_of(page_lang: str, text_lang: str | None = "fi") -> Markup:
    """` lang="…"` for text in another language than the page (a bulletin's text is Finnish unless its
    source says otherwise), so that a screen reader pronounces it right; nothing in the page's own."""
    text_lang = text_lang or "fi"
    return Markup(f' lang="{escape(text_lang)}"') if text_lang != page_lang else Markup("")


def register_template_helpers(app: Flask) -> None:
    """Give every template the language, its messages and the link helpers."""

    @app.context_processor
    def helpers() -> dict:
        lang = language()
        return {"lang": lang, "_": partial(text, lang), "number": partial(number, lang),
                "long_date": partial(long_date, lang), "carried": carried, "sorts": SORTS,
                "switch_language_url": switch_language_url, "home_url": home_url, "remove_all_url": remove_all_url,
                "safe_link": safe_link, "spans_html": spans_html, "max_query_chars": MAX_QUERY_CHARS,
                "kind_label": partial(kind_label, lang), "moment": partial(moment, lang),
                "lang_of": partial(lang_of, lang), "start_organs": START_ORGANS, "facets_shown": facets_shown,
                "other_lang": LANGUAGES[1 - LANGUAGES.index(lang)]}

    @app.template_filter("highlighted")
    def highlighted(spans: tuple[Span, ...]) -> Markup:
        return Markup(spans_html(spans))  # spans_html escapes every piece of text
