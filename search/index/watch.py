"""Keeping the index current without anyone running a command: file-system events in the corpus
folder (inotify through watchdog, no polling) trigger an incremental update. Events are debounced,
so that a burst of changes (a copied folder, an editor's save) makes one update, which reads only
the files that changed (the whole corpus at the start, after a folder changed, and after an update
that failed).

The watcher never stops by itself: an update that fails, whatever the reason, is reported, leaves
the index as it was and is tried again on the next change. Its `status` says how it goes, also to
processes forked from the one that made it (a server's worker processes): it is kept in memory they
share."""

from __future__ import annotations

import ctypes
import json
import multiprocessing
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from search.backends import update_index
from search.corpus import is_bulletin_file, max_bytes
from search.errors import BulletinError, BulletinsError, IndexLockedError
from search.index.writer import IndexReport

QUIET = 0.3  # seconds without events before an update starts
LATEST = 1.0  # seconds after the first event when an update starts even if events go on
LOCK_WAIT = 5.0  # seconds to wait for another indexing run before trying again later
STATUS_BYTES = 4096  # the shared memory that holds the status as JSON
_ERROR_CHARS = 1000  # of an error message, the most the status keeps

State = Literal["starting", "updating", "watching", "failing", "stopped"]


@dataclass(frozen=True)
class WatcherStatus:
    """How the watcher goes: `state` (starting, updating, watching: the last update succeeded,
    failing: it failed and is tried again on the next change, stopped), when an update last
    succeeded, and the last error with its time."""

    state: State
    updated: datetime | None = None
    error: str | None = None
    error_at: datetime | None = None

    def to_dict(self) -> dict:
        """The status as JSON (for /api/health)."""
        return {"state": self.state, "updated": _iso(self.updated),
                "last_error": {"message": self.error, "at": _iso(self.error_at)} if self.error else None}

    def to_bytes(self) -> bytes:
        fields = {"state": self.state, "updated": _iso(self.updated),
                  "error": self.error[:_ERROR_CHARS] if self.error else None, "error_at": _iso(self.error_at)}
        return json.dumps(fields, ensure_ascii=True).encode("ascii")

    @classmethod
    def from_bytes(cls, data: bytes) -> WatcherStatus:
        fields = json.loads(data)
        return cls(fields["state"], _moment(fields["updated"]), fields["error"], _moment(fields["error_at"]))


class UpdateFailed(BulletinsError):
    """An update failed for a reason nobody foresaw."""


class CorpusWatcher:
    """Updates the index in `index_dir` from `corpus_dir` now, then after every change, in a thread
    of its own until `stop()`. Each update's report goes to `on_update`, an error to `on_error`.
    Bulletins larger than `limit` bytes are skipped."""

    def __init__(self, corpus_dir: Path, index_dir: Path, on_update: Callable[[IndexReport], None],
                 on_error: Callable[[BulletinsError], None], limit: int = max_bytes()) -> None:
        self.corpus_dir = Path(corpus_dir)
        self.index_dir = Path(index_dir)
        self.on_update = on_update
        self.on_error = on_error
        self.limit = limit
        self._status = multiprocessing.get_context("fork").Array(ctypes.c_char, STATUS_BYTES)
        self._status.value = WatcherStatus("starting").to_bytes()
        self._changed = threading.Event()
        self._pending = _Pending()
        self._stopping = threading.Event()
        self._observer = Observer()
        self._thread = threading.Thread(target=self._run, name="corpus-watcher", daemon=True)

    def start(self) -> None:
        """Watch the corpus folder and bring the index up to date with it.

        Raise BulletinError if the corpus folder does not exist."""
        if not self.corpus_dir.is_dir():
            raise BulletinError(f"corpus folder not found: {self.corpus_dir}")
        folder = self.corpus_dir.resolve()
        self._observer.schedule(_Changes(folder, self._changed, self._pending), str(folder), recursive=True)
        self._observer.start()
        self._changed.set()  # catch up with what changed while nobody watched
        self._thread.start()

    def stop(self) -> None:
        """Stop watching; an update under way is finished first."""
        self._stopping.set()
        self._observer.stop()
        self._observer.join()
        self._thread.join()

    def __enter__(self) -> CorpusWatcher:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _run(self) -> None:
        try:
            while not self._stopping.is_set():
                if self._changed.wait(0.1) and self._settled():
                    self._update()
        finally:
            self._set(state="stopped")

    def _settled(self) -> bool:
        """Wait until events pause (or LATEST has passed); False if stopping meanwhile."""
        first = time.monotonic()
        while True:
            self._changed.clear()
            if self._stopping.wait(QUIET):
                return False
            if not self._changed.is_set() or time.monotonic() - first >= LATEST:
                return True

    def _update(self) -> None:
        """One update, and its report or error passed on; no error ends the watching."""
        self._set(state="updating")
        files = self._pending.take()
        try:
            report = update_index(self.corpus_dir, self.index_dir, wait=LOCK_WAIT, limit=self.limit, files=files)
        except IndexLockedError as error:
            self._failed(error)
            self._changed.set()  # another run holds the index: try again
            return
        except BulletinsError as error:
            self._failed(error)
            return
        except Exception as error:  # a bug, or a fault nobody foresaw: the next change tries again
            self._failed(UpdateFailed(f"the update of {self.index_dir} failed ({_where(error)}); the index is as it "
                                      "was, and the update is tried again on the next change"))
            return
        self._set(state="watching", updated=_now())
        _tell(self.on_update, report)

    def _failed(self, error: BulletinsError) -> None:
        self._pending.add_everything()  # what the failed update would have read, and what changed meanwhile
        self._set(state="failing", error=str(error), error_at=_now())
        _tell(self.on_error, error)

    @property
    def status(self) -> WatcherStatus:
        """How the watcher goes now."""
        return WatcherStatus.from_bytes(self._status.value)

    def _set(self, **changes: object) -> None:
        self._status.value = WatcherStatus(**{**self.status.__dict__, **changes}).to_bytes()


def _tell(listener: Callable[[object], None], news: object) -> None:
    """Pass `news` on; if that fails (say, stdout is a closed pipe), the status still tells."""
    try:
        listener(news)
    except Exception:
        pass


def _where(error: Exception) -> str:
    """The error, and where in the code it was raised: `KeyError: 'x' at reading.py:123`."""
    frames = traceback.extract_tb(error.__traceback__)
    place = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}: {error}{place}"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class _Pending:
    """What changed since the last update: the files (paths relative to the corpus folder), or, when
    a folder changed or nothing is known yet, everything."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._files: set[str] = set()
        self._everything = True  # nobody watched before the start

    def add(self, file: str) -> None:
        with self._lock:
            self._files.add(file)

    def add_everything(self) -> None:
        with self._lock:
            self._everything = True

    def take(self) -> list[str] | None:
        """The files that changed, or None for everything; then nothing is pending."""
        with self._lock:
            files = None if self._everything else sorted(self._files)
            self._files, self._everything = set(), False
            return files


class _Changes(FileSystemEventHandler):
    """Notes any event that may change the bulletins: a bulletin file created, changed, moved or
    deleted (that file changed), or a folder created, moved or deleted (everything may have). Hidden
    and temporary files do not count."""

    def __init__(self, corpus_dir: Path, changed: threading.Event, pending: _Pending) -> None:
        self.corpus_dir = corpus_dir
        self.changed = changed
        self.pending = pending

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return
        for path in (event.src_path, getattr(event, "dest_path", "")):
            relative = self._relative(Path(path)) if path else None
            if relative is None:
                continue
            if event.is_directory:
                self.pending.add_everything()
            elif is_bulletin_file(relative):
                self.pending.add(relative.as_posix())
            else:
                continue
            self.changed.set()

    def _relative(self, path: Path) -> Path | None:
        try:
            return path.relative_to(self.corpus_dir)
        except ValueError:
            return None
