"""A killed indexing run (SIGKILL, a real process) leaves the old index searchable, and the next
run finishes the job."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from whoosh.query import Term

from search.index.store import INDEX_NAME, open_index
from search.index.writer import update_index

from conftest import SEEDS

GENERATED = 4000  # enough for worker processes and a few seconds of work


def generate_bulletins(path: Path, count: int) -> None:
    """Write `count` JSON Lines bulletins made of sentences of the seed bulletins."""
    text = " ".join(seed.read_text(encoding="utf-8").split(" ", 2)[2] for seed in sorted(SEEDS.glob("*.txt")))
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if len(s) > 20]
    rng = random.Random(3)
    with path.open("w", encoding="utf-8") as file:
        for number in range(count):
            record = {"id": f"uusi-{number}", "date": f"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}",
                      "title": rng.choice(sentences)[:80], "body": " ".join(rng.sample(sentences, 6))}
            file.write(json.dumps(record, ensure_ascii=False) + "\n")


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
