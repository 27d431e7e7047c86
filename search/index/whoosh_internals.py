"""Every use of Whoosh's private internals, in one module: whoosh3 is pinned to one release
(pyproject.toml), and tests/test_whoosh_internals.py pins what each function here does against
Whoosh's public API, so that an upgrade is checked here and nowhere else. Each is used where it
measured a gain the public API could not give, and each copes with an empty index and with segments
that lack the term, the field or the column.

Reading (search.searcher.postings, search.index.stats): the segments a table of contents lists,
without opening them; a term's posting list a whole block at a time, its weights and
values summed up in C, where Whoosh's matchers cost about 3 µs a posting in Python; positions
decoded without Whoosh's Python loop; a field's length bytes read in one slice of a segment's column.

Writing (search.index.parallel): a segment written by a worker process from postings held in memory
(Whoosh's MpWriter does not bound its segments), held by term rather than in one list to sort, its
postings written in the W3 codec's own bytes a term at a time rather than a posting at a time, the
count of what it holds and has written, and the commit of such segments together with the run's
own writer in one table of contents."""

from __future__ import annotations

import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import accumulate, groupby
from operator import itemgetter, sub
from pickle import dumps, loads
from typing import Any

from whoosh.codec.base import Segment
from whoosh.codec.whoosh3 import (
    COMPRESSION_MIN_SIZE,
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3FieldWriter,
    W3LeafMatcher,
    W3TermInfo,
)
from whoosh.fields import Schema
from whoosh.index import FileIndex
from whoosh.matching import Matcher, WrappingMatcher
from whoosh.reading import IndexReader, TermNotFound
from whoosh.system import _INT_SIZE, pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

Scores = dict[int, float]
Values = dict[int, bytes]  # {docnum: the posting's value}: its positions, not yet decoded
COUNT_EVERY = 2**16  # postings written between two counts
# About the bytes a TermPool takes in memory, but for its strings' lengths: for a term's lone posting
# (a tuple, its numbers and its place in the terms' dict), for a term's Postings, and for each posting in them
_LONE_BYTES, _TERM_BYTES, _POSTING_BYTES = 250, 400, 18


def read_postings(reader: IndexReader, field: str, text: str, values: Values | None = None) -> Scores:
    """{docnum: weight} of every document with the term, deleted ones included. With `values`,
    also put there every posting's value, read from the same blocks."""
    return term_postings(reader, field, text, values)[0]


def term_postings(reader: IndexReader, field: str, text: str, values: Values | None) -> tuple[Scores, int]:
    """The term's {docnum: weight}, as read_postings gives it, and its document frequency as Whoosh
    counts it (deleted documents included): each segment's entry for the term is looked up once.
    With `values`, also put there every posting's value."""
    weights: Scores = {}
    found = 0
    btext = text.encode("utf-8")
    for segment, base in reader.leaf_readers():
        if not segment.doc_count_all():  # an empty index's reader has no terms at all
            continue
        terms = segment._terms
        try:
            info = terms.term_info(field, btext)
        except TermNotFound:
            continue
        found += info.doc_frequency()
        matcher = _blocks(terms._codec.postings_reader(terms._postfile, info, segment.schema[field].format,
                                                       term=(field, btext)))
        while matcher.is_active():
            ids = list(map(base.__add__, _block_ids(matcher)))
            matcher._read_weights()
            weights.update(zip(ids, matcher._weights))
            if values is not None:
                matcher._read_values()
                values.update(zip(ids, matcher._values))
            matcher._next_block()
    return weights, found


def read_positions(reader: IndexReader, field: str, text: str, docs: list[int]) -> dict[int, list[int]]:
    """Where the term stands in each of `docs` (sorted) that has it. A block of postings is read
    only if its range of documents holds one of `docs`."""
    positions: dict[int, list[int]] = {}
    for segment, base in reader.leaf_readers():
        # `docs` is sorted: the segment's share is one slice of it
        share = docs[bisect_left(docs, base):bisect_left(docs, base + segment.doc_count_all())]
        if not share or (field, text) not in segment:
            continue
        matcher = _blocks(segment.postings(field, text))
        local, i = [docnum - base for docnum in share], 0
        while matcher.is_active() and i < len(local):
            last = matcher.block_max_id()
            if local[i] <= last:
                ids = _block_ids(matcher)
                matcher._read_values()
                end = bisect_right(local, last, i)
                for docnum in local[i:end]:
                    at = bisect_left(ids, docnum)
                    if at < len(ids) and ids[at] == docnum:
                        positions[base + docnum] = _positions(matcher._values[at])
                i = end
            matcher._next_block()
    return positions


def positions_in(values: Values, docs: list[int]) -> dict[int, list[int]]:
    """Where the term stands in each of `docs` that has it, from its postings' `values`."""
    return {docnum: _positions(values[docnum]) for docnum in docs if docnum in values}


def length_bytes(reader: IndexReader, field: str) -> bytes:
    """The field's length in every document (deleted ones included), by docnum, as the one byte
    Whoosh stores (0 for none; `byte_to_length` gives the approximate length): read a segment's
    column at once instead of one document at a time."""
    lengths = bytearray(reader.doc_count_all())
    for segment, base in reader.leaf_readers():
        if not segment.doc_count_all():  # an empty index's reader has no columns at all
            continue
        # the segment's length column, as W3PerDocReader.doc_field_length reads it one byte at a time
        column = segment._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
        if column is not None and column._count:
            lengths[base:base + column._count] = column._dbfile.get(column._basepos, column._count)
    return bytes(lengths)


def _positions(value: bytes) -> list[int]:
    """A Positions posting value decoded: Whoosh's decode_positions without its Python loop (a
    count, then the pickled gaps between positions, stored with or without pickle's final STOP)."""
    return list(accumulate(loads(value[_INT_SIZE:] if value.endswith(b".") else value[_INT_SIZE:] + b".")))


def _blocks(matcher: Matcher) -> W3LeafMatcher:
    """The block reader under the filter of deleted documents, whose blocks are read whole."""
    while isinstance(matcher, WrappingMatcher):
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher):  # the W3 codec inlines no postings (its inlinelimit is 1)
        raise TypeError(f"postings in an unknown form: {type(matcher).__name__}")
    return matcher


def _block_ids(matcher: W3LeafMatcher) -> list[int]:
    """The document numbers of the block, as W3LeafMatcher._read_ids gives them, but the gaps
    summed in C, not in a Python generator."""
    if matcher._data is None:
        matcher._read_data()
    ids = matcher._data[0]
    return ids if matcher._byteids else list(accumulate(ids))


def listed_segments(ix: FileIndex) -> list[Segment]:
    """The segments the latest table of contents of `ix` lists, read without opening any of them."""
    return ix._segments()


class TermPool:
    """The postings of a worker's segment as its SegmentWriter adds them (field, term, docnum,
    weight, value), held by field and term. Documents are added in docnum order, so each term's
    postings are in order already and only the terms are sorted to write them, where Whoosh's
    PostingPool sorts every posting (a tenth of a worker's time on short bulletins). Held in memory
    only: the worker bounds the segment by `size`, about the bytes they take."""

    def __init__(self) -> None:
        # {field: {term: its one posting as given, or its Postings}}: most terms of a segment have one
        self.fields: dict[str, dict[bytes, tuple | Postings]] = {}
        self.count = 0
        self.size = 0

    def add(self, posting: tuple) -> None:
        field, btext, docnum, weight, value = posting
        terms = self.fields.get(field)
        if terms is None:
            terms = self.fields[field] = {}
        held = terms.get(btext)
        if held is None:
            terms[btext] = posting
            self.size += _LONE_BYTES + len(btext) + len(value or b"")
        else:
            if type(held) is tuple:
                held = terms[btext] = Postings(held)
                self.size += _TERM_BYTES
            held.docnums.append(docnum)
            held.weights.append(weight)
            if value:
                held.values += value
            held.ends.append(len(held.values))
            self.size += _POSTING_BYTES + len(value or b"")
        self.count += 1

    def iter_postings(self) -> Iterator[tuple[str, bytes, tuple | Postings]]:
        """Each term's postings, the terms in order: (field, term, its one posting or its Postings).
        Only write_postings reads them (a segment_writer's segment is written by finish_segment)."""
        for field in sorted(self.fields):
            terms = self.fields[field]
            for btext in sorted(terms):
                yield field, btext, terms[btext]

    def cleanup(self) -> None:
        self.fields = {}


class Postings:
    """The postings of a term that has more than one, in arrays rather than a tuple each (a fifth
    of the memory): their docnums, their weights, and their values end to end with where each ends."""

    __slots__ = ("docnums", "weights", "values", "ends")

    def __init__(self, first: tuple) -> None:
        _, _, docnum, weight, value = first
        self.docnums = array("i", (docnum,))
        self.weights = array("d", (weight,))
        self.values = bytearray(value or b"")
        self.ends = array("I", (len(self.values),))

    def lists(self) -> tuple[list[int], list[float], list[bytes]]:
        """The docnums, weights and values, as lists."""
        ends = self.ends.tolist()
        return (self.docnums.tolist(), self.weights.tolist(),
                [bytes(self.values[start:end]) for start, end in zip([0, *ends], ends)])


def segment_writer(ix: FileIndex) -> SegmentWriter:
    """A writer of one new segment of `ix`, for a worker of a run that holds the indexing lock (it
    takes no write lock of its own: the run takes Whoosh's to commit) and writes plain files, its
    postings held in a TermPool."""
    writer = SegmentWriter(ix, _lk=False, compound=False)
    writer.pool = TermPool()
    return writer


def held_postings(writer: SegmentWriter) -> int:
    """How many postings `writer` holds in memory, not yet written."""
    return writer.pool.count


def held_bytes(writer: SegmentWriter) -> int:
    """About how many bytes the postings `writer` holds in memory take (Whoosh's estimate)."""
    return writer.pool.size


def finish_segment(writer: SegmentWriter, written: Callable[[int], None]) -> Segment:
    """Write the segment of a segment_writer, its postings by `write_postings`, telling `written`
    how many more postings it has written, every COUNT_EVERY."""
    fields = writer.fieldwriter
    if type(fields) is not W3FieldWriter or fields._codec._inlinelimit > 1:  # the W3 codec inlines none
        raise TypeError(f"postings written in an unknown form: {type(fields).__name__}")
    if type(writer.pool) is not TermPool:
        raise TypeError(f"postings held in an unknown form: {type(writer.pool).__name__}")
    fields.add_postings = partial(write_postings, fields, written)
    return writer._finalize_segment()


def write_postings(fields: W3FieldWriter, written: Callable[[int], None], schema: Schema, lengths: Any,
                   terms: Iterable[tuple[str, bytes, tuple | Postings]]) -> None:
    """The same bytes as Whoosh's `fields.add_postings(schema, lengths, postings)` writes for the
    same postings sorted (tests/test_whoosh_internals.py compares them): each term's postings, as a
    TermPool gives them in order (a lone posting, or Postings), as the term's blocks in the postings
    file and its row in the terms table, for a W3 codec that inlines no postings; telling
    `written` how many more it has written, every COUNT_EVERY.
    Faster: a term's blocks are made from lists at once (and a term of one posting, the commonest
    kind, without them), where Whoosh makes them a posting at a time through four layers of calls,
    and each document's length is read once."""
    postfile, add_row, fieldmap = fields._postfile, fields._tindex.add, fields._fieldmap
    limit, compression = fields._codec._blocklimit, fields._codec._compression
    offset, unsaid = postfile.tell(), 0
    for field, field_terms in groupby(terms, itemgetter(0)):
        prefix = pack_ushort(fieldmap.setdefault(field, len(fieldmap)))
        value_size = schema[field].format.fixed_value_size()
        length = _document_lengths(lengths, field)
        for _, btext, held in field_terms:
            ids, given, values = ([held[2]], [held[3]], [held[4]]) if type(held) is tuple else held.lists()
            if -1 in ids:  # a word for spelling only
                kept = [i for i, docnum in enumerate(ids) if docnum != -1]
                ids, given, values = [ids[i] for i in kept], [given[i] for i in kept], [values[i] for i in kept]
            if len(ids) == 1:
                data, row = _lone_posting(ids[0], given[0], values[0], value_size, length, compression)
            elif ids:
                blocks = [_block(ids[start:start + limit], given[start:start + limit], values[start:start + limit],
                                 value_size, length, compression, start + limit >= len(ids))
                          for start in range(0, len(ids), limit)]
                data = WHOOSH3_HEADER_MAGIC + b"".join(block for block, _ in blocks)
                row = _term_info([stats for _, stats in blocks], ids[0], ids[-1])
            else:
                continue
            postfile.write(data)
            add_row(prefix + btext, row + pack_long(offset) + pack_int(len(data)))
            offset += len(data)
            unsaid += len(ids)
            if unsaid >= COUNT_EVERY:
                written(unsaid)
                unsaid = 0
    if unsaid:
        written(unsaid)


def _document_lengths(lengths: Any, field: str) -> list[int | None]:
    """The field's length in each document of the segment, by docnum, as W3's per-document reader
    gives it (0 for a field without lengths)."""
    if not lengths:
        return []
    length = lengths.doc_field_length_reader(field)
    return [length(docnum) for docnum in range(lengths.doc_count_all())]


def _block(ids: list[int], given: list[float], values: list[bytes | None], value_size: int | None,
           lengths: list[int | None], compression: int, last: bool) -> tuple[bytes, tuple]:
    """One block of a term's postings (their docnums, weights and values) as
    W3PostingsWriter._write_block writes it, and its statistics (summed weight, postings, shortest
    and longest document, highest weight) as W3TermInfo.add_block adds them up."""
    weights = array("f", given)
    found = list(filter(None, map(lengths.__getitem__, ids))) if lengths else []
    shortest, longest = (min(found), max(found)) if found else (None, 0)
    heaviest = max(given)
    heaviest = heaviest if heaviest > 0 else 0
    if weights.count(1.0) == len(weights):
        mini_weights: Any = None
    elif weights.count(weights[0]) == len(weights):
        mini_weights = weights[0]
    else:
        mini_weights = tuple(weights)
    gaps = tuple(map(sub, ids, [0, *ids]))
    data, level = _compressed(dumps((gaps, mini_weights, _mini_values(values, value_size)), 2), compression)
    info = dumps((len(ids), ids[-1], heaviest, level, length_to_byte(shortest), length_to_byte(longest)), 2)
    size = len(info) + len(data)
    return pack_int(-size if last else size) + info + data, (sum(weights), len(ids), shortest, longest, heaviest)


def _lone_posting(docnum: int, given: float, value: bytes | None, value_size: int | None,
                  lengths: list[int | None], compression: int) -> tuple[bytes, bytes]:
    """A term of one posting: its one block, header and all, and its row in the terms table but for
    its extent, as `_block` and `_term_info` make them, but without their lists."""
    weight = array("f", (given,))[0]
    length = lengths[docnum] if lengths else None
    byte = length_to_byte(length) if length else 0
    heaviest = given if given > 0 else 0
    data, level = _compressed(dumps(((docnum,), None if weight == 1.0 else weight, _mini_values((value,), value_size)), 2),
                              compression)
    info = dumps((1, docnum, heaviest, level, byte, byte), 2)
    block = WHOOSH3_HEADER_MAGIC + pack_int(-(len(info) + len(data))) + info + data
    return block, W3TermInfo._struct.pack(False, weight, 1, byte, byte, heaviest, docnum, docnum)


def _mini_values(values: Iterable[bytes | None], value_size: int | None) -> Any:
    """The postings' values as a block holds them (W3PostingsWriter._mini_values)."""
    values = list(filter(None, values))
    if value_size is None or value_size < 0:
        return tuple(values)
    return None if value_size == 0 else b"".join(values)


def _compressed(data: bytes, compression: int) -> tuple[bytes, int]:
    """A block's pickled data, compressed at the codec's level unless it is too short to gain, and
    the level it was compressed at (0: not)."""
    level = compression if len(data) >= COMPRESSION_MIN_SIZE else 0
    return (zlib.compress(data, level) if level else data), level


def _term_info(blocks: list[tuple], first: int, last: int) -> bytes:
    """A term's row in the terms table, but for its extent: W3TermInfo.to_bytes of the statistics
    its blocks added up."""
    total, count, shortest, longest, heaviest = 0, 0, None, 0, 0
    for weight, postings, block_shortest, block_longest, block_heaviest in blocks:
        total += weight
        count += postings
        shortest = block_shortest if shortest is None else min(shortest, block_shortest)
        longest = max(longest, block_longest)
        heaviest = max(heaviest, block_heaviest)
    return W3TermInfo._struct.pack(False, total, count, length_to_byte(shortest), length_to_byte(longest),
                                   heaviest, first, last)


def commit_with(writer: SegmentWriter, segments: list[Segment], mergetype: Any = None) -> None:
    """Commit `writer` (its additions, deletions and merges, as `writer.commit` does) together
    with `segments` written by workers: one new TOC, so readers see all of it or none."""
    try:
        final = writer._merge_segments(mergetype, None, None)
        if writer._added:
            final.append(writer._finalize_segment())
        else:
            writer._close_segment()
        writer._commit_toc(final + segments)
    except BaseException:
        writer._cleanup_on_error()
        raise
    writer._finish()
