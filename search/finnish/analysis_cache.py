"""A persistent cache of word analyses, shared by indexing runs: Voikko's analysis of a word costs
about 75 µs, and reading it back from this cache about 8 µs, so a run over words seen before (a
rebuild, a corpus that grows, another corpus of the same language) spends most of its analysis
time elsewhere.

The cache is an SQLite file in the user's cache folder (search.config.cache_dir), named by a
fingerprint of everything an analysis depends on: libvoikko's version, the files of the Voikko
dictionaries it can load, what it answers for a few probe words, and the source of the modules that
turn its answers into index terms. When any of them changes the cache starts afresh, and the files
of other fingerprints are removed. Any trouble with the cache (a folder that cannot be written, a
damaged or locked file) turns it off for the run: indexing never fails because of it.

An SQLite connection must not cross a fork: each process opens its own, and a connection is closed
before the indexing run forks its workers. Each thread enables the cache for itself
(search.finnish.words.use_store), so the server's query threads never touch it."""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import sqlite3
import sys
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from search.config import cache_dir
from search.finnish.voikko import handle
from search.finnish.words import WordAnalysis, use_store

SAVE_EVERY = 5_000  # new analyses held in memory before they are written
MAX_MB = 256  # the file grows no further than this
TIMEOUT = 10.0  # seconds to wait for another process writing the cache
# Words whose analyses change with the dictionary: a compound, a participle, a name, an inflected
# verb, an unknown word, and words of the newer vocabulary.
_PROBES = ("yrityshautomopalvelujen", "kokeiluja", "päätetty", "Jyväskylässä", "kaupunginhallitus",
           "smoothieita", "koronavirus", "etätyö", "somettaa", "kiertotalous")
# Where libvoikko looks for dictionaries, besides $VOIKKO_DICTIONARY_PATH
_DICTIONARY_DIRS = ("~/.voikko", "/etc/voikko", "/usr/lib/voikko", "/usr/share/voikko",
                    "/usr/local/lib/voikko", "/usr/local/share/voikko", "/usr/lib/x86_64-linux-gnu/voikko")

# The modules that turn Voikko's answers into index terms
_ANALYSIS_MODULES = ("search.finnish.words", "search.finnish.guess", "search.finnish.wordbases",
                     "search.finnish.stopwords")

_open_caches: weakref.WeakSet[AnalysisCache] = weakref.WeakSet()


@functools.cache
def fingerprint() -> str:
    """What the analyses of this process depend on, as a hex digest (computed once per process)."""
    import libvoikko

    digest = hashlib.sha256()
    for part in (libvoikko.Voikko.getVersion(), sys.version, str(marshal.version)):
        digest.update(part.encode() + b"\0")
    for path in _dictionary_files():
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    for probe in _PROBES:
        digest.update(repr(handle().analyze(probe)).encode())
    for module in _ANALYSIS_MODULES:
        digest.update(Path(sys.modules[module].__file__).read_bytes())
    return digest.hexdigest()[:16]


def _dictionary_files() -> list[Path]:
    """The files under every folder libvoikko may load a dictionary from, sorted."""
    folders = [folder for folder in os.environ.get("VOIKKO_DICTIONARY_PATH", "").split(os.pathsep) if folder]
    files: set[Path] = set()
    for folder in (*folders, *_DICTIONARY_DIRS):
        root = Path(os.path.expanduser(folder))  # as it is, where there is no home folder
        if root.is_dir():
            files.update(path for path in root.rglob("*") if path.is_file())
    return sorted(files)


class AnalysisCache:
    """The analyses stored in `path`, read and added to by one thread of one process at a time.
    When the file held none as it was opened (`empty`), nothing is looked up: every lookup would miss."""

    def __init__(self, path: Path, empty: bool) -> None:
        self.path = path
        self.empty = empty
        self.pending: dict[str, bytes] = {}
        self.full = False
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self.broken = False
        _open_caches.add(self)

    def get(self, word: str) -> WordAnalysis | None:
        """The stored analysis of `word`, or None."""
        if self.empty:
            return None
        with self._lock:
            connection = self._connect()
            if connection is None:
                return None
            try:
                row = connection.execute("SELECT analysis FROM analyses WHERE word = ?", (word,)).fetchone()
                return None if row is None else WordAnalysis(*marshal.loads(row[0]))
            except sqlite3.OperationalError:  # locked past TIMEOUT, or the disk failed: do without
                self._break(damaged=False)
            except (sqlite3.DatabaseError, ValueError, EOFError, TypeError):
                self._break(damaged=True)
            return None

    def add(self, word: str, analysis: WordAnalysis) -> None:
        """Keep the new analysis of `word`, written once SAVE_EVERY are held, or by save()."""
        if self.broken or self.full:
            return
        self.pending[word] = marshal.dumps((analysis.lemmas, analysis.parts, analysis.known, analysis.stop,
                                            analysis.exact))
        if len(self.pending) >= SAVE_EVERY:
            self.save()

    def save(self) -> None:
        """Write the analyses held; skipped (and dropped) if another process holds the file too long."""
        with self._lock:
            pending, self.pending = self.pending, {}
            connection = self._connect()
            if not pending or connection is None:
                return
            try:
                with connection:
                    connection.executemany("INSERT OR IGNORE INTO analyses VALUES (?, ?)", pending.items())
                self.full = self.path.stat().st_size >= MAX_MB * 2**20
            except sqlite3.OperationalError as error:
                if "locked" not in str(error):  # another process writing for long: these are dropped
                    self._break(damaged=False)
            except sqlite3.DatabaseError:
                self._break(damaged=True)
            except OSError:
                self._break(damaged=False)

    def close(self) -> None:
        """Close this process's connection (a later call opens a new one)."""
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection = None

    def forked(self) -> None:
        """In a new child process: the connection and the analyses held are the parent's."""
        self._connection, self.pending = None, {}

    def _connect(self) -> sqlite3.Connection | None:
        if self._connection is None and not self.broken:
            try:
                self._connection = _connect(self.path)
            except sqlite3.OperationalError:
                self._break(damaged=False)
            except sqlite3.DatabaseError:
                self._break(damaged=True)
        return self._connection

    def _break(self, damaged: bool) -> None:
        """Turn the cache off for this process; a `damaged` file is removed, for the next run to remake."""
        self._close()
        self.broken, self.pending = True, {}
        if damaged:
            _remove(self.path)


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=TIMEOUT, check_same_thread=False)
    try:
        connection.execute("PRAGMA journal_mode=WAL").fetchone()
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("CREATE TABLE IF NOT EXISTS analyses (word TEXT PRIMARY KEY, analysis BLOB NOT NULL)"
                           " WITHOUT ROWID")
        connection.execute("SELECT analysis FROM analyses LIMIT 1").fetchall()
    except sqlite3.DatabaseError:
        connection.close()
        raise
    return connection


def open_cache() -> AnalysisCache | None:
    """The cache of this fingerprint in search.config.cache_dir, with the files of other
    fingerprints removed; None if it cannot be had. A damaged file is replaced."""
    try:
        folder = cache_dir()  # RuntimeError: no home folder to put it in
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"analyses-{fingerprint()}.sqlite"
        for old in folder.glob("analyses-*.sqlite*"):
            if not old.name.startswith(path.name):
                old.unlink(missing_ok=True)
        try:
            empty = _is_empty(path)
        except sqlite3.OperationalError:  # locked, or cannot be opened: not damaged
            return None
        except sqlite3.DatabaseError:  # damaged: made anew
            _remove(path)
            empty = _is_empty(path)
    except (sqlite3.Error, OSError, RuntimeError):
        return None
    return AnalysisCache(path, empty)


def _is_empty(path: Path) -> bool:
    connection = _connect(path)
    try:
        return connection.execute("SELECT 1 FROM analyses LIMIT 1").fetchone() is None
    finally:
        connection.close()


@contextmanager
def cached_analyses() -> Iterator[AnalysisCache | None]:
    """Within the block, this thread's analyses (and those of processes it forks) go through the
    persistent cache; what is new is written when the block ends."""
    cache = open_cache()
    if cache is None:
        yield None
        return
    use_store(cache)
    try:
        yield cache
    finally:
        use_store(None)
        cache.save()
        cache.close()


def save_analyses() -> None:
    """Write the new analyses that this process holds (a worker, before it ends)."""
    for cache in list(_open_caches):
        cache.save()


def _remove(path: Path) -> None:
    """Remove the cache file and SQLite's files beside it."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _close_before_fork() -> None:
    for cache in list(_open_caches):
        cache.close()


def _forget_after_fork() -> None:
    for cache in list(_open_caches):
        cache.forked()


os.register_at_fork(before=_close_before_fork, after_in_child=_forget_after_fork)
