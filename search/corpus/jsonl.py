"""JSON Lines bulletins (`.jsonl`): one JSON object a line, read one line at a time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from search.corpus.bulletin import Bulletin, PartialDate, Problem, clean_text, normalize_case, normalize_id
from search.corpus.files import max_bytes, open_regular, too_large
from search.corpus.text import derive_title
from search.errors import BulletinError

_PIECE = 1 << 20  # bytes read at a time past a line that is too long

REQUIRED = ("id", "date", "title", "body")
OPTIONAL = ("url", "organ", "lang", "kind", "case", "classification", "section")


def read(path: Path, name: str, limit: int = max_bytes()) -> Iterator[Bulletin | Problem]:
    """Yield a bulletin or a problem for every non-blank line, in file order, without loading the file
    or any line longer than `limit` bytes."""
    lineno = 1
    try:
        with open_regular(path) as file:
            for lineno, line in enumerate(_lines(file, limit), 1):
                if isinstance(line, int):
                    yield Problem(f"{name}:{lineno}", too_large(line, limit))
                elif line.strip():
                    yield parse_line(line, f"{name}:{lineno}")
    except BulletinError as error:
        yield Problem(f"{name}:{lineno}", str(error))
    except OSError as error:
        yield Problem(f"{name}:{lineno}", f"cannot read file: {error.strerror or error}")


def _lines(file: BinaryIO, limit: int) -> Iterator[bytes | int]:
    """The lines of `file`; in place of a line longer than `limit` bytes (its newline aside), its
    length, for it is read past a piece at a time and never held whole."""
    while line := file.readline(limit + 1):
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        size = len(line)
        while not line.endswith(b"\n") and (line := file.readline(_PIECE)):
            size += len(line)
        yield size - line.endswith(b"\n")


def parse_line(line: bytes, source: str) -> Bulletin | Problem:
    """The bulletin written on one line, or the problem with it."""
    try:
        text = line.decode("utf-8-sig")  # -sig: tolerate a byte order mark on the first line
    except UnicodeDecodeError as error:
        return Problem(source, f"invalid UTF-8 (byte {line[error.start]:#04x} at column {error.start + 1})")
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        return Problem(source, f"broken JSON: {error.msg} at column {error.colno}")
    except RecursionError:
        return Problem(source, "broken JSON (nested too deeply)")
    except ValueError as error:  # a number of more digits than Python converts
        return Problem(source, f"broken JSON ({error})")
    if not isinstance(record, dict):
        return Problem(source, f"not a JSON object but {_kind(record)}")
    missing = [key for key in REQUIRED if key not in record]
    if missing:
        return Problem(source, "missing " + ", ".join(repr(key) for key in missing))
    wrong = [key for key in REQUIRED if not isinstance(record[key], str)]
    wrong += [key for key in OPTIONAL if record.get(key) is not None and not isinstance(record[key], str)]
    if wrong:
        return Problem(source, "; ".join(f"{key!r} must be a string, not {_kind(record[key])}" for key in wrong))
    for key in REQUIRED + OPTIONAL:
        try:
            (record.get(key) or "").encode("utf-8")
        except UnicodeEncodeError as error:  # JSON may escape half of a surrogate pair alone: \ud800
            return Problem(source, f"{key!r} is not Unicode text: a lone surrogate \\u{ord(error.object[error.start]):04x} "
                                   f"at character {error.start + 1}")
    try:
        return _bulletin(record, source)
    except ValueError as error:
        return Problem(source, str(error))


def _bulletin(record: dict[str, Any], source: str) -> Bulletin:
    body = clean_text(record["body"]).strip()
    if not body:
        raise ValueError("empty body")
    optional = {key: clean_text(record.get(key) or "").strip() or None for key in OPTIONAL}
    if optional["case"]:
        optional["case"] = normalize_case(optional["case"])
    return Bulletin(
        id=normalize_id(record["id"]),
        date=PartialDate.parse(record["date"]),
        title=clean_text(record["title"]).strip() or derive_title(body),
        body=body,
        source=source,
        **optional,
    )


def _kind(value: Any) -> str:
    """The JSON name of a value's type, for messages."""
    kinds = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return kinds.get(type(value), "a number")
