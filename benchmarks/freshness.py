"""Freshness: how soon a bulletin dropped into the corpus is searchable under `bulletins watch`, on
the index of the 100,000 headlines (../shared/data/headlines-100k.jsonl), against a plain
`bulletins index` run over the same corpus with nothing to do (the time any update must beat).

    .venv/bin/python benchmarks/freshness.py [--rounds 5]

The first run indexes the headlines into benchmarks/out/ (several minutes); later runs reuse it.
Each round writes a file with one new bulletin, waits until a search finds it, and removes it."""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.devset import DATA, OUT, ROOT  # noqa: E402
from search.index.writer import update_index  # noqa: E402
from search.searcher import BulletinSearch, SearchRequest  # noqa: E402

HEADLINES = DATA / "headlines-100k.jsonl"
TARGET_SECONDS = 2.0
BULLETINS = [sys.executable, "-c", "from search.cli import main; main()"]


def headlines_index() -> tuple[Path, Path]:
    """The corpus folder of the headlines and their index, brought up to date."""
    corpus = OUT / "headlines-corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    link = corpus / HEADLINES.name
    if not link.exists():
        link.symlink_to(HEADLINES)
    index_dir = OUT / "headlines-index"
    update_index(corpus, index_dir)
    return corpus, index_dir


def found(search: BulletinSearch, word: str) -> bool:
    return search.search(SearchRequest(word)).total > 0


def wait_until(condition, seconds: float = 60.0) -> float:
    """Seconds until `condition()` holds (polled every 20 ms); exit if it never does."""
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > seconds:
            sys.exit(f"not searchable after {seconds:.0f} s")
        time.sleep(0.02)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="bulletins to drop, one at a time")
    args = parser.parse_args()
    if not HEADLINES.is_file():
        print(f"skipped: {HEADLINES} is absent (see ../shared/README.md)")
        return
    corpus, index_dir = headlines_index()
    started = time.perf_counter()
    subprocess.run([*BULLETINS, "index", "--corpus", str(corpus), "--index", str(index_dir)], check=True,
                   capture_output=True, cwd=ROOT)
    noop = time.perf_counter() - started
    search = BulletinSearch(index_dir)
    watcher = subprocess.Popen([*BULLETINS, "watch", "--corpus", str(corpus), "--index", str(index_dir)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    delays = []
    try:
        watcher.stdout.readline()  # watching from now on
        watcher.stdout.readline()  # the summary of the catch-up update at start (about as long as a run with nothing to do)
        for round_ in range(args.rounds):
            word = f"tuoreusmittari{round_}x{int(time.time())}"
            dropped = corpus / f"fresh-{round_}.jsonl"
            record = {"id": f"fresh-{round_}", "date": "2026-12-02", "title": f"Uusi tiedote {word}",
                      "body": f"Kaupunginhallitus käsitteli asian {word} kokouksessaan."}
            dropped.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
            delays.append(wait_until(lambda: found(search, word)))
            dropped.unlink()
            wait_until(lambda: not found(search, word))
    finally:
        watcher.terminate()
        watcher.wait(timeout=10)
        for dropped in corpus.glob("fresh-*.jsonl"):
            dropped.unlink()
    print(f"headlines index: {search.search(SearchRequest('date:1900..2100')).total:,} bulletins")
    print(f"a run of `bulletins index` with nothing to do: {noop:.2f} s")
    print(f"a dropped bulletin searchable under `bulletins watch` after: "
          f"{', '.join(f'{delay:.2f}' for delay in delays)} s; median {statistics.median(delays):.2f} s, "
          f"most {max(delays):.2f} s (target ≤ {TARGET_SECONDS:.0f} s: "
          f"{'met' if max(delays) <= TARGET_SECONDS else 'NOT met'})")


if __name__ == "__main__":
    main()
