"""The app's one BulletinSearch, opened on first use so the server can start before the index exists,
and the watcher that keeps its index current, if there is one."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, current_app

from search.index.stats import bulletin_count
from search.index.watch import CorpusWatcher, WatcherStatus
from search.searcher import BulletinSearch


class Backend:
    """Holds the BulletinSearch over `index_dir`; until an index exists each use tries again."""

    def __init__(self, index_dir: Path, watcher: CorpusWatcher | None = None) -> None:
        self.index_dir = index_dir
        self.watcher = watcher
        self._search: BulletinSearch | None = None
        self._lock = threading.Lock()

    def get(self) -> BulletinSearch:
        """The BulletinSearch; IndexMissingError while there is no index."""
        if self._search is None:
            with self._lock:
                if self._search is None:
                    self._search = BulletinSearch(self.index_dir)
        return self._search


def searcher() -> BulletinSearch:
    """The current app's BulletinSearch."""
    return current_app.extensions["bulletins"].get()


def watcher_status() -> WatcherStatus | None:
    """How the current app's watcher goes, or None when it has none."""
    watcher = current_app.extensions["bulletins"].watcher
    return watcher.status if watcher else None


def index_is_empty() -> bool:
    """Whether the current app's index holds no bulletins (or does not exist yet)."""
    return bulletin_count(current_app.extensions["bulletins"].index_dir) == 0


def open_search(app: Flask) -> None:
    """Open `app`'s index now rather than on the first request; IndexMissingError if there is none."""
    app.extensions["bulletins"].get()
