"""The app's one search (of whichever backend, search.backends), opened on first use so the server
can start before the index exists, and the watcher that keeps its index current, if there is one."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, current_app

from search import backends
from search.backends import Search
from search.index.watch import CorpusWatcher, WatcherStatus


class Backend:
    """Holds the search over `index_dir` (or the Xapian `shards`); until an index exists each use tries again."""

    def __init__(self, index_dir: Path, watcher: CorpusWatcher | None = None, backend: str | None = None,
                 shards: tuple[str, ...] = ()) -> None:
        self.index_dir = index_dir
        self.watcher = watcher
        self.backend = backend
        self.shards = shards
        self._search: Search | None = None
        self._lock = threading.Lock()

    def get(self) -> Search:
        """The search; IndexMissingError while there is no index, ShardUnavailableError while a shard is down."""
        if self._search is None:
            with self._lock:
                if self._search is None:
                    self._search = backends.open_search(self.index_dir, self.backend, self.shards)
        return self._search

    def count(self) -> int:
        return backends.bulletin_count(self.index_dir, self.backend, self.shards)


def searcher() -> Search:
    """The current app's search."""
    return current_app.extensions["bulletins"].get()


def watcher_status() -> WatcherStatus | None:
    """How the current app's watcher goes, or None when it has none."""
    watcher = current_app.extensions["bulletins"].watcher
    return watcher.status if watcher else None


def index_is_empty() -> bool:
    """Whether the current app's index holds no bulletins (or does not exist yet)."""
    return current_app.extensions["bulletins"].count() == 0


def open_search(app: Flask) -> None:
    """Open `app`'s index now rather than on the first request; IndexMissingError if there is none."""
    app.extensions["bulletins"].get()
