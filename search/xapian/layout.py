"""How a sharded Xapian index is laid out: the shard folders, the prefixes of the terms, the value
slots, and which shard a bulletin goes to; and opening the shards, local or remote, as one database
that Xapian searches with global statistics.

    <index>/xapian.json        {"backend": "xapian", "version": VERSION, "shards": N, "generation": G}
    <index>/gG/shard-00 … shard-NN   one Xapian database each (glass)

An update changes each shard in one transaction. A rebuild writes a new generation beside the old
one and switches to it by replacing xapian.json, so readers see the old index until then, and a
rebuild that is killed leaves the old one as it was.

A bulletin goes to the shard its id hashes to, so that updating it finds it again in the same place.
A shard is given to a search as a local folder or as `host:port` of a `xapian-tcpsrv` serving it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import xapian

from search.errors import IndexMissingError, ShardUnavailableError
from search.xapian import LAYOUT_FILE

# Bump when the terms, values or stored data change: an index of another version is rebuilt.
VERSION = 5

# The term prefixes, one capital letter each (the terms are lowercase): text fields, then filters.
PREFIXES = {"body": "B", "title": "T", "exact": "X", "parts": "P", "id": "Q", "file": "F", "organ": "O",
            "kind": "K", "classification": "C", "case": "H", "lead": "L"}
# The value slots: the date as a sortable day number, the filter fields as written (for facets),
# what tells whether the index holds a bulletin as it is, its id, and its lead's lemmas
# (space-separated: feedback reads them for the best hits, quicker than their terms).
DATE, ORGAN, KIND, CLASSIFICATION, YEAR, HASH, ID, LEAD = range(8)
SLOTS = {"organ": ORGAN, "kind": KIND, "classification": CLASSIFICATION}
# Xapian refuses terms longer than 245 bytes.
MAX_TERM_BYTES = 240
# How long a search waits for a remote shard before it counts as down, in milliseconds.
REMOTE_TIMEOUT_MS = 5000


def shard_name(number: int) -> str:
    return f"shard-{number:02d}"


def shard_of(bulletin_id: str, shards: int) -> int:
    """The shard a bulletin goes to: its id's hash, so the same id always lands in the same shard."""
    return int.from_bytes(hashlib.blake2b(bulletin_id.encode("utf-8"), digest_size=8).digest(), "big") % shards


@dataclass(frozen=True)
class Layout:
    """The shards of a local index: how many, and the version of their terms."""

    shards: int
    generation: int = 1
    version: int = VERSION

    @staticmethod
    def read(index_dir: Path) -> Layout | None:
        """The layout in `index_dir`, or None where there is none (or it cannot be read)."""
        try:
            found = json.loads((Path(index_dir) / LAYOUT_FILE).read_text(encoding="utf-8"))
            return Layout(int(found["shards"]), int(found["generation"]), int(found["version"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, index_dir: Path) -> None:
        """Write the layout atomically (a new file renamed over the old)."""
        path = Path(index_dir) / LAYOUT_FILE
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"backend": "xapian", "version": self.version, "shards": self.shards,
                                         "generation": self.generation}),
                             encoding="utf-8")
        temporary.replace(path)

    def folder(self, index_dir: Path) -> Path:
        """The folder of this generation's shards."""
        return Path(index_dir) / f"g{self.generation}"

    def folders(self, index_dir: Path) -> list[Path]:
        return [self.folder(index_dir) / shard_name(number) for number in range(self.shards)]


def local_shards(index_dir: Path) -> list[str]:
    """The shard folders of the local index in `index_dir`; IndexMissingError when there is none."""
    layout = Layout.read(index_dir)
    if layout is None or layout.version != VERSION:
        raise IndexMissingError(f"no Xapian index in {index_dir}: run `bulletins index --backend xapian` first")
    return [str(folder) for folder in layout.folders(index_dir)]


def open_shards(shards: Sequence[str]) -> xapian.Database:
    """One database over all `shards` (folders, or `host:port` of xapian-tcpsrv servers), searched with
    the statistics of them all. Raise ShardUnavailableError naming the first shard that fails."""
    database = xapian.Database()
    for shard in shards:
        database.add_database(open_shard(shard))
    return database


def open_shard(shard: str) -> xapian.Database:
    """One shard: a local folder, or `host:port` of a xapian-tcpsrv server."""
    try:
        remote = parse_remote(shard)
        if remote is not None:
            host, port = remote
            return xapian.remote_open(host, port, REMOTE_TIMEOUT_MS, REMOTE_TIMEOUT_MS)
        return xapian.Database(shard)
    except xapian.Error as error:
        raise ShardUnavailableError(shard, error.get_msg()) from None


def parse_remote(shard: str) -> tuple[str, int] | None:
    """(host, port) of a `host:port` shard; None for a local folder."""
    host, colon, port = shard.rpartition(":")
    if colon and host and port.isdigit() and not Path(shard).exists():
        return host.strip("[]"), int(port)
    return None


def down_shard(shards: Sequence[str]) -> str | None:
    """The first of `shards` that cannot be opened now, or None when all can."""
    for shard in shards:
        try:
            open_shard(shard).get_doccount()
        except (ShardUnavailableError, xapian.Error):
            return shard
    return None
