"""Crash safety: `kill -9` an indexing run at a random moment, again and again, and check what is left.

    .venv/bin/python benchmarks/faults.py [--kills 20] [--lines 1500] [--data kko|headlines] [--seed 1]

The first LINES bulletins of ../shared/data make the corpus: half of them are indexed first, the
rest are added a batch at a time. KILLS times, the corpus is changed (bulletins added, changed and
removed) or a rebuild is asked for, `bulletins index` starts, and its main process is killed with
SIGKILL at a random moment of the run (a run that ends first is not counted). After each kill:

- old index searchable: the index opens and answers a search, holding exactly the bulletins of the
  last completed run (or of the killed run, if it had committed just before the kill);
- orphaned workers: worker processes of the killed run still alive a second later;
- the next run (not killed) must not find the index locked, and must complete: exit 0, and the index
  holds exactly the corpus's bulletins, each in its current version. Bulletins lost: those missing
  from it, or there in an old version;
- files left behind: what the killed run left in the index folder (the baseline), and what is still
  there after the next run.

Not part of `make test`. Skips with a message when ../shared/data is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.corpus import CorpusReader  # noqa: E402
from search.index.store import leftovers, open_index  # noqa: E402
from search.index.writer import stored_hashes  # noqa: E402
from search.searcher import BulletinSearch, SearchRequest  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
SETS = {"kko": "kko.jsonl", "headlines": "headlines-100k.jsonl"}
QUERY = {"kko": "oikeus", "headlines": "kaupunki"}


@dataclass
class Tally:
    kills: int = 0
    rebuilds: int = 0
    finished_first: int = 0  # runs that ended before the kill came: not counted as kills
    searchable: int = 0
    saw_new: int = 0
    orphans: int = 0
    locked: int = 0
    complete: int = 0
    lost: int = 0
    left_files: list[int] = field(default_factory=list)
    left_mb: list[float] = field(default_factory=list)
    after_files: int = 0
    after_mb: float = 0.0


def index_command(corpus: Path, index: Path, *extra: str) -> list[str]:
    return [sys.executable, "-c", "from search.cli import main; main()", "index", "--corpus", str(corpus),
            "--index", str(index), *extra]


def run_index(command: list[str]) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def corpus_state(corpus: Path) -> dict[str, str]:
    """{id: content hash} of the corpus's bulletins: what a complete run must leave in the index."""
    return {bulletin.id: bulletin.content_hash for bulletin in CorpusReader(corpus)}


def index_state(index: Path) -> dict[str, str]:
    return stored_hashes(open_index(index))


def size_mb(paths: list[Path]) -> float:
    files = [sub for path in paths for sub in ([path] if path.is_file() else path.rglob("*")) if sub.is_file()]
    return sum(path.stat().st_size for path in files) / 2**20


def alive_with(command: list[str]) -> int:
    """How many processes run exactly `command` (a run's workers, forked from it, share its command line)."""
    command_line = b"".join(arg.encode() + b"\0" for arg in command)
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                count += Path(f"/proc/{entry}/cmdline").read_bytes() == command_line
            except OSError:
                pass
    return count


class Corpus:
    """The corpus folder, changed a little before each incremental run."""

    def __init__(self, folder: Path, lines: list[str], rng: random.Random) -> None:
        self.folder, self.rng = folder, rng
        half = len(lines) // 2
        self.kept, self.pool = lines[:half], lines[half:]  # bulletins in the corpus, and those to add later
        self.folder.mkdir()
        self.write()

    def write(self) -> None:
        (self.folder / "bulletins.jsonl").write_text("".join(self.kept), encoding="utf-8")

    def change(self) -> None:
        """Add new bulletins, change some and remove some: an incremental run then has work to do."""
        added = [self.pool.pop() for _ in range(min(len(self.pool), self.rng.randint(20, 250)))]
        for index in self.rng.sample(range(len(self.kept)), 10):
            record = json.loads(self.kept[index])
            record["body"] += f"\n\nLisäys {self.rng.randint(0, 10**6)}."
            self.kept[index] = json.dumps(record, ensure_ascii=False) + "\n"
        for index in sorted(self.rng.sample(range(len(self.kept)), 10), reverse=True):
            self.pool.insert(0, self.kept.pop(index))  # removed now, may come back later
        self.kept += added
        self.write()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20, help="kill -9 this many runs (default 20)")
    parser.add_argument("--lines", type=int, default=1500, help="bulletins of the data set to use (default 1500)")
    parser.add_argument("--data", choices=SETS, default="kko")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"skipped: {DATA} is absent (see ../shared/README.md)")
        return
    rng = random.Random(args.seed)
    with (DATA / SETS[args.data]).open(encoding="utf-8") as data:
        lines = [line for _, line in zip(range(args.lines), data)]
    with tempfile.TemporaryDirectory(prefix="bench-faults-") as scratch:
        corpus, index = Corpus(Path(scratch, "corpus"), lines, rng), Path(scratch, "index")
        started = time.perf_counter()
        first = run_index(index_command(corpus.folder, index))
        assert first.wait() == 0, first.stderr.read()
        durations = {"rebuild": time.perf_counter() - started}
        clean = sorted(index.iterdir())
        scale = f"{len(clean)} files, {size_mb(clean):.1f} MB"
        print(f"{len(corpus.kept):,} bulletins of {SETS[args.data]} indexed in {durations['rebuild']:.1f} s: {scale}")
        tally = Tally()
        while tally.kills < args.kills:
            kill_once(tally, corpus, index, durations, rng, QUERY[args.data])
        report(tally, args, scale)


def kill_once(tally: Tally, corpus: Corpus, index: Path, durations: dict[str, float], rng: random.Random,
              query: str) -> None:
    """One run killed at a random moment (or let finish, if it ends first), checked, and the next run."""
    before = index_state(index)
    rebuild = rng.random() < 0.4
    if not rebuild:
        corpus.change()
    kind = "rebuild" if rebuild else "update"
    expected = corpus_state(corpus.folder)
    command = index_command(corpus.folder, index, *(["--rebuild"] if rebuild else []))
    started = time.perf_counter()
    process = run_index(command)
    # anywhere in the run, from its start-up to its end, as long as the last run of its kind took
    deadline = started + rng.uniform(0.1, 1.1) * durations.get(kind, durations["rebuild"])
    while process.poll() is None and time.perf_counter() < deadline:
        time.sleep(0.01)
    if process.poll() is not None:  # it ended first: a complete run, not a kill
        durations[kind] = time.perf_counter() - started
        tally.finished_first += 1
        return
    os.kill(process.pid, signal.SIGKILL)
    killed_at = time.perf_counter() - started
    process.wait()
    tally.kills += 1
    tally.rebuilds += rebuild
    time.sleep(1.0)
    tally.orphans += alive_with(command)

    after_kill = index_state(index)
    hits = BulletinSearch(index).search(SearchRequest(query))
    if after_kill in (before, expected) and hits.total > 0:
        tally.searchable += 1
        tally.saw_new += after_kill == expected and after_kill != before
    left = leftovers(index)
    tally.left_files.append(len(left))
    tally.left_mb.append(size_mb(left))

    next_run = run_index(index_command(corpus.folder, index))
    _, errors = next_run.communicate()
    tally.locked += "another indexing run" in errors
    final = index_state(index)
    if next_run.returncode == 0 and final == expected:
        tally.complete += 1
    tally.lost += sum(1 for bulletin_id, content in expected.items() if final.get(bulletin_id) != content)
    remaining = leftovers(index)
    tally.after_files += len(remaining)
    tally.after_mb += size_mb(remaining)
    print(f"kill {tally.kills:2}: {kind:7} killed after {killed_at:5.1f} s; left {len(left):3} files "
          f"({tally.left_mb[-1]:6.1f} MB); the next run {'completed' if final == expected else 'FAILED'}, "
          f"left {len(remaining)}")


def report(tally: Tally, args: argparse.Namespace, scale: str) -> None:
    n = tally.kills
    print(f"\n{n} kill -9 of `bulletins index` over {args.lines:,} lines of {SETS[args.data]} "
          f"({tally.rebuilds} rebuilds, {n - tally.rebuilds} incremental runs; {tally.finished_first} runs ended "
          f"before their kill and were not counted)")
    rows = [
        ("kills", f"{n}"),
        ("old index searchable", f"{tally.searchable}/{n} (the old version {tally.searchable - tally.saw_new} "
                                 f"times, the new one {tally.saw_new}: killed just after its commit)"),
        ("orphaned workers", f"{tally.orphans}"),
        ("next run locked out", f"{tally.locked}"),
        ("next run complete", f"{tally.complete}/{n}"),
        ("bulletins lost", f"{tally.lost}"),
        ("files left behind by the kill", f"{sum(tally.left_files)} in all, up to {max(tally.left_files)} at once "
                                          f"({max(tally.left_mb):.1f} MB): the baseline, what the next run found"),
        ("files left behind after the next run", f"{tally.after_files} ({tally.after_mb:.1f} MB)"),
        ("a clean index, for scale", f"{scale} (after the first run)"),
    ]
    for label, value in rows:
        print(f"  {label:38} {value}")


if __name__ == "__main__":
    main()
