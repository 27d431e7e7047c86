"""HTML documents as the plain text a reader sees: headings and paragraphs kept, markup, styles and
scripts dropped, entities decoded.

The text follows one convention, which the bulletin page renders: paragraphs are separated by a blank
line, a line break inside a paragraph is kept, and a heading is a paragraph of one line that begins
with two to six `#` and a space (`## Päätös`), as in Markdown. The document's top heading level
becomes `##` (the bulletin's title is the page's only level-one heading), deeper levels get more `#`.
List items begin with `• ` and the cells of a table row are separated by ` | `. A section with
nothing in it is left out, heading and all.

Parsed with lxml (libxml2): it recovers from the broken nesting real documents have (a `<div>` in a
`<p>`), decodes every entity and is fast enough to convert a whole city's decisions on each rebuild.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import lxml.html
from lxml import etree

HEADINGS = {f"h{level}": level for level in range(1, 7)}
# Elements whose content is no text for a reader.
_DROPPED = {"head", "script", "style", "template", "noscript", "iframe", "object", "svg", "math"}
# Blocks set apart by a blank line, like the margins a browser gives them; other blocks start a new line.
_PARAGRAPHS = {"p", "ul", "ol", "dl", "table", "blockquote", "pre", "hr", "figure", "address", "fieldset"}
_LINES = {"div", "section", "article", "header", "footer", "main", "aside", "nav", "li", "dt", "dd", "tr",
          "caption", "figcaption", "form", "details", "summary", "center", "body"}
_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML's whitespace; a no-break space stays
_SPACES = re.compile(r" {2,}")
# Breaks, resolved when the text is put together: a run of breaks is a paragraph break if it holds
# one or two explicit <br>s in a row, else a line break.
_BR, _LINE, _PARAGRAPH = object(), object(), object()


class NotHtmlError(ValueError):
    """The text is not an HTML document: it has no element at all."""


class HtmlDocument:
    """One parsed HTML document (or fragment)."""

    def __init__(self, html: str) -> None:
        """Parse `html`; NotHtmlError if it holds no HTML element (say, an error message sent in its place)."""
        try:
            self.root = lxml.html.document_fromstring(html)
        except (etree.ParserError, ValueError) as error:
            raise NotHtmlError(f"not HTML ({error})") from None
        body = self.root.find("body")
        if body is None or not any(isinstance(element.tag, str) for element in body.iterdescendants()):
            raise NotHtmlError(f"not HTML but the text {_quote(html)}")

    @property
    def lang(self) -> str | None:
        """The `lang` of the `<html>` element, lowercased, if any."""
        return (self.root.get("lang") or "").strip().lower() or None

    def meta(self, name: str) -> str | None:
        """The content of the first `<meta name=…>` (names compared without regard to case)."""
        for meta in self.root.iter("meta"):
            if (meta.get("name") or "").lower() == name.lower():
                return (meta.get("content") or "").strip() or None
        return None

    def class_text(self, class_name: str) -> str | None:
        """The text of the first element with the class `class_name`, whitespace collapsed, if not empty."""
        for element in self.root.iter():
            if isinstance(element.tag, str) and class_name in (element.get("class") or "").split():
                return _collapse(element.text_content()) or None
        return None

    def text(self, skip_classes: Iterable[str] = ()) -> str:
        """The document as plain text (see the module's docstring), leaving out the elements that
        have one of `skip_classes`."""
        skip = frozenset(skip_classes)
        body = self.root.find("body")
        writer = _TextWriter(skip, min(_heading_levels(body, skip), default=2))
        writer.element(body)
        return "\n\n".join(_without_empty_sections(writer.result().split("\n\n")))


class _TextWriter:
    """Walks the element tree, writing text, line and paragraph breaks, and headings."""

    def __init__(self, skip_classes: frozenset[str], top_heading: int) -> None:
        self.skip_classes = skip_classes
        self.top_heading = top_heading
        self.parts: list[str | object] = []

    def result(self) -> str:
        pieces: list[str] = []
        breaks: list[object] = []
        for part in self.parts:
            if isinstance(part, str):
                if breaks and part.strip():
                    pieces.append("\n\n" if _PARAGRAPH in breaks or breaks.count(_BR) > 1 else "\n")
                    breaks = []
                pieces.append(part)
            else:
                breaks.append(part)
        paragraphs = []
        for paragraph in "".join(pieces).split("\n\n"):
            lines = (_SPACES.sub(" ", line.strip()) for line in paragraph.split("\n"))
            text = "\n".join(line for line in lines if line)
            if text:
                paragraphs.append(text)
        return "\n\n".join(paragraphs)

    def element(self, element: lxml.html.HtmlElement) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if not tag or _skipped(element, self.skip_classes):
            self.text(element.tail)  # a comment or a skipped element still has the text after it
            return
        if tag in HEADINGS:
            self.heading(element, HEADINGS[tag])
        elif tag == "br":
            self.parts.append(_BR)
        elif tag == "tr":
            self.row(element)
        elif tag == "pre":
            self.parts += [_PARAGRAPH, element.text_content().replace("\n\n", "\n"), _PARAGRAPH]
        else:
            breaks = [_PARAGRAPH] if tag in _PARAGRAPHS else [_LINE] if tag in _LINES else []
            self.parts += breaks
            if tag == "li":
                self.parts.append(_bullet(element))
            self.text(element.text)
            for child in element:
                self.element(child)
            self.parts += breaks
        self.text(element.tail)

    def text(self, text: str | None) -> None:
        if text:
            self.parts.append(_SPACE.sub(" ", text))

    def heading(self, element: lxml.html.HtmlElement, level: int) -> None:
        text = _collapse(_inner_text(element, self.skip_classes))
        if text:
            marks = "#" * min(6, max(2, level - self.top_heading + 2))
            self.parts += [_PARAGRAPH, f"{marks} {text}", _PARAGRAPH]

    def row(self, row: lxml.html.HtmlElement) -> None:
        """A table row as one line, its cells' own lines joined by `; `."""
        cells = [_inner_text(cell, self.skip_classes) for cell in row if cell.tag in ("td", "th")]
        cells = ["; ".join(line.strip() for line in cell.split("\n") if line.strip()) for cell in cells]
        self.parts += [_LINE, " | ".join(cell for cell in cells if cell), _LINE]


def _without_empty_sections(paragraphs: list[str]) -> list[str]:
    """The paragraphs without the headings of empty sections: a heading followed by nothing, or by
    a heading of its own level or above (Helsinki's decisions often have an empty `Esittelijätiedot`,
    which a reader would see as a heading over the next one)."""
    kept: list[str] = []
    for paragraph in reversed(paragraphs):
        level = _heading_level(paragraph)
        if level and (not kept or 0 < _heading_level(kept[-1]) <= level):
            continue
        kept.append(paragraph)
    return kept[::-1]


def _heading_level(paragraph: str) -> int:
    """How many `#` mark the paragraph as a heading; 0 when it is none."""
    marks = len(paragraph) - len(paragraph.lstrip("#"))
    return marks if 2 <= marks <= 6 and paragraph[marks:marks + 1] == " " and "\n" not in paragraph else 0


def _inner_text(element: lxml.html.HtmlElement, skip_classes: frozenset[str]) -> str:
    """The text inside `element` (not its tail), as lines."""
    writer = _TextWriter(skip_classes, 1)
    writer.text(element.text)
    for child in element:
        writer.element(child)
    return writer.result()


def _skipped(element: lxml.html.HtmlElement, skip_classes: frozenset[str]) -> bool:
    return element.tag in _DROPPED or bool(skip_classes.intersection((element.get("class") or "").split()))


def _heading_levels(element: lxml.html.HtmlElement | None, skip_classes: frozenset[str]) -> Iterable[int]:
    """The levels of the headings the text will show: those outside dropped and skipped elements."""
    for child in element if element is not None else ():
        if isinstance(child.tag, str) and not _skipped(child, skip_classes):
            if child.tag in HEADINGS:
                yield HEADINGS[child.tag]
            else:
                yield from _heading_levels(child, skip_classes)


def _bullet(item: lxml.html.HtmlElement) -> str:
    parent = item.getparent()
    if parent is not None and parent.tag == "ol":
        return f"{[child for child in parent if child.tag == 'li'].index(item) + 1}. "
    return "• "


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _quote(text: str, length: int = 60) -> str:
    text = _collapse(text)
    return repr(text if len(text) <= length else text[:length] + "…")
