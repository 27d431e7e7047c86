"""What a Xapian index holds, as `bulletins stats` shows it for the Whoosh index."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import xapian

from search.errors import IndexMissingError
from search.index.stats import VOCABULARY_FIELDS, IndexStats
from search.xapian.documents import stored_fields
from search.xapian.layout import DATE, PREFIXES, VERSION, local_shards, open_shards
from search.xapian.writer import UPDATED


def bulletin_count(index_dir: Path | None, shards: Sequence[str] = ()) -> int:
    """How many bulletins the shards hold; 0 when there is no index yet."""
    try:
        return open_shards(shards or local_shards(index_dir)).get_doccount()
    except IndexMissingError:
        return 0


def index_stats(index_dir: Path | None, shards: Sequence[str] = ()) -> IndexStats:
    """Figures about the Xapian index; its shards count as its segments."""
    shards = list(shards) or local_shards(index_dir)
    database = open_shards(shards)
    dates = []
    for reverse in (False, True):
        enquire = xapian.Enquire(database)
        enquire.set_query(xapian.Query.MatchAll)
        enquire.set_sort_by_value(DATE, reverse)
        dates += [stored_fields(item.document)["date_text"] for item in enquire.get_mset(0, 1)]
    stamp = database.get_metadata(UPDATED).decode("ascii")
    local = [Path(shard) for shard in shards if Path(shard).is_dir()]
    return IndexStats(
        index_dir=str(index_dir) if index_dir is not None else ",".join(shards),
        bulletins=database.get_doccount(),
        first_date=dates[0] if dates else None,
        last_date=dates[-1] if dates else None,
        size_bytes=sum(path.stat().st_size for folder in local for path in folder.iterdir() if path.is_file()),
        vocabulary={name: sum(1 for _ in database.allterms(PREFIXES[field])) for field, name in VOCABULARY_FIELDS.items()},
        segments=len(shards),
        updated=datetime.fromisoformat(stamp) if stamp else datetime.fromtimestamp(0, UTC),
        schema_version=VERSION,
        backend="xapian",
    )
