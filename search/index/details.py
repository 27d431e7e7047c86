"""A bulletin's city fields as the index stores them: its kind, case, classification and section,
for the bulletin page and its JSON twin."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from whoosh.index import FileIndex

from search.index.store import open_index


@dataclass(frozen=True)
class BulletinDetails:
    """What the source says a bulletin is: `kind` (`decision`, `agenda_item`, `announcement`, or a
    source's own word), `case` (its diary number), `classification` and `section` (its § number)."""

    kind: str | None = None
    case: str | None = None
    classification: str | None = None
    section: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return asdict(self)


class DetailsReader:
    """Reads the details of bulletins from the index in `index_dir` as last committed. Safe to share
    between threads. Raise IndexMissingError if there is no index."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._index: FileIndex = open_index(self.index_dir)

    def get(self, bulletin_id: str) -> BulletinDetails | None:
        """The details of the bulletin with this id, or None if there is no such bulletin."""
        if self._index.latest_generation() < 0:  # rebuilt under a new schema version's name
            self._index = open_index(self.index_dir)
        with self._index.searcher() as searcher:
            fields = searcher.document(id=bulletin_id)
        if fields is None:
            return None
        return BulletinDetails(kind=fields.get("kind"), case=fields.get("case"),
                               classification=fields.get("classification"), section=fields.get("section"))
