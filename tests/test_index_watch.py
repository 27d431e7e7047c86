"""Watch mode: the index follows the corpus folder without anyone running a command."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from search.corpus import max_bytes
from search.errors import BulletinsError, IndexMissingError
from search.index.store import open_index
from search.index.watch import CorpusWatcher
from search.index.writer import IndexReport

SEED_IDS = {"000_d69fc6f4f0811f96", "003_1869dba633d4af7d"}


def indexed_ids(index_dir: Path) -> set[str]:
    try:
        with open_index(index_dir).searcher() as searcher:
            return {fields["id"] for fields in searcher.all_stored_fields()}
    except IndexMissingError:
        return set()


def eventually(condition: Callable[[], bool], within: float = 10.0) -> bool:
    """Whether `condition` holds at some point within `within` seconds (a generous cap, not a timing test)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_watch_follows_new_changed_and_removed_bulletins(corpus_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    reports: list[IndexReport] = []
    errors: list[BulletinsError] = []
    with CorpusWatcher(corpus_dir, index_dir, on_update=reports.append, on_error=errors.append):
        assert eventually(lambda: indexed_ids(index_dir) == SEED_IDS)

        (corpus_dir / "uimahalli.txt").write_text("date 2025-03 Kaupunginvaltuusto hyväksyi uimahallin.", encoding="utf-8")
        assert eventually(lambda: "uimahalli" in indexed_ids(index_dir))

        (corpus_dir / "uimahalli.txt").write_text("date 2025-04 Uimahalli avataan huhtikuussa.", encoding="utf-8")
        assert eventually(lambda: any(report.updated == 1 for report in reports))

        (corpus_dir / "003_1869dba633d4af7d.txt").unlink()
        assert eventually(lambda: indexed_ids(index_dir) == {"000_d69fc6f4f0811f96", "uimahalli"})
    assert errors == []
    with open_index(index_dir).searcher() as searcher:
        assert searcher.document(id="uimahalli")["date_text"] == "2025-04"


def test_watch_reports_bad_bulletins_and_keeps_watching(corpus_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    reports: list[IndexReport] = []
    with CorpusWatcher(corpus_dir, index_dir, on_update=reports.append, on_error=lambda error: None):
        assert eventually(lambda: indexed_ids(index_dir) == SEED_IDS)
        (corpus_dir / "rikki.txt").write_bytes(b"date 2025-03 Kaupunginvaltuusto \xff")
        assert eventually(lambda: any(str(p).startswith("rikki.txt:1: invalid UTF-8") for r in reports for p in r.problems))
        (corpus_dir / "kirjasto.txt").write_text("date 2025-05 Kirjasto avautuu.", encoding="utf-8")
        assert eventually(lambda: "kirjasto" in indexed_ids(index_dir))


def test_watch_skips_hostile_files_and_indexes_the_next_good_one(corpus_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    reports: list[IndexReport] = []
    with CorpusWatcher(corpus_dir, index_dir, on_update=reports.append, on_error=lambda error: None,
                       limit=max_bytes(0.01)) as watcher:
        assert eventually(lambda: indexed_ids(index_dir) == SEED_IDS)
        (corpus_dir / "n.jsonl").write_text("[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")  # deeper than Python recurses
        os.mkfifo(corpus_dir / "putki.txt")
        (corpus_dir / "nolla.txt").symlink_to("/dev/zero")
        (corpus_dir / "iso.txt").write_text("date 2025-01 " + "Valtuusto päätti. " * 1000, encoding="utf-8")
        (corpus_dir / "kirjasto.txt").write_text("date 2025-05 Kirjasto avautuu.", encoding="utf-8")
        assert eventually(lambda: "kirjasto" in indexed_ids(index_dir))
        assert eventually(lambda: watcher.status.state == "watching")  # a late event may start one more update
    # each file is reported by the update that read it: the files may arrive in more than one
    reasons = {problem.source: problem.reason for report in reports for problem in report.problems}
    assert reasons["n.jsonl:1"] == "broken JSON (nested too deeply)"
    assert reasons["putki.txt:1"].startswith("not a regular file but a named pipe")
    assert reasons["nolla.txt:1"].startswith("not a regular file but a character device")
    assert reasons["iso.txt:1"].startswith("bulletin of 20 kB is larger than the limit")
    assert indexed_ids(index_dir) == SEED_IDS | {"kirjasto"}


def test_a_failed_update_is_reported_and_the_next_change_tries_again(corpus_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    index_dir.write_text("not a folder")  # the index cannot be written: every update fails
    errors: list[BulletinsError] = []
    with CorpusWatcher(corpus_dir, index_dir, on_update=lambda report: None, on_error=errors.append) as watcher:
        assert eventually(lambda: watcher.status.state == "failing")
        assert str(errors[0]).startswith(f"cannot write the index in {index_dir}: File exists")
        assert watcher.status.error == str(errors[0]) and watcher.status.updated is None
        index_dir.unlink()
        (corpus_dir / "kirjasto.txt").write_text("date 2025-05 Kirjasto avautuu.", encoding="utf-8")
        assert eventually(lambda: indexed_ids(index_dir) == SEED_IDS | {"kirjasto"})
        assert eventually(lambda: watcher.status.state == "watching")
        assert watcher.status.error == str(errors[0]) and watcher.status.updated is not None


def test_an_error_nobody_foresaw_does_not_stop_the_watching(corpus_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    errors: list[BulletinsError] = []
    with CorpusWatcher(corpus_dir, index_dir, on_update=lambda report: None, on_error=errors.append) as watcher:
        assert eventually(lambda: indexed_ids(index_dir) == SEED_IDS)
        for toc in index_dir.glob("_*.toc"):  # a damaged index: reading it raises Whoosh's own errors
            toc.write_bytes(toc.read_bytes()[:100])
        (corpus_dir / "uimahalli.txt").write_text("date 2025-03 Uimahalli avataan.", encoding="utf-8")
        assert eventually(lambda: watcher.status.state == "failing")
        assert re.fullmatch(rf"the update of {re.escape(str(index_dir))} failed \(\w+: .+ at \w+\.py:\d+\); the index "
                            r"is as it was, and the update is tried again on the next change", str(errors[-1])), str(errors[-1])
        shutil.rmtree(index_dir)  # what a person would do: start the index afresh
        (corpus_dir / "kirjasto.txt").write_text("date 2025-05 Kirjasto avautuu.", encoding="utf-8")
        assert eventually(lambda: indexed_ids(index_dir) == SEED_IDS | {"uimahalli", "kirjasto"})


def test_listeners_that_fail_do_not_stop_the_watching(corpus_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"

    def broken_pipe(news: object) -> None:
        raise BrokenPipeError(32, "Broken pipe")  # as printing to a closed pipe would

    with CorpusWatcher(corpus_dir, index_dir, on_update=broken_pipe, on_error=broken_pipe) as watcher:
        assert eventually(lambda: indexed_ids(index_dir) == SEED_IDS)
        (corpus_dir / "kirjasto.txt").write_text("date 2025-05 Kirjasto avautuu.", encoding="utf-8")
        assert eventually(lambda: "kirjasto" in indexed_ids(index_dir))
        assert eventually(lambda: watcher.status.state == "watching")  # a late event may start one more update
    assert watcher.status.state == "stopped"


def test_an_update_after_a_change_reads_only_the_files_that_changed(corpus_dir: Path, tmp_path: Path) -> None:
    (corpus_dir / "rikki.jsonl").write_text("{ei json\n", encoding="utf-8")
    index_dir = tmp_path / "index"
    reports: list[IndexReport] = []
    with CorpusWatcher(corpus_dir, index_dir, on_update=reports.append, on_error=lambda error: None):
        # the report comes a moment after the commit that readers see
        assert eventually(lambda: indexed_ids(index_dir) == SEED_IDS and len(reports) > 0)
        assert [problem.source for problem in reports[0].problems] == ["rikki.jsonl:1"]  # the first update reads all
        first = len(reports)
        (corpus_dir / "kirjasto.txt").write_text("date 2025-05 Kirjasto avautuu.", encoding="utf-8")
        assert eventually(lambda: "kirjasto" in indexed_ids(index_dir) and len(reports) > first)
        later = reports[first:]  # an editor's save may make two updates; neither reads rikki.jsonl
        assert all(report.problems == [] for report in later) and sum(report.added for report in later) == 1
        assert later[-1].bulletins == 3
        first = len(reports)
        (corpus_dir / "kirjasto.txt").unlink()
        assert eventually(lambda: indexed_ids(index_dir) == SEED_IDS and len(reports) > first)
        assert sum(report.deleted for report in reports[first:]) == 1 and reports[-1].bulletins == 2
