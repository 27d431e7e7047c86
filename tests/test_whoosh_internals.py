"""Whoosh's private internals, as search.index.whoosh_internals uses them, against its public API:
postings read a block at a time are those its matchers give one by one, length bytes those its
reader gives, segments written and committed by the workers' path hold what its public writer
writes, and their postings are the very bytes it writes. Each on an index of several segments with
deletions, and on an empty one."""

from __future__ import annotations

import gc
import tracemalloc

import pytest
from whoosh.codec.whoosh3 import W3Codec
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from search.corpus import CorpusReader
from search.index.documents import to_document, with_terms
from search.index.store import create_index, open_index
from search.index.whoosh_internals import (
    commit_with,
    finish_segment,
    held_bytes,
    held_postings,
    length_bytes,
    listed_segments,
    positions_in,
    read_positions,
    read_postings,
    segment_writer,
    write_postings,
)

from conftest import copy_seeds, generate_bulletins


@pytest.fixture(scope="module")
def searcher(segmented_index):
    with open_index(segmented_index).searcher() as searcher:
        yield searcher


def test_block_reading_gives_what_the_matcher_gives(searcher):
    reader = searcher.reader()
    for field, text in [("body", "kokeilu"), ("body", "yritys"), ("exact", "kokeiluja"), ("parts", "hautomo")]:
        expected = {}
        for segment, base in reader.leaf_readers():
            if (field, text) in segment:
                matcher = segment.postings(field, text)
                while matcher.is_active():
                    expected[base + matcher.id()] = matcher.weight()
                    matcher.next()
        assert expected and read_postings(reader, field, text).items() >= expected.items()


def test_an_empty_index_has_no_postings(tmp_path):
    with create_index(tmp_path / "index").searcher() as empty:
        assert read_postings(empty.reader(), "body", "kokeilu") == {}


def test_length_bytes_are_what_the_reader_gives(searcher):
    reader = searcher.reader()
    for field in ("title", "body", "exact", "parts"):
        expected = [length_to_byte(reader.doc_field_length(docnum, field)) for docnum in range(reader.doc_count_all())]
        assert any(expected) and list(length_bytes(reader, field)) == expected


PICKS = {"all": lambda docs: docs, "every 7th": lambda docs: docs[::7],
         "first and last": lambda docs: [docs[0], docs[-1]]}  # blocks between them are left unread


@pytest.mark.parametrize("pick", PICKS)
@pytest.mark.parametrize("read", ["blocks", "values"])
def test_positions_are_what_the_matcher_gives(searcher, pick, read):
    reader = searcher.reader()
    for text in ("kokeilu", "yritys", "kaupunki"):
        expected = {}
        for segment, base in reader.leaf_readers():
            if ("body", text) in segment:
                matcher = segment.postings("body", text)
                while matcher.is_active():
                    expected[base + matcher.id()] = matcher.value_as("positions")
                    matcher.next()
        docs = PICKS[pick](sorted(expected))
        if read == "blocks":
            positions = read_positions(reader, "body", text, docs)
        else:
            values = {}
            read_postings(reader, "body", text, values)
            positions = positions_in(values, docs)
        assert len(docs) >= 2 and positions == {doc: expected[doc] for doc in docs}


def everything(index_dir) -> tuple[dict, list]:
    """Every term's postings (docnum: weight) by field and text, and every stored document."""
    with open_index(index_dir).reader() as reader:
        postings = {(field, text): dict(reader.postings(field, text).items_as("weight"))
                    for field, text in reader.all_terms()}
        return postings, list(reader.all_stored_fields())


def test_a_segment_written_and_committed_as_the_workers_do_holds_what_the_public_writer_writes(tmp_path):
    corpus = copy_seeds(tmp_path / "corpus")
    generate_bulletins(corpus / "more.jsonl", 80)
    documents = [with_terms(to_document(bulletin, bulletin.source)) for bulletin in CorpusReader(corpus)]
    public = create_index(tmp_path / "public")
    with public.writer() as writer:
        for fields in documents:
            writer.add_document(**fields)
    ix = create_index(tmp_path / "workers")
    writer = segment_writer(ix)
    for fields in documents:
        writer.add_document(**fields)
    count = held_postings(writer)
    assert count > 1000 and held_bytes(writer) > 0
    written: list[int] = []
    segment = finish_segment(writer, written.append)
    assert writer.fieldwriter.add_postings.func is write_postings
    commit_with(ix.writer(), [segment])
    postings, stored = everything(tmp_path / "workers")
    assert (postings, stored) == everything(tmp_path / "public")
    assert sum(written) == count == sum(len(docs) for docs in postings.values())


def test_a_pools_size_is_about_the_memory_its_postings_take(tmp_path):
    """Workers close a segment when its pool's size reaches a bound: it must count what the postings
    really take, or the bound would let the memory run over (or close segments too soon)."""
    corpus = copy_seeds(tmp_path / "corpus")
    generate_bulletins(corpus / "more.jsonl", 80)
    documents = [with_terms(to_document(bulletin, bulletin.source)) for bulletin in CorpusReader(corpus)]
    writer = segment_writer(create_index(tmp_path / "index"))
    writer.add_document(**documents[0])  # what the writer makes once, for its first document
    gc.collect()
    tracemalloc.start()
    try:
        before, size = tracemalloc.get_traced_memory()[0], held_bytes(writer)
        for fields in documents[1:]:
            writer.add_document(**fields)
        taken = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert held_postings(writer) > 5000
    assert 0.8 < (held_bytes(writer) - size) / taken < 1.5


def segment_files(index_dir) -> dict[str, bytes]:
    """The terms table and the postings of the index's one segment, by suffix."""
    return {path.suffix: path.read_bytes() for path in index_dir.iterdir() if path.suffix in (".trm", ".pst")}


def test_postings_written_a_term_at_a_time_are_the_bytes_whoosh_writes(tmp_path):
    corpus = copy_seeds(tmp_path / "corpus")
    generate_bulletins(corpus / "more.jsonl", 300)
    documents = [with_terms(to_document(bulletin, bulletin.source)) for bulletin in CorpusReader(corpus)]
    whoosh = SegmentWriter(create_index(tmp_path / "whoosh"), _lk=False, compound=False)  # its own pool and writing
    ix = create_index(tmp_path / "ours")
    ours = segment_writer(ix)
    for writer in (whoosh, ours):
        for fields in documents:
            writer.add_document(**fields)
    whoosh.commit()
    commit_with(ix.writer(), [finish_segment(ours, lambda count: None)])
    written = {way: segment_files(tmp_path / way) for way in ("whoosh", "ours")}
    with open_index(tmp_path / "ours").reader() as reader:
        frequencies = [reader.doc_frequency("body", text) for text in ("kaupunki", "kokeilu", "yritys")]
    assert max(frequencies) > 128 and min(frequencies) > 0  # terms of several blocks, and of fewer postings
    assert set(written["ours"]) == {".trm", ".pst"} and written["ours"] == written["whoosh"]


def test_postings_of_a_codec_that_inlines_them_are_refused_not_miswritten(tmp_path):
    ix = create_index(tmp_path / "index")
    writer = SegmentWriter(ix, _lk=False, compound=False, codec=W3Codec(inlinelimit=2))
    writer.add_document(**with_terms(to_document(next(iter(CorpusReader(copy_seeds(tmp_path / "corpus")))))))
    with pytest.raises(TypeError, match="unknown form"):
        finish_segment(writer, lambda count: None)


def test_postings_held_in_whooshs_own_pool_are_refused_not_miswritten(tmp_path):
    writer = SegmentWriter(create_index(tmp_path / "index"), _lk=False, compound=False)  # not a segment_writer
    writer.add_document(**with_terms(to_document(next(iter(CorpusReader(copy_seeds(tmp_path / "corpus")))))))
    with pytest.raises(TypeError, match="postings held in an unknown form: PostingPool"):
        finish_segment(writer, lambda count: None)


def test_committing_no_segment_and_no_change_leaves_an_empty_index_searchable(tmp_path):
    ix = create_index(tmp_path / "index")
    commit_with(ix.writer(), [])
    assert listed_segments(open_index(tmp_path / "index")) == []
    with open_index(tmp_path / "index").searcher() as searcher:
        assert searcher.doc_count() == 0 and read_postings(searcher.reader(), "body", "kokeilu") == {}
        assert length_bytes(searcher.reader(), "body") == b""


def test_the_listed_segments_are_those_the_reader_opens(segmented_index, searcher):
    segments = listed_segments(open_index(segmented_index))
    assert len(segments) > 1 and any(segment.has_deletions() for segment in segments)
    assert [segment.segment_id() for segment in segments] == [
        segment.segment_id() for segment in searcher.reader().segments()]
    assert sum(segment.doc_count() for segment in segments) == searcher.doc_count()
