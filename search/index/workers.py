"""Worker processes of a parallel indexing run must not outlive it: an orphaned worker would keep
the index's locks (inherited with its file descriptors) and block every later run."""

from __future__ import annotations

import ctypes
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

_parent: int | None = None  # the pid of the indexing run while it may fork workers


@contextmanager
def bound_to_this_process() -> Iterator[None]:
    """While inside, processes forked from this one die when it dies (even by SIGKILL) and leave
    Ctrl-C to it: the run stops its workers itself."""
    global _parent
    _parent = os.getpid()
    try:
        yield
    finally:
        _parent = None


def _after_fork_in_child() -> None:
    if _parent is None:
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: workers end only when the run cancels them
        pass
    if os.getppid() != _parent:  # the run died before prctl took effect
        os._exit(1)


os.register_at_fork(after_in_child=_after_fork_in_child)
