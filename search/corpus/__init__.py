"""The corpus: a folder of bulletin files, read into `Bulletin`s whatever their format.

Each format is a module with `read(path, name, limit)` yielding bulletins and problems; `READERS`
maps a file extension to it. Bad input becomes a `Problem` and never stops the reading. Only
regular files are read, and no bulletin larger than `limit` bytes (search.corpus.files).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from search.corpus import ahjo, jsonl, text
from search.corpus.bulletin import Bulletin, PartialDate, Problem, normalize_case, source_name
from search.corpus.files import max_bytes
from search.errors import BulletinError

__all__ = ["READERS", "Bulletin", "CorpusReader", "PartialDate", "Problem",
           "is_bulletin_file", "max_bytes", "normalize_case", "read_file"]

READERS: dict[str, Callable[[Path, str, int], Iterator[Bulletin | Problem]]] = {
    ".txt": text.read,
    ".jsonl": jsonl.read,
    ".json": ahjo.read,  # Ahjo API responses; a JSON file of another kind is reported as such
}


def is_bulletin_file(relative: Path) -> bool:
    """Whether a path inside the corpus, given relative to the corpus folder, names a file to read.

    It must have a known extension and neither it nor a folder on its way may be hidden
    or an editor's temporary file (`.x`, `.#x`, `#x#`, `x~`, `x.swp`).
    """
    return relative.suffix.lower() in READERS and not any(_is_hidden_or_temporary(part) for part in relative.parts)


def read_file(path: Path, root: Path | None = None, seen: dict[str, str] | None = None,
              limit: int = max_bytes()) -> Iterator[Bulletin | Problem]:
    """Lazily yield the bulletins and problems of one file, in file order.

    Sources are named relative to `root` when given. `seen` maps the ids already taken to their
    source: a bulletin reusing one becomes a problem, the others are added to it. A bulletin larger
    than `limit` bytes is a problem. An error no reader foresaw ends the file as a problem too.
    Raise BulletinError if the extension has no reader.
    """
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise BulletinError(f"{path}: not a bulletin file (known extensions: {', '.join(READERS)})")
    name = source_name(path.relative_to(root).as_posix() if root is not None else str(path))
    return _unique(_guarded(reader(path, name, limit), name), {} if seen is None else seen)


class CorpusReader:
    """The bulletins of a corpus folder and its sub-folders, read lazily, depth first in name order;
    with `only`, just those files of it (paths relative to the folder; one that is gone, or is no
    bulletin file, holds no bulletins).

    Iterating yields every good bulletin; `file` is the path, relative to the folder, of the file
    the last one came from. Afterwards `files` lists the files read, `problems` what could not be
    read and `ignored` the files and folders left alone. Iterating again reads the folder afresh.
    Ids are unique across what is read: the first one read wins.
    """

    def __init__(self, folder: Path, limit: int = max_bytes(), only: Iterable[str] | None = None) -> None:
        self.folder = Path(folder)
        self.limit = limit
        self.only = None if only is None else sorted(set(only))
        self.file = ""
        self.files: list[Path] = []
        self.problems: list[Problem] = []
        self.ignored: list[Path] = []

    def __iter__(self) -> Iterator[Bulletin]:
        if not self.folder.is_dir():
            raise BulletinError(f"corpus folder not found: {self.folder}")
        self.files, self.problems, self.ignored = [], [], []
        seen: dict[str, str] = {}
        paths = self._walk(self.folder, set()) if self.only is None else self._listed(self.only)
        for path in paths:
            self.files.append(path)
            self.file = path.relative_to(self.folder).as_posix()
            for item in read_file(path, self.folder, seen, self.limit):
                if isinstance(item, Problem):
                    self.problems.append(item)
                else:
                    yield item

    def _listed(self, relative: list[str]) -> Iterator[Path]:
        """The paths of `relative` that name bulletin files of the corpus and are there (a dangling
        link or a named pipe too: reading it reports the problem), as the walk would find them."""
        for name in relative:
            path = self.folder / name
            if is_bulletin_file(Path(name)) and os.path.lexists(path) and not path.is_dir():
                yield path

    def _walk(self, folder: Path, visited: set[Path]) -> Iterator[Path]:
        """Yield the bulletin files under `folder` in name order, noting the rest as ignored."""
        real = folder.resolve()
        if real in visited:  # a symbolic link back up the tree
            self.ignored.append(folder)
            return
        visited.add(real)
        try:
            entries = sorted(folder.iterdir())
        except OSError as error:
            name = source_name(folder.relative_to(self.folder).as_posix())
            self.problems.append(Problem(f"{name}:1", f"cannot read folder: {error.strerror or error}"))
            return
        for entry in entries:
            if entry.is_dir() and not _is_hidden_or_temporary(entry.name):
                yield from self._walk(entry, visited)
            elif not entry.is_dir() and is_bulletin_file(entry.relative_to(self.folder)):
                yield entry  # a dangling link too: reading it reports the problem
            else:
                self.ignored.append(entry)


_LINE = re.compile(r":([0-9]+)$")


def _guarded(items: Iterator[Bulletin | Problem], name: str) -> Iterator[Bulletin | Problem]:
    """`items`, ended by a problem if reading them raises an error the reader did not foresee: one
    file must never stop the reading of the others."""
    line = 0
    try:
        for item in items:
            found = _LINE.search(item.source)  # `file:12`; an API response's entries are `file: entry 3 (id)`
            line = int(found[1]) if found else line
            yield item
    except Exception as error:
        yield Problem(f"{name}:{line + 1}", f"cannot be read ({type(error).__name__}: {error}): the rest of the file "
                                            "is skipped")


def _unique(items: Iterable[Bulletin | Problem], seen: dict[str, str]) -> Iterator[Bulletin | Problem]:
    """Pass `items` on, turning a bulletin whose id is in `seen` into a problem."""
    for item in items:
        if isinstance(item, Bulletin):
            if item.id in seen:
                item = Problem(item.source, f"duplicate id {item.id!r}: already read from {seen[item.id]}")
            else:
                seen[item.id] = item.source
        yield item


def _is_hidden_or_temporary(name: str) -> bool:
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swo"))
