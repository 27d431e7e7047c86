"""Child processes that never outlive the process that started them: indexing workers and server
workers alike must not linger, holding the index or the port, when their parent is gone."""

from __future__ import annotations

import ctypes
import os
import signal

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent(parent: int) -> None:
    """In a newly forked child of `parent`: be killed when the parent dies, even by SIGKILL, and
    leave Ctrl-C to the parent, which stops its children itself. Exit at once if the parent died
    before this took effect."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: children end when the parent stops them
        pass
    if os.getppid() != parent:
        os._exit(1)
