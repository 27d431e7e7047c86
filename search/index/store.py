"""The index folder: opening the index of the current schema version, or creating it.

The index is named after SCHEMA_VERSION, so an index of another version is never opened with
the wrong schema: it is rebuilt beside the old one, which is removed once the new one is committed.

Segments are written as separate files, not Whoosh's compound files, and read through memory maps
(`MappedStorage`): opening an index then copies nothing into memory. Whoosh reads each file of a
compound segment into a memory buffer of its own, which on the 6,242 decisions of the dev set cost
a process 340 MB and 0.3 s at every opening.
"""

from __future__ import annotations

import mmap
import os
import re
import shutil
import time
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.index import TOC, FileIndex

from search.errors import IndexMissingError
from search.index.schema import SCHEMA_VERSION, bulletin_schema

INDEX_NAME = f"bulletins{SCHEMA_VERSION}"
OPEN_ATTEMPTS = 10

# Whoosh names its files `_<name>_<generation>.toc` and `<name>_<segment>.<ext>`, and its writers'
# temporary folder `<name>.tmp`.
_TOC = re.compile(r"^_(?P<name>.+)_(?P<generation>\d+)\.toc$")
_SEGMENT_FILE = re.compile(r"^(?P<segment>(?P<name>[^_]+)_[0-9a-z]+)\.\w[\w.]*$")


class MappedStorage(FileStorage):
    """A folder of index files, each read through a memory map: pages the OS shares between processes
    and reclaims, read only when a search needs them."""

    def open_file(self, name: str, **kwargs) -> StructFile:
        with open(self._fpath(name), "rb") as file:
            if not os.fstat(file.fileno()).st_size:  # an empty file cannot be mapped
                return super().open_file(name, **kwargs)
            return StructFile(mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ), name=name, **kwargs)


def open_index(index_dir: Path) -> FileIndex:
    """The index in `index_dir`, as last committed. Raise IndexMissingError with a hint to run
    `bulletins index` if there is none of the current version."""
    index_dir = Path(index_dir)
    generation = _generations(index_dir).get(INDEX_NAME, -1)
    # Generation 0 is the empty index a first run creates before it commits anything.
    if generation < 1:
        if any(name != INDEX_NAME for name in _generations(index_dir)):
            raise IndexMissingError(
                f"the index in {index_dir} was built by another version of bulletin-search: "
                "run `bulletins index` to rebuild it"
            )
        raise IndexMissingError(f"no index in {index_dir} yet: run `bulletins index` to build it")
    # The schema comes from the code, not the pickle in the index: the version in the name vouches for it.
    for attempt in range(OPEN_ATTEMPTS):
        try:
            return MappedStorage(str(index_dir)).open_index(INDEX_NAME, schema=bulletin_schema())
        except FileNotFoundError:
            # A commit replaced the table of contents just as it was read (Whoosh's own reader
            # retries so, but opening the index does not): read the newest one.
            if attempt == OPEN_ATTEMPTS - 1:
                raise
            time.sleep(0.05)


def create_index(index_dir: Path) -> FileIndex:
    """A new, empty index of the current schema in `index_dir` (replacing one of this version)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    return MappedStorage(str(index_dir)).create_index(bulletin_schema(), indexname=INDEX_NAME)


def leftovers(index_dir: Path) -> list[Path]:
    """What runs that died left in `index_dir`: the files of segments that no commit took in, the
    tables of contents of older generations, the writers' temporary folder, and every file of
    other schema versions. Nothing while no index of this version is committed: until then, the
    other versions' index is the one searched. Files of any other name are never counted."""
    generations = _generations(index_dir)
    latest = generations.get(INDEX_NAME, -1)
    if latest < 1:
        return []
    toc = TOC.read(FileStorage(str(index_dir)), INDEX_NAME, gen=latest, schema=bulletin_schema())
    segments = {segment.segment_id() for segment in toc.segments}
    others = tuple(start for name in generations if name != INDEX_NAME for start in (f"_{name}_", f"{name}_", f"{name}."))
    found = []
    for path in index_dir.iterdir():
        toc_file, segment_file = _TOC.match(path.name), _SEGMENT_FILE.match(path.name)
        if (path.name.startswith(others) or path.name == f"{INDEX_NAME}.tmp"
                or toc_file and toc_file["name"] == INDEX_NAME and int(toc_file["generation"]) != latest
                or segment_file and segment_file["name"] == INDEX_NAME and segment_file["segment"] not in segments):
            found.append(path)
    return found


def remove_leftovers(index_dir: Path) -> None:
    """Delete the `leftovers` of runs that died. Only under the indexing lock: the files of a run
    under way would look the same."""
    for path in leftovers(index_dir):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _generations(index_dir: Path) -> dict[str, int]:
    """The latest committed generation of each index (by name) in `index_dir`."""
    latest: dict[str, int] = {}
    if not index_dir.is_dir():
        return latest
    for path in index_dir.iterdir():
        match = _TOC.match(path.name)
        if match:
            name, generation = match["name"], int(match["generation"])
            latest[name] = max(generation, latest.get(name, -1))
    return latest
