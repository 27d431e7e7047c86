"""Plain-text bulletins (`.txt`): a `date YYYY-MM[-DD]` header, then the body. The file name is the id."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from search.corpus.bulletin import Bulletin, PartialDate, Problem, clean_text, normalize_id
from search.corpus.files import max_bytes, open_regular, too_large
from search.errors import BulletinError

TITLE_LENGTH = 120

_HEADER = re.compile(r"date[ \t]+(\S+)(.*)", re.DOTALL)
# Where a sentence may end: its punctuation, any closing quotes or brackets, then whitespace.
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’»)\]]*(?=\s)")


def read(path: Path, name: str, limit: int = max_bytes()) -> Iterator[Bulletin | Problem]:
    """Yield the one bulletin of the file, or the problem that keeps it from being read (among them
    a file larger than `limit` bytes)."""
    try:
        with open_regular(path) as file:
            size = os.fstat(file.fileno()).st_size
            data = file.read(limit + 1) if size <= limit else b""  # read no more, even if it grows
    except BulletinError as error:
        yield Problem(f"{name}:1", str(error))
        return
    except OSError as error:
        yield Problem(f"{name}:1", f"cannot read file: {error.strerror or error}")
        return
    if size > limit or len(data) > limit:
        yield Problem(f"{name}:1", too_large(max(size, len(data)), limit))
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        yield Problem(f"{name}:{line}", f"invalid UTF-8 (byte {data[error.start]:#04x})")
        return
    try:
        yield parse(text, path.stem, f"{name}:1")
    except ValueError as error:
        yield Problem(f"{name}:1", str(error))


def parse(text: str, stem: str, source: str) -> Bulletin:
    """The bulletin written in `text`; ValueError with the reason if it has no valid date, body or id."""
    content = clean_text(text).lstrip("\ufeff \t\n")
    if not content:
        raise ValueError("empty file")
    header = _HEADER.match(content)
    if not header:
        raise ValueError("missing date: the file must begin with 'date YYYY-MM' or 'date YYYY-MM-DD'")
    date = PartialDate.parse(header[1])
    body = header[2].strip()
    if not body:
        raise ValueError("empty body")
    return Bulletin(normalize_id(stem), date, derive_title(body), body, source)


def derive_title(body: str) -> str:
    """The first sentence of `body`, cut at a word boundary with "…" when longer than TITLE_LENGTH."""
    title = first_sentence(body)
    if title.endswith(".") and not title[-2:-1].isdigit():  # keep the ordinal dot of "23.11."
        title = title[:-1]
    if len(title) <= TITLE_LENGTH:
        return title
    cut = title.rfind(" ", 0, TITLE_LENGTH + 1)
    head = title[:cut] if cut > TITLE_LENGTH // 2 else title[:TITLE_LENGTH]
    return head.rstrip(" ,;:") + "…"


def first_sentence(body: str) -> str:
    """The text of `body` up to the first sentence end or line break.

    A sentence ends at `.`, `!` or `?` followed by whitespace and an uppercase letter, so the
    dates and ordinals of Finnish text ("maanantaina 23.11. yrityksille") do not end one.
    """
    line = body.strip().split("\n", 1)[0].strip()
    for end in _SENTENCE_END.finditer(line):
        if line[end.end() :].lstrip()[:1].isupper():
            return line[: end.end()]
    return line
