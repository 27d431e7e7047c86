"""What every search reads of every bulletin, summed up per segment of the index: each bulletin's
date and the names of its filter fields (deciding body, kind, classification), and in how many
bulletins' leads each lemma stands (feedback's rough idf).

A segment never changes once written (but for deletions), so its summary is made once: the writer
stores it beside the segment when it commits (`<segment>.summary.pickle`, a file of the segment,
which goes with it; a pickle, as Whoosh's own table of contents is, reads in two thirds of JSON's
time), and a process keeps the summaries by segment. A new generation then reads only its new
segments, and a one-off search (the CLI's) reads no column and no lead. A segment without a
readable file (a run killed between its commit and the writing) is summed up from its columns.

The lead counts are the bulk of a summary (some 10,000 lemmas a segment): they are kept as one
string of the sorted lemmas and an array of their counts, which a reader splits into a list and
looks up by bisection. Unpickled as dicts, they built 100,000 entries for the 10 segments of the
dev index, of which a search asks for a few hundred: the summaries of a new generation (all of them,
for a one-off search) now load in about half the time (45-53 → 22-29 ms on the dev index)."""

from __future__ import annotations

import contextlib
import os
import pickle
import threading
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from whoosh.reading import IndexReader

from search.index.schema import FILTER_FIELDS

SUFFIX = ".summary.pickle"
# A file begins with this line (then the pickle): a file of another format is neither read nor kept.
HEADER = b"bulletin-search segment summary, format 3\n"


class LeadCounts:
    """In how many of a segment's bulletins' leads each lemma stands: the lemmas sorted, and their
    counts in the same order."""

    def __init__(self, lemmas: list[str], counts: array) -> None:
        self.lemmas = lemmas
        self.counts = counts

    @classmethod
    def of(cls, counted: Counter) -> LeadCounts:
        lemmas = sorted(counted)
        return cls(lemmas, array("I", (counted[lemma] for lemma in lemmas)))

    def get(self, lemma: str) -> int:
        """The count of the lemma; 0 for a lemma in no lead."""
        at = bisect_left(self.lemmas, lemma)
        return self.counts[at] if at < len(self.lemmas) and self.lemmas[at] == lemma else 0


@dataclass(frozen=True)
class SegmentSummary:
    """One segment's bulletins, by docnum within the segment (deleted ones too): their dates (as
    ordinals, `date.toordinal`), the names of their filter fields ("" for none), and the lead counts."""

    dates: list[int]
    fields: dict[str, list[str]]
    leads: LeadCounts


# (index folder, segment id) → the segment's summary, for the segments of the latest generation read
_known: dict[tuple[str, str], SegmentSummary] = {}
_lock = threading.Lock()


def store_summaries(index_dir: Path, reader: IndexReader) -> None:
    """Write the summary of each segment of `reader` that has none of this format in `index_dir` yet
    (none, or a file that does not begin with HEADER: an older version's, or a damaged one). Only
    the header of an existing file is read: a commit of one bulletin to a large index need not read
    every summary. The index is committed already: a file that cannot be written is left out, and
    readers sum up its segment."""
    for segment, name, _ in _segments(reader):
        path = index_dir / f"{name}{SUFFIX}"
        if not _has_header(path):
            temporary = path.with_suffix(".tmp")
            try:
                summary = _summed_up(segment)
                data = {"dates": summary.dates, "fields": summary.fields,
                        "lemmas": "\n".join(summary.leads.lemmas), "counts": summary.leads.counts}
                temporary.write_bytes(HEADER + pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
                os.replace(temporary, path)
            except OSError:
                with contextlib.suppress(OSError):
                    temporary.unlink(missing_ok=True)


class IndexSummary:
    """The summaries of one generation's segments, each with the docnum of its first bulletin, and
    the lead counts of its live bulletins."""

    def __init__(self, index_dir: Path, reader: IndexReader) -> None:
        folder = str(Path(index_dir).resolve())
        found: dict[tuple[str, str], SegmentSummary] = {}
        self.segments: list[tuple[int, SegmentSummary]] = []
        self._deleted: Counter = Counter()
        self._in_leads: dict[str, int] = {}
        for segment, name, base in _segments(reader):
            key = (folder, name)
            with _lock:
                summary = _known.get(key)
            if summary is None:
                summary = _read(Path(index_dir) / f"{name}{SUFFIX}", segment.doc_count_all()) or _summed_up(segment)
            found[key] = summary
            self.segments.append((base, summary))
            if segment.has_deletions():
                self._deleted.update(_lemmas(segment, set(range(segment.doc_count_all())) - set(segment.all_doc_ids())))
        with _lock:  # the segments merged away are forgotten
            for key in [key for key in _known if key[0] == folder and key not in found]:
                del _known[key]
            _known.update(found)

    def in_leads(self, lemma: str) -> int:
        """In how many live bulletins' leads the lemma stands (summed over the segments once, when
        first asked: a one-off search asks for a few hundred lemmas, a server for the same ones again)."""
        found = self._in_leads.get(lemma)
        if found is None:
            found = self._in_leads[lemma] = (sum(summary.leads.get(lemma) for _, summary in self.segments)
                                             - self._deleted[lemma])
        return found


def _segments(reader: IndexReader) -> Iterator[tuple[IndexReader, str, int]]:
    """Each segment's reader, id and first docnum; none for an index without segments (whose reader
    is no segment's)."""
    for segment, base in reader.leaf_readers():
        if segment.segment() is not None:
            yield segment, segment.segment().segment_id(), base


def _summed_up(segment: IndexReader) -> SegmentSummary:
    """The summary of a segment, from its columns."""
    count = segment.doc_count_all()
    dates = segment.column_reader("date", translate=True) if count else []
    fields = {field: [value or "" for value in segment.column_reader(field)] if segment.has_column(field) else [""] * count
              for field in FILTER_FIELDS}
    return SegmentSummary(dates=[dates[docnum].toordinal() for docnum in range(count)], fields=fields,
                          leads=LeadCounts.of(Counter(_lemmas(segment, range(count)))))


def _lemmas(segment: IndexReader, docnums: Iterable[int]) -> Iterator[str]:
    """The lead lemmas of these bulletins of the segment, one after another."""
    if segment.has_column("lead"):  # else no bulletin of the segment has a lead
        column = segment.column_reader("lead")
        for docnum in docnums:
            yield from column[docnum].decode("utf-8").split()


def _has_header(path: Path) -> bool:
    """Whether the file at `path` begins as a summary of this format does."""
    try:
        with path.open("rb") as file:
            return file.read(len(HEADER)) == HEADER
    except OSError:
        return False


def _read(path: Path, count: int) -> SegmentSummary | None:
    """The summary stored in `path` of a segment of `count` bulletins; None when there is none to
    read: no file, a file that cannot be read, or one of another format or size."""
    try:
        stored = path.read_bytes()
        if not stored.startswith(HEADER):
            return None
        data = pickle.loads(memoryview(stored)[len(HEADER):])
        lemmas = data["lemmas"].split("\n") if data["lemmas"] else []
        summary = SegmentSummary(dates=data["dates"], fields=data["fields"], leads=LeadCounts(lemmas, data["counts"]))
        if len(summary.dates) != count or len(lemmas) != len(summary.leads.counts) or any(
                len(summary.fields.get(field, ())) != count for field in FILTER_FIELDS):
            return None
    except Exception:  # a damaged file may fail to unpickle in many ways: its segment is summed up instead
        return None
    return summary
