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
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.index import FileIndex

from search.errors import IndexMissingError
from search.index.schema import SCHEMA_VERSION, bulletin_schema

INDEX_NAME = f"bulletins{SCHEMA_VERSION}"

# Whoosh names its files `_<name>_<generation>.toc` and `<name>_<segment>.<ext>`.
_TOC = re.compile(r"^_(?P<name>.+)_(?P<generation>\d+)\.toc$")


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
    return MappedStorage(str(index_dir)).open_index(INDEX_NAME, schema=bulletin_schema())


def create_index(index_dir: Path) -> FileIndex:
    """A new, empty index of the current schema in `index_dir` (replacing one of this version)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    return MappedStorage(str(index_dir)).create_index(bulletin_schema(), indexname=INDEX_NAME)


def remove_other_versions(index_dir: Path) -> None:
    """Delete the files (and a killed run's temporary folder) of indexes of other schema versions."""
    names = [name for name in _generations(index_dir) if name != INDEX_NAME]
    for path in index_dir.iterdir():
        if any(path.name.startswith((f"_{name}_", f"{name}_", f"{name}.")) for name in names):
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
