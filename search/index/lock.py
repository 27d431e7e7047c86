"""One indexing run at a time: an OS file lock (flock) in the index folder, which the OS releases
even when the run is killed with SIGKILL, so a dead run never leaves the index locked.

A forked process closes its copy of the lock at once: a worker of the run that outlives it by a
moment must not keep the index locked."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from search.errors import IndexLockedError

LOCK_FILE = "indexing.lock"

_held: set[int] = set()  # descriptors of the locks this process holds


@contextmanager
def index_lock(index_dir: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the index's indexing lock, waiting up to `wait` seconds for another run to finish.

    Raise IndexLockedError if it is still held then."""
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / LOCK_FILE, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexLockedError(
                        f"another indexing run (bulletins index or watch) is updating {index_dir}; "
                        "try again when it has finished"
                    ) from None
                time.sleep(0.1)
        _held.add(fd)
        yield
    finally:
        _held.discard(fd)
        os.close(fd)  # closing the last descriptor of the lock releases it


def _close_held_in_child() -> None:
    for fd in _held:
        os.close(fd)
    _held.clear()


os.register_at_fork(after_in_child=_close_held_in_child)
