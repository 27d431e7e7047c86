"""A killed indexing run (SIGKILL, a real process) leaves the old index searchable, and the next
run finishes the job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from whoosh.query import Term

from search.index.store import INDEX_NAME, open_index
from search.index.writer import update_index

from conftest import generate_bulletins

GENERATED = 4000  # enough for worker processes and a few seconds of work


def indexing_process(corpus_dir: Path, index_dir: Path) -> subprocess.Popen:
    code = "from search.cli import main; main()"
    return subprocess.Popen([sys.executable, "-c", code, "index", "--corpus", str(corpus_dir), "--index", str(index_dir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_until_writing(index_dir: Path, process: subprocess.Popen) -> None:
    """Wait until the run has started writing (its temporary folder exists), a little longer, then return."""
    deadline = time.monotonic() + 30
    while not (index_dir / f"{INDEX_NAME}.tmp").exists():
        assert process.poll() is None, "the indexing run ended before it could be killed"
        assert time.monotonic() < deadline, "the indexing run never started writing"
        time.sleep(0.02)
    time.sleep(0.5)


def test_run_killed_mid_way_leaves_old_index_and_next_run_completes(corpus_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    update_index(corpus_dir, index_dir)
    generate_bulletins(corpus_dir / "uudet.jsonl", GENERATED)

    process = indexing_process(corpus_dir, index_dir)
    wait_until_writing(index_dir, process)
    os.kill(process.pid, signal.SIGKILL)  # the main process only, as `kill -9 PID` does
    process.wait()

    with open_index(index_dir).searcher() as searcher:  # the old index, as it was
        assert searcher.doc_count() == 2
        assert {hit["id"] for hit in searcher.search(Term("body", "kokeilu"))} == {"000_d69fc6f4f0811f96"}

    report = update_index(corpus_dir, index_dir)  # not blocked by workers of the killed run
    assert (report.added, report.unchanged) == (GENERATED, 2)
    with open_index(index_dir).searcher() as searcher:
        assert searcher.doc_count() == GENERATED + 2
    assert not (index_dir / f"{INDEX_NAME}.tmp").exists()
