"""The pages people read: the search page and the bulletin page. Their JSON twins are in `api`."""

from __future__ import annotations

import math
import re
from functools import partial

from flask import Blueprint, Flask, current_app, render_template, request, url_for
from markupsafe import Markup

from search.errors import QueryError
from search.searcher.results import MAX_QUERY_CHARS, SORTS, SearchResult, Span, spans_html
from search.web.backend import index_is_empty, searcher
from search.web.errors import describe, error_response
from search.web.i18n import LANGUAGES, language, long_date, number, text
from search.web.params import CARRIED, ParamError, integer, search_request, search_words

blueprint = Blueprint("pages", __name__)

# A bulletin page shows at most this much of the body: a long bulletin is read a part at a time.
PART_CHARS = 100_000
EXAMPLES = ("kokeiluja", "kaupunginhallituksen", "hautomo", "maahanmuutto", "kansainväliset osaajat")
FORM_FIELDS = ("q", "from", "to", "year", "sort", "size")
_BLANK_LINES = re.compile(r"\n[ \t\r]*\n\s*")


@blueprint.get("/")
def search_page():
    """The search box; for a query, its hits with facets and pages, or the error inline (400)."""
    form = {name: request.args.get(name, "").strip()[:MAX_QUERY_CHARS] for name in FORM_FIELDS}
    if not form["q"]:
        return render_template("search.html", form=form, result=None, error=None, empty=index_is_empty())
    try:
        result = searcher().search(search_request(request.args))
    except QueryError as error:
        return render_template("search.html", form=form, result=None, error=describe(error, language()),
                               error_param=getattr(error, "param", "q")), 400
    return render_template("search.html", form=form, result=result, error=None, pages=page_numbers(result),
                           empty=not result.total and index_is_empty())


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
    return render_template("bulletin.html", bulletin=stored, query=query, part=part, parts=len(bounds),
                           title=highlight(stored.title, query),
                           paragraphs=paragraphs(highlight(stored.body[start:end], query)))


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


def page_numbers(result: SearchResult, around: int = 2) -> list[int | None]:
    """The page links to show: the first, the last and those near the current one; None is a gap."""
    last = max(1, math.ceil(result.total / result.request.page_size))
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


def register_template_helpers(app: Flask) -> None:
    """Give every template the language, its messages and the link helpers."""

    @app.context_processor
    def helpers() -> dict:
        lang = language()
        return {"lang": lang, "_": partial(text, lang), "number": partial(number, lang),
                "long_date": partial(long_date, lang), "carried": carried, "sorts": SORTS,
                "switch_language_url": switch_language_url, "home_url": home_url, "examples": EXAMPLES,
                "safe_link": safe_link, "spans_html": spans_html, "max_query_chars": MAX_QUERY_CHARS,
                "other_lang": LANGUAGES[1 - LANGUAGES.index(lang)]}

    @app.template_filter("highlighted")
    def highlighted(spans: tuple[Span, ...]) -> Markup:
        return Markup(spans_html(spans))  # spans_html escapes every piece of text
