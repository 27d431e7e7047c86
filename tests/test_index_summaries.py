"""The summaries stored beside each segment: the same dates, filter names and lead counts as the
columns give, through updates, deletions and rebuilds, and without the files."""

from __future__ import annotations

import pickle
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

from search.index.store import open_index
from search.index.summaries import SUFFIX, IndexSummary
from search.index.writer import update_index

from conftest import generate_bulletins

AHJO = Path(__file__).parent / "fixtures" / "ahjo"  # real responses of Helsinki's Ahjo API
NEW = ("date 2025-03\nKaupunginhallitus hyväksyi ilmastotyön kokeilun. Ilmastotyön kokeilu alkaa "
       "keväällä, ja sen tuloksista raportoidaan elinkeinojaostolle.\n")
LEMMAS = ("kokeilu", "kaupunginhallitus", "yritys", "hautomo", "elinkeinojaosto", "innovaatio", "ilmasto")


def counted(index_dir: Path) -> Counter:
    """The lead counts of the live bulletins, read from the lead column of every one."""
    with open_index(index_dir).reader() as reader:
        leads = reader.column_reader("lead")
        return Counter(lemma for docnum in reader.all_doc_ids() for lemma in leads[docnum].decode("utf-8").split())


def stored(index_dir: Path) -> Counter:
    """The lead counts as the summaries give them, for every lemma of a lead and a few more."""
    lemmas = set(counted(index_dir)) | set(LEMMAS)
    with open_index(index_dir).reader() as reader:
        summary = IndexSummary(index_dir, reader)
        return +Counter({lemma: summary.in_leads(lemma) for lemma in lemmas})


def summed_up(index_dir: Path) -> dict[str, tuple[str, str, str]]:
    """Bulletin id → its date, deciding body and kind, as the summaries give them."""
    with open_index(index_dir).reader() as reader:
        ids = reader.column_reader("id")
        return {ids[docnum]: (date.fromordinal(segment.dates[docnum - base]).isoformat(),
                              segment.fields["organ"][docnum - base], segment.fields["kind"][docnum - base])
                for base, segment in IndexSummary(index_dir, reader).segments
                for docnum in range(base, base + len(segment.dates)) if not reader.is_deleted(docnum)}


def segment_ids(index_dir: Path) -> set[str]:
    with open_index(index_dir).reader() as reader:
        return {segment.segment().segment_id() for segment, _ in reader.leaf_readers()}


def test_every_segment_has_its_counts_and_they_match_the_leads_through_updates_and_deletions(corpus_dir, tmp_path):
    index_dir = tmp_path / "index"
    generate_bulletins(corpus_dir / "first.jsonl", 40)
    update_index(corpus_dir, index_dir, procs=1)
    first = corpus_dir / "first.jsonl"
    first.write_text("".join(first.read_text(encoding="utf-8").splitlines(keepends=True)[:10]), encoding="utf-8")
    (corpus_dir / "uusi.txt").write_text(NEW, encoding="utf-8")
    report = update_index(corpus_dir, index_dir, procs=1)
    assert report.deleted == 30 and report.added == 1  # the second commit deletes from the first segment
    files = {path.name.removesuffix(SUFFIX) for path in index_dir.glob(f"*{SUFFIX}")}
    assert files == segment_ids(index_dir) and len(files) >= 2
    expected = counted(index_dir)
    assert expected["kokeilu"] > 0
    assert expected["ilmastotyö"] == 1
    assert stored(index_dir) == +expected


def test_without_readable_files_the_segments_are_counted_from_their_leads_and_the_files_written_again(corpus_dir, tmp_path):
    index_dir = tmp_path / "index"
    update_index(corpus_dir, index_dir, procs=1)
    generate_bulletins(corpus_dir / "more.jsonl", 30)
    update_index(corpus_dir, index_dir, procs=1)
    assert len(segment_ids(index_dir)) >= 2
    older = pickle.dumps({"format": 2, "dates": [], "fields": {}, "leads": {"kokeilu": 1}})  # an older version's file
    for fault in ("missing", b"\x80\x05 damaged", older):
        for path in index_dir.glob(f"*{SUFFIX}"):
            if fault == "missing":
                path.unlink()
            else:
                path.write_bytes(fault)
        assert stored(index_dir) == +counted(index_dir)
        update_index(corpus_dir, index_dir, procs=1)  # nothing to do, but the files are written again
        files = sorted(index_dir.glob(f"*{SUFFIX}"))
        assert {path.name.removesuffix(SUFFIX) for path in files} == segment_ids(index_dir)
        assert not [path for path in files if path.read_bytes() == fault]
        assert stored(index_dir) == +counted(index_dir)


def test_the_files_go_with_their_segments_on_a_rebuild(corpus_dir, tmp_path):
    index_dir = tmp_path / "index"
    update_index(corpus_dir, index_dir, procs=1)
    before = segment_ids(index_dir)
    update_index(corpus_dir, index_dir, rebuild=True, procs=1)
    after = {path.name.removesuffix(SUFFIX) for path in index_dir.glob(f"*{SUFFIX}")}
    assert after == segment_ids(index_dir) and not after & before


def columns(index_dir: Path) -> dict[str, tuple[str, str, str]]:
    """Bulletin id → its date, deciding body and kind, as each segment's columns give them (Whoosh's
    column reader over several segments misreads a field that some segment has no column of)."""
    found = {}
    with open_index(index_dir).reader() as reader:
        for segment, _ in reader.leaf_readers():
            ids, dates = segment.column_reader("id"), segment.column_reader("date", translate=True)
            organs, kinds = ([segment.column_reader(field)[docnum] or "" if segment.has_column(field) else ""
                              for docnum in range(segment.doc_count_all())] for field in ("organ", "kind"))
            found.update((ids[docnum], (dates[docnum].date().isoformat(), organs[docnum], kinds[docnum]))
                         for docnum in segment.all_doc_ids())
    return found


def test_the_dates_and_names_are_those_of_the_columns_with_the_files_or_without(corpus_dir, tmp_path):
    index_dir = tmp_path / "index"
    update_index(corpus_dir, index_dir, procs=1)
    for response in AHJO.glob("*.json"):
        shutil.copyfile(response, corpus_dir / response.name)
    update_index(corpus_dir, index_dir, procs=1)
    expected = columns(index_dir)
    organs = {organ for _, organ, _ in expected.values()}
    assert len(expected) > 10 and len(organs) > 2 and {kind for _, _, kind in expected.values()} >= {"decision", "agenda_item"}
    assert summed_up(index_dir) == expected
    for path in index_dir.glob(f"*{SUFFIX}"):
        path.unlink()
    assert summed_up(tmp_path.joinpath("index")) == expected
