"""How many bulletins' leads hold each lemma: what feedback's rough idf needs, counted per segment.

A segment never changes once written (but for deletions), so its counts are worked out once: the
writer stores them beside the segment when it commits (`<segment>.leads.json`, a file of the
segment, which goes with it), and a process keeps them by segment, so that a new generation counts
only its new segments and a one-off search (the CLI's) reads no lead. A segment without the file
(a run killed between its commit and the writing) is counted from its lead column."""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from whoosh.reading import IndexReader

SUFFIX = ".leads.json"

# (index folder, segment id) → the segment's counts, for the segments of the latest generation read
_known: dict[tuple[str, str], dict[str, int]] = {}
_lock = threading.Lock()


def store_lead_counts(index_dir: Path, reader: IndexReader) -> None:
    """Write the lead counts of each segment of `reader` that has none in `index_dir` yet. The index
    is committed already: a file that cannot be written is left out, and readers count its segment."""
    for segment, name in _segments(reader):
        path = index_dir / f"{name}{SUFFIX}"
        if not path.exists():
            temporary = path.with_suffix(".tmp")
            try:
                temporary.write_text(json.dumps(_count(segment), ensure_ascii=False), encoding="utf-8")
                os.replace(temporary, path)
            except OSError:
                with contextlib.suppress(OSError):
                    temporary.unlink(missing_ok=True)


class LeadCounts:
    """In how many live bulletins' leads each lemma stands, for one generation of the index."""

    def __init__(self, index_dir: Path, reader: IndexReader) -> None:
        folder = str(Path(index_dir).resolve())
        found: dict[tuple[str, str], dict[str, int]] = {}
        self._deleted: Counter = Counter()
        for segment, name in _segments(reader):
            key = (folder, name)
            with _lock:
                counts = _known.get(key)
            if counts is None:
                counts = _read(Path(index_dir) / f"{key[1]}{SUFFIX}")
            found[key] = _count(segment) if counts is None else counts
            if segment.has_deletions():
                self._deleted.update(_lemmas(segment, set(range(segment.doc_count_all())) - set(segment.all_doc_ids())))
        self._segments = list(found.values())
        with _lock:  # the segments merged away are forgotten
            for key in [key for key in _known if key[0] == folder and key not in found]:
                del _known[key]
            _known.update(found)

    def __getitem__(self, lemma: str) -> int:
        return sum(counts.get(lemma, 0) for counts in self._segments) - self._deleted[lemma]


def _segments(reader: IndexReader) -> Iterator[tuple[IndexReader, str]]:
    """Each segment's reader and id; none for an index without segments (whose reader is no segment's)."""
    for segment, _ in reader.leaf_readers():
        if segment.segment() is not None:
            yield segment, segment.segment().segment_id()


def _count(segment: IndexReader) -> dict[str, int]:
    """The lead counts of every bulletin of the segment, deleted or not."""
    return dict(Counter(_lemmas(segment, range(segment.doc_count_all()))))


def _lemmas(segment: IndexReader, docnums: Iterable[int]) -> Iterator[str]:
    """The lead lemmas of these bulletins of the segment, one after another."""
    if segment.has_column("lead"):  # else no bulletin of the segment has a lead
        column = segment.column_reader("lead")
        for docnum in docnums:
            yield from column[docnum].decode("utf-8").split()


def _read(path: Path) -> dict[str, int] | None:
    """The counts stored in `path`; None when there are none to read (or they cannot be read)."""
    try:
        counts = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return counts if isinstance(counts, dict) else None
