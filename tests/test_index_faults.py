"""Faults during an indexing run — killed with SIGKILL, or the disk filling up — leave the previous index
searchable; the next run finishes the job and removes what the failed run left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh.query import Term

from search.index.store import INDEX_NAME, leftovers, open_index
from search.index.writer import update_index

from conftest import file_size_limit, generate_bulletins

GENERATED = 4000  # enough for worker processes and a few seconds of work


def indexing_process(corpus_dir: Path, index_dir: Path, **options) -> subprocess.Popen:
    code = "from search.cli import main; main()"
    return subprocess.Popen([sys.executable, "-c", code, "index", "--corpus", str(corpus_dir), "--index", str(index_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options)


def wait_until_writing(index_dir: Path, process: subprocess.Popen) -> None:
    """Wait until the run has started writing (its temporary folder exists), a little longer, then return."""
    deadline = time.monotonic() + 30
    while not (index_dir / f"{INDEX_NAME}.tmp").exists():
        assert process.poll() is None, "the indexing run ended before it could be killed"
        assert time.monotonic() < deadline, "the indexing run never started writing"
        time.sleep(0.02)
    time.sleep(0.5)


def assert_old_index_searchable(index_dir: Path) -> None:
    with open_index(index_dir).searcher() as searcher:
        assert searcher.doc_count() == 2
        assert {hit["id"] for hit in searcher.search(Term("body", "kokeilu"))} == {"000_d69fc6f4f0811f96"}


def test_run_killed_mid_way_leaves_old_index_and_next_run_completes(corpus_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    update_index(corpus_dir, index_dir)
    generate_bulletins(corpus_dir / "uudet.jsonl", GENERATED)

    process = indexing_process(corpus_dir, index_dir)
    wait_until_writing(index_dir, process)
    os.kill(process.pid, signal.SIGKILL)  # the main process only, as `kill -9 PID` does
    process.communicate()

    assert_old_index_searchable(index_dir)
    report = update_index(corpus_dir, index_dir)  # not blocked by workers of the killed run
    assert (report.added, report.unchanged) == (GENERATED, 2)
    with open_index(index_dir).searcher() as searcher:
        assert searcher.doc_count() == GENERATED + 2
    assert leftovers(index_dir) == []
    assert not (index_dir / f"{INDEX_NAME}.tmp").exists()


def test_a_run_with_nothing_to_do_removes_what_a_killed_run_left(corpus_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    update_index(corpus_dir, index_dir)
    clean = sorted(path.name for path in index_dir.iterdir())
    generate_bulletins(corpus_dir / "uudet.jsonl", GENERATED)
    process = indexing_process(corpus_dir, index_dir)
    wait_until_writing(index_dir, process)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    left = leftovers(index_dir)
    assert index_dir / f"{INDEX_NAME}.tmp" in left

    (corpus_dir / "uudet.jsonl").unlink()
    report = update_index(corpus_dir, index_dir)
    assert (report.added, report.deleted, report.unchanged) == (0, 0, 2)
    assert sorted(path.name for path in index_dir.iterdir()) == clean
    assert_old_index_searchable(index_dir)


# Fewer new bulletins than PARALLEL_FROM are written by the run's own process, more by worker processes.
@pytest.mark.parametrize(("limit", "count"), [(64 * 1024, 100), (64 * 1024, 400), (256 * 1024, 400)])
def test_a_full_disk_fails_the_run_with_one_line_and_leaves_the_old_index(corpus_dir: Path, tmp_path: Path,
                                                                         limit: int, count: int) -> None:
    index_dir = tmp_path / "index"
    update_index(corpus_dir, index_dir)
    generate_bulletins(corpus_dir / "uudet.jsonl", count)

    process = indexing_process(corpus_dir, index_dir, preexec_fn=file_size_limit(limit))
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 1
    assert stderr == f"Error: cannot write the index in {index_dir}: File too large\n"
    assert_old_index_searchable(index_dir)

    report = update_index(corpus_dir, index_dir)
    assert (report.added, report.unchanged) == (count, 2)
    assert leftovers(index_dir) == []
