"""Building and updating the index: what goes in, incremental add/change/delete, bad input, locks."""

from __future__ import annotations

import json
import mmap
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.fields import ID, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.query import Term

from search.corpus import Bulletin, CorpusReader, PartialDate
from search.errors import BulletinError, IndexLockedError, IndexMissingError
from search.finnish import term_lists
from search.index import parallel, writer
from search.index.documents import indexed_hash, to_document, with_terms
from search.index.lock import index_lock
from search.index.store import INDEX_NAME, open_index
from search.index.whoosh_internals import commit_with
from search.index.writer import stored_hashes, update_index

from conftest import SEEDS, generate_bulletins

SEED_IDS = {"000_d69fc6f4f0811f96", "003_1869dba633d4af7d"}


def stored(index_dir: Path) -> dict[str, dict]:
    """Every bulletin in the index: its stored fields by id."""
    with open_index(index_dir).searcher() as searcher:
        return {fields["id"]: fields for fields in searcher.all_stored_fields()}


def hits(index_dir: Path, field: str, term: str) -> set[str]:
    """The ids of the bulletins whose `field` holds `term`."""
    with open_index(index_dir).searcher() as searcher:
        return {hit["id"] for hit in searcher.search(Term(field, term), limit=None)}


def write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_seed_corpus_is_indexed_with_its_display_fields(seed_index: Path) -> None:
    bulletins = stored(seed_index)
    assert set(bulletins) == SEED_IDS
    first = bulletins["000_d69fc6f4f0811f96"]
    assert first["title"].startswith("Helsingin kaupunginhallituksen elinkeinojaosto kuuli")
    assert first["date"] == datetime(2020, 11, 1)
    assert first["date_text"] == "2020-11"
    assert first["year"] == 2020
    assert first["source"] == "000_d69fc6f4f0811f96.txt:1"
    assert "kokeilualustoiminnan" in first["body"]
    assert "content_hash" not in first  # a column, read by stored_hashes


def test_dates_and_years_are_columns_and_stored_values_without_terms(seed_index: Path) -> None:
    with open_index(seed_index).reader() as reader:
        assert {"date", "year"}.isdisjoint(reader.indexed_field_names()) and "body" in reader.indexed_field_names()
        ids = list(reader.column_reader("id"))
        dates = dict(zip(ids, reader.column_reader("date", translate=True)))
        years = dict(zip(ids, reader.column_reader("year", translate=True)))
    assert dates["000_d69fc6f4f0811f96"] == datetime(2020, 11, 1) and years["000_d69fc6f4f0811f96"] == 2020
    assert {day.year for day in dates.values()} == set(years.values()) == {2020, 2024}


def test_stored_hashes_are_the_bulletins_content_hashes_with_their_files(seed_index: Path) -> None:
    corpus = CorpusReader(SEEDS)
    expected = {bulletin.id: indexed_hash(bulletin, corpus.file) for bulletin in corpus}
    assert stored_hashes(open_index(seed_index)) == expected
    assert len(set(expected.values())) == 2 and indexed_hash(next(iter(CorpusReader(SEEDS)))) not in expected.values()


def test_lead_column_holds_the_lemmas_of_each_bulletins_opening(seed_index: Path) -> None:
    with open_index(seed_index).searcher() as searcher:
        leads = searcher.reader().column_reader("lead")
        for docnum, fields in searcher.iter_docs():
            lead = leads[docnum].decode("utf-8").split()
            assert lead == term_lists(f"{fields['title']}\n{fields['body']}").lead
            assert "elinkeinojaosto" in lead or "kaupunginhallitus" in lead


def test_words_are_found_by_lemma_exact_form_and_compound_part(seed_index: Path) -> None:
    assert hits(seed_index, "body", "kokeilu") == {"000_d69fc6f4f0811f96"}
    assert hits(seed_index, "title", "elinkeinojaosto") == SEED_IDS
    assert hits(seed_index, "exact", "kokeiluille") == {"000_d69fc6f4f0811f96"}
    assert hits(seed_index, "exact", "kokeilu") == set()
    assert hits(seed_index, "parts", "hautomo") == {"003_1869dba633d4af7d"}  # yrityshautomopalvelujen, hautomotoimintaan


def test_unchanged_corpus_changes_nothing(corpus_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    update_index(corpus_dir, index_dir)
    generation = open_index(index_dir).latest_generation()
    report = update_index(corpus_dir, index_dir)
    assert (report.added, report.updated, report.deleted, report.unchanged) == (0, 0, 0, 2)
    assert not report.rebuilt
    assert open_index(index_dir).latest_generation() == generation


def test_new_bulletin_is_added(corpus_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    update_index(corpus_dir, index_dir)
    write(corpus_dir / "kirjasto.txt", "date 2025-01-15 Oodin kirjasto pidentää aukioloaikojaan.")
    report = update_index(corpus_dir, index_dir)
    assert (report.added, report.updated, report.deleted, report.unchanged) == (1, 0, 0, 2)
    assert set(stored(index_dir)) == SEED_IDS | {"kirjasto"}
    assert hits(index_dir, "body", "aukioloaika") == {"kirjasto"}


def test_changed_bulletin_is_reindexed(corpus_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    write(corpus_dir / "kirjasto.txt", "date 2025-01 Oodin kirjasto pidentää aukioloaikojaan.")
    update_index(corpus_dir, index_dir)
    write(corpus_dir / "kirjasto.txt", "date 2025-02 Oodin kirjasto lyhentää aukioloaikojaan.")
    report = update_index(corpus_dir, index_dir)
    assert (report.added, report.updated, report.deleted, report.unchanged) == (0, 1, 0, 2)
    assert stored(index_dir)["kirjasto"]["date_text"] == "2025-02"
    assert hits(index_dir, "body", "lyhentää") == {"kirjasto"}
    assert hits(index_dir, "body", "pidentää") == set()
    assert len(stored(index_dir)) == 3


def test_removed_bulletin_is_deleted(corpus_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    update_index(corpus_dir, index_dir)
    (corpus_dir / "003_1869dba633d4af7d.txt").unlink()
    report = update_index(corpus_dir, index_dir)
    assert (report.added, report.updated, report.deleted, report.unchanged) == (0, 0, 1, 1)
    assert set(stored(index_dir)) == {"000_d69fc6f4f0811f96"}
    assert hits(index_dir, "body", "maahanmuutto") == set()


def test_rebuild_indexes_everything_again(corpus_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    update_index(corpus_dir, index_dir)
    report = update_index(corpus_dir, index_dir, rebuild=True)
    assert report.rebuilt and report.added == 2 and report.unchanged == 0
    assert set(stored(index_dir)) == SEED_IDS


def test_bad_bulletins_are_skipped_and_reported_with_file_and_line(corpus_dir: Path, tmp_path: Path) -> None:
    write(corpus_dir / "rikki.txt", b"date 2021-03 Kaupunginvaltuusto \xff p\xe4\xe4tti asiasta.")
    write(corpus_dir / "eipvm.txt", "Kirjasto avautuu maanantaina.")
    write(corpus_dir / "mahdoton.txt", "date 2021-02-30 Uimahalli suljetaan remontin ajaksi.")
    write(corpus_dir / "tyhja.txt", "date 2021-05   \n")
    good = {"id": "uimahalli", "date": "2021-06-01", "title": "Uimahalli avautuu", "body": "Uimahalli avautuu kesäkuussa."}
    twin = {**good, "id": "000_d69fc6f4f0811f96"}
    write(corpus_dir / "uutiset.jsonl", "\n".join([json.dumps(good), '{"id": "katkennut", "date":', json.dumps(twin)]))
    report = update_index(corpus_dir, tmp_path / "index")
    assert set(stored(tmp_path / "index")) == SEED_IDS | {"uimahalli"}
    assert report.added == 3 and report.skipped == 6
    sources = [problem.source for problem in report.problems]
    assert sources == ["eipvm.txt:1", "mahdoton.txt:1", "rikki.txt:1", "tyhja.txt:1", "uutiset.jsonl:2", "uutiset.jsonl:3"]
    assert all(str(problem).startswith(f"{problem.source}: ") for problem in report.problems)


def test_missing_corpus_is_an_error_and_creates_no_index(tmp_path: Path) -> None:
    with pytest.raises(BulletinError, match="corpus folder not found"):
        update_index(tmp_path / "nowhere", tmp_path / "index")
    assert not (tmp_path / "index").exists()


def test_opening_a_missing_index_says_to_run_bulletins_index(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="run `bulletins index`"):
        open_index(tmp_path / "index")


def test_second_concurrent_run_fails_with_a_clear_message(corpus_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    with index_lock(index_dir):
        with pytest.raises(IndexLockedError, match="another indexing run"):
            update_index(corpus_dir, index_dir)


def test_index_of_another_schema_version_is_rebuilt_and_removed(corpus_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    old = FileStorage(str(index_dir)).create_index(Schema(id=ID(stored=True)), indexname="bulletins0")
    with old.writer() as writer:
        writer.add_document(id="vanha")
    with pytest.raises(IndexMissingError, match="another version"):
        open_index(index_dir)
    report = update_index(corpus_dir, index_dir)
    assert report.rebuilt and set(stored(index_dir)) == SEED_IDS
    assert all(path.name.startswith((INDEX_NAME, f"_{INDEX_NAME}_", "indexing.lock")) for path in index_dir.iterdir())


def test_open_reader_keeps_seeing_the_old_index_until_it_reopens(corpus_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    update_index(corpus_dir, index_dir)
    with open_index(index_dir).searcher() as before:
        write(corpus_dir / "kirjasto.txt", "date 2025-01 Oodin kirjasto pidentää aukioloaikojaan.")
        (corpus_dir / "003_1869dba633d4af7d.txt").unlink()
        update_index(corpus_dir, index_dir)
        assert {fields["id"] for fields in before.all_stored_fields()} == SEED_IDS
        assert not before.up_to_date()
    assert set(stored(index_dir)) == {"000_d69fc6f4f0811f96", "kirjasto"}


def test_many_bulletins_are_written_by_worker_processes_and_update_incrementally(corpus_dir: Path,
                                                                                 tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    generate_bulletins(corpus_dir / "uudet.jsonl", 600)
    report = update_index(corpus_dir, index_dir, procs=2)
    assert report.added == 602
    assert len(stored(index_dir)) == 602
    assert len(open_index(index_dir).reader().leaf_readers()) >= 2  # a segment from each worker

    lines = (corpus_dir / "uudet.jsonl").read_text(encoding="utf-8").splitlines()
    changed = json.loads(lines[7]) | {"body": "Kaupunginvaltuusto hyväksyi uimahallin peruskorjauksen."}
    lines[7] = json.dumps(changed, ensure_ascii=False)
    (corpus_dir / "uudet.jsonl").write_text("\n".join(lines[:500] + lines[501:]) + "\n", encoding="utf-8")
    report = update_index(corpus_dir, index_dir, procs=2)
    assert (report.added, report.updated, report.deleted, report.unchanged) == (0, 1, 1, 600)
    assert hits(index_dir, "body", "peruskorjaus") == {"uusi-7"}
    assert len(stored(index_dir)) == 601 and "uusi-500" not in stored(index_dir)


def test_the_workers_count_every_posting_they_write_and_tell_the_share_written(corpus_dir: Path,
                                                                             tmp_path: Path) -> None:
    """The postings the workers count as they write are those the index then holds: every term's
    document frequency, summed, as Whoosh's public reader gives it. The shares they tell climb to 1."""
    index_dir = tmp_path / "index"
    update_index(corpus_dir, index_dir)  # the seeds
    ix = open_index(index_dir)
    workers = parallel.SegmentWorkers(ix, 2)
    corpus = tmp_path / "more"
    corpus.mkdir()
    generate_bulletins(corpus / "uudet.jsonl", 300)
    for bulletin in CorpusReader(corpus):
        workers.add(to_document(bulletin, "uudet.jsonl"))
    shares: list[float] = []
    segments, failures = workers.finish(shares.append)
    assert failures == [] and len(segments) == 2
    assert shares[-1] == 1.0 and shares == sorted(shares) and all(0 <= share <= 1 for share in shares)
    counts = workers.postings[:]
    assert sum(counts[0::2]) == 0  # nothing held: all written
    before = postings_in(index_dir)
    commit_with(ix.writer(), segments)
    assert sum(counts[1::2]) == postings_in(index_dir) - before > 0


def postings_in(index_dir: Path) -> int:
    """Every term's document frequency, summed: the postings of the index."""
    with open_index(index_dir).reader() as reader:
        return sum(reader.doc_frequency(field, text) for field, text in reader.all_terms())


def test_segments_are_plain_files_read_through_memory_maps(tmp_path: Path) -> None:
    # Whoosh copies every file of a compound segment into memory when it opens one; plain files
    # mapped into memory cost nothing until read, and the OS shares their pages between processes.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    generate_bulletins(corpus / "many.jsonl", 300)  # enough for the worker processes' segments too
    update_index(corpus, tmp_path / "index", procs=2)
    assert not list((tmp_path / "index").glob("*.seg"))
    ix = open_index(tmp_path / "index")
    postings = next(name for name in ix.storage.list() if name.endswith(".pst"))
    assert isinstance(ix.storage.open_file(postings).file, mmap.mmap)
    assert len(stored(tmp_path / "index")) == 300


def test_one_process_indexes_more_bulletins_than_it_may_hold_pending(corpus_dir: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """With one process, bulletins go to the writer once PARALLEL_FROM are pending, not all at the commit."""
    monkeypatch.setattr(writer, "PARALLEL_FROM", 50)
    generate_bulletins(corpus_dir / "uudet.jsonl", 300)
    report = update_index(corpus_dir, tmp_path / "index", procs=1)
    assert report.added == 302 and len(stored(tmp_path / "index")) == 302


def fail_analysis_of(monkeypatch: pytest.MonkeyPatch, *ids: str) -> None:
    """Make the analysis of the bulletins `ids` raise, as a bug or an input nobody foresaw might."""
    analyse = parallel.with_terms

    def failing(document: dict) -> dict:
        if document["id"] in ids:
            raise RecursionError("analyysi hajosi")
        return analyse(document)

    monkeypatch.setattr(parallel, "with_terms", failing)


# 20 bulletins are written by the run's own process, 300 by worker processes (or with procs=1 by the run's writer).
@pytest.mark.parametrize(("count", "procs"), [(20, 2), (300, 2), (300, 1)])
def test_a_bulletin_whose_analysis_fails_is_skipped_and_reported(corpus_dir: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch, count: int,
                                                                procs: int) -> None:
    generate_bulletins(corpus_dir / "uudet.jsonl", count)
    fail_analysis_of(monkeypatch, "uusi-3", "uusi-17")
    report = update_index(corpus_dir, tmp_path / "index", procs=procs)
    assert (report.added, report.skipped) == (count, 2)
    assert [str(problem) for problem in report.problems] == [
        f"uudet.jsonl:{line}: cannot be analysed (RecursionError('analyysi hajosi')): skipped" for line in (4, 18)]
    ids = set(stored(tmp_path / "index"))
    assert len(ids) == count and {"uusi-2", "uusi-4"} <= ids and not {"uusi-3", "uusi-17"} & ids


def test_a_changed_bulletin_whose_analysis_fails_keeps_its_old_version(corpus_dir: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    index_dir = tmp_path / "index"
    generate_bulletins(corpus_dir / "uudet.jsonl", 20)
    update_index(corpus_dir, index_dir)
    lines = (corpus_dir / "uudet.jsonl").read_text(encoding="utf-8").splitlines()
    for number in (3, 5):
        lines[number] = json.dumps(json.loads(lines[number]) | {"body": "Uimahallin peruskorjaus alkaa."},
                                   ensure_ascii=False)
    (corpus_dir / "uudet.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    fail_analysis_of(monkeypatch, "uusi-3")
    report = update_index(corpus_dir, index_dir)
    assert (report.added, report.updated, report.unchanged, report.deleted, report.skipped) == (0, 1, 21, 0, 1)
    assert hits(index_dir, "body", "peruskorjaus") == {"uusi-5"}
    assert "Uimahallin" not in stored(index_dir)["uusi-3"]["body"]


@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=120)
       | st.lists(st.sampled_from(["kokeilu", "KKO 2005:32", "rikoslain 21 luvun 5 §", "EU-rahoitusta", "5G:n", "23.11.",
                                   "ａｂｃ", "ﬁ", "İ", "ß", "\u0301", "-", "§", " ", "\n", "x" * 70]), max_size=20).map(" ".join))
@settings(max_examples=300)
def test_any_text_is_analysed_without_an_error(body: str) -> None:
    """What a reader yields (text without control characters) can always be analysed."""
    fields = with_terms(to_document(Bulletin("x", PartialDate(2020, 1), body[:40] or "x", body or "x", "x.txt:1")))
    assert all(isinstance(term, str) for term in fields["exact"]) and isinstance(fields["lead"], bytes)


# --- an update told which files changed -----------------------------------------------------------

def corpus_of_two_files(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write(folder / "a.jsonl", "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in (
        {"id": "a1", "date": "2021-01", "title": "Uimahalli", "body": "Uimahallin peruskorjaus alkaa."},
        {"id": "a2", "date": "2021-02", "title": "Kirjasto", "body": "Kirjasto avataan keväällä."})))
    write(folder / "b.jsonl", json.dumps({"id": "b1", "date": "2021-03", "title": "Puisto",
                                          "body": "Puiston penkit uusitaan."}, ensure_ascii=False) + "\n")
    return folder


def test_an_update_of_changed_files_reads_only_them_and_ends_as_a_full_one(tmp_path: Path) -> None:
    corpus, index_dir = corpus_of_two_files(tmp_path / "corpus"), tmp_path / "index"
    update_index(corpus, index_dir)
    write(corpus / "a.jsonl", json.dumps({"id": "a1", "date": "2021-01", "title": "Uimahalli",
                                          "body": "Uimahallin peruskorjaus valmistuu."}, ensure_ascii=False) + "\n")
    write(corpus / "c.jsonl", json.dumps({"id": "c1", "date": "2021-04", "title": "Tori",
                                          "body": "Torin laidalle tulee kahvila."}, ensure_ascii=False) + "\n")
    (corpus / "b.jsonl").write_text("{broken\n", encoding="utf-8")  # changed too, but not said to be
    report = update_index(corpus, index_dir, files=["a.jsonl", "c.jsonl"])
    assert (report.added, report.updated, report.deleted, report.unchanged, report.skipped) == (1, 1, 1, 1, 0)
    assert set(stored(index_dir)) == {"a1", "b1", "c1"}  # b.jsonl was not read: b1 stays
    assert hits(index_dir, "body", "valmistua") == {"a1"}
    (corpus / "c.jsonl").unlink()
    report = update_index(corpus, index_dir, files=["c.jsonl"])
    assert (report.deleted, report.unchanged) == (1, 2) and set(stored(index_dir)) == {"a1", "b1"}


def test_a_bulletin_moved_to_another_file_makes_the_update_read_the_whole_corpus(tmp_path: Path) -> None:
    corpus, index_dir = corpus_of_two_files(tmp_path / "corpus"), tmp_path / "index"
    update_index(corpus, index_dir)
    moved = json.dumps({"id": "a2", "date": "2021-02", "title": "Kirjasto", "body": "Kirjasto avataan keväällä."},
                       ensure_ascii=False)
    write(corpus / "b.jsonl", (corpus / "b.jsonl").read_text(encoding="utf-8") + moved + "\n")
    write(corpus / "a.jsonl", (corpus / "a.jsonl").read_text(encoding="utf-8").splitlines()[0] + "\n")
    report = update_index(corpus, index_dir, files=["b.jsonl"])  # a.jsonl changed too: the full run sees it
    assert set(stored(index_dir)) == {"a1", "a2", "b1"} and report.bulletins == 3
    assert update_index(corpus, index_dir, files=["a.jsonl"]).deleted == 0  # a2 is b.jsonl's now
    assert set(stored(index_dir)) == {"a1", "a2", "b1"}
