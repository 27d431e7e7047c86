"""The seam between the front ends and the two index backends: which backend holds an index, and the
calls the CLI and the web app make to search it, update it and count it.

Whoosh (search.index, search.searcher) is the default and needs no configuration. The Xapian
backend (search.xapian) serves an index that outgrows one machine: chosen with `--backend xapian`
or $BULLETINS_BACKEND when indexing, found by its xapian.json when searching a local index, or
given as a list of shards (`--shards` or $BULLETINS_SHARDS: folders, or `host:port` of
`xapian-tcpsrv` servers). Both take the same requests and return the same results."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from search.errors import BulletinsError

if TYPE_CHECKING:
    from search.index.writer import IndexReport
    from search.searcher.completions import Completion
    from search.searcher.overview import Overview
    from search.searcher.results import SearchRequest, SearchResult, Span, StoredBulletin

BACKENDS = ("whoosh", "xapian")
BACKEND_ENV = "BULLETINS_BACKEND"
SHARDS_ENV = "BULLETINS_SHARDS"


class Search(Protocol):
    """The search API that both backends give (search.searcher.BulletinSearch, search.xapian.engine.XapianSearch)."""

    def search(self, request: SearchRequest) -> SearchResult: ...

    def bulletin(self, bulletin_id: str) -> StoredBulletin | None: ...

    def case_history(self, case: str) -> tuple[StoredBulletin, ...]: ...

    def highlight(self, text: str, query: str) -> tuple[Span, ...]: ...

    def complete(self, text: str, limit: int = ...) -> tuple[Completion, ...]: ...

    def overview(self) -> Overview: ...

    def last_update(self) -> datetime: ...


def backend_name(explicit: str | None = None) -> str | None:
    """The backend asked for: the explicit value, else $BULLETINS_BACKEND, else None (as the index is)."""
    name = (explicit or os.environ.get(BACKEND_ENV) or "").strip().lower() or None
    if name is not None and name not in BACKENDS:
        raise BulletinsError(f"unknown backend {name!r}: use one of {', '.join(BACKENDS)}")
    return name


def shard_list(explicit: str | Sequence[str] | None = None) -> tuple[str, ...]:
    """The shards to search: the explicit list (comma-separated, or a sequence), else $BULLETINS_SHARDS;
    empty when none are given (the local index is searched)."""
    given = explicit if explicit is not None else os.environ.get(SHARDS_ENV, "")
    items = given.split(",") if isinstance(given, str) else given
    return tuple(item.strip() for item in items if item.strip())


def _is_xapian(index_dir: Path, backend: str | None, shards: Sequence[str]) -> bool:
    from search.xapian import is_xapian_index

    chosen = backend_name(backend)
    if shards and chosen == "whoosh":
        raise BulletinsError("shards are searched with the Xapian backend: leave out --backend whoosh")
    return bool(shards) or chosen == "xapian" or (chosen is None and is_xapian_index(index_dir))


def open_search(index_dir: Path, backend: str | None = None, shards: Sequence[str] = ()) -> Search:
    """The search over the index in `index_dir` (of whichever backend built it), or over `shards`."""
    if _is_xapian(index_dir, backend, shards):
        from search.xapian.engine import XapianSearch

        return XapianSearch(None if shards else index_dir, shards)
    from search.searcher import BulletinSearch

    return BulletinSearch(index_dir)


def update_index(corpus_dir: Path, index_dir: Path, backend: str | None = None, shards: int | None = None,
                 **options) -> IndexReport:
    """Bring the index in `index_dir` up to date with `corpus_dir`: a Xapian index (with `shards`
    shards) when asked for or when it is one, else the Whoosh index. `options` are the writers' own."""
    if shards is not None and backend_name(backend) == "whoosh":
        raise BulletinsError("--shards needs the Xapian backend: add --backend xapian")
    if _is_xapian(index_dir, backend, ()) or shards is not None:
        from search.xapian.writer import update_index as update_xapian

        return update_xapian(corpus_dir, index_dir, shards=shards, **options)
    from search.index.writer import update_index as update_whoosh

    return update_whoosh(corpus_dir, index_dir, **options)


def bulletin_count(index_dir: Path, backend: str | None = None, shards: Sequence[str] = ()) -> int:
    """How many bulletins the index holds; 0 when there is none yet."""
    if _is_xapian(index_dir, backend, shards):
        from search.xapian.stats import bulletin_count as count_xapian

        return count_xapian(None if shards else index_dir, shards)
    from search.index.stats import bulletin_count as count_whoosh

    return count_whoosh(index_dir)
