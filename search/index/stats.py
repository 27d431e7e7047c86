"""What the index holds: bulletins, date range, size, vocabulary, last update."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from whoosh.query import Every

from search.errors import IndexMissingError
from search.index.schema import SCHEMA_VERSION
from search.index.store import open_index
from search.index.whoosh_internals import listed_segments

# The vocabulary: distinct terms of these fields, by what a term of each is.
VOCABULARY_FIELDS = {"body": "lemmas", "exact": "forms", "parts": "parts"}


@dataclass(frozen=True)
class IndexStats:
    """Figures about one index. Dates are as precise as the bulletins give them."""

    index_dir: str
    bulletins: int
    first_date: str | None
    last_date: str | None
    size_bytes: int
    vocabulary: dict[str, int]
    segments: int
    updated: datetime
    schema_version: int
    backend: str = "whoosh"  # with "xapian", `segments` counts the shards

    def lines(self) -> list[str]:
        """The figures as aligned `label: value` lines for a terminal."""
        dates = f"{self.first_date} … {self.last_date}" if self.first_date else "–"
        vocabulary = ", ".join(f"{count:,} {name}" for name, count in self.vocabulary.items())
        unit = "shard" if self.backend == "xapian" else "segment"
        segments = f"{self.segments} {unit}{'' if self.segments == 1 else 's'}"
        rows = [("index", f"{self.index_dir} (schema version {self.schema_version}, {segments})"),
                ("bulletins", f"{self.bulletins:,}"), ("dates", dates),
                ("size", f"{self.size_bytes / 2**20:,.1f} MB"), ("vocabulary", vocabulary),
                ("last update", self.updated.isoformat(sep=" ", timespec="seconds"))]
        return [f"{label + ':':13}{value}" for label, value in rows]

    def to_dict(self) -> dict:
        """The JSON object of `bulletins stats --json`."""
        return {**asdict(self), "updated": self.updated.isoformat(timespec="seconds")}


def bulletin_count(index_dir: Path) -> int:
    """How many bulletins the index in `index_dir` holds (0 when there is no index yet), as its table
    of contents says: opening a reader to count them would open every segment (a second on a large
    index, on every page that asks)."""
    try:
        ix = open_index(index_dir)
    except IndexMissingError:
        return 0
    return sum(segment.doc_count() for segment in listed_segments(ix))


def index_stats(index_dir: Path) -> IndexStats:
    """Figures about the index in `index_dir`; IndexMissingError if there is none."""
    ix = open_index(index_dir)
    with ix.searcher() as searcher:
        first = searcher.search(Every(), sortedby="date", limit=1)
        last = searcher.search(Every(), sortedby="date", reverse=True, limit=1)
        reader = searcher.reader()
        vocabulary = {name: sum(1 for _ in reader.lexicon(field)) for field, name in VOCABULARY_FIELDS.items()}
        return IndexStats(
            index_dir=str(index_dir),
            bulletins=searcher.doc_count(),
            first_date=first[0]["date_text"] if first else None,
            last_date=last[0]["date_text"] if last else None,
            size_bytes=sum(path.stat().st_size for path in Path(index_dir).iterdir() if path.is_file()),
            vocabulary=vocabulary,
            segments=len(reader.segments() or ()),  # an empty index's reader has none
            updated=datetime.fromtimestamp(ix.last_modified()),
            schema_version=SCHEMA_VERSION,
        )
