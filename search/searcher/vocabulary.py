"""What did-you-mean, completions and the overview read of an index's terms, whichever backend
holds them: a Whoosh IndexReader has these methods, and the Xapian backend gives an object that
has them too (search.xapian.engine)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol


class TermInfo(Protocol):
    def doc_frequency(self) -> int:
        """How many bulletins hold the term."""


class Vocabulary(Protocol):
    """The terms of the index's fields (body, title, exact, parts), and how many bulletins hold each."""

    def doc_frequency(self, field: str, text: str) -> int:
        """How many bulletins hold `text` in `field`."""

    def iter_prefix(self, field: str, prefix: str) -> Iterator[tuple[bytes, TermInfo]]:
        """The terms of `field` that begin with `prefix` (UTF-8), in order, each with its information."""

    def iter_field(self, field: str) -> Iterator[tuple[bytes, TermInfo]]:
        """Every term of `field`, in order, with its information."""


class FieldNames(Protocol):
    """The names the filter fields hold: by each lowercased name, the name as most bulletins write it."""

    names: dict[str, dict[str, str]]

    def name_counts(self, field: str) -> dict[str, int]:
        """How many bulletins hold each (lowercased) name of `field`."""
