"""The bulletin: one document of the corpus, whatever file it came from."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date as _date

_DATE = re.compile(r"([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?")  # ASCII digits only: \d is any script's
# Control characters: line breaks other than \n become one, the unit separator (whitespace) a space,
# and the rest, which would recolour a terminal or break a page, go; \t and \n stay.
_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x1c-\x1e\x85]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
# A diary number (the case a bulletin belongs to): the city's code, the year and the number, written
# `HEL 2021-009631`, `HEL-2021-009631` or `hel 2021-009631`.
CASE = re.compile(r"\b([A-Za-zÅÄÖåäö]{2,})[\s-]+([0-9]{4})-([0-9]{3,})\b")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year and month, or to the day (`2020-11` or `2020-11-23`)."""

    year: int
    month: int
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse `YYYY-MM` or `YYYY-MM-DD`; raise ValueError for anything else or an impossible date."""
        match = _DATE.fullmatch(text.strip())
        if not match:
            digits = " in ASCII digits" if any(char.isdigit() and not char.isascii() for char in text) else ""
            raise ValueError(f"not a date of the form YYYY-MM or YYYY-MM-DD{digits}: {text.strip()[:40]!r}")
        year, month = int(match[1]), int(match[2])
        day = int(match[3]) if match[3] else None
        try:
            _date(year, month, day or 1)
        except ValueError as error:  # month 13, day 31 of a 30-day month, …
            raise ValueError(f"impossible date {text.strip()!r}: {error}") from None
        return cls(year, month, day)

    @property
    def first_day(self) -> _date:
        """The first day the date may mean: what sorting and date filters use."""
        return _date(self.year, self.month, self.day or 1)

    def __str__(self) -> str:
        base = f"{self.year:04d}-{self.month:02d}"
        return base if self.day is None else f"{base}-{self.day:02d}"


@dataclass(frozen=True)
class Bulletin:
    """One bulletin. `source` says where it came from (`file:line`, or `file: entry N` in an API response).

    Optional: `url` of the original, `organ` (the deciding body or official), `lang`, `kind`
    (`decision`, `agenda_item`, `announcement` for a päätöstiedote, or a source's own word), `case`
    (the diary number, normalized by `normalize_case`), `classification` (the subject class, e.g.
    "Kokousasiat") and `section` (the number of its §)."""

    id: str
    date: PartialDate
    title: str
    body: str
    source: str
    url: str | None = None
    organ: str | None = None
    lang: str | None = None
    kind: str | None = None
    case: str | None = None
    classification: str | None = None
    section: str | None = None
    content_hash: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        digest = hashlib.sha256()
        for part in (self.id, str(self.date), self.title, self.body, self.url, self.organ, self.lang, self.kind,
                     self.case, self.classification, self.section):
            digest.update((part or "").encode("utf-8"))
            digest.update(b"\x00")
        object.__setattr__(self, "content_hash", digest.hexdigest()[:32])


@dataclass(frozen=True)
class Problem:
    """A bulletin that could not be read: where, and why."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


def clean_text(text: str) -> str:
    """`text` without control characters other than newline and tab; other line breaks (\\r\\n, \\r,
    form feed, …) become newlines."""
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\n", text).replace("\x1f", " "))


def source_name(name: str) -> str:
    """A file's name as reports show it: quoted, with escapes, if it holds a character that would
    break the report's line or hide in it (a newline, a control character, an undecodable byte)."""
    return name if name.isprintable() else repr(name)


def normalize_id(raw: str) -> str:
    """The id without surrounding whitespace; ValueError if it is empty or unfit for a URL path."""
    bulletin_id = raw.strip()
    if not bulletin_id:
        raise ValueError("empty id")
    # Ids are URL path segments: a slash, a dot segment or a control character would break the URL.
    if "/" in bulletin_id:
        raise ValueError(f"id {bulletin_id!r} contains '/'")
    if bulletin_id in (".", ".."):
        raise ValueError(f"id {bulletin_id!r} cannot be a URL path segment")
    if any(unicodedata.category(char) == "Cc" for char in bulletin_id):
        raise ValueError(f"id {bulletin_id!r} contains a control character")
    if any(unicodedata.category(char) == "Cs" for char in bulletin_id):  # how Python reads a byte that is not UTF-8
        raise ValueError(f"id {bulletin_id!r} is not UTF-8 text (a file name in another encoding?)")
    return bulletin_id


def normalize_case(text: str) -> str:
    """A diary number in one form, `HEL 2021-009631`, however it was written (`hel-2021-009631`);
    text that is no diary number of that form is kept with its whitespace collapsed."""
    match = CASE.fullmatch(text.strip())
    if match:
        return f"{match[1].upper()} {match[2]}-{match[3]}"
    return " ".join(text.split())
