"""Opening a bulletin file: regular files only, however the corpus folder names them, and bulletins
of a bounded size, so that no file (a named pipe, a link to /dev/zero, a 50 MB line) can hang the
reading or exhaust memory."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from search.config import MAX_BULLETIN_MB
from search.corpus.bulletin import Problem
from search.errors import BulletinError

_KINDS = {stat.S_IFIFO: "a named pipe", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}


def max_bytes(megabytes: float = MAX_BULLETIN_MB) -> int:
    """The size limit in bytes for a limit given in MB (2**20 bytes)."""
    return int(megabytes * 2**20)


def open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading in binary, if it is (or links to) a regular file. Raise BulletinError
    naming what it is otherwise, and OSError if it cannot be opened.

    A named pipe is opened without waiting for a writer, and checked again once open, in case the
    file was replaced in between."""
    _check_regular(os.stat(path), path)  # before opening: opening a device may do something
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        _check_regular(os.fstat(fd), path)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def _check_regular(status: os.stat_result, path: Path) -> None:
    if not stat.S_ISREG(status.st_mode):
        kind = _KINDS.get(stat.S_IFMT(status.st_mode), "a special file")
        target = f" ({os.path.realpath(path)})" if path.is_symlink() else ""
        raise BulletinError(f"not a regular file but {kind}{target}: skipped")


def read_bounded(path: Path, name: str, limit: int, what: str = "bulletin") -> bytes | Problem:
    """The content of `path` (`name` in reports) if it is a regular file of at most `limit` bytes;
    else the problem that keeps it from being read, as `what` is too large, or no file to read."""
    try:
        with open_regular(path) as file:
            size = os.fstat(file.fileno()).st_size
            data = file.read(limit + 1) if size <= limit else b""  # read no more, even if it grows
    except BulletinError as error:
        return Problem(f"{name}:1", str(error))
    except OSError as error:
        return Problem(f"{name}:1", f"cannot read file: {error.strerror or error}")
    if size > limit or len(data) > limit:
        return Problem(f"{name}:1", too_large(max(size, len(data)), limit, what=what))
    return data


def too_large(size: int, limit: int, at_least: bool = False, what: str = "bulletin") -> str:
    """The reason a bulletin (or `what` else) of `size` bytes (`at_least` that many) is skipped."""
    return (f"{what} of {'at least ' if at_least else ''}{_size(size)} is larger than the limit of "
            f"{round(limit / 2**20, 3):g} MB: skipped (--max-bulletin-mb raises the limit)")


def _size(size: int) -> str:
    return f"{size / 2**20:,.1f} MB" if size >= 2**20 // 10 else f"{size / 2**10:,.0f} kB"
