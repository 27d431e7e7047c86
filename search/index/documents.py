"""A bulletin as a Whoosh document: which text goes to which field."""

from __future__ import annotations

import hashlib
from datetime import datetime, time
from typing import Any

from search.corpus import Bulletin
from search.corpus.bulletin import CASE
from search.finnish import term_lists


def indexed_hash(bulletin: Bulletin, file: str = "") -> str:
    """What tells whether the index holds `bulletin` as it is, read from `file`: its content hash
    and the file, so that a bulletin that moves to another file is indexed again with its new one."""
    return hashlib.sha256(f"{bulletin.content_hash}\x00{file}".encode()).hexdigest()[:32]


def to_document(bulletin: Bulletin, file: str = "") -> dict[str, Any]:
    """The fields of `bulletin`, read from the corpus's `file` (a path relative to the corpus), for
    `writer.add_document`. Title and body are searched by lemma on their own and together as exact
    forms and compound parts; fields without a value are left out."""
    text = f"{bulletin.title}\n{bulletin.body}"
    document = {
        "id": bulletin.id,
        "file": file or None,
        "title": bulletin.title,
        "body": bulletin.body,
        "exact": text,
        "parts": text,
        "date": datetime.combine(bulletin.date.first_day, time()),
        "date_text": str(bulletin.date),
        "year": bulletin.date.year,
        "organ": bulletin.organ,
        "lang": bulletin.lang,
        "kind": bulletin.kind,
        "case": case_terms(bulletin.case) if bulletin.case else None,
        "_stored_case": bulletin.case,
        "classification": bulletin.classification,
        "section": bulletin.section,
        "url": bulletin.url,
        "source": bulletin.source,
        "content_hash": indexed_hash(bulletin, file).encode("ascii"),
    }
    return {name: value for name, value in document.items() if value is not None}


def case_terms(case: str) -> list[str]:
    """What a search finds a case by: its diary number whole and, for `HEL 2021-009631`, without the
    city's code (`2021-009631`), lowercased."""
    whole = case.lower()
    return [whole, whole.split(" ", 1)[1]] if CASE.fullmatch(case) else [whole]


def text_size(document: dict[str, Any]) -> int:
    """About how much text `document` holds, in characters: what its analysis costs grows with it."""
    return len(document["exact"])


def with_terms(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with its exact and parts text replaced by their term lists, as the Whoosh writer
    takes them, and the lemmas of its lead (for search feedback) as a column. Called where the
    document is written (in a worker process when there are several), so that the analysis is
    shared out with the writing."""
    terms = term_lists(document["exact"])
    return {**document, "exact": terms.exact, "parts": terms.parts, "lead": " ".join(terms.lead).encode("utf-8")}
