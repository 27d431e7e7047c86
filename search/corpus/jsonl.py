"""JSON Lines bulletins (`.jsonl`): one JSON object a line, read one line at a time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from search.corpus.bulletin import Bulletin, PartialDate, Problem, normalize_case, normalize_id
from search.corpus.text import derive_title

REQUIRED = ("id", "date", "title", "body")
OPTIONAL = ("url", "organ", "lang", "kind", "case", "classification", "section")


def read(path: Path, name: str) -> Iterator[Bulletin | Problem]:
    """Yield a bulletin or a problem for every non-blank line, in file order, without loading the file."""
    lineno = 1
    try:
        with path.open("rb") as lines:
            for lineno, line in enumerate(lines, 1):
                if line.strip():
                    yield parse_line(line, f"{name}:{lineno}")
    except OSError as error:
        yield Problem(f"{name}:{lineno}", f"cannot read file: {error.strerror or error}")


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
    if not isinstance(record, dict):
        return Problem(source, f"not a JSON object but {_kind(record)}")
    missing = [key for key in REQUIRED if key not in record]
    if missing:
        return Problem(source, "missing " + ", ".join(repr(key) for key in missing))
    wrong = [key for key in REQUIRED if not isinstance(record[key], str)]
    wrong += [key for key in OPTIONAL if record.get(key) is not None and not isinstance(record[key], str)]
    if wrong:
        return Problem(source, "; ".join(f"{key!r} must be a string, not {_kind(record[key])}" for key in wrong))
    try:
        return _bulletin(record, source)
    except ValueError as error:
        return Problem(source, str(error))


def _bulletin(record: dict[str, Any], source: str) -> Bulletin:
    body = record["body"].strip()
    if not body:
        raise ValueError("empty body")
    optional = {key: (record.get(key) or "").strip() or None for key in OPTIONAL}
    if optional["case"]:
        optional["case"] = normalize_case(optional["case"])
    return Bulletin(
        id=normalize_id(record["id"]),
        date=PartialDate.parse(record["date"]),
        title=record["title"].strip() or derive_title(body),
        body=body,
        source=source,
        **optional,
    )


def _kind(value: Any) -> str:
    """The JSON name of a value's type, for messages."""
    kinds = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return kinds.get(type(value), "a number")
